"""The web application: routes, the page templates and what every response carries.

Server-rendered pages (Jinja2, autoescaped) with one local stylesheet and no script: it
works offline and has nothing to build. Every response carries a Content-Security-Policy
that forbids scripts and anything from elsewhere; the middleware here also enforces the
token (when set), hands each browser its CSRF cookie and refuses oversized requests before
reading them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment
from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from screening.report.describe import signed
from screening.report.html import page_environment
from screening.workbench import security
from screening.workbench.service import Workbench

STATIC = Path(__file__).resolve().parent / "static"
#: Room for the form fields around an upload.
FORM_OVERHEAD = 256 * 1024


@cache
def _env() -> Environment:
    env = page_environment("screening.workbench")
    env.filters["signed"] = signed
    env.filters["humanise"] = lambda s: str(s).replace("_", " ").replace("-", " ")
    return env


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page of the workbench, with what every page shows (user, CSRF field, navigation)."""
    wb: Workbench = request.app.state.workbench
    html = (
        _env()
        .get_template(template)
        .render(
            csrf=security.csrf_token(request),
            csrf_field=security.CSRF_FIELD,
            user=wb.settings.user,
            path=request.url.path,
            **context,
        )
    )
    return HTMLResponse(html, status_code=status)


async def checked_form(request: Request) -> FormData:
    """The posted form, refused with 403 unless it carries this browser's CSRF token."""
    wb: Workbench = request.app.state.workbench
    form = await request.form(max_files=1, max_fields=50, max_part_size=wb.settings.max_upload)
    if not security.csrf_ok(request, form.get(security.CSRF_FIELD)):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")
    return form


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def static(request: Request) -> Response:
    target = security.inside(STATIC, request.path_params["name"])
    if target is None or not target.is_file():
        raise HTTPException(404, "no such file in the workbench's static folder")
    return FileResponse(target)


class Guard(BaseHTTPMiddleware):
    """Token, size limit, CSRF cookie and security headers, for every request."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        wb: Workbench = request.app.state.workbench
        token = wb.settings.token
        if refusal := security.rebinding_refusal(request.headers.get("host", ""), token):
            return _error(request, 421, refusal)
        if token and not security.token_ok(request, token):
            return _error(
                request,
                401,
                "this workbench needs its token: open the link "
                "`screening serve` printed, or send Authorization: Bearer TOKEN",
            )
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > wb.settings.max_upload + FORM_OVERHEAD:
            return _error(
                request,
                413,
                f"request of {int(length):,} bytes; uploads are "
                f"limited to {wb.settings.max_upload:,} bytes",
            )
        if request.method == "POST" and not _same_origin(request):
            return _error(request, 403, "form posted from another site")
        fresh = None
        if not request.cookies.get(security.CSRF_COOKIE):
            fresh = security.new_secret()
            request.scope["csrf_token"] = fresh
        response = await call_next(request)
        if fresh:
            response.set_cookie(
                security.CSRF_COOKIE, fresh, httponly=True, samesite="strict", path="/"
            )
        if token and request.query_params.get("token"):
            response.set_cookie(
                security.TOKEN_COOKIE, token, httponly=True, samesite="strict", path="/"
            )
        response.headers.setdefault("Content-Security-Policy", security.PAGE_CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"  # no-referrer makes Origin null
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Cache-Control"] = "no-store"
        return response


def _same_origin(request: Request) -> bool:
    """A browser names the page a form came from; another site's page is refused."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1] == host


def _error(request: Request, status: int, message: str) -> HTMLResponse:
    html = _env().get_template("error.html.j2").render(status=status, message=message)
    return HTMLResponse(html, status_code=status)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _error(request, exc.status_code, str(exc.detail))


Handler = Callable[[Request], Awaitable[Response]]


def create_app(workbench: Workbench) -> Starlette:
    from screening.workbench import pages_cases, pages_portfolio, pages_rules

    routes = [
        *pages_cases.routes,
        *pages_rules.routes,
        *pages_portfolio.routes,
        Route("/static/{name:path}", static),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Guard)],
        exception_handlers={HTTPException: _http_error},
    )
    app.state.workbench = workbench
    return app
