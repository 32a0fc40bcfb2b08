"""HTML reviewer dossier and batch overview: one self-contained, printable file each.

A dossier is what a reviewer files, prints on A4 or mails on, so it must stand alone: CSS is
inline, charts are inline SVG, nothing is loaded from the network and nothing runs.

Every string that comes from a case file is untrusted (a proposal is written by the party
being screened). It only ever reaches the page through Jinja2 with autoescaping on, never in a
script, URL, style or attribute name; a Content-Security-Policy meta tag forbids scripts and
every fetch, so even an escaping mistake could neither run code nor call out.

The geometry of the charts (scale, waterfall, map projection, ownership graph layout) is
computed here, as numbers; the templates in `templates/` only lay it out.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TypeVar
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined

from screening.loading.rulepack import RulePack
from screening.models.case import Case
from screening.models.common import BANDS, LatLon
from screening.models.evidence import (
    Evidence,
    OwnershipEvidence,
    ProximityEvidence,
    TextEvidence,
)
from screening.models.registry import Facility
from screening.models.result import BandScale, Finding, Result
from screening.report.batch import drivers
from screening.report.describe import describe, signed
from screening.signals.proximity import Gazetteer, PlacedSite, facility_distances

E = TypeVar("E")

#: Facilities this close to a placed site are drawn on the map even when no rule cited them.
NEARBY_KM = 30.0
#: Context kept either side of a highlighted phrase; a "sentence" can be a whole paragraph.
CONTEXT_CHARS = 320
#: The batch heat map shows at most this many cases (the highest scores), so it stays legible.
HEATMAP_MAX_CASES = 60
TOP_CASES = 25
#: Average glyph width of the 11 px sans-serif used in SVG labels, for layout estimates.
CHAR_PX = 6.2


# --- public API ------------------------------------------------------------------------------


def render_dossier(result: Result, case: Case, pack: RulePack) -> str:
    """The reviewer dossier for one screened case, as one self-contained HTML page."""
    return _env().get_template("dossier.html.j2").render(_dossier_context(result, case, pack))


def render_batch_report(
    results: list[Result], errors: list[str], dossier_links: dict[str, str]
) -> str:
    """The overview of a batch; `dossier_links` maps case id -> relative dossier file name."""
    ranked = sorted(results, key=lambda r: (-r.score, r.case_id))
    context = {
        "results": ranked,
        "errors": errors,
        "band_chart": band_chart(results),
        "histogram": score_histogram(results),
        "heatmap": heatmap(ranked),
        "top": [(r, safe_href(dossier_links.get(r.case_id))) for r in ranked[:TOP_CASES]],
        "provenance": _batch_provenance(results),
    }
    return _env().get_template("batch.html.j2").render(context)


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("screening.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["signed"] = signed
    env.filters["num"] = _num
    env.filters["humanise"] = lambda s: str(s).replace("_", " ")
    env.filters["px"] = lambda v: f"{v:.1f}"
    env.filters["drivers"] = drivers
    env.filters["finding_kind"] = finding_kind
    return env


def _num(value: float, digits: int = 2) -> str:
    """A number as a reviewer writes it: 1.17, 40, 1,200,000 (never 1.2e+06)."""
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _dossier_context(result: Result, case: Case, pack: RulePack) -> dict[str, object]:
    return {
        "result": result,
        "case": case,
        "scale": score_scale(result.score, result.bands),
        "breakdown": breakdown(result),
        "site_map": site_map(result, case, pack),
        "findings": [
            (i, f, [evidence_view(ev) for ev in f.evidence])
            for i, f in enumerate(result.findings, 1)
        ],
    }


def _evidence_of(result: Result, kind: type[E]) -> list[E]:
    return [ev for f in result.findings for ev in f.evidence if isinstance(ev, kind)]


@dataclass(frozen=True)
class EvidenceView:
    """One piece of evidence as shown: its one-line description, plus the marked sentence
    (text) or the drawn chain (ownership) where a picture says more."""

    evidence: Evidence
    summary: str
    highlight: Highlight | None = None
    graph: Graph | None = None


def evidence_view(ev: Evidence) -> EvidenceView:
    if isinstance(ev, TextEvidence):
        return EvidenceView(ev, describe(ev), highlight=highlight(ev))
    if isinstance(ev, OwnershipEvidence):
        return EvidenceView(ev, describe(ev), graph=ownership_graph(ev))
    return EvidenceView(ev, describe(ev))


def safe_href(link: str | None) -> str | None:
    """A dossier link only if it is relative (no scheme, host or absolute path), URL-quoted."""
    if not link or link.startswith(("/", "\\")):
        return None
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        return None
    return quote(link, safe="/._-~")


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


# --- text evidence: the sentence with the match marked ------------------------------------------


@dataclass(frozen=True)
class Highlight:
    """A sentence split around its match; when `found` is False, `before` is the sentence."""

    before: str
    match: str
    after: str
    found: bool


def highlight(ev: TextEvidence) -> Highlight:
    """Split the sentence around the matched text: at the recorded offset when it holds the
    match, else at the first (case-insensitive) occurrence; `found` is False when absent."""
    sentence, matched = ev.sentence, ev.matched
    at = ev.start - ev.sentence_start
    if not (at >= 0 and sentence[at : at + len(matched)] == matched):
        hit = re.search(re.escape(matched), sentence, re.IGNORECASE) if matched else None
        if hit is None:
            return Highlight(_clip_left(sentence), "", "", False)
        at, matched = hit.start(), hit.group(0)
    before, after = sentence[:at], sentence[at + len(matched) :]
    return Highlight(_clip_left(before), matched, _clip_right(after), True)


def _clip_left(text: str) -> str:
    return text if len(text) <= CONTEXT_CHARS else "…" + text[-CONTEXT_CHARS:]


def _clip_right(text: str) -> str:
    return text if len(text) <= CONTEXT_CHARS else text[:CONTEXT_CHARS] + "…"


# --- ownership chains as a layered graph ----------------------------------------------------------

NODE_W, NODE_LINE_H, NODE_PAD, LAYER_GAP, NODE_GAP = 270.0, 14.0, 8.0, 46.0, 24.0
NODE_CHARS = 40


@dataclass(frozen=True)
class Node:
    x: float
    y: float
    width: float
    height: float
    lines: list[str]
    role: str  # party, state, owner


@dataclass(frozen=True)
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    arrow: str
    label: str
    label_x: float
    label_y: float
    uncertain: bool


@dataclass(frozen=True)
class Graph:
    width: float
    height: float
    nodes: list[Node]
    edges: list[Edge]
    caption: str


@dataclass
class _Chain:
    """Who owns whom, merged over every path: (owner, owned) -> (percent, certainty)."""

    root: str
    links: dict[tuple[str, str], tuple[float, str]] = field(default_factory=dict)
    tops: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, ev: OwnershipEvidence) -> _Chain:
        chain = cls(ev.party_name)
        for path in ev.paths:
            owned = ev.party_name
            for step in path:
                chain.links.setdefault((step.name, owned), (step.percent, step.certainty))
                owned = step.name
            chain.tops.add(owned)
        return chain

    def depths(self) -> dict[str, int]:
        """Longest distance from the party, so every owner sits above all it owns."""
        depth = {self.root: 0}
        for _ in range(len(self.links) + 1):  # bounded: a cyclic chain cannot loop forever
            changed = False
            for owner, owned in self.links:
                if owned in depth and depth.get(owner, -1) < depth[owned] + 1:
                    depth[owner] = depth[owned] + 1
                    changed = True
            if not changed:
                break
        return depth


def ownership_graph(ev: OwnershipEvidence) -> Graph:
    """The chain from the party (bottom) up to the state bodies (top), shares on the edges."""
    chain = _Chain.of(ev)
    depths = chain.depths()
    layers: dict[int, list[str]] = {}
    for name, d in depths.items():
        layers.setdefault(d, []).append(name)
    top = max(layers)
    width = max(len(row) for row in layers.values()) * (NODE_W + NODE_GAP) + NODE_GAP
    boxes: dict[str, Node] = {}
    y = 10.0
    for d in range(top, -1, -1):
        row = layers.get(d, [])
        y = _layout_row(row, y, width, chain, boxes) + LAYER_GAP
    edges = [_edge(boxes[o], boxes[d], *link) for (o, d), link in chain.links.items()]
    return Graph(width, y - LAYER_GAP + 10, list(boxes.values()), edges, ev.path_text)


def _layout_row(
    names: list[str], y: float, width: float, chain: _Chain, boxes: dict[str, Node]
) -> float:
    """Place one layer's boxes centred across the width; return the layer's bottom."""
    wrapped = [wrap(n, NODE_CHARS) for n in names]
    height = max((len(w) for w in wrapped), default=1) * NODE_LINE_H + 2 * NODE_PAD
    span = len(names) * NODE_W + (len(names) - 1) * NODE_GAP
    x = (width - span) / 2
    for name, lines in zip(names, wrapped, strict=True):
        # the party is itself a state body when a path is empty: show it as one
        role = "state" if name in chain.tops else "party" if name == chain.root else "owner"
        boxes[name] = Node(x, y, NODE_W, height, lines, role)
        x += NODE_W + NODE_GAP
    return y + height


def _edge(owner: Node, owned: Node, percent: float, certainty: str) -> Edge:
    """A line from the owner's bottom to the owned box's top; the share is written a third of
    the way down, near the owner, where edges converging on one box are still apart."""
    x1, y1 = owner.x + owner.width / 2, owner.y + owner.height
    x2, y2 = owned.x + owned.width / 2, owned.y
    uncertain = certainty != "reported"
    label = f"{percent:g}%" + (f" ({certainty})" if uncertain else "")
    lx, ly = x1 + (x2 - x1) * 0.35 + 6, y1 + (y2 - y1) * 0.35 + 4
    return Edge(x1, y1, x2, y2, arrowhead(x1, y1, x2, y2), label, lx, ly, uncertain)


def arrowhead(x1: float, y1: float, x2: float, y2: float, size: float = 8.0) -> str:
    """SVG polygon points of an arrowhead at (x2, y2) pointing along the line."""
    angle = math.atan2(y2 - y1, x2 - x1)
    points = [(x2, y2)]
    for side in (-1, 1):
        a = angle + math.pi + side * math.radians(25)
        points.append((x2 + size * math.cos(a), y2 + size * math.sin(a)))
    return " ".join(f"{px:.1f},{py:.1f}" for px, py in points)


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap; words longer than a line are cut so nothing overflows a box."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while len(word) > width:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:width])
            word = word[width:]
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line or not lines else lines


# --- map of sites and facilities ---------------------------------------------------------------

MAP_W, MAP_MAX_H, MAP_PAD, MAP_MIN_SPAN_KM, SCALEBAR_H = 700.0, 440.0, 40.0, 2.0, 20.0
#: A close-up panel shows what lies this close to the sites when the overview is too coarse.
CLOSE_KM = 5.0
KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON = 111.320


@dataclass(frozen=True)
class MapPoint:
    """A site or facility to draw, with the entry the key below the map gives it."""

    tag: str
    name: str
    kind: str  # "site" or a facility kind
    location: LatLon
    radius_km: float
    detail: str
    distance_km: float = 0.0  # facilities: to the edge, from the nearest site
    cited: bool = False  # facilities: named by a finding's proximity evidence


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1
        )

    def inside(self, outer: Box) -> bool:
        horizontal = outer.x0 <= self.x0 and self.x1 <= outer.x1
        return horizontal and outer.y0 <= self.y0 and self.y1 <= outer.y1


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    anchor: str
    text: str
    kind: str  # marker, link


@dataclass(frozen=True)
class Marker:
    point: MapPoint
    x: float
    y: float
    radius: float  # facility footprint in px (0 for sites)


@dataclass(frozen=True)
class Link:
    x1: float
    y1: float
    x2: float
    y2: float
    text: str


@dataclass(frozen=True)
class MapPanel:
    title: str
    width: float
    height: float
    sites: list[Marker]
    facilities: list[Marker]
    links: list[Link]
    labels: list[Label]
    scale_px: float
    scale_label: str


@dataclass(frozen=True)
class SiteMap:
    panels: list[MapPanel]
    key: list[MapPoint]
    notes: list[str]


@dataclass(frozen=True)
class _Projection:
    """Equirectangular around the sites' mean latitude: fine at the scale of a screening."""

    lat0: float
    lon0: float
    px_per_km: float = 1.0
    dx: float = 0.0
    dy: float = 0.0

    def km(self, p: LatLon) -> tuple[float, float]:
        return (
            (p.lon - self.lon0) * KM_PER_DEG_LON * math.cos(math.radians(self.lat0)),
            (p.lat - self.lat0) * KM_PER_DEG_LAT,
        )

    def xy(self, p: LatLon) -> tuple[float, float]:
        kx, ky = self.km(p)
        return self.dx + kx * self.px_per_km, self.dy - ky * self.px_per_km


