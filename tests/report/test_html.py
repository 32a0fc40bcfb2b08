"""HTML dossier and batch report: content, structure, and that case text stays inert text."""

from __future__ import annotations

from typing import NamedTuple, TypeVar

import pytest

from screening.loading.rulepack import RulePack
from screening.models.evidence import (
    OwnershipEvidence,
    PathStep,
    ProximityEvidence,
    TextEvidence,
)
from screening.models.result import Result
from screening.report.describe import timestamp
from screening.report.html import (
    breakdown,
    highlight,
    nice_length,
    ownership_graph,
    render_batch_report,
    render_dossier,
    safe_href,
    score_scale,
    wrap,
)
from screening.signals.proximity import Gazetteer
from tests.report.htmlcheck import REAL_CASES, Page, Screened, assert_inert, parse

E = TypeVar("E")
NAMES = [p.stem for p in REAL_CASES] + ["hostile"]

#: Markup the hostile case carries; each must reach the reader as text, never as markup.
HOSTILE_TEXT = [
    "<script>document.title='PWNED'</script>",
    "<img src=x onerror=\"document.title='PWNED'\">",
    "</textarea><svg onload=\"document.title='PWNED'\">",
    "\"><script>document.title='PWNED'</script>",
    "</style><script>document.title='PWNED'</script>",
    "<iframe src=\"javascript:document.title='PWNED'\"></iframe>",
    'Evil & Sons "Harbour"',
    "{{ 7*7 }}",
    "javascript:document.title='PWNED'",
]
#: None of this may appear unescaped in the page source.
RAW_FORBIDDEN = ["<script", "<img", "<iframe", "</textarea", 'onerror="', 'onload="', "<b "]


@pytest.fixture(scope="module")
def pages(screened: dict[str, Screened], real_pack: RulePack) -> dict[str, tuple[str, Page]]:
    """Each dossier once: its source and its parsed page."""
    out = {}
    for name, s in screened.items():
        html = render_dossier(s.result, s.case, real_pack)
        out[name] = (html, parse(html))
    return out


def _evidence(result: Result, kind: type[E]) -> list[E]:
    return [ev for f in result.findings for ev in f.evidence if isinstance(ev, kind)]


@pytest.mark.parametrize("name", NAMES)
def test_dossier_is_self_contained_and_inert(name: str, pages: dict[str, tuple[str, Page]]) -> None:
    html, page = pages[name]
    assert_inert(page)
    assert not page.find("script")
    assert "<script" not in html.lower()
    assert "@page { size: A4; margin: 15mm; }" in html and "@media print" in html


@pytest.mark.parametrize("name", NAMES)
def test_dossier_shows_score_band_and_thresholds(
    name: str, pages: dict[str, tuple[str, Page]], screened: dict[str, Screened]
) -> None:
    result = screened[name].result
    _, page = pages[name]
    assert page.one("span", cls="score-number").attrs["data-score"] == f"{result.score:.1f}"
    assert page.one("span", cls="band").attrs["data-band"] == result.band
    regions = page.one("svg", id_="score-scale").find("rect")
    assert [r.attrs["class"] for r in regions] == [f"band-{b}" for b in BANDS_ORDER]
    b = result.bands
    assert f"medium ≥ {b.medium:g}, high ≥ {b.high:g}, critical ≥ {b.critical:g}" in page.text


BANDS_ORDER = ("low", "medium", "high", "critical")


@pytest.mark.parametrize("name", NAMES)
def test_dossier_has_every_finding_with_its_evidence(
    name: str, pages: dict[str, tuple[str, Page]], screened: dict[str, Screened]
) -> None:
    result = screened[name].result
    _, page = pages[name]
    articles = page.find("article", cls="finding")
    assert [a.attrs["data-rule"] for a in articles] == [f.rule_id for f in result.findings]
    for article, finding in zip(articles, result.findings, strict=True):
        text = " ".join(article.text.split())
        for r in finding.routes:
            assert r.body in text
    rows = page.find("g", cls="row")
    assert len(rows) == len(result.findings) + 1  # one bar per finding, and the score
    assert len(page.find("g", cls="row-uncounted")) == sum(not f.counted for f in result.findings)
    if not result.findings:
        assert "No rule fired on this case." in page.text


