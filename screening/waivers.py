"""Waivers: a reviewer's decision that a finding does not count, for a case or a named party.

A waiver records the digest of its rule's definition when it was granted, so that a rule
edited since (its condition, weight or status) is not silently waived: the waiver then no
longer applies and the result says so, as it does for an expired waiver or a removed rule.
A waived finding stays in the result, apart and with its justification; the score and band
are computed again without it by the scoring stage, not by arithmetic of our own.

File format (YAML, read by the same safe loader as case files):

    waivers:
      - rule_id: near-military-site
        scope: case            # or party, with `party: <name as in the case file>`
        case_id: haifa-bay-port
        justification: The facility closed in 2021 (MoD letter 2024-113).
        expires: 2027-06-30
        granted_by: a.reviewer
        granted_at: 2026-11-30T10:00:00Z
        rule_digest: sha256:…  # `screening waivers digest RULE-ID` prints it
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from screening.loading.rulepack import RulePack
from screening.loading.validation import validate_document
from screening.loading.yamlio import read_yaml
from screening.models.common import new_list
from screening.models.evidence import FindingEvidence
from screening.models.result import Finding, Result, WaivedFinding, WaiverNote
from screening.pipeline.findings import Draft
from screening.pipeline.routing import case_recommendations
from screening.pipeline.scoring import band_of, score_drafts

#: A waivers file is small; a larger one is a mistake.
MAX_WAIVERS_BYTES = 2 * 1024 * 1024
#: The parts of a rule that decide when it fires and what it weighs: its definition.
DEFINITION = frozenset({"id", "family", "weight", "scale", "decisive", "status", "when"})
_COVERED = re.compile(r"already counted by '([^']+)'")


class Waiver(BaseModel):
    """One waiver: which rule's finding, for which case or party, why, by whom, until when."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule_id: str = Field(min_length=1)
    scope: Literal["case", "party"]
    case_id: str | None = Field(default=None, description="Required when scope is 'case'.")
    party: str | None = Field(
        default=None, description="The party's name as in the case file (or its id); scope party."
    )
    justification: str
    expires: dt.date
    granted_by: str = Field(min_length=1)
    granted_at: dt.datetime
    rule_digest: str = Field(description="rule_digest(pack, rule_id) when it was granted.")

    @field_validator("justification", "granted_by")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty or only whitespace")
        return value

    @model_validator(mode="after")
    def _scope_names_its_subject(self) -> Self:
        if self.scope == "case" and not self.case_id:
            raise ValueError("a waiver with scope 'case' needs a case_id")
        if self.scope == "party" and not self.party:
            raise ValueError("a waiver with scope 'party' needs a party (its name in the case)")
        return self


class WaiversFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    waivers: list[Waiver] = Field(default_factory=new_list)


@dataclass(frozen=True)
class WaiverSet:
    """Waivers and the day they are judged on: what a batch sends to its workers, so every
    case of a run is judged on the same day."""

    waivers: tuple[Waiver, ...]
    today: dt.date

    def apply(self, result: Result, pack: RulePack) -> Result:
        return apply_waivers(result, self.waivers, pack=pack, today=self.today)

    @property
    def digest(self) -> str:
        """What a stored result screened under these waivers depends on: the waivers and the
        day (one may expire overnight). A results database is never resumed under others."""
        text = json.dumps(
            [w.model_dump(mode="json") for w in self.waivers] + [self.today.isoformat()],
            sort_keys=True,
        )
        return hashlib.sha256(text.encode()).hexdigest()


def load_waivers(path: Path) -> list[Waiver]:
    """Every waiver of a file; `InputError` with each problem at its file:line:col."""
    doc = read_yaml(path, max_bytes=MAX_WAIVERS_BYTES)
    return list(validate_document(WaiversFile, doc, code="waivers").waivers)


def rule_digest(pack: RulePack, rule_id: str) -> str:
    """sha256 of the rule's definition as written (condition, weight, scale, decisive, status,
    family): the keys of its YAML file, not the model, so a new optional field in the code
    does not void every waiver.

    Titles, explanations, references and examples are left out: editing them does not
    change what the finding means, so it does not void a waiver."""
    loaded = pack.rule(rule_id)
    if loaded is None:
        raise KeyError(rule_id)
    written = loaded.doc.data
    if isinstance(written, dict):
        data = {k: v for k, v in written.items() if k in DEFINITION}
    else:  # pragma: no cover - a loaded rule always comes from a mapping
        data = loaded.rule.model_dump(mode="json", include=set(DEFINITION), exclude_defaults=True)
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def apply_waivers(
    result: Result, waivers: Sequence[Waiver], *, pack: RulePack, today: dt.date
) -> Result:
    """The result with matching findings waived, re-scored, and the waivers that lapsed."""
    notes: list[WaiverNote] = []
    granted: dict[str, tuple[Waiver, str | None]] = {}  # rule_id -> waiver, party matched
    for w in waivers:
        subject = _subject(w, result)
        if subject is None:
            continue
        note = lapsed(w, pack, today)
        if note is not None:
            if note not in notes and note not in result.waiver_notes:  # applied twice: once
                notes.append(note)
            continue
        finding = _finding(result, w.rule_id)
        if finding is None or (w.scope == "party" and not _names_party(finding, w.party or "")):
            continue
        granted.setdefault(w.rule_id, (w, subject if w.scope == "party" else None))
    if not granted:
        return result.model_copy(update={"waiver_notes": [*result.waiver_notes, *notes]})
    kept = [f for f in result.findings if f.rule_id not in granted]
    waived = [
        WaivedFinding(
            finding=f.model_copy(update={"contribution": 0.0, "counted": False}),
            scope=w.scope,
            party=w.party,
            justification=w.justification,
            granted_by=w.granted_by,
            granted_at=w.granted_at,
            expires=w.expires,
        )
        for f in result.findings
        if f.rule_id in granted
        for w in [granted[f.rule_id][0]]
    ]
    return _rescored(result, kept, pack).model_copy(
        update={
            "waived": [*result.waived, *waived],
            "waiver_notes": [*result.waiver_notes, *notes],
        }
    )