def site_map(result: Result, case: Case, pack: RulePack) -> SiteMap | None:
    """Placed sites, the facilities within NEARBY_KM of them or cited by proximity evidence,
    and the cited distances; a close-up panel when the overview is too coarse to read.
    None when the case names no site."""
    if not case.sites:
        return None
    gazetteer = Gazetteer(pack.places)
    placed = [gazetteer.place(s) for s in case.sites]
    proximity = _evidence_of(result, ProximityEvidence)
    notes = _map_notes(placed, proximity)
    sites = _site_points([p for p in placed if p.location is not None])
    if not sites:
        return SiteMap([], [], notes)
    cited = [e for e in proximity if e.basis == "computed"]
    nearby = _facility_points(placed, cited, pack.facilities)
    panels = [_panel(f"Within {NEARBY_KM:g} km of the sites", sites, nearby, cited)]
    close = [f for f in nearby if f.distance_km <= CLOSE_KM or f.cited]
    if len(close) < len(nearby) and _cramped(panels[0], close):
        title = f"Close-up: within {CLOSE_KM:g} km, and every facility a finding cites"
        panels.append(_panel(title, sites, close, cited))
    return SiteMap(panels, [*sites, *nearby], notes)


def _map_notes(placed: list[PlacedSite], proximity: list[ProximityEvidence]) -> list[str]:
    notes = [p.note for p in placed if p.location is None and p.note]
    notes += [
        f"site '{p.site.name}' has no coordinates or place; only the facilities the filer "
        "declared near it are known"
        for p in placed
        if p.location is None and not p.note
    ]
    declared = {(e.site, e.facility, e.distance_km) for e in proximity if e.basis == "declared"}
    notes += [
        f"site '{site}': {facility} at {km:g} km is declared by the filer, not computed (not drawn)"
        for site, facility, km in sorted(declared)
    ]
    return notes


