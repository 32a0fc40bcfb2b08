"""What changed for one case between its last screening and now, and why.

A finding that appears or disappears is explained by what the two runs screened with: its
rule added, changed or removed; a registry entry its evidence names added, changed or
removed (a party newly listed, a facility moved); the case file itself edited. A band that
moves with the same findings is explained by the rules whose definition changed or by the
scoring settings.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from screening.models.common import BANDS
from screening.monitor.digests import Digests
from screening.monitor.store import Screening

ReasonKind = Literal[
    "rule-added",
    "rule-changed",
    "rule-removed",
    "registry-added",
    "registry-changed",
    "registry-removed",
    "scoring-changed",
    "case-changed",
    "rules-changed",
    "rests-on",
]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Reason(_Out):
    kind: ReasonKind
    subject: str
    message: str


class FindingChange(_Out):
    rule_id: str
    change: Literal["added", "removed"]
    contribution: float = 0.0
    reasons: list[Reason]


class CaseChange(_Out):
    case_id: str
    title: str
    path: str
    band_before: str
    band_after: str
    score_before: float
    score_after: float
    last_screened_at: str
    findings: list[FindingChange]
    reasons: list[Reason]

    @property
    def band_rose(self) -> bool:
        return _rank(self.band_after) > _rank(self.band_before)


def _rank(band: str) -> int:
    return [str(b) for b in BANDS].index(band) if band in BANDS else -1


def compare(
    old: Screening,
    new: dict[str, Any],
    before: Digests | None,
    now: Digests,
    *,
    case_digest: str,
    rules_digest: str,
) -> CaseChange | None:
    """The change of one case (`new` is its result as JSON), or None when nothing moved."""
    new_findings = {f["rule_id"]: f for f in new.get("findings", [])}
    added = [r for r in new_findings if r not in old.findings]
    removed = [r for r in old.findings if r not in new_findings]
    if not added and not removed and new["band"] == old.band:
        return None
    digests = (case_digest, rules_digest)
    changes = [
        FindingChange(
            rule_id=r,
            change="added",
            contribution=float(new_findings[r].get("contribution", 0.0)),
            reasons=_why(r, new_findings[r].get("evidence", []), old, before, now, digests),
        )
        for r in added
    ]
    changes += [
        FindingChange(
            rule_id=r,
            change="removed",
            contribution=old.findings[r].contribution,
            reasons=_why(r, old.findings[r].evidence, old, before, now, digests),
        )
        for r in removed
    ]
    evidence = {r: new_findings[r].get("evidence", []) for r in added}
    evidence |= {r: old.findings[r].evidence for r in removed}
    _premises(changes, evidence)
    case_reasons: list[Reason] = []
    if not changes:  # same findings, another band: weights or the scoring settings
        kept = [r for r in new_findings if r in old.findings]
        case_reasons = [x for r in kept for x in _rule_reasons(r, before, now)]
        case_reasons += _scoring(before, now)
        if before is None and old.rules_digest != rules_digest:
            case_reasons.append(_unrecorded())
    return CaseChange(
        case_id=old.case_id,
        title=old.title,
        path=old.path,
        band_before=old.band,
        band_after=new["band"],
        score_before=old.score,
        score_after=float(new["score"]),
        last_screened_at=old.screened_at,
        findings=changes,
        reasons=case_reasons,
    )


def _why(
    rule_id: str,
    evidence: list[dict[str, Any]],
    old: Screening,
    before: Digests | None,
    now: Digests,
    digests: tuple[str, str],
) -> list[Reason]:
    """Why a finding appeared or went; `digests`: the case's and the pack's, now."""
    case_digest, rules_digest = digests
    out = _rule_reasons(rule_id, before, now)
    if before is not None:
        out += _registry_reasons(evidence, before, now)
    elif old.rules_digest != rules_digest:
        out.append(_unrecorded())
    if case_digest != old.case_digest:
        out.append(Reason(kind="case-changed", subject=old.path, message="the case file changed"))
    return out


def _premises(changes: list[FindingChange], evidence: dict[str, list[dict[str, Any]]]) -> None:
    """A compound finding with no reason of its own moved with the findings it rests on."""
    moved = {c.rule_id: c.change for c in changes}
    for c in changes:
        if c.reasons:
            continue
        for ev in evidence.get(c.rule_id, []):
            dep = ev.get("rule_id")
            if ev.get("kind") == "finding" and isinstance(dep, str) and moved.get(dep) == c.change:
                message = f"rests on finding '{dep}', {c.change} too"
                c.reasons.append(Reason(kind="rests-on", subject=dep, message=message))


def _rule_reasons(rule_id: str, before: Digests | None, now: Digests) -> list[Reason]:
    if before is None:
        return []
    was, isnow = before.get("rule", {}).get(rule_id), now.get("rule", {}).get(rule_id)
    if was is None and isnow is not None:
        return [Reason(kind="rule-added", subject=rule_id, message=f"rule '{rule_id}' added")]
    if was is not None and isnow is None:
        message = f"rule '{rule_id}' removed (or no longer active)"
        return [Reason(kind="rule-removed", subject=rule_id, message=message)]
    if was != isnow:
        message = f"rule '{rule_id}' changed (its condition, weight or status)"
        return [Reason(kind="rule-changed", subject=rule_id, message=message)]
    return []


def _registry_reasons(
    evidence: list[dict[str, Any]], before: Digests, now: Digests
) -> list[Reason]:
    out: list[Reason] = []
    seen: set[tuple[str, str]] = set()
    for ev in evidence:
        for kind, key in _entries(ev):
            if (kind, key) in seen:
                continue
            seen.add((kind, key))
            was, isnow = before.get(kind, {}).get(key), now.get(kind, {}).get(key)
            if was == isnow:
                continue
            party = ev.get("party_name")
            listed = ", ".join(str(x) for x in ev.get("lists") or [])
            who = f"party '{party}' now matches " if party and isnow is not None else ""
            lists = f" (listed: {listed})" if listed else ""
            what: ReasonKind
            if was is None:
                what, text = "registry-added", "new in the registry"
            elif isnow is None:
                what, text = "registry-removed", "removed from the registry"
            else:
                what, text = "registry-changed", "changed in the registry"
            message = f"{who}{kind} '{key}', {text}{lists}"
            out.append(Reason(kind=what, subject=f"{kind}:{key}", message=message))
    return out


def _entries(ev: dict[str, Any]) -> list[tuple[str, str]]:
    """The registry entries a piece of evidence names."""
    out: list[tuple[str, str]] = []
    for field, kind in (
        ("entity_id", "entity"),
        ("registry_entity", "entity"),
        ("facility_id", "facility"),
    ):
        value = ev.get(field)
        if isinstance(value, str) and value:
            out.append((kind, value))
    return out


def _scoring(before: Digests | None, now: Digests) -> list[Reason]:
    if before is None or before.get("settings") == now.get("settings"):
        return []
    message = "the scoring settings changed (band thresholds or sensitivity factors)"
    return [Reason(kind="scoring-changed", subject="scoring.yaml", message=message)]


def _unrecorded() -> Reason:
    message = (
        "the rules or registries changed since the last screening (that run predates "
        "per-rule records, so which one is not known)"
    )
    return Reason(kind="rules-changed", subject="rules", message=message)
