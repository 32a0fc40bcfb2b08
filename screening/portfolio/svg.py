"""The portfolio drawn as two self-contained SVG pictures: a graph of ties and a map.

No Graphviz, no tiles, no script, nothing fetched: the graph is laid out in columns by kind
(local authorities, cases, foreign parties, their groups, sites, facilities), the map is a
plain equirectangular projection of the sites and facilities that have a position. Every
label comes from case files or registries and is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape

from screening.portfolio.model import Node, Portfolio

COLUMNS: list[tuple[str, tuple[str, ...]]] = [
    ("local authorities", ("municipality",)),
    ("cases", ("case",)),
    ("foreign bodies and companies", ("foreign_body", "company", "party")),
    ("groups (registry)", ("group",)),
    ("sites", ("site",)),
    ("strategic facilities", ("facility",)),
]
COLOURS = {
    "municipality": "#2b6cb0",
    "case": "#4a5568",
    "foreign_body": "#c53030",
    "company": "#dd6b20",
    "party": "#718096",
    "group": "#9b2c2c",
    "site": "#2f855a",
    "facility": "#553c9a",
}
BAND_COLOURS = {"low": "#38a169", "medium": "#d69e2e", "high": "#dd6b20", "critical": "#c53030"}
EDGE_COLOURS = {
    "agreement": "#c53030",
    "owned_by": "#9b2c2c",
    "near": "#553c9a",
    "holds": "#2f855a",
}
COL_W, ROW_H, TOP, LABEL = 200, 30, 50, 26


def _short(text: str, n: int = LABEL) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _open(width: float, height: float, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" font-family="sans-serif" '
        'font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
    ]


def graph_svg(p: Portfolio) -> str:
    """Nodes in columns by kind, edges as curves coloured by kind; a tooltip per node."""
    columns = [
        sorted((n for n in p.nodes.values() if n.kind in kinds), key=lambda n: n.label.casefold())
        for _, kinds in COLUMNS
    ]
    rows = max([len(c) for c in columns] + [1])
    width, height = COL_W * len(COLUMNS) + 20, TOP + rows * ROW_H + 20
    at: dict[str, tuple[float, float]] = {}
    for i, column in enumerate(columns):
        for j, node in enumerate(column):
            at[node.id] = (20 + i * COL_W, TOP + j * ROW_H + ROW_H / 2)
    out = _open(width, height, f"Portfolio graph: {len(p.nodes)} nodes, {len(p.edges)} links")
    for i, (name, _) in enumerate(COLUMNS):
        out.append(f'<text x="{20 + i * COL_W}" y="24" font-weight="bold">{escape(name)}</text>')
    for e in p.edges:
        if e.source not in at or e.target not in at:
            continue
        (x1, y1), (x2, y2) = at[e.source], at[e.target]
        if x1 > x2:
            (x1, y1), (x2, y2) = (x2, y2), (x1, y1)
        x1 += 150 if x1 != x2 else 0
        mid = (x1 + x2) / 2 if x1 != x2 else x1 + 60
        colour = EDGE_COLOURS.get(e.kind, "#a0aec0")
        tip = escape(f"{e.kind}: {e.label}" if e.label else e.kind)
        out.append(
            f'<path class="edge {e.kind}" d="M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} '
            f'{mid:.1f},{y2:.1f} {x2:.1f},{y2:.1f}" fill="none" stroke="{colour}" '
            f'stroke-width="1.2" opacity="0.7"><title>{tip}</title></path>'
        )
    for node_id, (x, y) in at.items():
        out.append(_node(p.nodes[node_id], x, y))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _node(n: Node, x: float, y: float) -> str:
    fill = BAND_COLOURS.get(n.band or "", COLOURS[n.kind]) if n.kind == "case" else COLOURS[n.kind]
    tip = " · ".join(x for x in (n.label, n.kind, n.country, n.band, n.detail) if x)
    return (
        f'<g class="node {n.kind}"><title>{escape(tip)}</title>'
        f'<circle cx="{x + 5:.1f}" cy="{y:.1f}" r="5" fill="{fill}"/>'
        f'<text x="{x + 14:.1f}" y="{y + 4:.1f}">{escape(_short(n.label))}</text></g>'
    )


def map_svg(p: Portfolio, width: float = 800, height: float = 520) -> str:
    """Sites and facilities by position (equirectangular), with the distances between them."""
    placed = [n for n in p.nodes.values() if n.kind in ("site", "facility") and n.lat is not None]
    unplaced = [n for n in p.nodes.values() if n.kind == "site" and n.lat is None]
    out = _open(width, height, f"Portfolio map: {len(placed)} places")
    if not placed:
        out.append(f'<text x="20" y="40">{escape("No site or facility has a position.")}</text>')
    else:
        project = _projection(placed, width, height - 40)
        out += _graticule(placed, project, width, height - 40)
        bands = _site_bands(p)
        for e in p.edges:
            a, b = p.nodes.get(e.source), p.nodes.get(e.target)
            if e.kind != "near" or a is None or b is None or a.lat is None or b.lat is None:
                continue
            (x1, y1), (x2, y2) = project(a), project(b)
            out.append(
                f'<line class="near" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                f'stroke="#553c9a" stroke-dasharray="4 3"><title>{escape(e.label)}</title></line>'
            )
        taken: list[tuple[float, float, float]] = []  # labels placed: x, y, width
        rows = {  # sites are labelled first, and drawn last (on top of facilities)
            n.id: _free_row(taken, project(n)[0] + 8, project(n)[1] - 6, 6.2 * len(_short(n.label)))
            for n in sorted(placed, key=lambda n: (n.kind != "site", n.label))
        }
        for n in sorted(placed, key=lambda n: (n.kind == "site", n.label)):
            x, y = project(n)
            ly = rows[n.id]
            tip = escape(f"{n.label} ({n.lat:.4f}, {n.lon:.4f}) {n.detail or ''}".strip())
            if n.kind == "facility":
                shape = (
                    f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" '
                    f'fill="{COLOURS["facility"]}"/>'
                )
            else:
                colour = BAND_COLOURS.get(bands.get(n.id, ""), COLOURS["site"])
                shape = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{colour}" stroke="#fff"/>'
            out.append(
                f'<g class="place {n.kind}"><title>{tip}</title>{shape}'
                + (
                    f'<text x="{x + 8:.1f}" y="{ly:.1f}">{escape(_short(n.label))}</text>'
                    if ly is not None
                    else ""
                )
                + "</g>"
            )
    legend = "circle: site (colour: highest band of its cases) · square: strategic facility"
    if unplaced:
        legend += f" · {len(unplaced)} site{'s' if len(unplaced) != 1 else ''} without a position"
    out.append(f'<text x="10" y="{height - 12:.0f}" fill="#4a5568">{escape(legend)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _free_row(
    taken: list[tuple[float, float, float]], x: float, y: float, w: float
) -> float | None:
    """A baseline near `y` where a label of width `w` at `x` overlaps none, or None (the
    label is left out; its marker keeps the name as a tooltip) when it would drift off."""
    for dy in (0, 13, -13, 26, -26):
        row = y + dy
        if not any(abs(row - ty) < 12 and x < tx + tw and tx < x + w for tx, ty, tw in taken):
            taken.append((x, row, w))
            return row
    return None


def _site_bands(p: Portfolio) -> dict[str, str]:
    order = ["low", "medium", "high", "critical"]
    out: dict[str, str] = {}
    for e in p.edges:
        case = p.nodes.get(e.source)
        if e.kind == "site_of" and case is not None and case.band in order:
            best = out.get(e.target)
            if best is None or order.index(case.band) > order.index(best):
                out[e.target] = case.band
    return out


Project = Callable[[Node], tuple[float, float]]


def _bounds(nodes: list[Node]) -> tuple[float, float, float, float]:
    lats = [n.lat for n in nodes if n.lat is not None]
    lons = [n.lon for n in nodes if n.lon is not None]
    pad = 0.05 + 0.1 * max(max(lats) - min(lats), max(lons) - min(lons))
    return min(lats) - pad, max(lats) + pad, min(lons) - pad, max(lons) + pad


def _projection(nodes: list[Node], width: float, height: float) -> Project:
    """lat/lon -> x/y: equirectangular, longitude shrunk by the cosine of the middle latitude."""
    south, north, west, east = _bounds(nodes)
    k = math.cos(math.radians((south + north) / 2))
    scale = min((width - 40) / ((east - west) * k), (height - 40) / (north - south))

    def project(n: Node) -> tuple[float, float]:
        assert n.lat is not None and n.lon is not None
        return 20 + (n.lon - west) * k * scale, 20 + (north - n.lat) * scale

    return project


def _graticule(nodes: list[Node], project: Project, width: float, height: float) -> list[str]:
    """Light lines every 'nice' step of latitude and longitude, labelled in degrees."""
    south, north, west, east = _bounds(nodes)
    span = max(north - south, east - west)
    step = next(s for s in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 45) if span / s <= 8)
    out: list[str] = []
    first = math.ceil(south / step)
    for lat in (round((first + i) * step, 6) for i in range(int((north - south) / step) + 1)):
        if lat > north:
            break
        _, y = project(Node("", "site", "", lat=lat, lon=west))
        out.append(f'<line x1="0" y1="{y:.1f}" x2="{width:.0f}" y2="{y:.1f}" stroke="#edf2f7"/>')
        out.append(f'<text x="2" y="{y - 2:.1f}" fill="#a0aec0">{lat:g}°</text>')
    first = math.ceil(west / step)
    for lon in (round((first + i) * step, 6) for i in range(int((east - west) / step) + 1)):
        if lon > east:
            break
        x, _ = project(Node("", "site", "", lat=north, lon=lon))
        out.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height:.0f}" stroke="#edf2f7"/>')
        out.append(f'<text x="{x + 2:.1f}" y="{height - 2:.0f}" fill="#a0aec0">{lon:g}°</text>')
    return out
