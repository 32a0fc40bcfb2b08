"""Ownership chains as a layered graph: the party at the bottom, the state bodies on top,
every owner above all it owns, and each share written on its edge."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from screening.models.evidence import OwnershipEvidence
from screening.report.html.highlight import wrap

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
