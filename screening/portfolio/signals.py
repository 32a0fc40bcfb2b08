"""Cross-case signals: one foreign group active in several cases in one place.

A case alone may look small; the same group (the top of its registry ownership chain)
turning up in several cases in one municipality, or around one strategic facility, is a
pattern no single screening shows. Read off the portfolio graph, so it holds for any filter.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Literal

from screening.portfolio.model import Portfolio, PortfolioFinding

#: A group in at least this many cases in one place is a finding.
MIN_CASES = 2


def cross_case_findings(p: Portfolio) -> list[PortfolioFinding]:
    """Each (group, municipality or facility) with MIN_CASES cases or more, most cases first."""
    owner = {e.source: e.target for e in p.edges if e.kind == "owned_by"}
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for case_id, parties, places in _cases(p):
        groups: set[str] = set()
        for pid in (pid for pid in parties if _in_registry(p, pid, owner)):
            node = owner.get(pid, pid)
            key = _group_key(node)  # one entity, as a party or as another's group
            names.setdefault(key, p.nodes[node].label)
            groups.add(key)
        for group in groups:
            for where in places:
                seen[(group, where)].add(case_id)
    out: list[PortfolioFinding] = []
    for (group, where), cases in seen.items():
        if len(cases) < MIN_CASES:
            continue
        place = p.nodes[where]
        kind: Literal["municipality", "strategic_site"] = (
            "municipality" if place.kind == "municipality" else "strategic_site"
        )
        name = names[group]
        around = "in" if kind == "municipality" else "around"
        message = (
            f"{name} (a party, or by registry ownership) is in {len(cases)} cases {around} "
            f"{place.label}: {', '.join(sorted(cases))}"
        )
        out.append(
            PortfolioFinding(group, name, where, place.label, kind, tuple(sorted(cases)), message)
        )
    out.sort(key=lambda f: (-len(f.cases), f.group_name, f.where_name))
    return out


def _group_key(node_id: str) -> str:
    """'group:X' and 'party:entity:X' are one registry entity X."""
    for prefix in ("group:", "party:entity:"):
        if node_id.startswith(prefix):
            return "group:" + node_id.removeprefix(prefix)
    return node_id


def _in_registry(p: Portfolio, pid: str, owner: dict[str, str]) -> bool:
    """A foreign party known to the registry (by itself or through its group)."""
    node = p.nodes[pid]
    return pid in owner or (pid.startswith("party:entity:") and node.kind != "municipality")


def _cases(p: Portfolio) -> list[tuple[str, set[str], set[str]]]:
    """Per case: its foreign registry parties, and its municipalities and facilities."""
    parties: dict[str, set[str]] = defaultdict(set)
    places: dict[str, set[str]] = defaultdict(set)
    domestic = {n.id for n in p.of_kind("municipality")}
    for e in p.edges:
        if e.case_id is None:
            continue
        if e.kind == "party_of":
            if e.target in domestic:
                places[e.case_id].add(e.target)
            elif p.nodes[e.target].country != p.nodes[e.source].country:
                parties[e.case_id].add(e.target)
        elif e.kind == "near":
            places[e.case_id].add(e.target)
    return [(c, parties[c], places[c]) for c in sorted(parties)]
