"""Who does what in the deal: names the deal's grammar gives a role, organisation names
without a legal form, and names whose sentence is not about the deal (venue, source, visit,
commentator, witness, reviewing authority), each through a real document on the CLI path."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.checks import load_rule_pack
from screening.intake import Draft, Extractor, draft_from_document
from screening.intake.deals import deal_names
from screening.intake.figures import market_rank
from screening.intake.names import legal_names, short_references
from screening.intake.patterned import person_references
from screening.loading.rulepack import RulePack
from tests.conftest import REAL_PACK
from tests.intake.docs import write_docx, write_html

TAKEOVER = [
    "Economy ministry on the Norvale decision",
    "The Investment Review Bureau has examined the takeover of Norvale Robotics by the "
    "Chinese company Kestrel, completed in May 2022.",
    "Kestrel has bought 49% of Norvale Robotics from Lindqvist Capital for 480 million pound.",
    "Professor Mira Olsen of Oslo, an expert on export controls, said the deal was routine.",
    "The agreement was signed at the annual meeting of the Nordic Trade Council.",
]


@pytest.fixture(scope="module")
def real_pack() -> RulePack:
    return load_rule_pack(REAL_PACK)


@pytest.fixture(scope="module")
def draft(real_pack: RulePack, tmp_path_factory: pytest.TempPathFactory) -> Draft:
    path = write_docx(tmp_path_factory.mktemp("deal") / "takeover.docx", TAKEOVER)
    return draft_from_document(path, real_pack, extractor=Extractor(real_pack))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "the takeover of Norsat by the Chinese company Hytera was fine",
            {("Hytera", "acquirer"), ("Norsat", "target")},
        ),
        ("Canada approved the acquisition by Hytera of Norsat.", {("Hytera", "acquirer")}),
        ("Midea's offer for KUKA passed.", {("Midea", "acquirer"), ("KUKA", "target")}),
        (
            "Delek Group cancelled the sale of its stake in The Phoenix to China's Fosun.",
            {("Fosun", "acquirer"), ("The Phoenix", "target")},
        ),
        (
            "Qatar's Katara Hospitality, controlled by the Qatar Investment Authority, has "
            "bought 50% of the Savoy from Lloyds Banking Group.",
            {("Katara Hospitality", "acquirer"), ("Lloyds Banking Group", "seller")},
        ),
        ("The club is now owned by the Chinese group Fosun.", {("Fosun", "investor")}),
        ("In 2016 iCarbonX acquired 3Leaf Systems.", {("iCarbonX", "acquirer")}),
        ("Nippon Steel to acquire U.S. Steel", {("U.S. Steel", "target")}),  # not 'U'
        (
            "Mengniu agreed in November 2019 to acquire Lion Dairy & Drinks from Kirin.",
            {("Mengniu", "acquirer"), ("Lion Dairy & Drinks", "target")},
        ),
    ],
)
def test_deal_grammar_names_roles(text: str, expected: set[tuple[str, str]]) -> None:
    assert expected <= {(d.name, d.role) for d in deal_names(text)}


@pytest.mark.parametrize(
    "text",
    [
        "SoftBank's USD 20.1bn purchase of 70% of Sprint cleared review.",  # not '1bn'
        "The review under the Investment Canada Act of Zijin's acquisition went ahead.",
        "Israel bought the land. The Treasurer bought time.",  # a country, a title
        "MinMetals acquired AUD 600m of assets.",  # a currency and a figure
    ],
)
def test_deal_grammar_never_takes_figures_laws_titles_or_countries(text: str) -> None:
    names = {d.name for d in deal_names(text)}
    assert not names & {"1bn", "Investment Canada Act of Zijin", "Israel", "Treasurer"}
    assert not any(n.startswith("AUD") for n in names)


def test_organisation_words_and_legal_forms_without_crossing_a_sentence() -> None:
    text = (
        "The deal was cleared by CFIUS. ByteDance Ltd. then sold it. Delek Group and "
        "Silex Microsystems AB agreed; the Chinese Group said nothing."
    )
    found = {(name, legal) for name, _, _, legal in legal_names(text)}
    assert ("ByteDance Ltd", True) in found  # not 'CFIUS. ByteDance Ltd'
    assert ("Delek Group", False) in found  # an organisation word, not a legal form
    assert ("Silex Microsystems AB", True) in found
    assert not any(name.startswith("Chinese") for name, _ in found)  # no distinctive word


def test_a_family_name_alone_is_the_same_person() -> None:
    text = (
        "Foreign Minister Yair Lapid spoke. The plan was signed by Lapid and Vice President "
        "Wang Qishan. Later Wang Yi and Lapid met."
    )
    refs = person_references(text, ["Yair Lapid", "Wang Qishan"])
    lapid = [text[s:e] for s, e in refs["Yair Lapid"]]
    assert lapid == ["Yair Lapid", "Lapid", "Lapid"]
    # 'Wang' stands beside another capitalised word in 'Wang Yi': not Wang Qishan
    assert [text[s:e] for s, e in refs["Wang Qishan"]] == ["Wang Qishan"]


def test_a_short_named_buyer_is_a_party_and_the_target_is_named(draft: Draft) -> None:
    by_name = {p.name: p for p in draft.case.parties}
    assert by_name["Kestrel"].roles == ["acquirer"]
    assert "seller" in by_name["Lindqvist Capital"].roles
    assert draft.case.target is not None and draft.case.target.name == "Norvale Robotics"
    assert "Norvale Robotics" not in by_name  # the target, not a party
    value = draft.case.transaction.value if draft.case.transaction else None
    assert value is not None and (value.amount, value.currency) == (480e6, "GBP")
    assert "acquirer by the deal's words" in draft.yaml


def test_authority_commentator_and_venue_are_not_parties(draft: Draft) -> None:
    names = {p.name for p in draft.case.parties}
    assert not names & {"Investment Review Bureau", "Mira Olsen", "Nordic Trade Council"}
    bureau = next(n for n in draft.mentions if "'Investment Review Bureau'" in n)
    assert "the reviewing authority" in bureau and "has examined" in bureau


def test_registry_names_in_passing_are_mentions_by_default(
    real_pack: RulePack, tmp_path: Path
) -> None:
    text = [
        "Leading universities such as Tsinghua University work with Israeli institutes.",
        "In 2014 an agreement was signed between the Israel Ports Company and Pan "
        "Mediterranean Engineering Company, in the presence of Prime Minister Dan Carmeli.",
    ]
    path = write_html(tmp_path / "p.html", text)
    draft = draft_from_document(path, real_pack, extractor=Extractor(real_pack))
    ids = {p.id for p in draft.case.parties}
    assert {"il-israel-ports-company", "cn-pmec"} <= ids
    assert "cn-tsinghua" not in ids and not any("Carmeli" in p.name for p in draft.case.parties)
    assert any("'Tsinghua University'" in n for n in draft.mentions)
    kept = draft_from_document(
        path, real_pack, extractor=Extractor(real_pack, registry_mentions=False)
    )
    assert "cn-tsinghua" in {p.id for p in kept.case.parties}


def test_a_place_named_inside_a_place_is_a_site(real_pack: RulePack, tmp_path: Path) -> None:
    text = ["The extension of the Chinese UIBE University in Petah Tikva opened in 2021."]
    path = write_html(tmp_path / "uibe.html", text)
    draft = draft_from_document(path, real_pack, extractor=Extractor(real_pack))
    assert {"UIBE extension, Petah Tikva", "Petah Tikva"} <= {s.place for s in draft.case.sites}


def test_an_organisation_named_again_by_its_first_word() -> None:
    text = (
        "The Business Secretary accepted undertakings from Hytera Communications Ltd. "
        "Hytera said it would comply. Beijing Shiji Information Technology Co., Ltd. owns "
        "StayNTouch; Shiji must divest it. Hytera Group is another company."
    )
    names = ["Hytera Communications Ltd", "Beijing Shiji Information Technology Co., Ltd"]
    refs = short_references(text, names, places={"beijing"})
    assert [text[s:e] for s, e in refs[names[0]]] == ["Hytera"]  # not 'Hytera Group'
    assert [text[s:e] for s, e in refs[names[1]]] == ["Shiji"]  # past the place 'Beijing'


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        (
            "Mengniu agreed to buy Lion Dairy & Drinks, Australia's second-largest milk "
            "processor, from Kirin.",
            "Lion Dairy & Drinks",
            (2, "milk processor (Australia)"),
        ),
        (
            "Nippon Steel will acquire United States Steel Corporation, the third-largest US "
            "steelmaker, for USD 14.9bn.",
            "United States Steel Corporation",
            (3, "US steelmaker"),
        ),
        (
            "The Newport Wafer Fab, the UK's largest wafer plant.",
            "Newport Wafer Fab",
            (1, "wafer plant (UK)"),
        ),
    ],
)
def test_a_rank_written_beside_the_target_is_read(
    text: str, name: str, expected: tuple[int, str]
) -> None:
    figure = market_rank(text, name)
    assert figure is not None and figure.value == expected


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # the rank belongs to the buyer, named before the target
        ("Shuanghui, China's largest meat processor, bought Smithfield Foods.", "Smithfield Foods"),
        # a rank elsewhere in the text, not an apposition to the name
        ("APA Group owns pipelines. It is the largest such business.", "APA Group"),
    ],
)
def test_a_rank_not_written_beside_the_target_is_not_read(text: str, name: str) -> None:
    assert market_rank(text, name) is None


def test_the_draft_records_the_targets_market_position(real_pack: RulePack, tmp_path: Path) -> None:
    lines = [
        "Mengniu offer for Lion Dairy",
        "China Mengniu Dairy Company Limited agreed in November 2019 to acquire Lion Dairy & "
        "Drinks, Australia's second-largest milk processor, from Kirin Holdings for AUD 600 "
        "million.",
    ]
    path = write_html(tmp_path / "lion.html", lines)
    draft = draft_from_document(path, real_pack, extractor=Extractor(real_pack))
    target = draft.case.target
    assert target is not None and target.name == "Lion Dairy & Drinks"
    position = target.market_position
    assert position is not None
    assert (position.rank, position.market) == (2, "milk processor (Australia)")
    assert "market_position:  # " in draft.yaml  # its evidence, for the reviewer
