"""A scored case, serialised once in the worker process that screened it.

Sending the `Result` model graph back to the parent means pickling it there and unpickling
it here, then serialising it again for the output: with every core screening, that work
in the parent limited the scaling. A record carries the output rows ready to write.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import TypeAdapter

from screening.models.evidence import Evidence
from screening.models.result import Result
from screening.report.describe import timestamp

_EVIDENCE_JSON: TypeAdapter[list[Evidence]] = TypeAdapter(list[Evidence])

# rank, rule_id, family, weight, contribution, counted, explanation, evidence JSON
FindingRow = tuple[int, str, str, int, float, int, str, str]


@dataclass(frozen=True)
class CaseRecord:
    case_id: str
    title: str
    score: float
    band: str
    risk_before_mitigation: float
    expected_band: str | None
    outcome: str | None
    case_digest: str
    rules_digest: str
    screened_at: str
    result_json: str
    findings: tuple[FindingRow, ...]
    dossier_html: str | None = None  # rendered in the worker when a batch report is wanted

    @classmethod
    def of(cls, r: Result, dossier_html: str | None = None) -> CaseRecord:
        return cls(
            dossier_html=dossier_html,
            case_id=r.case_id,
            title=r.case_title,
            score=r.score,
            band=r.band,
            risk_before_mitigation=r.risk_before_mitigation,
            expected_band=r.expected_band,
            outcome=r.outcome,
            case_digest=r.provenance.case_digest,
            rules_digest=r.provenance.rules_digest,
            screened_at=timestamp(r.provenance.screened_at),
            result_json=r.model_dump_json(),
            findings=tuple(
                (
                    i,
                    f.rule_id,
                    f.family,
                    f.weight,
                    f.contribution,
                    int(f.counted),
                    "\n".join(f.explanations),
                    _EVIDENCE_JSON.dump_json(f.evidence).decode(),
                )
                for i, f in enumerate(r.findings, 1)
            ),
        )

    @property
    def counted_rules(self) -> list[str]:
        return [row[1] for row in self.findings if row[5]]

    def top_findings(self) -> str:
        return "; ".join(f"{row[1]} ({row[4]:+.1f})" for row in self.findings if row[5])