@pytest.mark.parametrize("name", NAMES)
def test_text_evidence_is_marked_in_its_sentence(
    name: str, pages: dict[str, tuple[str, Page]], screened: dict[str, Screened]
) -> None:
    texts = _evidence(screened[name].result, TextEvidence)
    _, page = pages[name]
    marks = [m.text for m in page.find("mark")]
    assert len(marks) == len(texts)
    assert sorted(marks) == sorted(ev.matched for ev in texts)


@pytest.mark.parametrize("name", NAMES)
def test_ownership_evidence_is_drawn(
    name: str, pages: dict[str, tuple[str, Page]], screened: dict[str, Screened]
) -> None:
    owners = _evidence(screened[name].result, OwnershipEvidence)
    _, page = pages[name]
    graphs = page.find("svg", cls="ownership-graph")
    assert len(graphs) == len(owners)
    for graph, ev in zip(graphs, owners, strict=True):
        steps = {step.name for path in ev.paths for step in path}
        assert len(graph.find("rect", cls="node")) == len(steps | {ev.party_name})
        assert len(graph.find("line", cls="edge")) == len(graph.find("polygon", cls="arrow"))


@pytest.mark.parametrize("name", NAMES)
def test_map_is_drawn_when_a_site_is_placed(
    name: str,
    pages: dict[str, tuple[str, Page]],
    screened: dict[str, Screened],
    real_pack: RulePack,
) -> None:
    case = screened[name].case
    _, page = pages[name]
    gazetteer = Gazetteer(real_pack.places)
    placed = [gazetteer.place(s) for s in case.sites]
    maps = [e for e in page.find("svg") if e.attrs.get("id", "").startswith("site-map-")]
    assert bool(maps) == any(p.location is not None for p in placed)
    for p in placed:
        if p.location is None and p.note:
            assert p.note in page.text
    for ev in _evidence(screened[name].result, ProximityEvidence):
        if ev.basis == "declared":
            assert f"{ev.facility} at {ev.distance_km:g} km is declared by the filer" in page.text
    if maps:
        assert page.find("rect", cls="site") and page.find("path", cls="scalebar")
        assert "km" in maps[0].text


@pytest.mark.parametrize("name", NAMES)
def test_provenance_footer(
    name: str, pages: dict[str, tuple[str, Page]], screened: dict[str, Screened]
) -> None:
    p = screened[name].result.provenance
    _, page = pages[name]
    assert page.one("code", cls="rules-digest").text == p.rules_digest
    assert page.one("code", cls="case-digest").text == p.case_digest
    assert page.one("code", cls="engine-version").text == p.engine_version
    assert page.one("code", cls="screened-at").text == timestamp(p.screened_at)


def test_hostile_case_fires_the_rules_it_was_written_for(screened: dict[str, Screened]) -> None:
    result = screened["hostile"].result
    fired = {f.rule_id for f in result.findings}
    bases = {ev.basis for ev in _evidence(result, ProximityEvidence)}
    assert {"computed", "declared"} <= bases and any("city level" in n for n in result.notices)
    assert {
        "bri-framing",
        "confidentiality-undertaking",
        "near-military-site",
        "foreign-state-control-49",
    } <= fired


def test_hostile_markup_is_shown_as_text_only(pages: dict[str, tuple[str, Page]]) -> None:
    html, page = pages["hostile"]
    for snippet in HOSTILE_TEXT:
        assert snippet in page.text, snippet
    lowered = html.lower()
    for raw in RAW_FORBIDDEN:
        assert raw.lower() not in lowered, raw
    assert "&lt;script&gt;document.title=" in html
    assert "USD 1,200,000" in page.text  # the case at a glance writes money as people do
    assert page.title.startswith("Screening dossier: Quay concession <script>")


