"""Negation cues of the bundled Belt and Road phrase set, in English, Hebrew and Chinese.

Each negated sentence must give no hit (and say which cue suppressed it); each near miss,
worded alike but not negating the hit, must still give one.
"""

from __future__ import annotations

import pytest
import yaml

from screening.models.registry import PhraseSet, PhrasesFile
from screening.signals.negation import HIT_MARK, parse_cue
from screening.signals.text import PhraseIndex, normalise
from tests.conftest import REAL_PACK

FRAMING = PhrasesFile.model_validate(
    yaml.safe_load((REAL_PACK / "phrases" / "framing.yaml").read_text(encoding="utf-8"))
)
INDEX = PhraseIndex(FRAMING.phrase_sets)


def bri(text: str) -> list[str]:
    return [m.matched for m in INDEX.search(text)[0] if m.set_id == "belt-and-road"]


NEGATED = [
    # English: "nothing to do with" and its kin
    ("The terminal has nothing to do with the Belt and Road Initiative.", "nothing to do with"),
    ("The port has nothing whatsoever to do with the Belt and Road.", "nothing whatsoever"),
    ("The port project is unrelated to the Belt and Road.", "unrelated to"),
    ("The tender is unconnected with the Belt and Road.", "unconnected with"),
    ("The operator has no connection with the Belt and Road.", "'no'"),
    ("The investment is not linked to the Belt and Road.", "'not'"),
    ("The tender bears no relation to the Belt and Road.", "'no'"),
    # Hebrew: "has no connection to", "is not connected to", "there is no connection at all"
    ("לחברה אין קשר ליוזמת החגורה והדרך.", "אין קשר"),
    ("הפרויקט לא קשור ליוזמת החגורה והדרך.", "לא"),
    ("אין שום קשר בין הנמל לבין יוזמת החגורה והדרך.", "שום קשר"),
    ("המכרז פורסם ואין קשר בינו לבין יוזמת החגורה והדרך.", "אין קשר"),
    ("הנמל אינו קשור ליוזמת החגורה והדרך.", "אינו"),
    # Chinese: "与…无关" (unrelated to …) and kin, "不涉及" (does not involve)
    ("该项目与一带一路无关。", "与…无关"),
    ("该港口项目与一带一路倡议毫无关系。", "与…无关"),
    ("该合作与“一带一路”倡议无关。", "与…无关"),
    ("这笔投资跟一带一路没有关系。", "跟…没有关系"),
    ("这个码头和一带一路没关系。", "和…没关系"),
    ("该项目与一带一路没有任何关系。", "与…没有任何关系"),
    ("该项目不涉及一带一路。", "不涉及"),
]

NEAR_MISSES = [
    "The terminal has everything to do with the Belt and Road Initiative.",
    "The port project is closely related to the Belt and Road.",
    "The pricing had nothing to do with politics; the port joined the Belt and Road.",
    "Nothing to do with the tender was disclosed. The port then joined the Belt and Road.",
    "The Belt and Road has nothing to do with the pricing.",  # a cue after the hit: no
    "אין ספק שהעירייה הצטרפה ליוזמת החגורה והדרך.",  # "no doubt": אין alone is no cue
    "יש קשר הדוק בין הנמל ליוזמת החגורה והדרך.",  # "there is a close connection"
    "לחברה אין קשר לממשלה, והיא הצטרפה ליוזמת החגורה והדרך.",  # the comma ends the clause
    "שיתוף פעולה מלא עם יוזמת החגורה והדרך.",  # מלא (full) is not ל"א with a prefix
    "该项目与一带一路有关。",  # related to
    "该项目属于一带一路，与环保问题无关。",  # 无关 is in another clause
    "一带一路框架下与安全无关的合作。",  # 与 after the hit, not around it
    "该项目涉及一带一路合作。",  # involves
    "该公司积极参与一带一路建设。",  # 参与 holds 与, but nothing follows
]


@pytest.mark.parametrize(("text", "cue"), NEGATED, ids=[t for t, _ in NEGATED])
def test_a_negated_mention_gives_no_hit_and_names_its_cue(text: str, cue: str) -> None:
    hits, suppressed = INDEX.search(text)
    assert [h for h in hits if h.set_id == "belt-and-road"] == []
    (why,) = [s.reason for s in suppressed if s.set_id == "belt-and-road"]
    assert why.startswith("negated by") and cue in why


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_a_near_miss_still_gives_a_hit(text: str) -> None:
    assert len(bri(text)) == 1


def test_a_cue_around_the_hit_needs_both_parts_close_to_it() -> None:
    index = PhraseIndex(
        [PhraseSet(id="s", description="d", phrases=["一带一路"], negations=["与…无关"])]
    )
    assert index.search("该项目与一带一路无关")[0] == []
    assert len(index.search("该项目与一带一路建设合作项目的其他部分都无关")[0]) == 1  # too far
    assert len(index.search("与之相比，一带一路无关")[0]) == 1  # 与 in another clause


def test_cues_are_parsed_into_parts() -> None:
    def parts(cue: str) -> tuple[str, str] | None:
        parsed = parse_cue(cue, normalise(cue)[0])
        return None if parsed is None else (parsed.before, parsed.after)

    assert parts("Nothing to do with") == ("nothing to do with", "")
    assert parts(f"与{HIT_MARK}无关") == ("与", "无关")
    assert parts(f"{HIT_MARK}无关") == ("", "无关")
    assert parts(HIT_MARK) is None
    assert parts(" ") is None
