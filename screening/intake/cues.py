"""Cue words: the document's kind, the target's sectors, the transaction type, parties' roles.

Each cue is a pattern and what it says; a field is set only where a cue is found, with the
words that set it. Sector cues map the words documents use to the ids of the sector
vocabulary (`rules/vocabulary.yaml`); an id the vocabulary lacks is never produced.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Cue:
    value: str
    start: int
    end: int


def _rx(words: str) -> re.Pattern[str]:
    """Alternatives separated by '|', whole words (CJK and Hebrew as they stand)."""
    return re.compile(rf"(?<![\w-])(?:{words})(?![\w])", re.IGNORECASE)


KIND_CUES: tuple[tuple[str, re.Pattern[str], float], ...] = (
    ("mou", _rx(r"memorandum of understanding|MOU|MoU|谅解备忘录|מזכר הבנות"), 3.0),
    (
        "agreement",
        _rx(
            r"this agreement|hereby agree[sd]?|whereas|in witness whereof|the parties "
            r"agree|shall enter into force|协议书|合同|הסכם"
        ),
        2.0,
    ),
    (
        "press_release",
        _rx(r"press release|for immediate release|media contact|新闻稿|הודעה לעיתונות"),
        3.0,
    ),
    (
        "report",
        _rx(
            r"form 8-K|form 10-K|annual report|prospectus|filing|filed with|notification "
            r"to|special publication|analysis|recommendations|年度报告"
        ),
        1.0,
    ),
    (
        "news",
        _rx(
            r"reported|according to|said on|told reporters|news agency|correspondent|"
            r"said|报道|记者"
        ),
        0.5,
    ),
    ("speech", _rx(r"ladies and gentlemen|distinguished guests|女士们，先生们"), 3.0),
    ("minutes", _rx(r"minutes of the meeting|present:|agenda item"), 3.0),
    ("tender", _rx(r"invitation to tender|request for proposals|bidders|招标"), 2.0),
)


def document_kind(text: str) -> tuple[str, Cue, float] | None:
    """The kind whose cues weigh most in the first 5,000 characters, its first cue and a
    confidence (its share of the weight); None when no cue is found."""
    head = text[:5000]
    weights: dict[str, float] = {}
    first: dict[str, Cue] = {}
    for kind, pattern, weight in KIND_CUES:
        for m in pattern.finditer(head):
            weights[kind] = weights.get(kind, 0.0) + weight
            first.setdefault(kind, Cue(kind, m.start(), m.end()))
    if not weights:
        return None
    kind, weight = max(weights.items(), key=lambda kw: kw[1])
    return kind, first[kind], round(weight / sum(weights.values()), 2)


#: Sector id -> words that name it (English, Chinese, Hebrew).
SECTOR_CUES: dict[str, str] = {
    "defense": r"defen[cs]e (?:industry|technology|technologies|equipment|company|exports?)|"
    r"military technology|weapons?|drones?|UAVs?|arms sales?|军工|ביטחוני",
    "semiconductors": r"semiconductors?|chips?|chip design|integrated circuits?|芯片|半导体|שבבים",
    "cybersecurity": r"cyber ?security|cyber|网络安全|סייבר",
    "artificial_intelligence": r"artificial intelligence|AI|machine learning|人工智能|"
    r"בינה מלאכותית",
    "surveillance": r"surveillance|facial recognition|video monitoring|监控",
    "communications": r"telecommunications?|communications? technolog(?:y|ies)|5G|通信",
    "health_data": r"telemedicine|health data|medical records|patient data|远程医疗",
    "biotechnology": r"biotechnology|biomedicine|biomedical|pharmaceuticals?|生物医药",
    "ports": r"ports?|port terminals?|container terminal|港口|码头|נמל",
    "maritime_logistics": r"shipping|maritime|logistics",
    "rail": r"railways?|rail(?:road)?|high-speed rail|铁路|רכבת",
    "urban_transport": r"light rail|metro|buses|bus routes?|public transport|轻轨|地铁|הרכבת הקלה",
    "aviation": r"airports?|aviation|airlines?",
    "energy": r"energy|power plants?|能源",
    "energy_storage": r"energy storage|batter(?:y|ies)|super-?capacitors?",
    "electricity_grid": r"power grid|electricity grid|transmission lines?",
    "gas": r"natural gas|LNG|gas field",
    "water": r"water supply|water utility|water infrastructure",
    "desalination": r"desalination|海水淡化|התפלה",
    "ev_charging": r"charging stations?|EV charging|charging infrastructure",
    "smart_city": r"smart city|smart cities|智慧城市",
    "agriculture": r"agriculture|agricultural|agri-?tech|irrigation|农业",
    "finance": r"banking|financial services|payments?",
    "real_estate": r"real estate|land purchase|property development|房地产",
    "construction": r"construction|infrastructure projects?|contractor|建设|בנייה",
    "education": r"universit(?:y|ies)|campus|education|大学|אוניברסיטה",
    "research": r"research|R&D|innovation cent(?:er|re)|laborator(?:y|ies)|研发|מחקר",
    "culture": r"cultur(?:e|al) festival|cultural exchange|文化",
    "tourism": r"tourism|tourists?|旅游",
    "space": r"satellites?|space technology|航天",
    "quantum": r"quantum",
    "robotics": r"robotics|robots?|autonomous vehicles?|unmanned",
    "critical_minerals": r"critical minerals|rare earths?|lithium|cobalt",
    "food": r"food security|food production|dairy",
    "media": r"media|newspapers?|broadcast(?:er|ing)",
    "venture_capital": r"venture capital|venture funds?|VC funds?|创投",
    "automotive": r"automotive|car maker|electric vehicles?",
    "medical_devices": r"medical devices?|ventilators?|medical equipment",
}
_SECTORS = {k: _rx(v) for k, v in SECTOR_CUES.items()}
_SHORT_CAPS = frozenset({"AI", "5G", "LNG", "UAV", "UAVs"})


def sectors(text: str, known: set[str]) -> Iterator[tuple[str, Cue, int]]:
    """(sector id, first cue, number of mentions) for the vocabulary's sectors named."""
    for sector, pattern in _SECTORS.items():
        if sector not in known:
            continue
        hits = [m for m in pattern.finditer(text) if _case_ok(m.group(0))]
        if hits:
            yield sector, Cue(sector, hits[0].start(), hits[0].end()), len(hits)


