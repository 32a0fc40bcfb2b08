"""The name normaliser: idempotent, blind to decoration, and never blind to 'Group'."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from screening.signals.names import similarity
from screening.signals.normalise import (
    ABBREVIATIONS,
    LEGAL_FORMS,
    is_acronym_of,
    loose_key,
    name_variants,
    normalise_name,
)
from screening.signals.pinyin import SYLLABLES, join_syllables

#: Words with a meaning of their own to the normaliser; a base name avoids them so that a
#: decoration is the only thing a test adds.
_SPECIAL = LEGAL_FORMS | set(ABBREVIATIONS) | set(ABBREVIATIONS.values()) | {"and", "group"}
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=9).filter(
    lambda w: w not in _SPECIAL and w not in SYLLABLES
)
BASE = st.lists(WORD, min_size=1, max_size=4)
SUFFIXES = [
    " Co., Ltd.",
    " Limited",
    " Ltd",
    " Inc.",
    " Corporation",
    " Corp.",
    " LLC",
    " S.A.",
    " GmbH",
    " plc",
    " Company Limited",
    " & Co.",
    ", Ltd.",
]
ACCENTED = {"a": "á", "e": "é", "i": "ï", "o": "ö", "u": "ü", "n": "ñ", "c": "ç"}


@st.composite
def decorated(draw: st.DrawFn) -> tuple[str, str]:
    """(a plain name, the same name decorated as filings decorate it)."""
    words = draw(BASE)
    plain = " ".join(words)
    sep = draw(st.sampled_from([" ", "  ", "-", " - ", ", ", " / "]))
    text = sep.join(words)
    if draw(st.booleans()):
        text = "".join(ACCENTED.get(c, c) if draw(st.booleans()) else c for c in text)
    case = draw(st.sampled_from(["lower", "upper", "title", "full-width"]))
    if case == "upper":
        text = text.upper()
    elif case == "title":
        text = text.title()
    elif case == "full-width":
        text = "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalpha() else c for c in text)
    if draw(st.booleans()):
        text = "The " + text
    if draw(st.booleans()):
        text += draw(st.sampled_from(SUFFIXES))
    return plain, text


@given(st.text())
@example("Shanghai Int'l Port (Group) Co., Ltd.")
@example("The The Company Ltd")
@example("Xi An Co")
@example("ǅ Ǆ ΐ ﬃ")
@settings(max_examples=400)
def test_normalising_twice_changes_nothing(name: str) -> None:
    once = normalise_name(name)
    assert normalise_name(once) == once


@given(decorated())
@settings(max_examples=300)
def test_decoration_does_not_change_the_key(pair: tuple[str, str]) -> None:
    plain, fancy = pair
    assert normalise_name(fancy) == normalise_name(plain)


@given(BASE, st.sampled_from(["Group", "(Group)", "Grp", "Grp.", "GROUP"]))
def test_group_is_spelt_many_ways_but_always_kept(words: list[str], group: str) -> None:
    base = " ".join(words)
    key = normalise_name(f"{base} {group} Co., Ltd.")
    assert key == normalise_name(f"{base} Group")
    assert key != normalise_name(f"{base} Co., Ltd.")  # a group is not its subsidiary
    assert loose_key(key) == normalise_name(base)


@given(BASE, st.sampled_from(["International", "Int'l", "Intl", "Intl.", "INT'L"]))
def test_international_abbreviated(words: list[str], intl: str) -> None:
    assert normalise_name(f"{words[0]} {intl} {' '.join(words[1:])}") == normalise_name(
        f"{words[0]} International {' '.join(words[1:])}"
    )


@given(BASE, BASE)
def test_ampersand_is_and(left: list[str], right: list[str]) -> None:
    a, b = " ".join(left), " ".join(right)
    assert normalise_name(f"{a} & {b}") == normalise_name(f"{a} and {b}")


@given(
    st.lists(st.sampled_from(sorted(SYLLABLES)), min_size=2, max_size=4),
    st.sampled_from(["", " ", "-", "'"]),
    WORD,
)
def test_pinyin_spacing_does_not_change_the_key(syllables: list[str], sep: str, tail: str) -> None:
    spaced = " ".join(s.capitalize() for s in syllables) + f" {tail}"
    other = sep.join(syllables) + f" {tail}"
    assert normalise_name(spaced) == normalise_name(other)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Shanghai International Port (Group) Co., Ltd.", "shanghai international port group"),
        ("Shanghai Int'l Port Grp", "shanghai international port group"),
        ("China Communications Construction Company Limited", "china communications construction"),
        (
            "China Communications Construction Group Co., Ltd.",
            "china communications construction group",
        ),
        ("Zhong Xing Telecommunication Equipment", "zhongxing telecommunication equipment"),
        ("Qi An Xin", "qianxin"),
        ("Da-Jiang Innovations", "dajiang innovations"),
        (
            "Chinese People's Association for Friendship",
            "chinese peoples association for friendship",
        ),
        ("Tnuva & Co.", "tnuva"),
        ("Café Société S.A.", "cafe societe"),
        ("ＳＩＰＧ", "sipg"),
        ("中国交通建设集团有限公司", "中国交通建设集团有限公司"),
        ("The Co", "company"),  # all legal form: the words stay
    ],
)
def test_keys_of_real_and_tricky_names(name: str, key: str) -> None:
    assert normalise_name(name) == key


def test_pinyin_runs_join_and_english_words_stay() -> None:
    assert join_syllables(["zhong", "xing", "telecom", "xi", "an"]) == [
        "zhongxing",
        "telecom",
        "xian",
    ]
    assert join_syllables(["china", "long", "bridge"]) == ["china", "long", "bridge"]


@pytest.mark.parametrize(
    ("name", "variants"),
    [
        (
            "National Development and Reform Commission (NDRC)",
            ["National Development and Reform Commission", "NDRC"],
        ),
        (
            "SASAC (State-owned Assets Supervision and Administration Commission)",
            ["SASAC", "State-owned Assets Supervision and Administration Commission"],
        ),
        ("Pan Mediterranean (CHEC)", []),  # the parent's acronym, not this company's
        ("NUST (Nanjing)", []),
        ("TIL (MSC)", []),
        ("Shanghai International Port (Group)", []),
    ],
)
def test_name_and_acronym_are_each_a_name(name: str, variants: list[str]) -> None:
    assert name_variants(name) == [name, *variants]


def test_acronyms_spell_initials_from_the_first_word() -> None:
    assert is_acronym_of(
        "CPAFFC", "Chinese People's Association for Friendship with Foreign Countries"
    )
    assert not is_acronym_of("NDRC", "International Cooperation Center of the NDRC")
    assert not is_acronym_of("Ndrc", "National Development and Reform Commission")


def test_the_distinctive_words_cap_the_fuzzy_score() -> None:
    wuhan = normalise_name("Wuhan Municipal People's Government")
    shanghai = normalise_name("Shanghai Municipal People's Government")
    assert similarity(wuhan, shanghai) < 50  # the whole strings alone score over 90
    harbour = normalise_name("Harbour Test Engineering Group")
    assert similarity(normalise_name("Harbor Test Engineering Grp"), harbour) > 90
