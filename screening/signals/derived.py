"""Case values that need the rule pack: the target's sensitivity and whether filing is due.

`target.sensitivity` is the highest sensitivity of the target's sectors (rules/vocabulary.yaml),
raised to high by what the target holds or does: supplying defence or government, operating
critical infrastructure, export-controlled technology, sensitive personal data of a
million people or more (the threshold of 31 CFR 800.241(a)(1)(ii)(A)), or data on government
or military personnel at any scale (800.241(a)(1)(i)). Absent when the case
names neither sectors nor holdings: state-ownership findings are then scaled as for medium.

`transaction.filing_expected` is true when the case's jurisdiction has an investment
screening body with a mandatory filing in one of the target's sectors (`Body.mandatory_for`,
the same test the routes use).
"""

from __future__ import annotations

from typing import Any

from screening.loading.rulepack import RulePack
from screening.models.case import Case

LEVELS = ("low", "medium", "high")
#: Personal data held at this scale makes a target sensitive on its own.
MILLION = 1_000_000
SENSITIVE_DATA = {"health", "genetic", "biometric", "precise_location", "financial"}
SENSITIVE_DATA |= {"communications"}


def derived_values(case: Case, pack: RulePack) -> dict[str, Any]:
    """The pack-derived paths of `models.casepaths.PACK_DERIVED` for this case."""
    out: dict[str, Any] = {}
    sensitivity = target_sensitivity(case, pack)
    if sensitivity is not None:
        out["target.sensitivity"] = sensitivity
    if case.transaction is not None and pack.routing is not None:
        out["transaction.filing_expected"] = filing_expected(case, pack)
    return out


def target_sensitivity(case: Case, pack: RulePack) -> str | None:
    target = case.target
    if target is None:
        return None
    by_id = {s.id: s.sensitivity for s in pack.vocabulary.sectors}
    levels = [by_id[s] for s in target.sectors if s in by_id]
    holds_sensitive = (
        bool(target.supplier_to)
        or bool(target.critical_infrastructure_operator)
        or any(
            t.eu_dual_use or (t.eccn and t.eccn != "EAR99") for t in target.critical_technologies
        )
        or any(
            d.category == "government_personnel"
            or (d.category in SENSITIVE_DATA and (d.people or 0) >= MILLION)
            for d in target.personal_data
        )
    )
    if holds_sensitive:
        levels.append("high")
    return max(levels, key=LEVELS.index) if levels else None


def filing_expected(case: Case, pack: RulePack) -> bool:
    routing = pack.routing
    if routing is None or case.target is None:
        return False
    own, also = routing.regimes_for(case.jurisdiction)
    for regime in (own, *also):
        bodies = {b.id: b for b in regime.bodies}
        for body_id in regime.routes.get("investment_screening", []):
            if case.target.sectors and bodies[body_id].mandatory_for(case.target.sectors):
                return True
    return False
