"""The portfolio page renders `screening.portfolio` for the stored cases, filtered."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from starlette.testclient import TestClient

CASES = Path(__file__).resolve().parents[2] / "cases"
HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile-case.yaml"
Upload = Callable[..., int]


def _summary(client: TestClient, query: str = "") -> str:
    found = re.search(
        r'<p id="portfolio-summary">(.*?)·', client.get("/portfolio" + query).text, re.S
    )
    assert found is not None
    return " ".join(found.group(1).split())


def test_the_portfolio_shows_the_stored_cases_ties(client: TestClient, upload: Upload) -> None:
    upload(CASES / "shanghai-haifa-twinning.yaml")
    upload(CASES / "ashdod-wuhan-twinning.yaml")
    assert _summary(client).startswith("2 cases, 2 local authorities")
    page = client.get("/portfolio").text
    assert 'id="ties"' in page
    assert "shanghai-haifa-twinning</code>: " in page and "ashdod-wuhan-twinning</code>: " in page
    assert _summary(client, "?municipality=Haifa").startswith("1 cases, 1 local authorities")
    assert _summary(client, "?since=2100").startswith("0 cases")
    ignored = client.get("/portfolio?since=soon").text
    assert "since: got &#39;soon&#39;; expected YYYY, YYYY-MM or YYYY-MM-DD (ignored)" in ignored
    for picture in ("graph", "map"):
        image = client.get(f"/portfolio/{picture}.svg?municipality=Haifa")
        assert image.headers["content-type"] == "image/svg+xml"
        assert image.text.startswith("<svg") and "<script" not in image.text
        assert "default-src 'none'" in image.headers["content-security-policy"]
    data = client.get("/portfolio.json").json()
    assert {n["id"] for n in data["nodes"] if n["kind"] == "case"} == {
        "case:shanghai-haifa-twinning",
        "case:ashdod-wuhan-twinning",
    }


def test_case_text_in_the_portfolio_is_escaped(client: TestClient, upload: Upload) -> None:
    upload(HOSTILE)
    page = client.get("/portfolio").text
    assert "<b onmouseover" not in page and "&lt;b onmouseover=" in page
    graph = client.get("/portfolio/graph.svg").text
    assert "<b onmouseover" not in graph and "<script>" not in graph
