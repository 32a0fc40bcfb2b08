"""Checks of the routing table and of the route kinds rules name."""

from __future__ import annotations

from pathlib import Path

from screening.conditions.base import expected
from screening.errors import Location, Problem, Severity
from screening.loading.rulepack import RulePack


def check_routes(pack: RulePack) -> list[Problem]:
    """Rules name known route kinds; bodies known sectors; regimes known regimes, once."""
    out: list[Problem] = []
    routing = pack.routing
    if routing is None:
        unreadable = (Path(pack.root) / "routes.yaml").exists()  # its own error is reported
        if not unreadable and any(lr.rule.recommendation.routes for lr in pack.rules):
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

    def problem(where: tuple[str | int, ...], message: str) -> Problem:
        return Problem(doc.location(where) if doc else Location(str(pack.root)), message, "routes")

    regime_ids = {r.id for r in routing.regimes}
    owner: dict[str, str] = {}
    for r, regime in enumerate(routing.regimes):
        for j, country in enumerate(regime.jurisdictions):
            if country in owner:
                out.append(
                    problem(
                        ("regimes", r, "jurisdictions", j),
                        f"{country} is already in regime '{owner[country]}'; expected each "
                        "jurisdiction in one regime (use `also` for a shared one)",
                    )
                )
            owner.setdefault(country, regime.id)
        for a, other in enumerate(regime.also):
            if other not in regime_ids or other == regime.id:
                out.append(
                    problem(
                        ("regimes", r, "also", a),
                        f"regime '{regime.id}': unknown regime '{other}' in `also`; "
                        f"{expected(regime_ids - {regime.id}, other)}",
                    )
                )
        for b, body in enumerate(regime.bodies):
            for field in ("sectors", "mandatory_sectors"):
                for s, sector in enumerate(getattr(body, field)):
                    if sector not in sectors:
                        out.append(
                            problem(
                                ("regimes", r, "bodies", b, field, s),
                                f"body '{body.id}': unknown sector '{sector}' in {field}; "
                                f"{expected(sectors, sector)}",
                            )
                        )
    return out
