"""Checks of the routing table and of the route kinds rules name."""

from __future__ import annotations

from pathlib import Path

from screening.conditions.base import expected
from screening.errors import Location, Problem, Severity
from screening.loading.rulepack import RulePack


def check_routes(pack: RulePack) -> list[Problem]:
    """Rules name known route kinds; bodies name known sectors."""
    out: list[Problem] = []
    routing = pack.routing
    if routing is None:
        if any(lr.rule.recommendation.routes for lr in pack.rules):
            out.append(
                Problem(
                    Location(str(pack.root / "routes.yaml")),
                    "rules name routes but the pack has no routes.yaml; findings will not be "
                    "referred to any body",
                    "routes",
                    Severity.WARNING,
                )
            )
        return out
    kinds = {k.id for k in routing.route_kinds}
    for lr in pack.rules:
        for i, kind in enumerate(lr.rule.recommendation.routes):
            if kind not in kinds:
                out.append(
                    Problem(
                        lr.doc.location(("recommendation", "routes", i)),
                        f"unknown route kind '{kind}'; {expected(kinds, kind)}",
                        "rule-vocabulary",
                        subject=lr.rule.id,
                    )
                )
    sectors = {s.id for s in pack.vocabulary.sectors}
    doc = pack.docs.get(str(Path(pack.root) / "routes.yaml"))
    for r, regime in enumerate(routing.regimes):
        for b, body in enumerate(regime.bodies):
            for s, sector in enumerate(body.sectors):
                if sector not in sectors:
                    where = ("regimes", r, "bodies", b, "sectors", s)
                    out.append(
                        Problem(
                            doc.location(where) if doc else Location(str(pack.root)),
                            f"body '{body.id}': unknown sector '{sector}'; "
                            f"{expected(sectors, sector)}",
                            "routes",
                        )
                    )
    return out
