"""End to end: a real `screening serve` on 127.0.0.1 driven by headless Chromium.

Playwright runs the system Chromium (`executable_path`, the flags of the dossier's browser
tests); no browser is ever downloaded. The server is a subprocess on a free port, over its
own results database and a copy of the rules in a git repository of its own.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.report.test_browser import CHROMIUM, FLAGS
from tests.workbench.conftest import copy_pack

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium not installed: the workbench's browser tests need the `chromium` binary "
    "(Debian: apt-get install chromium; `make browser` installs it)",
)

CASES = Path(__file__).resolve().parents[2] / "cases"
HAIFA = CASES / "haifa-bay-port-sipg-concession.yaml"
ASHDOD = CASES / "ashdod-bri-framework-ndrc-icc-2018.yaml"
HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile-case.yaml"
RULE = "belt-and-road/bri-framing.yaml"
SCREENING = str(Path(sys.executable).with_name("screening"))
START_S = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@t", *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("served")
    rules = copy_pack(folder / "repo")
    _git(folder / "repo", "init", "-q")
    _git(folder / "repo", "add", "rules")
    _git(folder / "repo", "commit", "-qm", "rules")
    port = _free_port()
    env = {**os.environ, "SCREENING_CACHE": str(folder / "cache")}
    log = (folder / "server.log").open("w")
    args = ["serve", "--db", str(folder / "r.sqlite"), "--rules", str(rules)]
    proc = subprocess.Popen(
        [SCREENING, *args, "--port", str(port), "--user", "e2e.reviewer"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=folder,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_S
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=5).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"the server did not start: {(folder / 'server.log').read_text()}")
            time.sleep(0.3)
    yield base
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


def _upload(page: Page, server: str, case: Path) -> str:
    """Screen a case through the form; the case page's URL."""
    page.goto(server + "/screen")
    page.set_input_files("#file", str(case))
    page.click("#upload button[type=submit]")
    page.wait_for_url(re.compile(r".*/cases/\d+$"))
    return page.url


def test_upload_screen_decide_and_audit(page: Page, server: str) -> None:
    p = page
    url = _upload(p, server, HAIFA)
    assert "Haifa Bay Port" in p.inner_text("#case-title")
    p.click("#finding-near-military-site form.confirm button")
    waive = "#finding-confidentiality-undertaking form.waive"
    p.fill(f"{waive} input[name=justification]", "clause is standard for tenders")
    p.fill(f"{waive} input[name=expires]", "2099-12-31")
    p.click(f"{waive} button")
    p.select_option("#decision-form select[name=decision]", "referred")
    p.fill("#decision-form textarea[name=reason]", "naval base next to the terminal")
    p.click("#decision-form button")
    assert p.url.startswith(url)
    assert "referred" in p.inner_text("#current-decision")
    assert "1 finding waived" in p.inner_text("#after-waivers")
    state = p.get_attribute("#finding-near-military-site .state", "data-state")
    assert state == "confirmed"
    p.goto(server + "/audit")
    rows = p.locator("tr.entry")
    assert rows.count() == 3
    texts = [rows.nth(i).inner_text() for i in range(3)]
    assert all("e2e.reviewer" in t for t in texts)
    assert "decide" in texts[0] and "naval base next to the terminal" in texts[0]
    assert "waive" in texts[1] and "clause is standard for tenders" in texts[1]
    assert "confirm" in texts[2] and "near-military-site" in texts[2]


def test_rule_edit_error_fix_impact_save(page: Page, server: str) -> None:
    p = page
    _upload(p, server, ASHDOD)  # a stored case the edit moves
    p.goto(server + "/rules")
    p.click(f"#rules a:text-is('{RULE}')")
    original = p.input_value("#text")
    p.fill("#text", original.replace("weight: 20", "wieght: 20"))
    p.click("#check-button")
    problems = p.inner_text("#problems")
    assert f"{RULE}:11:1: error: wieght: unknown key 'wieght'" in problems
    assert p.is_visible("#error-line-11")
    p.fill("#text", original.replace("weight: 20", "weight: 60"))
    p.click("#check-button")
    assert "No errors" in p.inner_text("#check-ok")
    assert "changed" in p.inner_text("#impact-summary")
    assert "ashdod-bri-framework-ndrc-icc-2018" in p.inner_text("#impact")
    p.click("#save-button")
    assert "committed as" in p.inner_text("#saved")
    assert "weight: 60" in p.input_value("#text")


def test_harness_sees_a_script_that_runs(page: Page) -> None:
    """Control: a script that is allowed to run is seen by the checks below."""
    page.set_content(
        "<title>control</title><body><script>document.title='PWNED';"
        "document.body.appendChild(document.createElement('pwned-marker'))</script></body>"
    )
    assert page.title() == "PWNED"
    assert page.locator("pwned-marker").count() == 1


def test_script_in_a_case_field_does_not_run(page: Page, server: str) -> None:
    p = page
    url = _upload(p, server, HOSTILE)
    for target in (url, server + "/", url + "/dossier"):
        p.goto(target)
        p.wait_for_timeout(500)
        assert p.title() != "PWNED", target
        assert p.locator("pwned-marker").count() == 0, target
    p.goto(url)
    assert "<script>" in p.inner_text("#case-title")  # shown as text


def test_a_post_without_the_csrf_token_is_refused(page: Page, server: str) -> None:
    p = page
    url = _upload(p, server, HAIFA)
    refused = p.request.post(url + "/decision", form={"decision": "cleared", "reason": "forged"})
    assert refused.status == 403
    assert "CSRF" in refused.text()
    p.goto(url)
    assert "forged" not in p.inner_text("#decision")


def test_a_path_outside_the_folder_is_refused(page: Page, server: str) -> None:
    p = page
    for path in ("/rules/edit?file=../../../../etc/passwd", "/static/..%2F..%2Fservice.py"):
        response = p.goto(server + path)
        assert response.status == 404, path
        assert "root:" not in p.content() and "import" not in p.inner_text("body")


def test_a_non_local_bind_without_a_token_does_not_start(tmp_path: Path) -> None:
    port = _free_port()
    done = subprocess.run(
        [SCREENING, "serve", "--host", "0.0.0.0", "--port", str(port), "--db", "r.sqlite"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "SCREENING_TOKEN"},
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "needs --token" in done.stderr
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0  # nothing listens
    assert not (tmp_path / "r.sqlite").exists()


def test_the_portfolio_page_draws_its_pictures(page: Page, server: str) -> None:
    _upload(page, server, CASES / "shanghai-haifa-twinning.yaml")
    page.goto(server + "/portfolio")
    assert "cases" in page.inner_text("#portfolio-summary")
    for picture in ("#portfolio-graph", "#portfolio-map"):
        page.wait_for_function(f"document.querySelector('{picture}').complete")
        width = page.eval_on_selector(picture, "img => img.naturalWidth")
        assert width > 100, picture  # the SVG loaded and was drawn
