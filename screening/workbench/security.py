"""What keeps a local web app from being used by someone else's page or network.

- **Bind**: 127.0.0.1 by default; any other address needs a token, else `serve` refuses.
- **Token**: when set, every request carries it (the `?token=` link sets a cookie once).
- **Host**: without a token, a request must name the loopback host (127.0.0.1, localhost,
  ::1), so another site cannot reach the workbench by pointing its own name at 127.0.0.1.
- **CSRF**: each browser gets a random cookie (SameSite=Strict, HttpOnly); every form posts
  it back in a hidden field, and a POST without the matching field is refused with 403. A
  cross-site page can neither read the cookie nor make the browser send it.
- **Paths**: a file endpoint resolves the name inside its folder and refuses anything that
  lands outside it (`..`, absolute paths, symbolic links out).
"""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path

from starlette.requests import Request

CSRF_COOKIE = "wb_csrf"
CSRF_FIELD = "csrf"
TOKEN_COOKIE = "wb_token"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

#: Headers on every page: no script at all, nothing from elsewhere, not framed by others.
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'self'"
)
#: The dossier is a self-contained page with inline CSS and SVG; it runs nothing either.
DOSSIER_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
    "base-uri 'none'; frame-ancestors 'self'"
)


def is_local(host: str) -> bool:
    return host in LOCAL_HOSTS


def host_name(host_header: str) -> str:
    """The name in a Host header, without its port: `[::1]:8765` -> `::1`."""
    if host_header.startswith("["):
        return host_header[1:].split("]", 1)[0]
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


def rebinding_refusal(host_header: str, token: str | None) -> str | None:
    """Why a tokenless workbench must not answer a request addressed to another host name.

    A page elsewhere can point its own host name at 127.0.0.1 (DNS rebinding) and then read
    and post the workbench's forms as its own origin; only the token, or a Host that names
    this machine, tells the two apart."""
    if token or is_local(host_name(host_header)):
        return None
    return (
        f"request addressed to host '{host_header}', not to this machine's loopback name; "
        "open http://127.0.0.1:PORT/ (or serve with --token)"
    )


def bind_refusal(host: str, token: str | None) -> str | None:
    """Why `serve` must not start on `host`, or None."""
    if is_local(host) or token:
        return None
    return (
        f"binding to {host} needs --token: anyone who can reach that address could act "
        "as the reviewer (or bind to 127.0.0.1)"
    )


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def csrf_token(request: Request) -> str:
    """The browser's CSRF token (set by the middleware when the request came without one)."""
    token = request.scope.get("csrf_token") or request.cookies.get(CSRF_COOKIE, "")
    return str(token)


def csrf_ok(request: Request, submitted: object) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    return (
        bool(cookie)
        and isinstance(submitted, str)
        and hmac.compare_digest(cookie.encode(), submitted.encode())
    )


def token_ok(request: Request, token: str) -> bool:
    """The token from the cookie, an `Authorization: Bearer` header or the `token` query."""
    offered = [
        request.cookies.get(TOKEN_COOKIE, ""),
        request.query_params.get("token", ""),
    ]
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        offered.append(header[7:].strip())
    return any(o and hmac.compare_digest(o.encode(), token.encode()) for o in offered)


def inside(folder: Path, name: str) -> Path | None:
    """`folder/name` when it stays inside `folder` once resolved, else None."""
    if not name or "\x00" in name:
        return None
    root = folder.resolve()
    try:
        target = (root / name).resolve()
    except (OSError, ValueError):
        return None
    if target == root or root not in target.parents:
        return None
    return target