def test_hostile_sentence_keeps_markup_around_the_mark(pages: dict[str, tuple[str, Page]]) -> None:
    _, page = pages["hostile"]
    sentences = [b.text for b in page.find("blockquote", cls="sentence")]
    bri = next(s for s in sentences if "Belt and Road" in s)
    assert bri.startswith("The quay <img src=x onerror=\"document.title='PWNED'\"> will be")
    assert "</textarea><script>document.title='PWNED'</script>" in bri


def test_mark_falls_back_to_a_search_then_to_showing_the_match_apart(
    screened: dict[str, Screened], real_pack: RulePack
) -> None:
    s = screened["hostile"]
    ev = _evidence(s.result, TextEvidence)[0]
    shifted = ev.model_copy(update={"start": ev.start + 3, "matched": ev.matched.upper()})
    h = highlight(shifted)
    assert h.found and h.match == ev.matched and h.before + h.match + h.after == ev.sentence
    missing = ev.model_copy(update={"matched": "nowhere to be found"})
    assert not highlight(missing).found
    finding = s.result.findings[0].model_copy(update={"evidence": [missing]})
    result = s.result.model_copy(update={"findings": [finding]})
    page = parse(render_dossier(result, s.case, real_pack))
    assert [m.text for m in page.find("mark")] == ["nowhere to be found"]
    assert "not found in the sentence as recorded" in page.text


def test_long_sentence_is_clipped_around_the_mark() -> None:
    sentence = "a" * 1000 + " Belt and Road " + "b" * 1000
    ev = TextEvidence(
        phrase_set="belt-and-road",
        phrase="Belt and Road",
        matched="Belt and Road",
        source="summary",
        start=1001,
        end=1014,
        sentence=sentence,
        sentence_start=0,
    )
    h = highlight(ev)
    assert h.match == "Belt and Road" and h.before.startswith("…") and h.after.endswith("…")
    assert len(h.before) < 400 and len(h.after) < 400


def test_ownership_graph_puts_state_on_top_and_marks_uncertain_shares() -> None:
    ev = OwnershipEvidence(
        party="p",
        party_name="Party Co",
        state_share=56,
        paths=[
            [PathStep(name="Holding", percent=80), PathStep(name="SASAC", percent=70)],
            [PathStep(name="Fund", percent=20, certainty="approximate")],
        ],
        path_text="Party Co <- Holding (80%) <- SASAC (70%)",
        basis="case owners",
    )
    g = ownership_graph(ev)
    by_line = {n.lines[0]: n for n in g.nodes}
    assert by_line["SASAC"].y < by_line["Holding"].y < by_line["Party Co"].y
    assert by_line["SASAC"].role == "state" and by_line["Party Co"].role == "party"
    assert by_line["Fund"].role == "state"  # the end of a path is a state body
    labels = {e.label: e.uncertain for e in g.edges}
    assert labels == {"80%": False, "70%": False, "20% (approximate)": True}


def test_ownership_graph_of_a_party_that_is_itself_state() -> None:
    ev = OwnershipEvidence(
        party="p", party_name="SOE", state_share=100, paths=[[]], path_text="SOE", basis="x"
    )
    g = ownership_graph(ev)
    assert [(n.lines, n.role) for n in g.nodes] == [(["SOE"], "state")] and not g.edges


