"""How reports show waivers: each waived finding with its waiver, each lapsed waiver and why.

One wording for the terminal, Markdown and the HTML dossier (which renders the same lines
through `_waivers.html.j2`), so a waived finding reads the same everywhere.
"""

from __future__ import annotations

from screening.models.result import Result, WaivedFinding, WaiverNote


def waived_line(w: WaivedFinding) -> str:
    """'rule-id (Title): waived for party X by who on 2026-11-30, until 2027-06-30: why'."""
    f = w.finding
    subject = f" for party {w.party}" if w.scope == "party" and w.party else " for this case"
    return (
        f"{f.rule_id} ({f.title}, weight {f.weight:+d}): waived{subject} by {w.granted_by} "
        f"on {w.granted_at.date().isoformat()}, until {w.expires.isoformat()}: {w.justification}"
    )


def note_line(n: WaiverNote) -> str:
    """'waiver of rule-id (party X) no longer applies: why'."""
    subject = f" (party {n.party})" if n.scope == "party" and n.party else ""
    return f"waiver of {n.rule_id}{subject} no longer applies: {n.message}"


def has_waivers(result: Result) -> bool:
    return bool(result.waived or result.waiver_notes)
