import pytest

from screening.loading.rulepack import RulePack
from screening.models.case import Case, Party, Site
from screening.models.registry import Facility
from screening.signals.entities import EntityIndex
from screening.signals.extract import SignalExtractor
from screening.signals.names import normalise_name
from screening.signals.ownership import OwnershipResolver
from screening.signals.proximity import Gazetteer, facility_distances

FAC = Facility(
    id="f",
    name="F",
    kind="naval_base",
    country="XX",
    location={"lat": 0.0, "lon": 0.0},
    radius_km=1.0,
    precision="exact",
    source="t",
)


def test_distance_is_geodesic_to_the_edge() -> None:
    site = Site(name="s", coordinates={"lat": 0.0, "lon": 0.1})
    (ev,) = facility_distances(Gazetteer([]).place(site), [FAC], search_km=50)
    # 0.1 degree of longitude at the equator on WGS84 is 11.132 km; minus a 1 km radius
    assert ev.distance_km == pytest.approx(10.13, abs=0.01)
    inside = Site(name="s", coordinates={"lat": 0.0, "lon": 0.005})
    assert facility_distances(Gazetteer([]).place(inside), [FAC], 50)[0].distance_km == 0.0


def test_far_facilities_make_no_fact() -> None:
    site = Site(name="s", coordinates={"lat": 1.0, "lon": 1.0})
    assert facility_distances(Gazetteer([]).place(site), [FAC], search_km=20) == []


def test_unknown_place_is_a_notice_with_a_suggestion(pack: RulePack) -> None:
    case = Case(id="c", title="t", jurisdiction="XX", sites=[Site(name="Quay", place="Portvile")])
    extraction = SignalExtractor(pack).extract(case)
    assert "not in the gazetteer (did you mean 'Portville'?)" in extraction.notices[0]


def test_name_normalisation_drops_legal_suffixes() -> None:
    assert normalise_name("HTEG Co., Ltd.") == "hteg"
    # 'Group' and 'Holdings' tell a group from its subsidiaries: they stay in the key
    assert normalise_name("The Harbour Group Holdings Ltd") == "harbour group holdings"


def test_entity_match_by_alias_exact_and_fuzzy(pack: RulePack) -> None:
    index = EntityIndex(pack.entities.values())
    party = Party(
        id="p", name="Harbor Test Engineering Grp", country="YY", kind="company", roles=["operator"]
    )
    ev = index.match_party(party, 85).evidence
    assert ev is not None and ev.entity_id == "test-harbour-group" and 85 <= ev.score < 100
    cjk = Party(
        id="p", name="x", aliases=["测试港湾集团"], country="YY", kind="company", roles=["operator"]
    )
    hit = index.match_party(cjk, 85).evidence
    assert hit is not None and hit.score == 100 and hit.alias == "测试港湾集团"
    short = Party(id="p", name="HTEX", country="YY", kind="company", roles=["operator"])
    miss = index.match_party(short, 85)  # short names match exactly or not at all
    assert miss.evidence is None and miss.nearest is not None and miss.nearest.alias == "HTEG"


def test_ownership_multiplies_along_and_adds_across_chains(pack: RulePack) -> None:
    resolver = OwnershipResolver(
        pack.entities, EntityIndex(pack.entities.values()), pack.matching.state_categories, 85
    )
    party = Party.model_validate(
        {
            "id": "p",
            "name": "NewCo",
            "country": "YY",
            "kind": "company",
            "roles": ["acquirer"],
            "owners": [
                {
                    "name": "A",
                    "percent": 50,
                    "owners": [{"name": "M", "percent": 60, "state": True}],
                },
                {"name": "HTEG", "percent": 10},  # registry: 60% state
                {"name": "Private", "percent": 40},
            ],
        }
    )
    ev = resolver.resolve(party, None, "XX")
    assert ev is not None
    assert ev.state_share == pytest.approx(50 * 0.6 + 10 * 0.6)
    assert ev.path_text == "NewCo <- A (50%) <- M (state) (60%) (+1 more chain)"
    assert len(ev.paths) == 2


def test_no_state_link_gives_no_ownership(pack: RulePack) -> None:
    resolver = OwnershipResolver(
        pack.entities, EntityIndex(pack.entities.values()), pack.matching.state_categories, 85
    )
    party = Party(id="p", name="Private Ltd", country="YY", kind="company", roles=["investor"])
    assert resolver.resolve(party, None, "XX") is None


def test_a_city_level_place_is_too_coarse_to_measure(pack: RulePack) -> None:
    from screening.models.registry import Place

    city = Place(
        id="c",
        name="Big City",
        kind="city",
        country="XX",
        location={"lat": 10.0, "lon": 10.0},
        precision="area",
        source="t",
    )
    placed = Gazetteer([city]).place(Site(name="Depot", place="Big City"))
    assert placed.location is None
    assert "placed only at city level" in (placed.note or "")
    assert facility_distances(placed, [FAC], 50) == []