def _site_points(located: list[PlacedSite]) -> list[MapPoint]:
    points = []
    for i, p in enumerate(located, 1):
        if p.location is not None:
            where = f"site at {p.location.lat:.5f}, {p.location.lon:.5f}"
            detail = f"{where}; {p.note}" if p.note else where
            points.append(MapPoint(f"S{i}", p.site.name, "site", p.location, 0.0, detail))
    return points


def _facility_points(
    placed: list[PlacedSite], cited: list[ProximityEvidence], registry: Sequence[Facility]
) -> list[MapPoint]:
    """Facilities near any site or cited, nearest first, tagged F1, F2, ..."""
    by_id = {f.id: f for f in registry}
    nearest: dict[str, ProximityEvidence] = {}
    for ev in [e for p in placed for e in facility_distances(p, registry, NEARBY_KM)] + cited:
        fid = ev.facility_id or ""
        if fid in by_id and (fid not in nearest or ev.distance_km < nearest[fid].distance_km):
            nearest[fid] = ev
    cited_ids = {e.facility_id for e in cited}
    ranked = sorted(nearest.values(), key=lambda e: (e.distance_km, e.facility))
    return [
        _facility_point(f"F{i}", by_id[e.facility_id or ""], e, e.facility_id in cited_ids)
        for i, e in enumerate(ranked, 1)
    ]


