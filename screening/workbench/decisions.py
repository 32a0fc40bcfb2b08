"""Reviewer decisions: per finding confirm, waive or ask for information; per case decide.

Each is checked here (a waiver needs a justification, an expiry date not in the past and a
scope; a decision needs a reason), then appended to the audit trail with the rule-pack and
case digests the reviewer was looking at. The waivers granted become `screening.waivers`
objects, applied to a result before its dossier is shown: a waived finding no longer counts,
and an expired waiver, or one whose rule changed since, no longer applies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from screening.loading.rulepack import RulePack
from screening.models.result import Finding, Result
from screening.workbench import store
from screening.workbench.queue import DECISIONS, StoredCase
from screening.workbench.service import Workbench

FINDING_ACTIONS = ("confirm", "waive", "ask")
SCOPES = ("case", "party")
#: Longest free text kept from a form field (a justification, a reason, a question).
MAX_TEXT = 4000


class Refused(Exception):
    """What is wrong with a submitted decision, field by field, as shown on the form."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def _text(form: Mapping[str, Any], key: str) -> str:
    value = form.get(key, "")
    return value.strip()[:MAX_TEXT] if isinstance(value, str) else ""


def finding_value(
    action: str,
    form: Mapping[str, Any],
    *,
    rule_id: str,
    parties: list[str],
    pack: RulePack,
    today: dt.date,
) -> dict[str, Any]:
    """The checked value of a finding decision; `Refused` names each bad field."""
    errors: dict[str, str] = {}
    if action not in FINDING_ACTIONS:
        raise Refused({"action": f"expected one of {', '.join(FINDING_ACTIONS)}"})
    note = _text(form, "note")
    if action == "confirm":
        return {"state": "confirmed", "note": note}
    if action == "ask":
        if not note:
            raise Refused({"note": "say what information is needed"})
        return {"state": "information-requested", "question": note}
    justification = _text(form, "justification")
    if not justification:
        errors["justification"] = "a waiver needs a justification"
    expires_text = _text(form, "expires")
    try:
        expires = dt.date.fromisoformat(expires_text)
        if expires < today:
            errors["expires"] = f"{expires.isoformat()} is in the past"
    except ValueError:
        errors["expires"] = f"expected a date (YYYY-MM-DD), got '{expires_text[:40]}'"
    scope = _text(form, "scope")
    party = _text(form, "party") or None
    if scope not in SCOPES:
        errors["scope"] = "expected 'case' or 'party'"
    elif scope == "party" and party not in parties:
        errors["party"] = "name a party this finding's evidence names" + (
            f" ({', '.join(parties)})" if parties else " (it names none: waive it for the case)"
        )
    if errors:
        raise Refused(errors)
    try:
        digest = rule_digest(pack, rule_id)
    except KeyError:
        raise Refused(
            {"rule": f"'{rule_id}' is no longer in the rule pack; screen the case again"}
        ) from None
    return {
        "state": "waived",
        "justification": justification,
        "expires": expires_text,
        "scope": scope,
        "party": party if scope == "party" else None,
        "rule_digest": digest,
    }


def finding_parties(finding: Finding) -> list[str]:
    """The parties a finding's evidence names: those a party waiver of it can name."""
    names = []
    for ev in finding.evidence:
        for key in ("party_name", "party"):
            value = getattr(ev, key, None)
            if isinstance(value, str) and value.strip():
                names.append(value)
    return list(dict.fromkeys(names))


def decision_value(form: Mapping[str, Any]) -> dict[str, Any]:
    decision, reason = _text(form, "decision"), _text(form, "reason")
    errors = {}
    if decision not in DECISIONS:
        errors["decision"] = f"expected one of {', '.join(DECISIONS)}"
    if not reason:
        errors["reason"] = "a decision needs its reason"
    if errors:
        raise Refused(errors)
    return {"decision": decision, "reason": reason}


def record_finding(
    wb: Workbench, case: StoredCase, rule_id: str, action: str, value: dict[str, Any]
) -> store.Entry:
    return store.append(
        wb.db,
        who=wb.settings.user,
        subject="finding",
        case_id=case.case_id,
        case_row=case.case_row,
        target=rule_id,
        action=action,
        value=value,
        rules_digest=wb.pack.digest,
        case_digest=case.case_digest,
    )


def record_decision(wb: Workbench, case: StoredCase, value: dict[str, Any]) -> store.Entry:
    return store.append(
        wb.db,
        who=wb.settings.user,
        subject="case",
        case_id=case.case_id,
        case_row=case.case_row,
        target="case",
        action="decide",
        value=value,
        rules_digest=wb.pack.digest,
        case_digest=case.case_digest,
    )


def rule_digest(pack: RulePack, rule_id: str) -> str:
    """The rule's digest as `screening.waivers` computes it (a changed rule voids a waiver)."""
    from screening import waivers

    return waivers.rule_digest(pack, rule_id)


def waiver_entries(wb: Workbench, case_id: str) -> list[store.Entry]:
    """The waivers in force for a case: its own, and those granted for a named party."""
    own = [e for e in store.states(wb.db, case_id).values() if e.action == "waive"]
    others = [e for e in store.active_party_waivers(wb.db) if e.case_id != case_id]
    return own + others


def apply(wb: Workbench, result: Result, entries: list[store.Entry], today: dt.date) -> Result:
    """The result with the waivers applied (re-scored; stale ones noted by the report)."""
    from screening import waivers

    objects = [
        waivers.Waiver(
            rule_id=e.target,
            scope=e.value["scope"],
            case_id=e.case_id if e.value["scope"] == "case" else None,
            party=e.value.get("party"),
            justification=e.value["justification"],
            expires=dt.date.fromisoformat(e.value["expires"]),
            granted_by=e.who,
            granted_at=dt.datetime.fromisoformat(e.at.replace("Z", "+00:00")),
            rule_digest=e.value["rule_digest"],
        )
        for e in entries
    ]
    if not objects:
        return result
    return waivers.apply_waivers(result, objects, pack=wb.pack, today=today)