def _resolver(pack: RulePack) -> OwnershipResolver:
    return OwnershipResolver(
        pack.entities, EntityIndex(pack.entities.values()), pack.matching.state_categories, 85
    )


def _party(owners: list[dict[str, object]], country: str = "YY") -> Party:
    return Party.model_validate(
        {
            "id": "p",
            "name": "NewCo",
            "country": country,
            "kind": "company",
            "roles": ["acquirer"],
            "owners": owners,
        }
    )


def test_shares_of_different_states_are_kept_apart(pack: RulePack) -> None:
    both = [
        {"name": "Foreign Ministry", "percent": 15, "state": True, "country": "YY"},
        {"name": "Home Ministry", "percent": 40, "state": True, "country": "XX"},
    ]
    for owners in (both, list(reversed(both))):
        ev = _resolver(pack).resolve(_party(owners), None, "XX")
        assert ev is not None
        assert ev.shares_by_country == {"XX": 40.0, "YY": 15.0}
        assert (ev.state_share, ev.foreign_state_share, ev.state_country) == (55.0, 15.0, "XX")


def test_a_state_owner_without_a_country_is_the_owned_partys_state(pack: RulePack) -> None:
    ev = _resolver(pack).resolve(
        _party([{"name": "SASAC", "percent": 80, "state": True}]), None, "XX"
    )
    assert ev is not None and ev.shares_by_country == {"YY": 80.0}


def test_results_do_not_depend_on_which_party_came_first(pack: RulePack) -> None:
    """A share computed with a loop cut below it is kept for its party only: reached from
    another company of the loop, the same entity is walked again."""
    from screening.models.registry import Entity

    def entity(eid: str, owners: list[dict[str, object]]) -> Entity:
        return Entity.model_validate(
            {"id": eid, "name": f"Loop {eid.upper()}", "country": "YY", "source": "t",
             "category": "private_company", "owners": owners}
        )  # fmt: skip

    entities = dict(pack.entities)
    entities["x"] = entity(
        "x", [{"entity": "y", "percent": 50}, {"entity": "test-state-commission", "percent": 50}]
    )
    entities["y"] = entity("y", [{"entity": "x", "percent": 100}])
    resolver = OwnershipResolver(entities, EntityIndex(entities.values()), [], 85)
    first = resolver.resolve(_party([]), entities["x"], "XX")
    assert first is not None and first.foreign_state_share == 50.0
    assert "loops (Loop X <- Loop Y <- Loop X)" in resolver.notices[0]
    second = resolver.resolve(_party([]), entities["y"], "XX")
    assert second is not None and second.foreign_state_share == 50.0
    assert second.path_text.startswith("NewCo <- Loop X (100%) <- Test State Assets")


def test_a_controlled_registry_link_of_unknown_share_passes_control_on(pack: RulePack) -> None:
    from screening.models.registry import Entity

    entities = dict(pack.entities)
    entities["sub"] = Entity.model_validate(
        {
            "id": "sub",
            "name": "Controlled Subsidiary",
            "country": "YY",
            "category": "private_company",
            "owners": [{"entity": "test-harbour-group", "percent": 50, "certainty": "unknown"}],
            "source": "t",
        }
    )
    resolver = OwnershipResolver(entities, EntityIndex(entities.values()), [], 85)
    ev = resolver.resolve(_party([]), entities["sub"], "XX")
    assert ev is not None and ev.foreign_state_share == 60.0
    assert "control, share unknown" in ev.path_text


def test_owners_over_100_percent_are_refused() -> None:
    with pytest.raises(ValueError, match="owners add up to 160%"):
        _party([{"name": "A", "percent": 80}, {"name": "B", "percent": 80}])


def test_a_short_alias_does_not_match_across_countries(pack: RulePack) -> None:
    index = EntityIndex(pack.entities.values())
    here = Party(id="p", name="PHS", country="XX", kind="company", roles=["operator"])
    miss = index.match_party(here, 85)  # 'PHS' is a YY entity's short alias
    assert miss.evidence is None and miss.note is not None and "coincidence" in miss.note
    there = Party(id="p", name="PHS", country="YY", kind="company", roles=["operator"])
    assert index.match_party(there, 85).evidence is not None
    long_name = Party(
        id="p",
        name="Harbour Test Engineering Group",
        country="XX",
        kind="company",
        roles=["operator"],
    )
    ev = index.match_party(long_name, 85).evidence
    assert ev is not None and ev.score == 90.0  # a subsidiary abroad keeps a reduced score
