"""Referral: the bodies of the case's own jurisdiction that should see each finding.

A rule names kinds of attention; the routing table (rules/routes.yaml) names, per regime,
the bodies for each kind. A body whose remit is limited to some sectors is named only when
the case's target is in one of them. Where no body has remit the route says so, and when
that holds for every counted finding the case's first recommendation says so too.
"""

from __future__ import annotations

from collections.abc import Sequence

from screening.models.result import Finding, Route
from screening.models.routing import Body, Regime, RoutingFile

#: Kinds whose bodies take filings about the investment itself (export licences are not).
FILING_KINDS = ("investment_screening", "land_real_estate")


def route(
    routing: RoutingFile, jurisdiction: str, sectors: Sequence[str], kinds: Sequence[str]
) -> list[Route]:
    """One route per body that should see a finding of these kinds, or one saying none can."""
    own, also = routing.regimes_for(jurisdiction)
    labels = {k.id: k.label for k in routing.route_kinds}
    out: list[Route] = []
    for kind in kinds:
        label = labels.get(kind, kind)
        candidates, stand_in = _candidates(routing, own, also, kind)
        named = [b for b in candidates if _in_remit(b, sectors)]
        excluded = [b for b in candidates if not _in_remit(b, sectors)]
        for body in {b.id: b for b in named}.values():
            r = _route(kind, label, body, sectors)
            if stand_in:
                r.note = "; ".join(
                    filter(None, [f"not mapped for {own.label}: a generic body is named", r.note])
                )
            out.append(r)
        if not named:
            out.append(
                Route(kind=kind, kind_label=label, body=_nobody(own, label), note=_why(excluded))
            )
    return out


def _candidates(
    routing: RoutingFile, own: Regime, also: list[Regime], kind: str
) -> tuple[list[Body], bool]:
    """The bodies for a kind, and whether they stand in for a regime that does not map it.

    The case's own regime comes first; a regime it also belongs to adds its bodies, except
    the generic ones standing for a national body when the own regime already names one.
    A kind no regime maps falls to the default regime's generic bodies; an empty list in
    the table means that no body has remit, and is kept.
    """
    mapped = [r for r in (own, *also) if kind in r.routes]
    if not mapped:
        default = routing.default
        return [_body(default, i) for i in default.routes.get(kind, [])], default is not own
    out: list[Body] = []
    for regime in mapped:
        for body in (_body(regime, i) for i in regime.routes[kind]):
            if body.generic and regime is not own and out:
                continue
            out.append(body)
    return out, False


def _body(regime: Regime, body_id: str) -> Body:
    return next(b for b in regime.bodies if b.id == body_id)


def _in_remit(body: Body, sectors: Sequence[str]) -> bool:
    return not body.sectors or not sectors or bool(set(body.sectors) & set(sectors))


def _route(kind: str, label: str, body: Body, sectors: Sequence[str]) -> Route:
    note = None
    if body.sectors and not sectors:
        note = f"its remit covers only {', '.join(body.sectors)}; the case names no sector"
    filing = body.filing
    if filing == "mandatory" and sectors and not body.mandatory_for(sectors):
        filing = "voluntary"  # mandatory only in sectors the target is not in
    return Route(
        kind=kind,
        kind_label=label,
        body_id=body.id,
        body=body.name,
        filing=filing,
        legal_basis=body.cite,
        filing_note=body.filing_note,
        note=note,
    )


def _nobody(regime: Regime, label: str) -> str:
    where = (
        regime.label
        if regime.jurisdictions
        else "the routing table (no regime for this jurisdiction)"
    )
    return f"no body in {where} has remit for {label.lower()}"


def _why(excluded: list[Body]) -> str | None:
    if not excluded:
        return None
    return "; ".join(
        f"{b.name} covers only {', '.join(b.sectors)}"
        + (f" ({b.not_in_remit} is outside it)" if b.not_in_remit else "")
        for b in {b.id: b for b in excluded}.values()
    )


def case_recommendations(
    routing: RoutingFile, jurisdiction: str, findings: Sequence[Finding]
) -> list[str]:
    """Case-level advice: no regime mapped, no body with remit, filings that are mandatory."""
    own, _ = routing.regimes_for(jurisdiction)
    out: list[str] = []
    if not own.jurisdictions:
        out.append(
            f"No routing table for {jurisdiction}: bodies are named generically; identify the "
            "national screening authority and the regulators of the target's sector."
        )
    counted = [f for f in findings if f.counted and f.contribution > 0 and f.routes]
    if counted and all(r.body_id is None for f in counted for r in f.routes):
        kinds = sorted({r.kind_label.lower() for f in counted for r in f.routes})
        out.insert(
            0,
            f"No body in {own.label} has remit over this case as filed ({', '.join(kinds)}); "
            "the findings stand, but no referral route exists: record the decision and its "
            "reasons, and consider whether the case should be brought to the government's "
            "attention another way.",
        )
    mandatory = {
        r.body_id: r
        for f in counted
        for r in f.routes
        if r.filing == "mandatory" and r.body_id is not None and r.kind in FILING_KINDS
    }
    for r in mandatory.values():
        when = f" {r.filing_note}" if r.filing_note else ""
        out.append(f"Filing may be mandatory: {r.body} ({r.legal_basis}).{when}")
    return out
