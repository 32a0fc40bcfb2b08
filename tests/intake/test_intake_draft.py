"""Drafts: registry parties, unresolved legal names, places, figures, evidence, validation."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from screening.checks import load_rule_pack
from screening.cli import cli
from screening.intake import Draft, Extractor, draft_from_document
from screening.loading.rulepack import RulePack
from tests.conftest import REAL_PACK
from tests.intake.docs import write_docx, write_drawing_pdf, write_html, write_pdf

AGREEMENT = [
    "MEMORANDUM OF UNDERSTANDING",
    "This memorandum is made on 5 June 2018 between the Israel Ports Company and "
    "Shanghai International Port Group (SIPG), the buyer.",
    "SIPG will acquire 49% of the shares of Blue Harbor Logistics Ltd. for US$ 120 million.",
    "The terminal at Haifa will be operated under a 25-year concession.",
    "The parties signed this memorandum in Haifa.",
]


@pytest.fixture(scope="module")
def real_pack() -> RulePack:
    return load_rule_pack(REAL_PACK)


@pytest.fixture(scope="module")
def extractor(real_pack: RulePack) -> Extractor:
    return Extractor(real_pack)


def _draft(path: Path, pack: RulePack, extractor: Extractor) -> Draft:
    return draft_from_document(path, pack, extractor=extractor)


@pytest.mark.parametrize("kind", ["pdf", "docx", "html", "md", "txt"])
def test_each_format_gives_the_same_draft(
    kind: str, tmp_path: Path, real_pack: RulePack, extractor: Extractor
) -> None:
    path = tmp_path / f"mou.{kind}"
    if kind == "pdf":
        write_pdf(path, [AGREEMENT])
    elif kind == "docx":
        write_docx(path, AGREEMENT)
    elif kind == "html":
        write_html(path, AGREEMENT)
    else:
        path.write_text("\n\n".join(AGREEMENT), encoding="utf-8")
    draft = _draft(path, real_pack, extractor)
    case = draft.case
    ids = {p.id for p in case.parties}
    assert {"il-israel-ports-company", "cn-sipg"} <= ids
    sipg = next(p for p in case.parties if p.id == "cn-sipg")
    assert "acquirer" in sipg.roles and sipg.country == "CN"
    blue = next(p for p in case.parties if p.name.startswith("Blue Harbor"))
    assert blue.country == "ZZ" and "unresolved: not in the registry" in (blue.notes or "")
    assert any("Blue Harbor" in n for n in draft.unresolved)
    assert [s.place for s in case.sites] == ["Haifa"]
    assert case.jurisdiction == "IL"
    assert case.transaction is not None and case.transaction.type == "mou"
    assert case.transaction.stake_percent == 49.0
    assert case.transaction.value is not None and case.transaction.value.currency == "USD"
    assert case.transaction.value.amount == 120e6
    assert case.transaction.duration_years == 25.0
    assert case.target is not None and "ports" in case.target.sectors
    document = case.documents[0]
    assert document.kind == "mou" and str(document.date) == "2018-06-05"
    assert "Blue Harbor Logistics Ltd." in document.text
    assert {s.party for s in document.signatories} >= {"il-israel-ports-company"}
    # evidence comments: place, words, confidence
    stake_line = next(line for line in draft.yaml.splitlines() if "stake_percent" in line)
    assert '"…SIPG will acquire 49% of the shares' in stake_line or "49%" in stake_line
    assert "confidence" in stake_line and ("¶ 3" in stake_line or "p. 1" in stake_line)


def test_nothing_invented(tmp_path: Path, real_pack: RulePack, extractor: Extractor) -> None:
    path = tmp_path / "note.txt"
    path.write_text("A short note about the weather, with nobody named.\n", encoding="utf-8")
    case = _draft(path, real_pack, extractor).case
    assert case.parties == [] and case.sites == [] and case.transaction is None
    assert case.target is None and case.date is None and case.jurisdiction == "ZZ"


def test_hebrew_and_chinese(tmp_path: Path, real_pack: RulePack, extractor: Extractor) -> None:
    he = tmp_path / "he.txt"
    he.write_text('הסכם בין עיריית אשדוד לבין חברת נמלי הים בע"מ בחיפה.', encoding="utf-8")
    draft = _draft(he, real_pack, extractor)
    assert draft.case.documents[0].language == "he"
    assert "Haifa" in {s.place for s in draft.case.sites}  # בחיפה: the prefix ב is allowed
    assert "il-ashdod-municipality" in {p.id for p in draft.case.parties}  # עיריית אשדוד
    assert any('בע"מ' in p.name and p.country == "ZZ" for p in draft.case.parties)
    zh = tmp_path / "zh.docx"
    write_docx(
        zh, ["上海国际港务（集团）股份有限公司与海法港签署协议。", "宏图物流有限公司将收购该码头。"]
    )
    draft = _draft(zh, real_pack, extractor)
    assert draft.case.documents[0].language == "zh"
    names = {p.name for p in draft.case.parties}
    assert any("宏图物流有限公司" in n for n in names)
    assert "cn-sipg" in {p.id for p in draft.case.parties}
    assert "Shanghai" in {s.place for s in draft.case.sites}


def test_cli_writes_drafts_and_reports_errors(tmp_path: Path) -> None:
    good = write_html(tmp_path / "mou.html", AGREEMENT, title="MOU")
    scan = write_drawing_pdf(tmp_path / "scan.pdf")
    out = tmp_path / "drafts"
    result = CliRunner().invoke(
        cli, ["intake", str(good), str(scan), "--out", str(out), "--rules", str(REAL_PACK)]
    )
    assert result.exit_code == 2
    assert (out / "mou.yaml").is_file() and not (out / "scan.yaml").exists()
    assert "scan.pdf: error: no text layer on any of its 1 pages; OCR it first [intake]" in (
        result.output
    )
    one = tmp_path / "one.yaml"
    result = CliRunner().invoke(
        cli, ["intake", str(good), "-o", str(one), "--rules", str(REAL_PACK)]
    )
    assert result.exit_code == 0 and one.read_text(encoding="utf-8").startswith("# yaml-language")
    screened = CliRunner().invoke(cli, ["screen", str(one), "--rules", str(REAL_PACK)])
    assert screened.exit_code in (0, 1), screened.output


def test_cli_every_name_drafts_names_met_in_passing(tmp_path: Path) -> None:
    doc = write_html(
        tmp_path / "note.html",
        ["The ports company signed with SIPG.", "Fudan University studies the region."],
    )
    args = ["intake", str(doc), "--rules", str(REAL_PACK)]
    default = CliRunner().invoke(cli, args)
    every = CliRunner().invoke(cli, [*args, "--every-name"])
    assert default.exit_code == 0 and every.exit_code == 0
    assert 'name: "Fudan University"' not in default.output
    assert "# open: mentioned, not drafted as a party: 'Fudan University'" in default.output
    assert 'name: "Fudan University"' in every.output
    out = tmp_path / "drafts"
    summary = CliRunner().invoke(cli, [*args, "--out", str(out)])
    assert "1 named in passing" in summary.output


def test_screen_takes_a_pdf_and_says_it_screened_an_unreviewed_draft(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "mou.pdf", [AGREEMENT])
    got = CliRunner().invoke(
        cli, ["screen", str(pdf), "--rules", str(REAL_PACK), "--format", "json"]
    )
    assert got.exit_code == 0, got.output
    import json

    result = json.loads(got.stdout)
    assert result["notices"][0].startswith("screened a draft case drawn up automatically from")
    assert "1 page)" in result["notices"][0]
    assert any("Blue Harbor" in n for n in result["notices"][1:])  # unresolved, listed
    assert {"ports-and-logistics"} <= {f["rule_id"] for f in result["findings"]}
    text = CliRunner().invoke(cli, ["screen", str(pdf), "--rules", str(REAL_PACK)])
    assert "not reviewed" in text.stdout


def test_screen_refuses_a_scanned_pdf_in_one_line(tmp_path: Path) -> None:
    pdf = write_drawing_pdf(tmp_path / "scan.pdf")
    got = CliRunner().invoke(cli, ["screen", str(pdf), "--rules", str(REAL_PACK)])
    assert got.exit_code == 2 and got.stdout == ""
    assert (
        "no text layer" in got.stderr
        and "OCR it first" in got.stderr
        and len(got.stderr.strip().splitlines()) == 1
    )