def _case_ok(found: str) -> bool:
    """'AI' and '5G' in capitals only ('ai' is a word in other languages)."""
    return found.upper() != found or found in _SHORT_CAPS or not found.isascii() or len(found) > 3


TRANSACTION_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("mou", _rx(r"memorandum of understanding|MOU|谅解备忘录|מזכר הבנות")),
    ("concession", _rx(r"concession|特许经营|זיכיון")),
    ("twinning", _rx(r"twin(?:ning|ned)? cit(?:y|ies)|sister cit(?:y|ies)|友好城市|ערים תאומות")),
    ("acquisition", _rx(r"acquisition|acquire[sd]?|takeover|buyout|purchase of|收购|רכישה")),
    ("minority_stake", _rx(r"minority stake|minority interest")),
    ("joint_venture", _rx(r"joint venture|合资")),
    ("lease", _rx(r"lease|租赁|חכירה")),
    ("tender", _rx(r"tender|招标|מכרז")),
    ("framework_agreement", _rx(r"framework agreement|框架协议")),
    ("rd_centre", _rx(r"R&D cent(?:er|re)|research and development cent(?:er|re)|研发中心")),
    ("venture_fund", _rx(r"venture funds?|invested in .{0,40}funds")),
    ("export", _rx(r"exports?|sold .{0,30}to China|arms sales?")),
    ("cooperation_agreement", _rx(r"cooperation agreements?|cooperation plan|合作协议")),
)


def transaction_type(text: str) -> Cue | None:
    """The first listed type with a cue (a more specific type before a general one)."""
    for kind, pattern in TRANSACTION_CUES:
        m = pattern.search(text)
        if m:
            return Cue(kind, m.start(), m.end())
    return None


