"""The portfolio: the results database as the map of ties and agreements.

`portfolio(database, pack, filters)` gives every screened case with its parties, places and
links (municipality and foreign body, company and site, party and its registry group) as a
graph, with the cross-case findings; `graph_svg` and `map_svg` draw it. The CLI
(`screening portfolio`) and the web app render the same data and pictures.
"""

from __future__ import annotations

from pathlib import Path

from screening.loading.rulepack import RulePack
from screening.portfolio.build import build
from screening.portfolio.model import Edge, Filters, Node, Portfolio, PortfolioFinding
from screening.portfolio.signals import cross_case_findings
from screening.portfolio.svg import graph_svg, map_svg

__all__ = [
    "Edge",
    "Filters",
    "Node",
    "Portfolio",
    "PortfolioFinding",
    "graph_svg",
    "map_svg",
    "portfolio",
]


def portfolio(database: Path, pack: RulePack, filters: Filters | None = None) -> Portfolio:
    """The portfolio of `database` with its cross-case findings; `InputError` if unreadable."""
    out = build(database, pack, filters)
    out.findings = cross_case_findings(out)
    return out
