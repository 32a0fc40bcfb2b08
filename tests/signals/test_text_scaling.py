"""Phrase search work grows with the text, not with hits x sentence length.

No timings here (bench/text_scaling.py prints those): these tests count the costly steps
on texts made of one long sentence with thousands of hits, and check what is reported.
"""

from __future__ import annotations

import pytest

from screening.models.registry import PhraseSet
from screening.signals import negation
from screening.signals.text import (
    EXCERPT_CHARS,
    MAX_HITS_PER_SET,
    MAX_SENTENCE_CHARS,
    MAX_SUPPRESSED_PER_SET,
    PhraseIndex,
)

INDEX = PhraseIndex(
    [
        PhraseSet(
            id="bri",
            description="d",
            phrases=["Belt and Road", "Digital Silk Road", "一带一路"],
            exclude_context=["film festival"],
            negations=["not", "与…无关"],
        )
    ]
)


@pytest.fixture
def negation_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = negation.Negation.reason

    def counted(self: negation.Negation, norm: str, *args: int) -> str | None:
        calls.append(args[0])
        return original(self, norm, *args)

    monkeypatch.setattr(negation.Negation, "reason", counted)
    return calls


def test_hits_past_the_cap_are_counted_not_examined(negation_checks: list[int]) -> None:
    hits, suppressed = INDEX.search("Belt and Road " * 50_000)
    assert len(hits) == MAX_HITS_PER_SET
    assert len(negation_checks) == MAX_HITS_PER_SET
    (summary,) = suppressed
    assert summary.reason.startswith("one of 49,990 later hits not examined")
    assert "(50,000 hits in all)" in summary.reason
    assert summary.start == MAX_HITS_PER_SET * len("Belt and Road ")


def test_negated_hits_are_all_examined_but_listed_only_up_to_a_cap() -> None:
    text = "not the Belt and Road " * 5_000 + "The port joined the Belt and Road."
    hits, suppressed = INDEX.search(text)
    assert [h.start for h in hits] == [text.rindex("Belt and Road")]  # the last one counts
    assert len(suppressed) == MAX_SUPPRESSED_PER_SET + 1
    assert suppressed[-1].reason.startswith(
        f"one of {5_000 - MAX_SUPPRESSED_PER_SET:,} more suppressed hits not listed"
    )


def test_an_excluded_context_is_looked_for_once_per_sentence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = []
    original = PhraseIndex._excluded

    def counted(self: PhraseIndex, *args: object) -> str | None:
        calls.append(args)
        return original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(PhraseIndex, "_excluded", counted)
    hits, suppressed = INDEX.search("Digital Silk Road film festival " * 5_000)
    assert hits == [] and len(calls) == 1
    assert "excluded context 'film festival'" in suppressed[0].reason


def test_a_long_sentence_is_cited_as_the_stretch_around_the_hit() -> None:
    text = "word " * 3_000 + "the port joined the Belt and Road " + "word " * 3_000 + "."
    (hit,) = INDEX.search(text)[0]
    assert len(hit.sentence) <= 2 * EXCERPT_CHARS + len("Belt and Road")
    assert text[hit.sentence_start :].startswith(hit.sentence)
    assert hit.sentence.startswith("word ") and "the Belt and Road word" in hit.sentence
    short = "The port joined the Belt and Road. " * 3
    assert INDEX.search(short)[0][0].sentence == "The port joined the Belt and Road."
    assert len(text) > MAX_SENTENCE_CHARS


def test_a_negation_far_back_in_a_long_sentence_does_not_reach_the_hit() -> None:
    assert INDEX.search("not " + "word " * 2_000 + "Belt and Road")[0] != []
    assert INDEX.search("word " * 2_000 + "not the Belt and Road")[0] == []
    assert INDEX.search("词" * 2_000 + "与一带一路无关")[0] == []
    assert INDEX.search("与" + "词" * 2_000 + "一带一路无关")[0] != []


def test_offsets_stay_exact_in_a_long_text_with_a_two_character_lower_case() -> None:
    text = "İstanbul " + "Belt and Road, " * 2_000 + "İ the end"
    hits, _ = INDEX.search(text)
    assert len(hits) == MAX_HITS_PER_SET
    assert all(text[h.start : h.end] == "Belt and Road" for h in hits)
