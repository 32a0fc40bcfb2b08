"""Chart geometry, as numbers the templates lay out: the dossier's score scale and
contribution waterfall, and the batch report's band chart, score histogram and heat map."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from screening.models.common import BANDS
from screening.models.result import BandScale, Finding, Result
from screening.pipeline.scoring import band_of
from screening.report.describe import signed
from screening.report.html.highlight import CHAR_PX

#: The batch heat map shows at most this many cases (the highest scores), so it stays legible.
HEATMAP_MAX_CASES = 60


# --- score scale -------------------------------------------------------------------------------

SCALE_X0, SCALE_W = 20.0, 660.0


@dataclass(frozen=True)
class Region:
    band: str
    x: float
    width: float


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class ScoreScale:
    score: float
    marker_x: float
    regions: list[Region]
    ticks: list[Tick]


def _scale_x(value: float) -> float:
    return SCALE_X0 + SCALE_W * max(0.0, min(100.0, value)) / 100


def band_edges(bands: BandScale) -> list[tuple[str, float, float]]:
    """(band, lowest score, highest score) for each band, low to critical."""
    lows = [0.0, bands.medium, bands.high, bands.critical]
    return [(b, lo, hi) for b, lo, hi in zip(BANDS, lows, [*lows[1:], 100.0], strict=True)]


def score_scale(score: float, bands: BandScale) -> ScoreScale:
    """The 0-100 bar with one region per band and a marker at the score."""
    regions = [
        Region(b, _scale_x(lo), _scale_x(hi) - _scale_x(lo)) for b, lo, hi in band_edges(bands)
    ]
    edges = [0.0, bands.medium, bands.high, bands.critical, 100.0]
    return ScoreScale(score, _scale_x(score), regions, [Tick(_scale_x(v), f"{v:g}") for v in edges])


# --- contribution breakdown (a waterfall that ends at the score) ------------------------------

BAR_CHART_W, BAR_LABEL_W, BAR_PLOT_W, BAR_ROW_H = 720.0, 270.0, 380.0, 24.0


@dataclass(frozen=True)
class Bar:
    rule_id: str
    title: str
    y: float
    x: float
    width: float
    kind: str  # risk, mitigation, uncounted, total
    value: str
    value_x: float
    value_anchor: str


@dataclass(frozen=True)
class Breakdown:
    width: float
    bars: list[Bar]
    height: float
    axis: list[Tick]
    plot_x: float
    plot_w: float
    uncounted: list[tuple[str, str]]


def _plot_x(value: float) -> float:
    return BAR_LABEL_W + BAR_PLOT_W * max(0.0, min(100.0, value)) / 100


def breakdown(result: Result) -> Breakdown:
    """Each finding's contribution as a step from the running total, so the bars sum to the
    score; mitigations step back, uncounted findings stay at 0."""
    bars: list[Bar] = []
    running = 0.0
    for i, f in enumerate(result.findings):
        start, running = running, running + (f.contribution if f.counted else 0.0)
        kind = finding_kind(f)
        value = "0 (not counted)" if not f.counted else signed(f.contribution)
        bars.append(_bar(f.rule_id, f.title, i, start, running, kind, value))
    n = len(bars)
    bars.append(_bar("score", "Score", n, 0.0, result.score, "total", f"{result.score:.1f}"))
    return Breakdown(
        width=BAR_CHART_W,
        bars=bars,
        height=(n + 1) * BAR_ROW_H + 30,
        axis=[Tick(_plot_x(v), f"{v:g}") for v in range(0, 101, 25)],
        plot_x=BAR_LABEL_W,
        plot_w=BAR_PLOT_W,
        uncounted=[(f.rule_id, f.note or "not counted") for f in result.findings if not f.counted],
    )


def finding_kind(finding: Finding) -> str:
    """risk, mitigation or uncounted: how a finding is coloured in the chart and the list."""
    if not finding.counted:
        return "uncounted"
    return "mitigation" if finding.weight < 0 else "risk"


def _bar(rule_id: str, title: str, row: int, a: float, b: float, kind: str, value: str) -> Bar:
    x0, x1 = sorted((_plot_x(a), _plot_x(b)))
    width = max(x1 - x0, 1.5)
    y = row * BAR_ROW_H + 6
    if x0 + width + 6 + len(value) * CHAR_PX <= BAR_CHART_W:
        return Bar(rule_id, title, y, x0, width, kind, value, x0 + width + 6, "start")
    return Bar(rule_id, title, y, x0, width, kind, value, x0 - 6, "end")  # no room on the right


# --- batch charts --------------------------------------------------------------------------------

CHART_W, CHART_H, CHART_PAD = 340.0, 180.0, 28.0


@dataclass(frozen=True)
class Column:
    label: str
    count: int
    band: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class ColumnChart:
    width: float
    height: float
    base_y: float
    columns: list[Column]


def column_chart(items: list[tuple[str, int, str]]) -> ColumnChart:
    """Vertical bars (label, count, band for the colour) scaled to the largest count."""
    top = max((n for _, n, _ in items), default=0) or 1
    slot = (CHART_W - 2 * CHART_PAD) / max(len(items), 1)
    plot_h = CHART_H - 2 * CHART_PAD
    columns = []
    for i, (label, n, band) in enumerate(items):
        h = plot_h * n / top
        x = CHART_PAD + i * slot + slot * 0.12
        columns.append(Column(label, n, band, x, CHART_H - CHART_PAD - h, slot * 0.76, h))
    return ColumnChart(CHART_W, CHART_H, CHART_H - CHART_PAD, columns)


def band_chart(results: list[Result]) -> ColumnChart:
    counts = Counter(r.band for r in results)
    return column_chart([(b, counts.get(b, 0), b) for b in BANDS])


def score_histogram(results: list[Result]) -> ColumnChart:
    """Ten-point bins (a score of 100 falls in the last); each coloured by its midpoint's band."""
    bins = Counter(min(int(r.score // 10), 9) for r in results)
    scale = results[0].bands if results else BandScale(medium=25, high=50, critical=75)
    return column_chart(
        [(f"{i * 10}", bins.get(i, 0), band_of(i * 10 + 5, scale)) for i in range(10)]
    )


@dataclass(frozen=True)
class Cell:
    text: str
    style: str
    title: str


@dataclass(frozen=True)
class HeatMap:
    cases: list[Result]
    rows: list[tuple[str, list[Cell]]]
    hidden: int


def heatmap(ranked: list[Result]) -> HeatMap:
    """Rules (rows, most often fired first) x cases (columns, highest score first)."""
    shown = ranked[:HEATMAP_MAX_CASES]
    fired = Counter(rule_id for r in ranked for rule_id in {f.rule_id for f in r.findings})
    top = max((abs(f.contribution) for r in shown for f in r.findings), default=0.0) or 1.0
    rows = []
    for rule_id, _ in sorted(fired.items(), key=lambda kv: (-kv[1], kv[0])):
        cells = [_cell(r, rule_id, top) for r in shown]
        rows.append((rule_id, cells))
    return HeatMap(shown, rows, len(ranked) - len(shown))


def _cell(result: Result, rule_id: str, top: float) -> Cell:
    finding = next((f for f in result.findings if f.rule_id == rule_id), None)
    if finding is None:
        return Cell("", "", "")
    if not finding.counted:
        return Cell("0", "background:#e6e6e6;color:#555", f"{rule_id}: fired, not counted")
    c = finding.contribution
    text = f"{c:.0f}" if abs(c) >= 1 else f"{c:.1f}"
    share = abs(c) / top * (-1 if finding.weight < 0 else 1)
    return Cell(text, heat_style(share), f"{rule_id}: {c:+.1f} in {result.case_id}")


def heat_style(share: float) -> str:
    """Inline colour for a share of the largest contribution: red for risk, green (negative
    shares) for mitigations; the text turns white on dark cells."""
    s = max(-1.0, min(1.0, share))
    rgb = (192, 57, 43) if s >= 0 else (39, 174, 96)
    mix = 0.12 + 0.88 * abs(s)
    r, g, b = (round(255 + (c - 255) * mix) for c in rgb)
    text = "#fff" if mix > 0.55 else "#222"
    return f"background:rgb({r},{g},{b});color:{text}"
