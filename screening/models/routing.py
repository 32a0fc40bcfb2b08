"""`rules/routes.yaml`: which body of which jurisdiction receives which kind of finding.

A rule says what kind of attention its finding needs (`recommendation.routes`: investment
screening, a defence assessment, export control, land, …); the routing table says, per
regime, which bodies give it, on what legal basis, and whether filing is mandatory. A case
is routed only to its own jurisdiction's bodies; where none has remit the report says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import Field, model_validator

from screening.models.common import CountryCode, NonEmpty, Slug, Strict, new_dict, new_list

Filing = Literal["mandatory", "voluntary", "by_referral", "none", "unknown"]


class RouteKind(Strict):
    id: Slug
    label: NonEmpty
    description: NonEmpty


class Body(Strict):
    """A public body that decides on, advises on or is told of a kind of finding."""

    id: Slug
    name: NonEmpty = Field(max_length=120, description="The name reports use.")
    full_name: NonEmpty
    cite: NonEmpty = Field(max_length=90, description="A short legal citation for reports.")
    decides: NonEmpty
    filing: Filing
    filing_note: str | None = None
    legal_basis: NonEmpty
    quote: str | None = Field(default=None, max_length=400)
    sectors: list[Slug] = Field(
        default_factory=new_list, description="Sectors in its remit; empty: any sector."
    )
    mandatory_sectors: list[Slug] = Field(
        default_factory=new_list,
        description="Sectors in which filing with it is mandatory (with `filing: mandatory`; "
        "empty: those of `sectors`).",
    )
    not_in_remit: str | None = None
    generic: bool = Field(
        default=False,
        description="Stands for a national body (\"the host Member State's screening "
        "authority\"): named only when the case's own regime names none for the kind.",
    )
    source: NonEmpty
    uncertain: str | None = None

    def mandatory_for(self, sectors: Sequence[str]) -> bool:
        """Filing with this body is mandatory for a target in these sectors."""
        if self.filing != "mandatory":
            return False
        scope = self.mandatory_sectors or self.sectors
        return not scope or bool(set(scope) & set(sectors))


class Regime(Strict):
    id: Slug
    label: NonEmpty
    jurisdictions: list[CountryCode] = Field(
        default_factory=new_list, description="Countries it applies to; empty for the default."
    )
    also: list[Slug] = Field(
        default_factory=new_list,
        description="Other regimes whose routes apply too (an EU member state's cases also "
        "go to the EU cooperation mechanism).",
    )
    bodies: list[Body] = Field(default_factory=new_list)
    routes: dict[Slug, list[Slug]] = Field(
        default_factory=new_dict,
        description="Route kind -> body ids, in the order to name them. An empty list says "
        "that no body has remit; a kind left out is not mapped, and the default regime's "
        "generic bodies stand in.",
    )

    @model_validator(mode="after")
    def _known_bodies(self) -> Regime:
        ids = {b.id for b in self.bodies}
        for kind, bodies in self.routes.items():
            for body in bodies:
                if body not in ids:
                    raise ValueError(
                        f"routes.{kind}: '{body}' is not a body of regime '{self.id}'; "
                        f"expected one of {', '.join(sorted(ids)) or 'none'}"
                    )
        return self


class RoutingFile(Strict):
    """The whole routing table."""

    route_kinds: list[RouteKind] = Field(min_length=1)
    regimes: list[Regime] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_default(self) -> RoutingFile:
        defaults = [r.id for r in self.regimes if not r.jurisdictions]
        if len(defaults) != 1:
            raise ValueError(
                f"expected exactly one default regime (no jurisdictions); found {len(defaults)}"
            )
        kinds = {k.id for k in self.route_kinds}
        for regime in self.regimes:
            for kind in regime.routes:
                if kind not in kinds:
                    raise ValueError(
                        f"regime '{regime.id}': unknown route kind '{kind}'; expected one of "
                        f"{', '.join(sorted(kinds))}"
                    )
        return self

    @property
    def default(self) -> Regime:
        return next(r for r in self.regimes if not r.jurisdictions)

    def regimes_for(self, jurisdiction: str) -> tuple[Regime, list[Regime]]:
        """The jurisdiction's regime (or the default) and the regimes it also belongs to."""
        own = next((r for r in self.regimes if jurisdiction in r.jurisdictions), None)
        if own is None:
            own = self.default
        return own, [r for r in self.regimes if r.id in own.also]
