"""People and public bodies found by pattern, and parties to the deal told from names
mentioned in passing."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.checks import load_rule_pack
from screening.intake import Extractor, draft_from_document
from screening.intake.patterned import people, public_bodies
from screening.loading.rulepack import RulePack
from tests.conftest import REAL_PACK
from tests.intake.docs import write_docx, write_pdf

VISIT = [
    "Mayor Dana Levin of Kfar Tavor led a delegation to Chengdu in May 2023.",
    "The Ministry of Regional Cooperation of Israel and the Chengdu Science and Technology "
    "Commission signed a framework agreement on water technology.",
    "Arie Golan, chairman of the Galilee Water Authority, said the plan would take years.",
    "Fudan University has long studied the region.",
]


@pytest.fixture(scope="module")
def real_pack() -> RulePack:
    return load_rule_pack(REAL_PACK)


def test_public_bodies_by_pattern() -> None:
    text = " ".join(VISIT) + " The City Council met. 成都市人民政府 and עיריית אשדוד agreed."
    found = {b.name: (b.kind, b.level) for b in public_bodies(text)}
    assert found["Ministry of Regional Cooperation of Israel"] == ("ministry", "central")
    assert found["Chengdu Science and Technology Commission"] == ("government_agency", None)
    assert found["Galilee Water Authority"] == ("government_agency", None)
    assert found["成都市人民政府"][0] == "regional_government"
    assert found["עיריית אשדוד"] == ("municipality", "municipal")
    assert "City Council" not in found  # no distinctive word: a generic reference


def test_people_by_title() -> None:
    text = " ".join(VISIT) + " By: Noa Peretz, Director. Ambassador in Israel, Gao Yanping."
    found = {p.name: p.title for p in people(text)}
    assert found["Dana Levin"] == "Mayor"
    assert found["Arie Golan"] == "chairman"
    assert found["Gao Yanping"] == "Ambassador"
    assert "Noa Peretz" in found  # a signature block
    assert not any("University" in n or "Israel" in n for n in found)


def test_parties_and_mentions(tmp_path: Path, real_pack: RulePack) -> None:
    path = write_docx(tmp_path / "visit.docx", VISIT)
    split = Extractor(real_pack, registry_mentions=True)
    draft = draft_from_document(path, real_pack, extractor=split)
    by_name = {p.name: p for p in draft.case.parties}
    assert by_name["Dana Levin"].kind == "person"  # led a delegation
    ministry = by_name["Ministry of Regional Cooperation of Israel"]
    assert ministry.kind == "ministry" and ministry.government_level == "central"
    assert "signatory" in by_name["Chengdu Science and Technology Commission"].roles
    # named in passing: kept in the notes, not among the parties
    assert "Arie Golan" not in by_name and "Fudan University" not in by_name
    assert any("'Arie Golan'" in n for n in draft.mentions)
    assert any("'Fudan University'" in n for n in draft.mentions)
    assert "# open: mentioned, not drafted as a party: 'Fudan University'" in draft.yaml
    # the split is the default; registry_mentions=False keeps every registry entity a party
    default = draft_from_document(path, real_pack, extractor=Extractor(real_pack))
    assert {p.name for p in default.case.parties} == set(by_name)
    keep = Extractor(real_pack, registry_mentions=False)
    names = {p.name for p in draft_from_document(path, real_pack, extractor=keep).case.parties}
    assert "Fudan University" in names and "Arie Golan" not in names


def test_pdf_gives_the_same_people_and_bodies(tmp_path: Path, real_pack: RulePack) -> None:
    extractor = Extractor(real_pack)
    pdf = draft_from_document(
        write_pdf(tmp_path / "v.pdf", [VISIT]), real_pack, extractor=extractor
    )
    docx = draft_from_document(
        write_docx(tmp_path / "v.docx", VISIT), real_pack, extractor=extractor
    )
    assert {p.name for p in pdf.case.parties} == {p.name for p in docx.case.parties}
