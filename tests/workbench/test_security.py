"""What keeps the workbench to its reviewer: CSRF, the token, escaping, confined paths."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from starlette.testclient import TestClient

from screening.workbench import security, store
from screening.workbench.app import create_app
from screening.workbench.service import Workbench

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HAIFA = Path(__file__).resolve().parents[2] / "cases" / "haifa-bay-port-sipg-concession.yaml"
Csrf = Callable[..., str]
Upload = Callable[..., int]


def test_a_post_without_the_csrf_token_is_refused(
    client: TestClient, workbench: Workbench, csrf: Csrf, upload: Upload
) -> None:
    row = upload(HAIFA)
    url = f"/cases/{row}/decision"
    data = {"decision": "cleared", "reason": "no concern"}
    assert client.post(url, data=data).status_code == 403
    assert client.post(url, data={**data, "csrf": "forged"}).status_code == 403
    response = client.post(
        "/screen", files={"file": (HAIFA.name, HAIFA.read_bytes())}, data={"csrf": ""}
    )
    assert response.status_code == 403
    assert "CSRF" in response.text
    assert store.history(workbench.db) == []
    ok = client.post(url, data={**data, "csrf": csrf()}, follow_redirects=False)
    assert ok.status_code == 303


def test_a_post_from_another_site_is_refused(client: TestClient, csrf: Csrf) -> None:
    response = client.post(
        "/screen",
        data={"csrf": csrf()},
        headers={"Origin": "http://evil.example"},
        files={"file": ("a.yaml", b"id: x")},
    )
    assert response.status_code == 403
    assert "another site" in response.text


def test_the_csrf_cookie_is_strict_and_hidden_from_scripts(workbench: Workbench) -> None:
    with TestClient(create_app(workbench), base_url="http://127.0.0.1") as fresh:
        cookie = fresh.get("/").headers["set-cookie"]
    assert cookie.startswith(f"{security.CSRF_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_every_page_forbids_scripts(client: TestClient) -> None:
    for url in ("/", "/screen", "/rules", "/audit", "/no-such-page"):
        policy = client.get(url).headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy, url
        assert "frame-ancestors 'self'" in policy


def test_case_text_is_escaped_everywhere(client: TestClient, csrf: Csrf, upload: Upload) -> None:
    row = upload(FIXTURES / "hostile-case.yaml")
    pages = [client.get(u).text for u in ("/", f"/cases/{row}", f"/cases/{row}/dossier")]
    for html in pages:
        assert "<script>document" not in html
        assert "<img src=x" not in html and "<b onmouseover" not in html
        assert "</textarea><script>" not in html
    assert "Harbour MOU &lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;" in pages[0]
    # a decision's reason is case text too
    client.post(
        f"/cases/{row}/decision",
        data={"csrf": csrf(), "decision": "referred", "reason": "<script>alert(1)</script>"},
    )
    audit = client.get("/audit").text
    assert "<script>alert(1)</script>" not in audit and "&lt;script&gt;alert(1)" in audit


def test_file_endpoints_refuse_paths_outside_their_folders(
    client: TestClient, workbench: Workbench
) -> None:
    outside = workbench.settings.rules.parent / "secret.yaml"
    outside.write_text("secret: true\n", encoding="utf-8")
    for name in (
        "../secret.yaml",
        str(outside),
        "../../../../etc/passwd",
        "scoring.yaml",  # inside the folder, but not a rule file
        "registries/../../secret.yaml",
    ):
        response = client.get("/rules/edit", params={"file": name})
        assert response.status_code == 404, name
        assert "secret: true" not in response.text
    post = client.post(
        "/rules/edit",
        data={"csrf": _token(client), "file": "../secret.yaml", "text": "x", "action": "save"},
    )
    assert post.status_code == 404
    assert outside.read_text(encoding="utf-8") == "secret: true\n"
    for url in ("/static/..%2f..%2fservice.py", "/static/%2e%2e/app.py", "/static/nope.css"):
        assert client.get(url).status_code == 404, url
    assert client.get("/static/workbench.css").status_code == 200


def _token(client: TestClient) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/screen").text)
    assert found is not None
    return found.group(1)


def test_inside_keeps_names_in_their_folder(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "f.yaml").write_text("x", encoding="utf-8")
    (tmp_path / "a" / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    assert security.inside(tmp_path / "a", "f.yaml") == (tmp_path / "a" / "f.yaml").resolve()
    for name in ("../outside.yaml", "/etc/passwd", "link.yaml", "", ".", "a\x00b"):
        assert security.inside(tmp_path / "a", name) is None, name


def test_with_a_token_every_request_must_carry_it(tmp_path: Path, workbench: Workbench) -> None:
    from dataclasses import replace

    workbench.settings = replace(workbench.settings, token="s3cret-token")
    with TestClient(create_app(workbench), base_url="http://127.0.0.1") as c:
        assert c.get("/").status_code == 401
        assert c.get("/", params={"token": "wrong"}).status_code == 401
        assert c.get("/", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
        first = c.get("/", params={"token": "s3cret-token"})
        assert first.status_code == 200  # and sets the cookie for what follows
        assert c.get("/audit").status_code == 200


def test_binding_elsewhere_needs_a_token() -> None:
    for host in ("127.0.0.1", "localhost", "::1"):
        assert security.bind_refusal(host, None) is None
    assert security.bind_refusal("0.0.0.0", "t") is None
    refusal = security.bind_refusal("0.0.0.0", None)
    assert refusal is not None and "needs --token" in refusal


def test_without_a_token_only_requests_to_the_loopback_name_are_answered(
    client: TestClient, workbench: Workbench, csrf: Csrf, upload: Upload
) -> None:
    """DNS rebinding: a page at evil.example pointed at 127.0.0.1 sends `Host: evil.example`."""
    row = upload(HAIFA)
    for host in ("127.0.0.1:8765", "localhost:8765", "[::1]:8765", "localhost"):
        assert client.get("/", headers={"Host": host}).status_code == 200, host
    rebound = {"Host": "evil.example:8765"}
    page = client.get("/", headers=rebound)
    assert page.status_code == 421 and "loopback" in page.text
    posted = client.post(
        f"/cases/{row}/decision",
        data={"decision": "cleared", "reason": "x", "csrf": csrf()},
        headers={**rebound, "Origin": "http://evil.example:8765"},
    )
    assert posted.status_code == 421 and store.history(workbench.db) == []
    assert security.host_name("[::1]:80") == "::1" and security.host_name("a.b:1") == "a.b"


def test_with_a_token_any_host_name_may_be_used(workbench: Workbench) -> None:
    from dataclasses import replace

    workbench.settings = replace(workbench.settings, token="s3cret-token")
    with TestClient(create_app(workbench), base_url="http://reviews.example") as c:
        assert c.get("/", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
