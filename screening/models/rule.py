"""The rule file: one risk signal (or mitigation), its condition, explanation and examples.

A condition (`when`) is a tree of leaves joined by `all`, `any` and `not`; each leaf is one of
the condition kinds in `screening/conditions/`, which also say how it compiles onto
durable-rules, how it is checked and how it is explained.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from screening.conditions.tree import Condition
from screening.models.common import NonEmpty, Slug, Strict, new_list


class Reference(Strict):
    """Where the rule's rationale comes from: a source document and a verbatim quote.

    `kind: seed` (the default): one of the source documents (shared/seeds), whose quote the
    checks find verbatim. `kind: official`: a regulation or official text, named with its
    section (`document: "31 CFR 800.241"`) and where to read it (`url`); its short quote is
    checked only where the text is in the repository.
    """

    kind: Literal["seed", "official"] = "seed"
    document: NonEmpty
    quote: NonEmpty = Field(max_length=600)
    url: str | None = None

    @model_validator(mode="after")
    def _official_has_url(self) -> Reference:
        if self.kind == "official" and not self.url:
            raise ValueError("an official reference needs a url where its text can be read")
        return self


class Recommendation(Strict):
    """What the reviewer should do, and which kinds of body should see the case.

    `routes` names kinds of attention (rules/routes.yaml `route_kinds`: investment screening,
    a defence assessment, export control, land, …); the routing table turns them into the
    bodies of the case's own jurisdiction. An empty list: the finding needs no referral.
    """

    action: NonEmpty
    routes: list[Slug] = Field(default_factory=new_list)
    note: str | None = Field(
        default=None, description="A remark on the referral that holds in every jurisdiction."
    )


class Example(Strict):
    """A case the rule must fire on (`fire`) or stay quiet on (`quiet`)."""

    expect: Literal["fire", "quiet"]
    case: str | dict[str, Any] = Field(
        description="A case file path relative to the rule file, or an inline case."
    )
    note: str | None = None
    known_gap: bool = Field(
        default=False,
        description="The rule does not get this example right yet; tracked, not failing.",
    )


class Rule(Strict):
    id: Slug
    title: NonEmpty
    description: NonEmpty
    family: Slug
    weight: int = Field(ge=-100, le=100)
    scale: Literal["none", "sensitivity"] = Field(
        default="none",
        description="sensitivity: the weight is multiplied by the target's sensitivity factor "
        "(rules/scoring.yaml), for structural signals such as state ownership.",
    )
    decisive: bool = Field(
        default=False,
        description="A fact that decides a case on its own when another family corroborates "
        "it: the risk is raised to the decisive band (rules/scoring.yaml decisive_floor).",
    )
    status: Literal["active", "draft", "deprecated"] = "active"
    tags: list[Slug] = Field(default_factory=new_list)
    when: Condition
    explanation: NonEmpty
    references: list[Reference] = Field(min_length=1)
    recommendation: Recommendation
    examples: list[Example] = Field(default_factory=new_list)

    @model_validator(mode="after")
    def _nonzero(self) -> Rule:
        if self.weight == 0:
            raise ValueError("weight must not be 0 (risk rules are positive, mitigations negative)")
        if self.weight < 0 and (self.scale != "none" or self.decisive):
            raise ValueError(
                "a mitigation (negative weight) cannot be decisive or scaled by sensitivity; "
                "expected scale and decisive only on risk rules"
            )
        return self

    @property
    def is_mitigation(self) -> bool:
        return self.weight < 0
