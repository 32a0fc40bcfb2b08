"""The bundled rule pack: complete, sourced, and faithful to the documents it cites."""

import re
from pathlib import Path

import pytest

from screening.checks import load_rule_pack
from screening.loading.rulepack import RulePack
from tests.conftest import REAL_PACK, ROOT

SEEDS = ROOT.parent / "shared" / "seeds"
FAMILIES = {
    "access",
    "control-rights",
    "filing",
    "investor",
    "land",
    "personal-data",
    "belt-and-road",
    "confidentiality",
    "proximity",
    "state-ownership",
    "subnational-diplomacy",
    "united-front",
    "sensitive-technology",
    "critical-infrastructure",
    "intermediaries",
    "financing",
    "academic",
    "compound",
    "mitigation",
    "export-control",
    "political-context",
}


@pytest.fixture(scope="module")
def real_pack() -> RulePack:
    return load_rule_pack(REAL_PACK)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_every_family_the_issue_names_has_rules(real_pack: RulePack) -> None:
    assert {lr.rule.family for lr in real_pack.rules} == FAMILIES


def test_every_rule_has_examples_both_ways(real_pack: RulePack) -> None:
    for lr in real_pack.rules:
        expects = {e.expect for e in lr.rule.examples}
        assert expects == {"fire", "quiet"}, f"{lr.rule.id}: examples {sorted(expects)}"


def test_mitigations_have_negative_weights_and_risks_positive(real_pack: RulePack) -> None:
    for lr in real_pack.rules:
        assert (lr.rule.family == "mitigation") == (lr.rule.weight < 0), lr.rule.id


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"source documents not found at {SEEDS}")
def test_every_reference_quotes_its_document_verbatim(real_pack: RulePack) -> None:
    texts = {p.name: _squash(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")}
    for lr in real_pack.rules:
        for ref in lr.rule.references:
            if ref.kind == "official":
                assert ref.url and ref.url.startswith("http"), lr.rule.id
                continue
            assert ref.document in texts, f"{lr.rule.id}: unknown document {ref.document}"
            assert _squash(ref.quote) in texts[ref.document], (
                f"{lr.rule.id}: quote not found verbatim in {ref.document}: {ref.quote[:60]}"
            )


def test_registries_meet_the_minimums(real_pack: RulePack) -> None:
    il_facilities = [f for f in real_pack.facilities if f.country == "IL"]
    assert len(il_facilities) >= 30
    assert len(real_pack.entities) >= 50
    assert all(f.source.strip() for f in real_pack.facilities)
    assert all(e.source.strip() for e in real_pack.entities.values())
    assert all(p.source.strip() for p in real_pack.places)
    uncertain = [f for f in real_pack.facilities if f.precision != "exact"]
    assert all(f.precision_note for f in uncertain), "approximate positions must say why"


def test_registry_owner_links_resolve(real_pack: RulePack) -> None:
    for entity in real_pack.entities.values():
        for link in entity.owners:
            assert link.entity in real_pack.entities, f"{entity.id} -> {link.entity}"


def test_case_files_cite_their_sources() -> None:
    for path in sorted((ROOT / "cases").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert "sources:" in text, path.name


def test_bundled_cases_all_load(real_pack: RulePack) -> None:
    from screening.loading.case import load_case

    paths = sorted(Path(ROOT / "cases").glob("*.yaml"))
    assert len(paths) >= 18
    for path in paths:
        load_case(path, real_pack)