def _facility_point(tag: str, f: Facility, nearest: ProximityEvidence, cited: bool) -> MapPoint:
    detail = (
        f"{f.kind.replace('_', ' ')}; {nearest.distance_km:g} km from site '{nearest.site}' "
        f"(to its edge); position {f.precision}, footprint radius {f.radius_km:g} km"
    )
    return MapPoint(
        tag, f.name, f.kind, f.location, f.radius_km, detail, nearest.distance_km, cited
    )


def _cramped(overview: MapPanel, close: list[MapPoint]) -> bool:
    """True when the sites and the close facilities fill only a corner of the overview."""
    marks = [m for m in [*overview.sites, *overview.facilities] if m.point.kind == "site"]
    marks += [m for m in overview.facilities if m.point in close]
    xs, ys = [m.x for m in marks], [m.y for m in marks]
    return max(max(xs) - min(xs), max(ys) - min(ys)) < 0.3 * MAP_W


def _panel(
    title: str, sites: list[MapPoint], facilities: list[MapPoint], cited: list[ProximityEvidence]
) -> MapPanel:
    proj, height = _fit(sites, facilities)
    site_marks = [_marker(p, proj) for p in sites]
    fac_marks = [_marker(p, proj) for p in facilities]
    links = _links(cited, site_marks, fac_marks)
    labels = _place_labels([*site_marks, *fac_marks], links, height)
    km = nice_length(MAP_W / 5 / proj.px_per_km)
    return MapPanel(
        title,
        MAP_W,
        height,
        site_marks,
        fac_marks,
        links,
        labels,
        km * proj.px_per_km,
        f"{km:g} km",
    )