def test_wrap_cuts_long_words_and_keeps_every_character() -> None:
    text = "Provincial " + "X" * 95 + " Commission"
    lines = wrap(text, 40)
    assert all(len(line) <= 40 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_score_scale_and_breakdown_geometry(screened: dict[str, Screened]) -> None:
    result = screened["haifa-bay-port-sipg-concession"].result
    scale = score_scale(result.score, result.bands)
    widths = [r.width for r in scale.regions]
    assert widths[0] == pytest.approx(widths[1]) and sum(widths) == pytest.approx(660)
    assert scale.marker_x == pytest.approx(20 + 660 * result.score / 100)
    chart = breakdown(result)
    *steps, total = chart.bars
    last_end = max(b.x + b.width for b in steps if b.kind == "risk")
    assert last_end == pytest.approx(total.x + total.width, abs=1.0)  # steps sum to the score


@pytest.mark.parametrize(("km", "nice"), [(7.3, 5), (0.37, 0.2), (20, 20), (140, 100), (1.99, 1)])
def test_nice_length(km: float, nice: float) -> None:
    assert nice_length(km) == pytest.approx(nice)


@pytest.mark.parametrize(
    ("link", "href"),
    [
        ("case-a.html", "case-a.html"),
        ("dossiers/case a.html", "dossiers/case%20a.html"),
        ("https://evil.example/x.html", None),
        ("//evil.example/x", None),
        ("javascript:alert(1)", None),
        ("/etc/passwd", None),
        ("", None),
    ],
)
def test_safe_href_keeps_relative_links_only(link: str, href: str | None) -> None:
    assert safe_href(link) == href


class Batch(NamedTuple):
    results: list[Result]
    errors: list[str]
    html: str
    page: Page


@pytest.fixture(scope="module")
def batch(screened: dict[str, Screened]) -> Batch:
    """Every case and the hostile one; two links that must not become hrefs."""
    results = [s.result for s in screened.values()]
    links = {r.case_id: f"{r.case_id}.html" for r in results}
    links["hostile-markup-in-every-field"] = "javascript:document.title='PWNED'"
    links["haifa-bay-port-sipg-concession"] = "https://evil.example/haifa.html"
    errors = ["cases/bad.yaml:3:1: error: <script>document.title='PWNED'</script> [yaml]"]
    html = render_batch_report(results, errors, links)
    return Batch(results, errors, html, parse(html))


def test_batch_report_is_inert(batch: Batch) -> None:
    html, page = batch.html, batch.page
    assert_inert(page)
    for raw in RAW_FORBIDDEN:
        assert raw.lower() not in html.lower(), raw


def test_batch_report_charts(batch: Batch) -> None:
    results, page = batch.results, batch.page
    bars = page.one("svg", id_="band-chart").find("rect")
    assert [int(b.attrs["data-count"]) for b in bars] == [
        sum(r.band == band for r in results) for band in BANDS_ORDER
    ]
    bins = page.one("svg", id_="score-histogram").find("rect")
    counts = [int(b.attrs["data-count"]) for b in bins]
    assert len(counts) == 10 and sum(counts) == len(results)
    assert counts[9] == sum(r.score >= 90 for r in results)


def test_batch_heatmap_rules_by_cases(batch: Batch) -> None:
    results, page = batch.results, batch.page
    fired = {f.rule_id for r in results for f in r.findings}
    assert {th.text for th in page.find("th", cls="rule")} == fired
    ranked = sorted(results, key=lambda r: (-r.score, r.case_id))
    assert [th.text for th in page.find("th", cls="case")] == [r.case_id for r in ranked]


def test_batch_top_cases_link_to_dossiers_by_relative_path_only(batch: Batch) -> None:
    page = batch.page
    hrefs = [a.attrs["href"] for a in page.find("a")]
    assert hrefs and all(h.endswith(".html") and ":" not in h for h in hrefs)
    assert "hostile-markup-in-every-field.html" not in hrefs  # its link was not relative
    assert "ashdod-mou-ndrc-icc-cscec-2019.html" in hrefs
    assert "Quay concession <script>document.title='PWNED'</script>" in page.text


def test_batch_errors_are_listed_as_text(batch: Batch) -> None:
    codes = batch.page.one("ul", cls="errors").find("code")
    assert [c.text for c in codes] == batch.errors


def test_empty_batch_renders(real_pack: RulePack) -> None:
    page = parse(render_batch_report([], [], {}))
    assert_inert(page)
    assert "No case was screened." in page.text and "No rule fired on any case." in page.text
