from hypothesis import given
from hypothesis import strategies as st

from screening.models.registry import PhraseSet
from screening.signals.text import MAX_HITS_PER_SET, PhraseIndex, normalise

INDEX = PhraseIndex(
    [
        PhraseSet(
            id="bri",
            description="d",
            phrases=[
                "Belt and Road",
                "Belt and Road Initiative",
                "一带一路",
                "החגורה והדרך",
                "Silk Road",
            ],
            exclude_context=["film festival", "restaurant"],
            negations=["not", "no", "never"],
        ),
        PhraseSet(
            id="conf",
            description="d",
            phrases=["maintain confidentiality"],
            negations=["no", "not"],
        ),
    ]
)


def sets(text: str) -> list[str]:
    return [m.set_id for m in INDEX.search(text)[0]]


def test_longest_phrase_wins_and_offsets_point_at_the_span() -> None:
    text = "Ashdod joined the Belt and Road Initiative in 2018."
    (hit,) = INDEX.search(text)[0]
    assert hit.phrase == "Belt and Road Initiative"
    assert text[hit.start : hit.end] == "Belt and Road Initiative"
    assert hit.sentence == text


def test_word_boundaries_case_and_typography() -> None:
    assert sets("The BELT AND ROAD plan.") == ["bri"]
    assert sets("Beltand Road; belt and roadway") == []
    assert sets("They will maintain\nconfidentiality.") == ["conf"]


def test_negation_in_the_same_clause_suppresses() -> None:
    hits, suppressed = INDEX.search("The project is not part of the Belt and Road Initiative.")
    assert hits == []
    assert "negated by 'not'" in suppressed[0].reason


def test_negation_before_a_contrast_does_not_reach_the_hit() -> None:
    assert sets("It is not cheap, but it is part of the Belt and Road.") == ["bri"]
    assert sets("There is no doubt. The city joined the Belt and Road.") == ["bri"]


def test_cultural_context_excludes() -> None:
    hits, suppressed = INDEX.search("The Silk Road film festival opens in Haifa.")
    assert hits == [] and "film festival" in suppressed[0].reason


def test_hebrew_prefix_letters_and_cjk_without_spaces() -> None:
    assert sets("העירייה הצטרפה ליוזמת החגורה והדרך") == ["bri"]
    assert sets("אשדוד והחגורה והדרך") == ["bri"]
    assert sets("中国的一带一路倡议") == ["bri"]


def test_offsets_survive_length_changing_lowercase() -> None:
    text = "İİİ Belt and Road"
    (hit,) = INDEX.search(text)[0]
    assert text[hit.start : hit.end] == "Belt and Road"
    assert normalise("abc")[1] is None


def test_hits_per_set_are_capped() -> None:
    text = " ".join(["Belt and Road."] * (MAX_HITS_PER_SET + 5))
    assert len(INDEX.search(text)[0]) == MAX_HITS_PER_SET


@given(
    st.text(alphabet=st.sampled_from(list("ab İß.,\n")), max_size=40),
    st.text(alphabet=st.sampled_from(list("ab İß.,\n")), max_size=40),
)
def test_any_surrounding_text_keeps_offsets_exact(before: str, after: str) -> None:
    text = f"{before} Belt and Road {after}"
    for hit in INDEX.search(text)[0]:
        assert text[hit.start : hit.end].lower() == hit.phrase.lower()
        assert hit.matched == text[hit.start : hit.end]


def test_a_line_break_ends_a_sentence_and_its_negation() -> None:
    text = "The plan was not approved\nThe port joins the Belt and Road"
    (hit,) = INDEX.search(text)[0]
    assert hit.sentence == "The port joins the Belt and Road"
    assert text[hit.sentence_start :].startswith("The port")


def test_a_colon_does_not_end_the_sentence_but_bounds_the_negation() -> None:
    (hit,) = INDEX.search("No delay: the port joins the Belt and Road.")[0]
    assert hit.sentence == "No delay: the port joins the Belt and Road."


def test_a_comma_aside_does_not_hide_the_negation_but_ends_no_clause_early() -> None:
    assert sets("Israel did not, under U.S. pressure, join the Belt and Road.") == []
    assert sets("The parties, who did not agree at first, will maintain confidentiality.") == [
        "conf"
    ]
    assert sets("No delay: the city joined the Belt and Road.") == ["bri"]
    assert sets("No doubt, the city joined the Belt and Road.") == ["bri"]


def test_abbreviations_do_not_end_sentences() -> None:
    (hit,) = INDEX.search("Talks with Dr. Li went well. The U.S. view: Belt and Road.")[0]
    assert hit.sentence == "The U.S. view: Belt and Road."


def test_hyphens_and_dashes_match_like_spaces() -> None:
    assert sets("A Belt-and-Road port.") == ["bri"]


def test_chinese_negation_is_a_word_and_a_short_window() -> None:
    index = PhraseIndex(
        [PhraseSet(id="bri", description="d", phrases=["一带一路"], negations=["不是", "没有"])]
    )
    assert [m.set_id for m in index.search("双方同意不断深化一带一路合作。")[0]] == ["bri"]
    assert index.search("该项目不是一带一路项目。")[0] == []
