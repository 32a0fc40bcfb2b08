"""Name normalisation: the key two spellings of one organisation's name share.

Filings decorate names differently: case, punctuation, legal forms ("Co., Ltd.",
"Corporation"), abbreviations ("Int'l", "Grp"), "&" for "and", diacritics, hyphens and the
spacing of pinyin syllables. `normalise_name` removes every such decoration and nothing
else: words that tell organisations apart ("Group", "Holdings") stay in the key, because a
group and its listed subsidiary are often named "X Group Co., Ltd." and "X Co., Ltd.".
`loose_key` drops those words too, for a fallback that must then be unambiguous.
"""

from __future__ import annotations

import re
import unicodedata

from screening.signals.pinyin import join_syllables

#: Abbreviations written out, so "Int'l", "Intl" and "International" are one word.
ABBREVIATIONS = {
    "intl": "international",
    "co": "company",
    "cos": "companies",
    "corp": "corporation",
    "grp": "group",
    "ltd": "limited",
    "inc": "incorporated",
    "hldgs": "holdings",
    "holding": "holdings",
    "natl": "national",
    "univ": "university",
    "govt": "government",
    "dept": "department",
    "assn": "association",
    "mfg": "manufacturing",
    "bros": "brothers",
    "inst": "institute",
    "tech": "technology",
    "assoc": "association",
    "ctr": "center",
    "centre": "center",
}
#: Legal forms: dropped at the end of a name, where they only say how it is incorporated.
LEGAL_FORMS = frozenset(
    {
        "company",
        "limited",
        "corporation",
        "incorporated",
        "llc",
        "plc",
        "sa",
        "ag",
        "gmbh",
        "pte",
        "pty",
        "bv",
        "nv",
        "the",
    }
)
#: Words that tell a group from its subsidiaries: kept in the key, dropped by `loose_key`.
STRUCTURE_WORDS = frozenset({"group", "holdings"})
#: Letters that do not decompose into a base letter and a mark (what unidecode would give).
_FOLD = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h"}
)
_APOSTROPHES = re.compile(r"['’‘`´ʼ]")
_INITIALISM = re.compile(r"\b(\w)\.(?=\w\b)")  # "S.A." -> "SA.", "U.S.A." -> "USA."
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


def _optional_marks(base: str) -> bool:
    """Marks on Latin, Greek and Cyrillic letters are diacritics, on Hebrew and Arabic vowel
    points: both optional in writing. Elsewhere (kana voicing, Indic vowel signs) a mark
    makes another letter and is kept."""
    code = ord(base)
    return code < 0x0530 or 0x0590 <= code < 0x0700


def _fold(text: str) -> str:
    """Casefold, drop optional marks, resolve compatibility forms (full-width, ligatures,
    mathematical letters); repeated until stable, as one step can expose work for another
    ('𝑨' is upper case only once decomposed)."""
    previous = None
    while text != previous:
        previous = text
        out: list[str] = []
        base = " "
        for ch in unicodedata.normalize("NFKD", text.casefold()):
            if not unicodedata.combining(ch):
                base = ch
            elif _optional_marks(base):
                continue
            out.append(ch)
        text = unicodedata.normalize("NFC", "".join(out)).translate(_FOLD)
    return text


def name_words(name: str) -> list[str]:
    """The words of a name: folded, '&' read as 'and', apostrophes and dots of initials gone."""
    text = _fold(name).replace("&", " and ")
    text = _INITIALISM.sub(r"\1", _APOSTROPHES.sub("", text))
    return _PUNCT.sub(" ", text).split()


def normalise_name(name: str) -> str:
    """The matching key: 'Shanghai Int'l Port (Group) Co., Ltd.' -> 'shanghai international
    port group'. Idempotent; a name that is all legal form keeps its words."""
    words = [ABBREVIATIONS.get(w, w) for w in name_words(name)]
    while len(words) > 1 and words[0] == "the":
        words = words[1:]
    end = len(words)
    while end > 0 and words[end - 1] in LEGAL_FORMS:
        end -= 1
    if 1 < end < len(words) and words[end - 1] == "and":  # "Tnuva & Co."
        end -= 1
    return " ".join(join_syllables(words[:end] or words))


def loose_key(key: str) -> str:
    """A normalised key without 'group' and 'holdings' ('' when nothing else is left)."""
    return " ".join(w for w in key.split() if w not in STRUCTURE_WORDS)


def raw_key(name: str) -> str:
    """A name as written, compared without regard to case or spacing (the strictest match)."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


_PAREN = re.compile(r"^(?P<outer>[^()]+?)\s*\((?P<inner>[^()]+)\)\s*$")


def name_variants(name: str) -> list[str]:
    """The name, and for 'Name (ACRONYM)' or 'ACRONYM (Name)' each half on its own.

    A parenthesis that is not an acronym of the rest stays: in 'Pan Mediterranean (CHEC)'
    it names the parent, and 'CHEC' alone is another company.
    """
    m = _PAREN.match(name)
    if m is None:
        return [name]
    outer, inner = m["outer"].strip(), m["inner"].strip()
    if is_acronym_of(inner, outer) or is_acronym_of(outer, inner):
        return [name, outer, inner]
    return [name]


def is_acronym_of(acronym: str, name: str) -> bool:
    """True when `acronym` (2-10 capitals) spells initials of `name`'s words in order,
    starting with the first: NDRC, SASAC (State-owned Assets Supervision and ...)."""
    if not (2 <= len(acronym) <= 10 and acronym.isalpha() and acronym.isupper()):
        return False
    initials = [w[0] for w in name_words(name)]
    letters = acronym.casefold()
    if not initials or initials[0] != letters[0]:
        return False
    i = 0
    for initial in initials:
        if i < len(letters) and initial == letters[i]:
            i += 1
    return i == len(letters)


#: Words that say what kind of body a name is, not which one. Two names that differ only
#: in the rest ("Wuhan" / "Shanghai Municipal People's Government") are not one body, however
#: alike the whole strings look; the fuzzy score is capped by the score of the rest.
GENERIC_WORDS = frozenset(
    [
        "of",
        "the",
        "and",
        "for",
        "in",
        "on",
        "at",
        "to",
        "with",
        "peoples",
        "people",
        "municipal",
        "municipality",
        "city",
        "county",
        "district",
        "province",
        "provincial",
        "regional",
        "government",
        "council",
        "ministry",
        "department",
        "bureau",
        "commission",
        "committee",
        "office",
        "authority",
        "agency",
        "administration",
        "state",
        "republic",
        "national",
        "international",
        "group",
        "holdings",
        "company",
        "companies",
        "corporation",
        "limited",
        "university",
        "institute",
        "college",
        "school",
        "academy",
        "science",
        "technology",
        "technologies",
        "engineering",
        "industry",
        "industries",
        "bank",
        "development",
        "investment",
        "fund",
        "association",
        "center",
        "foundation",
        "trust",
    ]
)


def distinctive(key: str) -> str:
    """The words of a normalised key that name this body rather than its kind."""
    return " ".join(w for w in key.split() if w not in GENERIC_WORDS)
