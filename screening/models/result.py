"""The screening result: score, band and explained findings, with what it takes to reproduce it."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from screening.models.common import Band, new_list
from screening.models.evidence import Evidence
from screening.models.rule import Recommendation, Reference


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Route(_Out):
    """One body of the case's jurisdiction that should see a finding, or that none has remit."""

    kind: str = Field(description="The kind of attention (rules/routes.yaml route_kinds).")
    kind_label: str
    body_id: str | None = Field(default=None, description="None when no body has remit.")
    body: str
    filing: str | None = Field(
        default=None, description="mandatory, voluntary, by_referral, none or unknown."
    )
    legal_basis: str | None = None
    filing_note: str | None = Field(default=None, description="When filing applies.")
    note: str | None = Field(default=None, description="A remark on the body's remit here.")


class Finding(_Out):
    rule_id: str
    title: str
    family: str
    weight: int
    effective_weight: float = Field(
        default=0.0, description="The weight after scaling by the target's sensitivity."
    )
    decisive: bool = False
    contribution: float = Field(
        description="Points this finding adds to (or takes from) the score."
    )
    counted: bool = Field(
        description="False when its evidence was already counted by another finding."
    )
    note: str | None = None
    explanations: list[str]
    evidence: list[Evidence]
    references: list[Reference]
    recommendation: Recommendation
    routes: list[Route] = Field(
        default_factory=new_list, description="The bodies of the case's jurisdiction to refer to."
    )
    firings: int = Field(description="How many fact combinations satisfied the rule.")
    caveats: list[str] = Field(default_factory=new_list)


class Unmeasured(_Out):
    """Something the score could not take into account: a low band is then not a clearance."""

    what: Literal["proximity"] = Field(
        description="The kind of signal left unmeasured (distances to strategic facilities)."
    )
    site: str = Field(description="The case's site, by name.")
    reason: str


class WaivedFinding(_Out):
    """A finding a reviewer waived: shown with the waiver, left out of the score and band."""

    finding: Finding = Field(description="The finding as screened; it contributes nothing.")
    scope: Literal["case", "party"]
    party: str | None = Field(default=None, description="The party a party waiver names.")
    justification: str
    granted_by: str
    granted_at: dt.datetime
    expires: dt.date


class WaiverNote(_Out):
    """A waiver that no longer applies to this case, and why (the finding counts again)."""

    rule_id: str
    scope: Literal["case", "party"]
    case_id: str | None = None
    party: str | None = None
    reason: Literal["expired", "rule-changed", "rule-removed"]
    message: str = Field(description="What the reviewer should do, in one line.")


class BandScale(_Out):
    medium: float
    high: float
    critical: float


class Provenance(_Out):
    engine_version: str
    rules_digest: str
    case_digest: str
    rule_count: int
    screened_at: dt.datetime


class Result(_Out):
    case_id: str
    case_title: str
    case_path: str | None = None
    expected_band: Band | None = Field(
        default=None, description="The band the case's author expects (from the case file)."
    )
    outcome: str | None = Field(default=None, description="Recorded outcome, for historical cases.")
    jurisdiction: str | None = Field(default=None, description="The case's jurisdiction.")
    control: bool = Field(default=False, description="The case is a harmless control.")
    score: float = Field(ge=0, le=100)
    band: Band
    risk_before_mitigation: float
    sensitivity: str | None = Field(
        default=None, description="The target's sensitivity (low, medium, high), if known."
    )
    bands: BandScale
    findings: list[Finding]
    recommendations: list[str] = Field(
        default_factory=new_list,
        description="Case-level advice, first: where no body has remit, mandatory filings.",
    )
    notices: list[str] = Field(
        default_factory=new_list,
        description="Things the reviewer should know, e.g. an unplaced site.",
    )
    unmeasured: list[Unmeasured] = Field(
        default_factory=new_list,
        description="What the score leaves out; when not empty the result is incomplete.",
    )
    waived: list[WaivedFinding] = Field(
        default_factory=new_list, description="Findings waived by a reviewer (screen --waivers)."
    )
    waiver_notes: list[WaiverNote] = Field(
        default_factory=new_list, description="Waivers for this case that no longer apply, and why."
    )
    provenance: Provenance
