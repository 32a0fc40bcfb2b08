"""The site map: placed sites, the facilities near them or cited by a finding, and the
cited distances, projected onto one or two panels (an overview and, when that is too coarse
to read, a close-up)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from screening.loading.rulepack import RulePack
from screening.models.case import Case
from screening.models.common import LatLon
from screening.models.evidence import ProximityEvidence
from screening.models.registry import Facility
from screening.models.result import Result
from screening.report.html.maplabels import Anchor, Box, Label, place_labels
from screening.signals.proximity import Gazetteer, PlacedSite, facility_distances

E = TypeVar("E")

#: Facilities this close to a placed site are drawn on the map even when no rule cited them.
NEARBY_KM = 30.0
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
    measured = [e for p in placed for e in facility_distances(p, registry, NEARBY_KM)] + cited
    for ev in measured:
        fid, km = ev.facility_id or "", ev.distance_km
        if km is None:  # same area, distance unknown: the map draws measured facilities only
            continue
        known = nearest[fid].distance_km if fid in nearest else None
        if fid in by_id and (known is None or km < known):
            nearest[fid] = ev
    cited_ids = {e.facility_id for e in cited}
    ranked = sorted(nearest.values(), key=lambda e: (e.distance_km or 0.0, e.facility))
    return [
        _facility_point(f"F{i}", by_id[e.facility_id or ""], e, e.facility_id in cited_ids)
        for i, e in enumerate(ranked, 1)
    ]


def _facility_point(tag: str, f: Facility, nearest: ProximityEvidence, cited: bool) -> MapPoint:
    if f.location is None or f.radius_km is None:  # never measured, so never near a site
        raise ValueError(f"facility '{f.id}' has no position to draw")
    detail = (
        f"{f.kind.replace('_', ' ')}; {nearest.distance_km:g} km from site '{nearest.site}' "
        f"(to its edge); position {f.precision}, footprint radius {f.radius_km:g} km"
    )
    return MapPoint(
        tag, f.name, f.kind, f.location, f.radius_km, detail, nearest.distance_km or 0.0, cited
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
        if ev.distance_km is None:
            continue
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
    """Label every marker and link, name before bare tag (the key under the map has every
    name), clear of the markers themselves and inside the map above its scale bar."""
    taken = [Box(m.x - 7, m.y - 7, m.x + 7, m.y + 7) for m in markers]
    bounds = Box(0, 0, MAP_W, height - SCALEBAR_H)
    return place_labels([*_marker_anchors(markers), *_link_anchors(links)], taken, bounds)


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


def nice_length(km: float) -> float:
    """The largest 1, 2 or 5 x 10^n not above `km`: a scale bar length people can read."""
    if km <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(km))
    return float(max(m * power for m in (1, 2, 5) if m * power <= km))


def _evidence_of(result: Result, kind: type[E]) -> list[E]:
    return [ev for f in result.findings for ev in f.evidence if isinstance(ev, kind)]