def _subject(w: Waiver, result: Result) -> str | None:
    """What the waiver names in this result (the case id, or the party), or None."""
    if w.scope == "case":
        return w.case_id if w.case_id == result.case_id else None
    wanted = _fold(w.party or "")
    for f in [*result.findings, *(x.finding for x in result.waived)]:
        for name in _parties(f):
            if _fold(name) == wanted:
                return name
    return None


def lapsed(w: Waiver, pack: RulePack, today: dt.date) -> WaiverNote | None:
    """Why a waiver no longer applies, or None when it does."""
    common = {"rule_id": w.rule_id, "scope": w.scope, "case_id": w.case_id, "party": w.party}
    if pack.rule(w.rule_id) is None:
        message = f"rule '{w.rule_id}' no longer exists; remove the waiver"
        return WaiverNote(**common, reason="rule-removed", message=message)
    if w.expires < today:
        message = f"expired on {w.expires.isoformat()}; review the finding and renew or remove it"
        return WaiverNote(**common, reason="expired", message=message)
    if rule_digest(pack, w.rule_id) != w.rule_digest:
        message = (
            f"rule '{w.rule_id}' changed since the waiver was granted on "
            f"{w.granted_at.date().isoformat()}; review the finding and grant it again"
        )
        return WaiverNote(**common, reason="rule-changed", message=message)
    return None


def _finding(result: Result, rule_id: str) -> Finding | None:
    return next((f for f in result.findings if f.rule_id == rule_id), None)


def _parties(finding: Finding) -> list[str]:
    out: list[str] = []
    for ev in finding.evidence:
        for key in ("party_name", "party"):
            value = getattr(ev, key, None)
            if isinstance(value, str):
                out.append(value)
    return out


def _names_party(finding: Finding, party: str) -> bool:
    return _fold(party) in {_fold(name) for name in _parties(finding)}


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _rescored(result: Result, kept: list[Finding], pack: RulePack) -> Result:
    """Score the remaining findings again with the scoring stage.

    The scoring stage judges double counting on the facts behind each finding, which a
    result does not keep; each finding's evidence stands in for them. A finding counted
    before stays counted (removing findings cannot cover it), and one covered by a finding
    that is still there stays covered; a decisive finding that was not corroborated is not
    corroborated by fewer findings."""
    drafts: dict[str, Draft] = {}
    for f in kept:
        loaded = pack.rule(f.rule_id)
        if loaded is None:  # a result from another pack: keep the finding as it was scored
            continue
        keys = {ev.model_dump_json() for ev in f.evidence if not isinstance(ev, FindingEvidence)}
        drafts[f.rule_id] = Draft(
            rule=loaded.rule,
            evidence=list(f.evidence),
            explanations=list(f.explanations),
            base_facts=keys | ({f"#counted:{f.rule_id}"} if f.counted else set()),
            facts=set(keys),
            firings=f.firings,
            caveats=list(f.caveats),
        )
    every = set().union(*(d.facts for d in drafts.values()))
    for f in kept:
        if f.decisive and f.rule_id in drafts and "decisive, corroborated" not in (f.note or ""):
            drafts[f.rule_id].facts = set(every)  # not corroborated before: nor with fewer
        match = _COVERED.search(f.note or "")
        if not f.counted and match and match.group(1) in drafts and f.rule_id in drafts:
            drafts[match.group(1)].base_facts |= drafts[f.rule_id].base_facts
    score, risk, scored = score_drafts(list(drafts.values()), pack.scoring, result.sensitivity)
    by_id = {f.rule_id: f for f in kept}
    findings = [s.model_copy(update={"routes": by_id[s.rule_id].routes}) for s in scored]
    findings += [f for f in kept if f.rule_id not in drafts]
    recommendations = result.recommendations
    if pack.routing is not None and result.jurisdiction:
        recommendations = case_recommendations(pack.routing, result.jurisdiction, findings)
    return result.model_copy(
        update={
            "score": score,
            "band": band_of(score, result.bands),
            "risk_before_mitigation": risk,
            "findings": findings,
            "recommendations": recommendations,
        }
    )