def _fit(sites: list[MapPoint], facilities: list[MapPoint]) -> tuple[_Projection, float]:
    """Centre on the sites' mean position; scale so every point and footprint fits."""
    base = _Projection(
        sum(p.location.lat for p in sites) / len(sites),
        sum(p.location.lon for p in sites) / len(sites),
    )
    corners = []
    for p in [*sites, *facilities]:
        x, y = base.km(p.location)
        corners += [(x - p.radius_km, y - p.radius_km), (x + p.radius_km, y + p.radius_km)]
    xs, ys = [x for x, _ in corners], [y for _, y in corners]
    span_x = max(max(xs) - min(xs), MAP_MIN_SPAN_KM)
    span_y = max(max(ys) - min(ys), MAP_MIN_SPAN_KM)
    scale = min((MAP_W - 2 * MAP_PAD) / span_x, (MAP_MAX_H - 2 * MAP_PAD) / span_y)
    height = span_y * scale + 2 * MAP_PAD + SCALEBAR_H
    dx = MAP_W / 2 - (max(xs) + min(xs)) / 2 * scale
    dy = (height - SCALEBAR_H) / 2 + (max(ys) + min(ys)) / 2 * scale
    return replace(base, px_per_km=scale, dx=dx, dy=dy), height


def _marker(p: MapPoint, proj: _Projection) -> Marker:
    x, y = proj.xy(p.location)
    return Marker(p, x, y, p.radius_km * proj.px_per_km)


def _links(cited: list[ProximityEvidence], sites: list[Marker], facs: list[Marker]) -> list[Link]:
    """One line per site and facility position cited; facilities drawn at the same point
    share a line, labelled with each distance."""
    site_at = {m.point.name: m for m in sites}
    fac_at = {m.point.name: m for m in facs}
    grouped: dict[tuple[str, int, int], dict[str, float]] = {}
    for ev in cited:
        s, f = site_at.get(ev.site), fac_at.get(ev.facility)
        if s is not None and f is not None and math.dist((s.x, s.y), (f.x, f.y)) >= 3:
            key = (s.point.tag, round(f.x), round(f.y))
            grouped.setdefault(key, {})[f.point.tag] = ev.distance_km
    links = []
    for (site_tag, fx, fy), distances in grouped.items():
        s = next(m for m in sites if m.point.tag == site_tag)
        if len(set(distances.values())) == 1:
            text = f"{next(iter(distances.values())):g} km"
        else:
            text = ", ".join(f"{tag} {km:g} km" for tag, km in distances.items())
        links.append(Link(s.x, s.y, fx, fy, text))
    return links


