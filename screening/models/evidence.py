"""Evidence: what a fact rests on, carried from signal extraction to the reviewer's report.

Each kind's fields are also the placeholders a rule's explanation may use, as
`{alias.field}` (for example `{proximity.facility}` or `{text.sentence}`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from screening.models.common import new_dict, new_list


class _Evidence(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class TextEvidence(_Evidence):
    kind: Literal["text"] = "text"
    phrase_set: str
    phrase: str
    matched: str = Field(description="The text as it stands in the source (original case).")
    source: str = Field(description="documents, target.description, target.technologies, summary")
    document: str | None = None
    document_title: str | None = None
    start: int = Field(description="Character offset of the match in its text.")
    end: int
    sentence: str
    sentence_start: int


class ProximityEvidence(_Evidence):
    kind: Literal["proximity"] = "proximity"
    site: str
    facility: str
    facility_id: str | None = None
    facility_kind: str
    distance_km: float | None = Field(
        description="Distance to the facility's edge, in km; None when the facility's "
        "position is only known to its city or area (basis same_area)."
    )
    basis: Literal["computed", "declared", "same_area"]
    precision: str
    precision_note: str | None = None
    source: str | None = None


class EntityEvidence(_Evidence):
    kind: Literal["entity"] = "entity"
    party: str
    party_name: str
    name_matched: str = Field(description="The party's name or alias that matched.")
    entity_id: str
    entity_name: str
    alias: str = Field(description="The registry name or alias it matched.")
    score: float
    category: str
    lists: list[str] = Field(default_factory=new_list)
    source: str


class PathStep(_Evidence):
    name: str
    percent: float
    certainty: str = "reported"


class OwnershipEvidence(_Evidence):
    kind: Literal["ownership"] = "ownership"
    party: str
    party_name: str
    state_share: float = Field(description="Effective share held by states, all together.")
    foreign_state_share: float = Field(
        default=0.0, description="Effective share held by states other than the jurisdiction."
    )
    shares_by_country: dict[str, float] = Field(default_factory=new_dict)
    state_country: str | None = Field(default=None, description="The state with the largest share.")
    paths: list[list[PathStep]] = Field(default_factory=new_list)
    path_text: str = Field(description="The strongest path, written out with percentages.")
    basis: str = Field(description="declared, case owners, or registry")
    registry_entity: str | None = Field(
        default=None,
        description="The registry entity whose owner links gave the shares, when the case "
        "gave none of its own.",
    )


class PartyEvidence(_Evidence):
    kind: Literal["party"] = "party"
    party: str
    party_name: str
    party_kind: str
    country: str
    roles: list[str]
    government_level: str | None = None
    former_offices: list[str] = Field(default_factory=new_list)
    represents: list[str] = Field(default_factory=new_list)
    entity_id: str | None = Field(default=None, description="The registry entity it matched.")
    entity_name: str | None = None
    category: str | None = Field(default=None, description="The matched entity's category.")
    state_body: bool | None = Field(
        default=None,
        description="Whether it is the state itself (a government, ministry or party organ): "
        "from the registry, else from the party's kind; None when neither says.",
    )
    lists: list[str] = Field(
        default_factory=new_list, description="Public lists the matched entity is on."
    )
    provenance: dict[str, str] = Field(
        default_factory=new_dict,
        description="Where each attribute came from: 'case', or 'registry:<file>#<entity id>'.",
    )
    best_candidate: str | None = Field(
        default=None,
        description="No entity matched: the registry name that came closest.",
    )
    best_candidate_id: str | None = None
    best_candidate_score: float | None = None
    match_threshold: float | None = Field(
        default=None, description="The score a match needs (entity_min_score)."
    )
    match_note: str | None = Field(
        default=None,
        description="Why the party is not linked when its score alone does not say "
        "(an ambiguity, a short alias abroad).",
    )


class FieldEvidence(_Evidence):
    kind: Literal["field"] = "field"
    path: str
    value: str | int | float | bool | list[str | int | float | bool] | None
    regimes: list[str] = Field(
        default_factory=new_list,
        description="For sectors: the screening regimes' list items the sectors fall under.",
    )


class FindingEvidence(_Evidence):
    kind: Literal["finding"] = "finding"
    rule_id: str
    title: str


class LandEvidence(_Evidence):
    """A party holds a site's land: by ownership, lease or concession, or through control of
    the company that holds it."""

    kind: Literal["land"] = "land"
    site: str
    party: str
    party_name: str
    tenure: str = Field(description="ownership, lease, concession, or controlled (tenure unknown).")
    term_years: float | None = Field(default=None, description="Term of a lease or concession.")
    through: str | None = Field(
        default=None, description="The target whose land the party takes by acquiring it."
    )
    foreign: bool


Evidence = Annotated[
    TextEvidence
    | ProximityEvidence
    | EntityEvidence
    | OwnershipEvidence
    | PartyEvidence
    | FieldEvidence
    | FindingEvidence
    | LandEvidence,
    Field(discriminator="kind"),
]
