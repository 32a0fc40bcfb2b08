"""Ownership chains are followed to any depth, loops end, and diamonds stay cheap.

A state owner 50 links up once scored 0 (chains were dropped after 12 levels). Now the walk
has no depth limit and no recursion; each registry entity is resolved once per party, so a
graph of diamonds with 2^60 chains is 120 steps; the evidence lists the strongest chains and
says how many there are; a loop is cut with a notice, and the finding says so in a caveat.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from screening.cli import cli
from screening.conditions.ownership import OwnershipCondition
from screening.models.party import Party
from screening.models.registry import Entity
from screening.signals.entities import EntityIndex
from screening.signals.ownership import OwnershipResolver
from screening.signals.ownership_chains import MAX_PATHS
from tests.conftest import FIXTURE_PACK

STATE = {
    "id": "far-state",
    "name": "Far State Holdings Commission",
    "country": "YY",
    "category": "central_government_body",
    "state_body": True,
    "source": "t",
}


def _company(eid: str, name: str, owners: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": eid,
        "name": name,
        "country": "YY",
        "category": "private_company",
        "owners": owners,
        "source": "t",
    }


def _chain(links: int) -> list[dict[str, Any]]:
    """chain-0 owned by chain-1 … owned by chain-(links-1), owned by the state."""
    out = []
    for i in range(links):
        parent = f"chain-{i + 1}" if i + 1 < links else "far-state"
        out.append(_company(f"chain-{i}", f"Chain Holding Number {i}", [_owner(parent, 100)]))
    return [*out, STATE]


def _diamonds(layers: int) -> list[dict[str, Any]]:
    """Two companies per layer, each owned half by each company of the next layer."""
    out = []
    for layer in range(layers):
        for side in "ab":
            parents = [f"dia-{layer + 1}-{s}" for s in "ab"]
            if layer + 1 == layers:
                parents = ["far-state", "far-state-2"]
            owners = [_owner(p, 50) for p in parents]
            out.append(_company(f"dia-{layer}-{side}", f"Diamond {layer} {side}", owners))
    other = {**STATE, "id": "far-state-2", "name": "Second State Fund"}
    return [*out, STATE, other]


def _owner(entity: str, percent: float) -> dict[str, Any]:
    return {"entity": entity, "percent": percent}


def _resolver(docs: list[dict[str, Any]]) -> tuple[OwnershipResolver, dict[str, Entity]]:
    entities = {d["id"]: Entity.model_validate(d) for d in docs}
    return OwnershipResolver(entities, EntityIndex(entities.values()), [], 85), entities


PARTY = Party(id="p", name="Buyer Co", country="YY", kind="company", roles=["acquirer"])


def test_a_state_owner_50_links_up_is_found_with_the_whole_path() -> None:
    resolver, entities = _resolver(_chain(50))
    ev = resolver.resolve(PARTY, entities["chain-0"], "XX")
    assert ev is not None and ev.foreign_state_share == 100.0
    (path,) = ev.paths
    assert [s.name for s in path] == [
        *(f"Chain Holding Number {i}" for i in range(1, 50)),
        "Far State Holdings Commission (state)",
    ]
    assert resolver.notices == []


def test_a_chain_of_5000_links_needs_no_recursion() -> None:
    resolver, entities = _resolver(_chain(5000))
    start = time.perf_counter()
    ev = resolver.resolve(PARTY, entities["chain-0"], "XX")
    assert time.perf_counter() - start < 5
    assert ev is not None and ev.state_share == 100.0 and len(ev.paths[0]) == 5000


def test_a_loop_ends_is_noticed_and_gives_the_finding_a_caveat() -> None:
    docs = [
        _company("ring-a", "Ring A", [_owner("ring-b", 50), _owner("far-state", 50)]),
        _company("ring-b", "Ring B", [_owner("ring-c", 100)]),
        _company("ring-c", "Ring C", [_owner("ring-a", 40), _owner("far-state", 60)]),
        STATE,
    ]
    resolver, entities = _resolver(docs)
    ev = resolver.resolve(PARTY, entities["ring-a"], "XX")
    assert ev is not None and ev.state_share == 80.0  # 50 + 50 × 60; the loop's share uncounted
    loop = "Ring A <- Ring B <- Ring C <- Ring A"
    assert resolver.notices == [
        f"the ownership of Buyer Co loops ({loop}); the share held around a loop is not counted"
    ]
    assert ev.basis == f"registry entry 'Ring A'; ownership loop not followed: {loop}"
    caveats = OwnershipCondition.model_validate({"ownership": {"state_share_gte": 25}}).caveats(ev)
    assert caveats == [
        "ownership of Buyer Co loops back on itself: the share held around the loop is not "
        f"counted, so the state share may be higher ({loop})"
    ]


def test_a_wide_diamond_graph_finishes_fast_and_lists_its_strongest_chains() -> None:
    resolver, entities = _resolver(_diamonds(60))  # 2^60 chains from each company
    start = time.perf_counter()
    ev = resolver.resolve(PARTY, entities["dia-0-a"], "XX")
    assert time.perf_counter() - start < 1
    assert ev is not None and ev.state_share == 100.0
    assert ev.shares_by_country == {"YY": 100.0}
    assert len(ev.paths) == MAX_PATHS and all(len(p) == 60 for p in ev.paths)
    assert ev.path_text.endswith("(+about 10^18 more chains)")
    assert "not every chain listed: about 10^18 chains, the 20 strongest listed, all counted" in (
        ev.basis
    )
    caveats = OwnershipCondition.model_validate({"ownership": {"state_share_gte": 25}}).caveats(ev)
    assert caveats == [
        "ownership of Buyer Co runs through about 10^18 chains, the 20 strongest listed, "
        "all counted"
    ]


# -- end to end: the state-ownership rule fires on the screened case ------------------------


def _pack(tmp_path: Path, docs: list[dict[str, Any]]) -> Path:
    pack = tmp_path / "pack"
    shutil.copytree(FIXTURE_PACK, pack)
    extra = pack / "registries" / "entities" / "deep.yaml"
    extra.write_text(yaml.safe_dump({"entities": docs}, sort_keys=False), encoding="utf-8")
    return pack


def _screen(pack: Path, tmp_path: Path, party: dict[str, Any]) -> dict[str, Any]:
    case = {
        "id": "deep",
        "title": "A buyer far down an ownership chain",
        "jurisdiction": "XX",
        "parties": [{"id": "buyer", "country": "YY", "kind": "company", "roles": ["acquirer"]}],
    }
    case["parties"][0].update(party)  # type: ignore[index]
    path = tmp_path / "deep.yaml"
    path.write_text(yaml.safe_dump(case, sort_keys=False), encoding="utf-8")
    run = CliRunner().invoke(cli, ["screen", str(path), "--rules", str(pack), "--format", "json"])
    assert run.exit_code == 0, run.output
    result: dict[str, Any] = json.loads(run.stdout)
    return result


def _finding(result: dict[str, Any], rule_id: str) -> dict[str, Any]:
    (finding,) = [f for f in result["findings"] if f["rule_id"] == rule_id]
    return finding


def test_screen_fires_the_state_ownership_rule_50_links_up(tmp_path: Path) -> None:
    pack = _pack(tmp_path, _chain(50))
    result = _screen(pack, tmp_path, {"name": "Chain Holding Number 0"})
    finding = _finding(result, "state-share")
    (ev,) = [e for e in finding["evidence"] if e["kind"] == "ownership"]
    assert ev["foreign_state_share"] == 100.0 and len(ev["paths"][0]) == 50
    assert ev["paths"][0][-1]["name"] == "Far State Holdings Commission (state)"
    assert "Chain Holding Number 49 (100%) <- Far State Holdings Commission" in ev["path_text"]


def test_screen_follows_a_case_file_chain_of_40_owners(tmp_path: Path) -> None:
    owner: dict[str, Any] = {"name": "Ministry of Far Things", "percent": 100, "state": True}
    for i in range(40):
        owner = {"name": f"Layer {i} Holdings", "percent": 100, "owners": [owner]}
    result = _screen(FIXTURE_PACK, tmp_path, {"name": "Deep Buyer", "owners": [owner]})
    (ev,) = [e for e in _finding(result, "state-share")["evidence"] if e["kind"] == "ownership"]
    assert len(ev["paths"][0]) == 41 and ev["state_share"] == 100.0


def test_screen_shows_the_loop_caveat_in_the_finding_and_the_report(tmp_path: Path) -> None:
    docs = [
        _company("ring-a", "Ring A", [_owner("ring-b", 50), _owner("far-state", 50)]),
        _company("ring-b", "Ring B", [_owner("ring-a", 100)]),
        STATE,
    ]
    pack = _pack(tmp_path, docs)
    result = _screen(pack, tmp_path, {"name": "Ring A"})
    finding = _finding(result, "state-share")
    assert any("loops back on itself" in c for c in finding["caveats"])
    assert any("loops (Ring A <- Ring B <- Ring A)" in n for n in result["notices"])
    case = tmp_path / "deep.yaml"
    text = CliRunner().invoke(cli, ["screen", str(case), "--rules", str(pack)])
    assert "loops back on itself" in " ".join(text.stdout.split())