def _place_labels(markers: list[Marker], links: list[Link], height: float) -> list[Label]:
    """Greedy placement: each label takes the first free spot around its anchor, trying the
    name before the bare tag (the key under the map has every name); a label with no free
    spot is still drawn, to the right, rather than dropped."""
    taken = [Box(m.x - 7, m.y - 7, m.x + 7, m.y + 7) for m in markers]
    bounds = Box(0, 0, MAP_W, height - SCALEBAR_H)
    labels = []
    for (x, y), texts, kind in [*_marker_anchors(markers), *_link_anchors(links)]:
        spots = [c for t in texts for c in _candidates(x, y, t, kind)]
        label, box = next(
            (c for c in spots if c[1].inside(bounds) and not any(c[1].overlaps(t) for t in taken)),
            _candidates(x, y, texts[-1], kind)[0],
        )
        taken.append(box)
        labels.append(label)
    return labels


Anchor = tuple[tuple[float, float], list[str], str]


def _marker_anchors(markers: list[Marker]) -> list[Anchor]:
    """One label per drawn position: markers at the same point share it ('F4, F5')."""
    groups: dict[tuple[int, int], list[Marker]] = {}
    for m in markers:
        groups.setdefault((round(m.x), round(m.y)), []).append(m)
    anchors: list[Anchor] = []
    for ms in groups.values():
        tags = ", ".join(m.point.tag for m in ms)
        name = ms[0].point.name if len(ms[0].point.name) <= 34 else ms[0].point.name[:33] + "…"
        texts = [f"{tags} {name}", tags] if len(ms) == 1 else [tags]
        anchors.append(((ms[0].x, ms[0].y), texts, "marker"))
    return anchors


def _link_anchors(links: list[Link]) -> list[Anchor]:
    return [(((k.x1 + k.x2) / 2, (k.y1 + k.y2) / 2), [k.text], "link") for k in links]


def _candidates(x: float, y: float, text: str, kind: str) -> list[tuple[Label, Box]]:
    """Right, left, above and below the anchor, then the same a little further out, with
    the box each would cover."""
    w, h = len(text) * CHAR_PX, 12.0
    spots = []
    for gap in (0.0, 12.0, 24.0):
        r, b = x + 9 + gap, y + 20 + gap  # right edge start, baseline below
        left, top = x - 9 - gap, y - 10 - gap  # left edge end, baseline above
        spots += [
            (Label(r, y + 4, "start", text, kind), Box(r - 1, y - 8, r + 1 + w, y + 6)),
            (Label(left, y + 4, "end", text, kind), Box(left - 1 - w, y - 8, left + 1, y + 6)),
            (Label(x, top, "middle", text, kind), Box(x - w / 2, top - h, x + w / 2, top + 2)),
            (Label(x, b, "middle", text, kind), Box(x - w / 2, b - h + 1, x + w / 2, b + 3)),
        ]
    return spots


def nice_length(km: float) -> float:
    """The largest 1, 2 or 5 x 10^n not above `km`: a scale bar length people can read."""
    if km <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(km))
    return float(max(m * power for m in (1, 2, 5) if m * power <= km))


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
        [(f"{i * 10}", bins.get(i, 0), _band_at(i * 10 + 5, scale)) for i in range(10)]
    )


def _band_at(score: float, bands: BandScale) -> str:
    return next(b for b, lo, hi in reversed(band_edges(bands)) if score >= lo)


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


def _batch_provenance(results: list[Result]) -> dict[str, list[str]]:
    """Engine versions and rule digests seen (more than one is worth noticing), and the span
    of screening times."""
    times = sorted(r.provenance.screened_at.isoformat() for r in results)
    return {
        "engine": sorted({r.provenance.engine_version for r in results}),
        "rules": sorted({r.provenance.rules_digest for r in results}),
        "screened": sorted({times[0], times[-1]}) if times else [],
    }