#: Role cues read after a party's name ('X will acquire', 'X, the buyer') and before it
#: ('acquired by X', 'lender: X').
ROLE_AFTER: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "acquirer",
        re.compile(
            r"^\W{0,3}(?:\(?the\s+)?(?:buyer|acquirer|purchaser)\b|^\s+(?:has\s+|have\s+|"
            r"will\s+|agreed\s+to\s+|is\s+to\s+|plans\s+to\s+|would\s+)?(?:acquire"
            r"|buy|purchase|take\s+over)[sd]?\b|^\s*(?:将)?收购",
            re.I,
        ),
    ),
    (
        "seller",
        re.compile(
            r"^\W{0,3}(?:\(?the\s+)?(?:seller|vendor)\b|^\s+(?:has\s+|will\s+|agreed\s+to"
            r"\s+)?(?:sell|sold|divest)s?\b",
            re.I,
        ),
    ),
    (
        "lender",
        re.compile(
            r"^\W{0,3}(?:\(?the\s+)?lender\b|^\s+(?:will\s+|has\s+|agreed\s+to\s+)?(?:lend|"
            r"finance|offered\s+(?:a\s+)?(?:loan|credit|financing)|provide[sd]?\s+(?:a\s+)?"
            r"(?:loan|credit|financing))",
            re.I,
        ),
    ),
    (
        "contractor",
        re.compile(
            r"^\W{0,3}(?:\(?the\s+)?(?:main\s+)?contractor\b|^\s+(?:will\s+|has\s+|is\s+to"
            r"\s+)?(?:build|construct|won\s+the\s+tender|was\s+awarded)",
            re.I,
        ),
    ),
    (
        "signatory",
        re.compile(r"^(?:[^.;。]{0,80}?)\b(?:signed|sign|signing|签署|签约|חתמו|חתם)\b", re.I),
    ),
)
ROLE_BEFORE: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "acquirer",
        re.compile(
            r"(?:acquired|bought|purchased|taken\s+over)\s+by\s+(?:the\s+)?$|(?:buyer|"
            r"acquirer|purchaser)\s*(?:is|was|:|,)?\s*(?:the\s+)?$",
            re.I,
        ),
    ),
    (
        "seller",
        re.compile(
            r"(?:sold|divested)\s+by\s+(?:the\s+)?$|(?:seller|vendor)\s*(?:is|was|:|,)?\s*$", re.I
        ),
    ),
    (
        "lender",
        re.compile(
            r"(?:loans?|credit|financ(?:ing|ed))\s+(?:from|by|of)\s+(?:the\s+)?$|lender"
            r"\s*(?:is|was|:|,)?\s*(?:the\s+)?$",
            re.I,
        ),
    ),
    (
        "contractor",
        re.compile(
            r"(?:built|constructed|awarded\s+to|contract(?:ed)?\s+(?:to|with))\s+(?:the"
            r"\s+)?$|contractor\s*(?:is|was|:|,)?\s*(?:the\s+)?$",
            re.I,
        ),
    ),
    (
        "signatory",
        re.compile(
            r"(?:signed\s+by|for\s+and\s+on\s+behalf\s+of|signatory:?)\s+(?:the\s+)?$", re.I
        ),
    ),
)


def roles_at(text: str, start: int, end: int) -> Iterator[Cue]:
    """Roles the words around a name at [start, end) state, within its sentence."""
    after = re.split(r"(?<=[.;!?。；])\s", text[end : end + 160], maxsplit=1)[0]
    before = re.split(r"[.;!?。；]\s", text[max(0, start - 60) : start])[-1]
    for role, pattern in ROLE_AFTER:
        m = pattern.search(after)
        if m:
            yield Cue(role, end + m.start(), end + m.end())
    for role, pattern in ROLE_BEFORE:
        m = pattern.search(before)
        if m:
            yield Cue(role, start - len(before) + m.start(), start - len(before) + m.end())
    m = _BETWEEN.search(before)
    if m:  # 'an agreement … between X and Y', not 'exchange programmes between X and Y'
        s, e = sentence_at(text, start, end)
        if _SIGNING.search(text, s, e):
            yield Cue("signatory", start - len(before) + m.start(), start - len(before) + m.end())


_BETWEEN = re.compile(
    r"\bbetween\s+(?:the\s+)?(?:[^,;.]{0,60}?,\s+|[^,;.]{0,60}?\s+and\s+)?$", re.I
)
_SIGNING = _rx(
    r"sign(?:s|ed|ing)?|agreements?|memorand(?:um|a)|MOU|MoU|contracts?|deed|accord|treaty"
    r"|protocol|(?:is|was)\s+made"
    r"|协议|合同|签署|הסכם|חתמו|חתם"
)


#: Words that make a sentence about the deal itself: an act of agreeing, signing, building,
#: financing or leading a delegation ('… signed the framework agreement', '… led a
#: delegation'), as against background ('… said', '… is an expert on').
DEAL_ACTS = _rx(
    r"sign(?:s|ed|ing)?|agreements?|memorand(?:um|a|ums)\s+of\s+understanding|MOU|MoU|"
    r"concessions?|tenders?|contracts?|twin(?:ning|ned)?|sister[- ]cit(?:y|ies)|delegations?|"
    r"led|framework|acquir(?:e|es|ed|ing)|acquisitions?|invest(?:s|ed|ing|ments?)?|loans?|"
    r"financ(?:e|es|ed|ing)|joint|bid|tendered|construct(?:s|ed|ion)?|operat(?:es|ed|or)|"
    r"partner(?:s|ed|ing|ship)?|collaborat(?:e|es|ed|ing|ion)|co-develop(?:s|ed|ing|ment)?|"
    r"approv(?:al|ed|es)|open(?:ed|ing)|establish(?:es|ed|ing|ment)?|takeover|purchase[sd]?|"
    r"bought|buy(?:s|ing)?|sale|sell(?:s|ing)?|sold|merg(?:e|es|ed|er|ers|ing)|deals?|stakes?|"
    r"owner|owns|shareholders?|controlling"
)
#: Where a name stands outside the deal its sentence tells of: the venue ('signed at the
#: meeting of the X'), a source ('published by X', 'according to X'), what a visitor saw
#: ('inspected X's bus route', 'met X'), or a commentator ('X, an expert on …', 'Professor X').
_OUTSIDE_BEFORE = re.compile(
    r"(?:\bat\s+the\s+(?:\w+\s+){0,2}(?:meeting|session|summit|conference|forum)s?\s+of"
    r"|\bat|\bpublished\s+by|\baccording\s+to|\breadout\s+from|\breported\s+by"
    r"|\b(?:inspected|visited|visiting|toured|met|meeting|met\s+with)(?:\s+\w+){0,1}?"
    r"|\bProfessor|\bProf\.|\bexpert)\s+(?:the\s+)?(?:[A-Z]\w*['’]s\s+)?$",
    re.I,
)
_OUTSIDE_AFTER = re.compile(
    r"^(?:\s+of\s+[A-Z][\w ]{0,30})?,\s+(?:an?|the)\s+(?:\w+\s+){0,2}(?:expert|research"
    r"\s+fellow|researcher|analyst|scholar|professor|commentator)\b"
)


