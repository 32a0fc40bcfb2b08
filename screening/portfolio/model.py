"""The portfolio as data: cases, parties, places and the links between them, as a graph.

Plain dataclasses with a JSON form: the CLI writes them, the web app renders the same thing.
Node ids are prefixed by kind (`case:`, `party:`, `group:`, `site:`, `facility:`) so one
graph holds them all.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

NodeKind = Literal[
    "case", "municipality", "foreign_body", "company", "party", "group", "site", "facility"
]
EdgeKind = Literal[
    "party_of",  # a party of a case (label: its roles)
    "site_of",  # a site of a case
    "agreement",  # a municipality (or local body) and a foreign body in one case
    "holds",  # a company holds or works at a site (label: tenure or role)
    "owned_by",  # a party's registry entity is controlled by a group (ownership chain)
    "near",  # a site and a strategic facility near it (label: km)
]


@dataclass(frozen=True)
class Node:
    id: str
    kind: NodeKind
    label: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    band: str | None = None  # cases: the band of their last screening
    detail: str | None = None  # cases: date and score; parties: registry entity


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: EdgeKind
    label: str = ""
    case_id: str | None = None  # the case the link was seen in


@dataclass(frozen=True)
class PortfolioFinding:
    """One foreign group active in several cases in one municipality or around one facility."""

    group: str  # node id of the group
    group_name: str
    where: str  # node id of the municipality or facility
    where_name: str
    kind: Literal["municipality", "strategic_site"]
    cases: tuple[str, ...]
    message: str


@dataclass
class Filters:
    municipality: str | None = None  # a part of its name, any case
    foreign_body: str | None = None  # a part of the name of a foreign party or its group
    since: str | None = None  # ISO date or its start: 2024, 2024-05
    until: str | None = None


@dataclass
class Portfolio:
    database: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    findings: list[PortfolioFinding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # case files that could not be read
    filters: Filters = field(default_factory=Filters)

    def add_node(self, node: Node) -> str:
        self.nodes.setdefault(node.id, node)
        return node.id

    def add_edge(self, edge: Edge) -> None:
        if edge not in self.edges:
            self.edges.append(edge)

    def of_kind(self, *kinds: str) -> list[Node]:
        return [n for n in self.nodes.values() if n.kind in kinds]

    def as_json(self) -> dict[str, object]:
        return {
            "database": self.database,
            "filters": asdict(self.filters),
            "nodes": [asdict(n) for n in self.nodes.values()],
            "edges": [asdict(e) for e in self.edges],
            "findings": [asdict(f) for f in self.findings],
            "errors": self.problems,
        }
