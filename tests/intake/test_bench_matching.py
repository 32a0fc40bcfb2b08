"""bench/intake.py's fairness helpers: what 'named in the document' means, and how a
drafted party not in the registry is matched to a hand-written case party."""

from __future__ import annotations

from bench.intake import _found_key, _named_in
from screening.signals.names import NameIndex
from screening.signals.normalise import name_words


def _words(text: str) -> str:
    return f" {' '.join(name_words(text))} "


def test_named_in_compares_words_as_names_compare() -> None:
    text = _words("Ying met Eli Cohen, minister of the Ministry of Economy & Industry.")
    assert _named_in(text, ["Ministry of Economy and Industry"])
    assert _named_in(text, ["Israel Ministry of Economy", "Eli Cohen"])
    assert not _named_in(text, ["Israeli AI startups (not named in the seed)"])
    assert not _named_in(text, ["Eli Cohe"])  # whole words only


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
        _found_key("Ministry of Economy and Industry of Israel", [], matcher, 85)
        == "israel ministry of economy and industry"
    )
    assert _found_key("Ying Yong", [], matcher, 85) == "yingyong"
    assert _found_key("Mr Someone", ["Ying Yong"], matcher, 85) == "yingyong"
    assert _found_key("Ministry of Transport", [], matcher, 85) is None