_WITNESS_BEFORE = re.compile(r"\bin\s+the\s+presence\s+of\b[^.;]*$", re.I)
_WITNESS_AFTER = re.compile(
    r"^[^.;]{0,100}?\b(?:also\s+)?(?:attend|attends|attended|witness|witnessed)\s+(?:the|a)\s+"
    r"(?:\w+\s+){0,2}ceremony",
    re.I,
)


def outside_deal(text: str, start: int, end: int) -> bool:
    """The name at [start, end) is a venue, a source, a place visited, a commentator, or a
    witness ('in the presence of X', 'X attended the signing ceremony'): its sentence may tell
    of the deal without making it a party."""
    before = text[max(0, start - 60) : start]
    after = text[end : end + 120]
    s, _ = sentence_at(text, start, end)
    return bool(
        _OUTSIDE_BEFORE.search(before)
        or _OUTSIDE_AFTER.match(after)
        or _WITNESS_BEFORE.search(text, s, start)
        or _WITNESS_AFTER.match(after)
    )


#: ... and in Chinese and Hebrew, where words are not bounded as in Latin script.
DEAL_ACTS_CJK_HE = re.compile(r"签署|签约|协议|合同|谅解备忘录|投资|הסכם|חתמו|חתם|מזכר הבנות")


def sentence_at(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around [start, end): from after the last '.', ';', '!', '?' or blank
    line before it to the next one after it."""
    left = max(text.rfind(ch, 0, start) for ch in (". ", "; ", "! ", "? ", "\n\n", "。"))
    rights = [
        i for i in (text.find(ch, end) for ch in (". ", "; ", "! ", "? ", "\n\n", "。")) if i >= 0
    ]
    return (left + 1 if left >= 0 else 0), (min(rights) + 1 if rights else len(text))


def deal_act_at(text: str, start: int, end: int) -> Cue | None:
    """The first deal act in the sentence naming [start, end), if any."""
    s, e = sentence_at(text, start, end)
    m = DEAL_ACTS.search(text, s, e) or DEAL_ACTS_CJK_HE.search(text, s, e)
    return Cue("deal", m.start(), m.end()) if m else None


_REVIEW_VERBS = (
    r"review(?:s|ed|ing)?|examin(?:es|ed|ing)|investigat(?:es|ed|ing)|prohibit(?:s|ed)?|"
    r"block(?:s|ed)?|veto(?:es|ed)?|clear(?:s|ed)|scrutini[sz](?:es|ed)|refer(?:s|red)|"
    r"order(?:s|ed)|intervene[sd]?|screen(?:s|ed)|recommend(?:s|ed)|decide[sd]?|"
    r"authori[sz](?:e|es|ed)|approv(?:e|es|ed|al)|used\s+the\s+golden\s+power"
)
_REVIEW_AFTER = re.compile(
    rf"(?:\s*\([^()]{{1,20}}\))?,?\s+(?:(?:has|had|have|will|would|may|must|then|also|later|"
    rf"formally|did\s+not|could)\s+){{0,2}}(?:{_REVIEW_VERBS})\b",
    re.I,
)
_REVIEW_BEFORE = re.compile(
    rf"\b(?:{_REVIEW_VERBS}|review|report|notice|decision|order)\s+(?:by|of|from)\s+(?:the\s+)?$",
    re.I,
)


def review_at(text: str, start: int, end: int) -> Cue | None:
    """A review or decision the words at a public body's name say it makes ('the Council of
    Ministers vetoed', 'examined by the Investment Screening Bureau'): the body is the
    deal's reviewing authority, not a party to it."""
    m = _REVIEW_AFTER.match(text, end, min(len(text), end + 80))
    if m:
        return Cue("review", m.start(), m.end())
    m = _REVIEW_BEFORE.search(text, max(0, start - 60), start)
    return Cue("review", m.start(), m.end()) if m else None
