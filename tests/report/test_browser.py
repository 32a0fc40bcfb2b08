"""The dossier in a real browser: headless Chromium runs no script from case text, and the
page renders (on screen and printed on A4).

Chromium is driven with subprocess only. Every hostile payload in tests/report/hostile.yaml
would, if it ran, set the title to PWNED or add a <pwned-marker> element; a control page
proves the harness would see that.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from screening.loading.rulepack import RulePack
from screening.report.html import render_batch_report, render_dossier
from tests.report.htmlcheck import Screened, assert_inert, parse


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name):
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium not installed: the browser tests need the `chromium` binary "
    "(Debian: apt-get install chromium)",
)
#: No network, no first-run work, no GPU: the page is all there is.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
]
TIMEOUT_S = 90
PWNED = "PWNED"


def _run(tmp_path: Path, *args: str) -> str:
    profile = tmp_path / "profile"
    cmd = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    assert done.returncode == 0, f"chromium failed ({done.returncode}): {done.stderr[-2000:]}"
    return done.stdout


def dump_dom(tmp_path: Path, page: Path) -> str:
    """The DOM after the page has had 3 s of (virtual) time to run anything it would run."""
    return _run(tmp_path, "--virtual-time-budget=3000", "--dump-dom", page.as_uri())


def screenshot(tmp_path: Path, page: Path, name: str) -> Path:
    png = tmp_path / name
    _run(tmp_path, f"--screenshot={png}", "--window-size=1200,2000", page.as_uri())
    return png


@pytest.fixture(scope="module")
def written(
    screened: dict[str, Screened], real_pack: RulePack, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """The hostile dossier, a real one, and a batch report linking to both, on disk."""
    folder = tmp_path_factory.mktemp("reports")
    out = {}
    for name in ("hostile", "haifa-bay-port-sipg-concession"):
        s = screened[name]
        out[name] = folder / f"{s.result.case_id}.html"
        out[name].write_text(render_dossier(s.result, s.case, real_pack), encoding="utf-8")
    results = [screened[n].result for n in ("hostile", "haifa-bay-port-sipg-concession")]
    links = {r.case_id: f"{r.case_id}.html" for r in results}
    out["batch"] = folder / "batch.html"
    errors = ["x.yaml:1:1: error: <img src=x onerror=\"document.title='PWNED'\">"]
    out["batch"].write_text(render_batch_report(results, errors, links), encoding="utf-8")
    return out


def test_harness_detects_a_script_that_runs(tmp_path: Path) -> None:
    """Control: without our escaping and CSP, the payload does run and is seen."""
    page = tmp_path / "control.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>control</title></head><body>"
        "<script>document.title='PWNED';"
        "document.body.appendChild(document.createElement('pwned-marker'))</script>"
        "</body></html>",
        encoding="utf-8",
    )
    dom = dump_dom(tmp_path, page)
    assert parse(dom).title == PWNED and parse(dom).find("pwned-marker")


@pytest.mark.parametrize("name", ["hostile", "haifa-bay-port-sipg-concession", "batch"])
def test_no_script_from_case_text_runs(name: str, written: dict[str, Path], tmp_path: Path) -> None:
    dom = parse(dump_dom(tmp_path, written[name]))
    assert dom.title != PWNED and dom.title.startswith("Screening ")
    assert not dom.find("pwned-marker")
    assert_inert(dom)


@pytest.mark.parametrize("name", ["hostile", "haifa-bay-port-sipg-concession"])
def test_dossier_renders_its_parts(name: str, written: dict[str, Path], tmp_path: Path) -> None:
    dom = parse(dump_dom(tmp_path, written[name]))
    for part in ("score-scale", "breakdown-chart", "site-map-1", "provenance"):
        assert dom.find(id_=part), part
    assert dom.find("mark") and dom.find("svg", cls="ownership-graph")
    assert dom.find("article", cls="finding")
    png = screenshot(tmp_path, written[name], "dossier.png")
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 50_000


def test_dossier_prints_on_a4(written: dict[str, Path], tmp_path: Path) -> None:
    pdf = tmp_path / "dossier.pdf"
    _run(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", written["hostile"].as_uri())
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes())
    assert len(boxes) > 1  # several pages
    for width, height in boxes:  # A4 is 595 x 842 pt
        assert abs(float(width) - 595) < 2 and abs(float(height) - 842) < 2
