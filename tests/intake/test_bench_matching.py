"""bench/intake.py's fairness helpers: what 'named in the document' means, and how a
drafted party not in the registry is matched to a hand-written case party."""

from __future__ import annotations

from bench.intake_measure import found_key, named_in, stated
from screening.signals.names import NameIndex
from screening.signals.normalise import name_words


def _words(text: str) -> str:
    return f" {' '.join(name_words(text))} "


def test_named_in_compares_words_as_names_compare() -> None:
    text = _words("Ying met Eli Cohen, minister of the Ministry of Economy & Industry.")
    assert named_in(text, ["Ministry of Economy and Industry"])
    assert named_in(text, ["Israel Ministry of Economy", "Eli Cohen"])
    assert not named_in(text, ["Israeli AI startups (not named in the seed)"])
    assert not named_in(text, ["Eli Cohe"])  # whole words only


def test_found_key_uses_the_project_matcher() -> None:
    matcher = NameIndex(
        [
            (
                "israel ministry of economy and industry",
                ["Israel Ministry of Economy and Industry"],
            ),
            ("yingyong", ["Ying Yong"]),
        ]
    )
    assert (
        found_key("Ministry of Economy and Industry of Israel", [], matcher, 85)
        == "israel ministry of economy and industry"
    )
    assert found_key("Ying Yong", [], matcher, 85) == "yingyong"
    assert found_key("Mr Someone", ["Ying Yong"], matcher, 85) == "yingyong"
    assert found_key("Ministry of Transport", [], matcher, 85) is None


def test_stated_reads_a_figure_not_knowledge() -> None:
    text = "Midea, which held 13.5% before its offer, now has 94.55 per cent; a subsidiary of X."
    assert stated(text, 94.55)
    assert stated(text, 13.5)
    assert not stated(text, 100.0)  # 'a subsidiary of' is not a figure
    assert not stated("in 2013.5 %", 13.5)  # part of another number
