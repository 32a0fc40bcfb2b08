"""What bench/intake.py counts: a draft compared with the hand-written case(s) of a document.

A case party counts by its registry entity when the project's matching links it, else by its
normalised name. Recall is given over every case party (the raw figure) and over the parties
the document names at all (*named*: the case party's name, an alias, or its registry
entity's name or an alias appears in the text, words compared as names compare them). Why
both: a case citing several documents lists parties named in only one of them, and
placeholders ('Israeli AI startups (not named in the seed)') are named in none; intake reads
names, it cannot find one the text does not write. Places likewise: every gazetteer place of
the cases' sites, and those the text names; *extra places* are drafted sites no case lists.
Stakes: every stake or owner percentage, and
those the text writes as a figure ('94.55%'); a 100% owner read from 'a subsidiary of' is
knowledge, not text. Amounts: transaction values, same currency, within 2%; terms: transaction
durations in years; dates: the cases' documents' own dates, found among the draft's dates.

A drafted party outside the registry is matched to the case parties with the project's
`NameIndex` (exact, normalised, then fuzzy at the pack's entity score). Spurious: drafted
parties that no case of the document lists (the raw figure); of those, the ones a case
records elsewhere are counted apart: its target, an owner at any depth, or the body that
decided (`outcome.body`). The text names them and the case knows them, but keeps them out
of its parties.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import cast

from screening.intake import Draft
from screening.loading.rulepack import RulePack
from screening.models.case import Case
from screening.models.registry import Place
from screening.signals.entities import EntityIndex
from screening.signals.names import NameIndex
from screening.signals.normalise import name_words, normalise_name

KEYS = (
    "parties",
    "named",
    "linked",
    "+noted",
    "spurious",
    "targets",
    "owners/body",
    "places",
    "named places",
    "extra places",
    "sectors",
    "stakes",
    "stated stakes",
    "amounts",
    "terms",
    "dates",
)


@dataclass
class Expected:
    """What the hand-written cases of one document list, and how to recognise it."""

    parties: set[str] = field(default_factory=set)
    named: set[str] = field(default_factory=set)
    linked: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)
    named_places: set[str] = field(default_factory=set)
    sectors: set[str] = field(default_factory=set)
    stakes: set[float] = field(default_factory=set)
    stated_stakes: set[float] = field(default_factory=set)
    amounts: set[tuple[float, str]] = field(default_factory=set)  # transaction values
    terms: set[float] = field(default_factory=set)  # transaction durations in years
    dates: set[str] = field(default_factory=set)  # the documents' own dates, as written
    labels: dict[str, str] = field(default_factory=dict)  # key -> a name to print
    names: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    targets: list[str] = field(default_factory=list)
    #: Names the case records outside its parties: owners (at any depth), the deciding body.
    recorded: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    """One draft's figures (hit, of) and the names behind the misses, for --list."""

    figures: dict[str, tuple[int, int]]
    spurious: list[str]
    missed: list[str]  # named parties not drafted
    missed_places: list[str]  # named places not drafted


class Measure:
    """The pack's registry, gazetteer and names, compiled once for every document."""

    def __init__(self, pack: RulePack) -> None:
        self.pack = pack
        self.index = EntityIndex(pack.entities.values())
        self.places = NameIndex((p, [p.id, p.name, *p.aliases]) for p in pack.places)
        self.min_score = float(pack.matching.entity_min_score)

    def expected(self, cases: list[Case], text: str) -> tuple[Expected, NameIndex[str]]:
        """The union of `cases`, and a name index of their parties giving each one's key."""
        out = Expected()
        words = f" {' '.join(name_words(text))} "
        for case in cases:
            for party in case.parties:
                forms = [party.name, *party.aliases]
                match = self.index.match_party(party, self.min_score)
                if match.evidence is not None:
                    key = match.evidence.entity_id
                    entity = self.pack.entities[key]
                    forms += [entity.name, *entity.aliases]
                    out.linked.add(key)
                else:
                    key = normalise_name(party.name)
                out.parties.add(key)
                out.labels.setdefault(key, party.name)
                out.names[key] += forms
                if named_in(words, forms):
                    out.named.add(key)
                out.stakes.update(o.percent for o in party.owners)
                stack = list(party.owners)
                while stack:
                    owner = stack.pop()
                    out.recorded.append(owner.name)
                    stack += owner.owners
            if case.outcome is not None and case.outcome.body:
                out.recorded.append(case.outcome.body)
            for site in case.sites:
                hit = self.places.lookup(site.place, None) if site.place else None
                if hit is not None:
                    out.places.add(hit.item.id)
                    if named_in(words, _place_forms(hit.item)):
                        out.named_places.add(hit.item.id)
            if case.target:
                out.sectors.update(case.target.sectors)
                out.targets.append(case.target.name)
            if case.transaction and case.transaction.stake_percent is not None:
                out.stakes.add(case.transaction.stake_percent)
            if case.transaction and case.transaction.value is not None:
                value = case.transaction.value
                out.amounts.add((float(value.amount), value.currency))
            out.dates.update(str(d.date).rstrip("~") for d in case.documents if d.date)
            if case.transaction and case.transaction.duration_years is not None:
                out.terms.add(float(case.transaction.duration_years))
        out.stated_stakes = {s for s in out.stakes if stated(text, s)}
        return out, NameIndex((key, forms) for key, forms in out.names.items())

    def found_key(
        self, name: str, aliases: list[str], matcher: NameIndex[str], exp: Expected
    ) -> str | None:
        """The case party a drafted name denotes: by the project's name matching, else by
        its leading words (a short name the document uses for a longer registered name)."""
        return found_key(name, aliases, matcher, self.min_score) or leading_key(name, exp.names)

    def compare(self, draft: Draft, exp: Expected, matcher: NameIndex[str]) -> Outcome:
        found: dict[str, str] = {}
        for p in draft.case.parties:
            registry = p.id in exp.linked or (p.notes or "").startswith("registry entity")
            key = p.id if registry else self.found_key(p.name, list(p.aliases), matcher, exp)
            found[key or normalise_name(p.name)] = p.name
        noted = set()
        for m in draft.findings.mentions:
            key = (
                m.entity.id
                if m.entity is not None
                else self.found_key(m.name, m.aliases, matcher, exp)
            )
            noted.add(key or normalise_name(m.name))
        targets = NameIndex((t, [t]) for t in exp.targets)
        recorded = NameIndex((t, [t]) for t in exp.recorded)
        extra = [k for k in found if k not in exp.parties]
        is_target = [k for k in extra if targets.lookup(found[k], self.min_score) is not None]
        is_recorded = [
            k
            for k in extra
            if k not in is_target and recorded.lookup(found[k], self.min_score) is not None
        ]
        places = {place.id for place, _ in draft.findings.places}
        sectors = set(draft.case.target.sectors) if draft.case.target else set()
        stakes = {float(str(f.value)) for f in draft.findings.percentages}
        amounts = [cast(tuple[float, str], f.value) for f in draft.findings.amounts]
        terms = {float(str(f.value)) for f in draft.findings.durations}
        figures = {
            "parties": (len(exp.parties & found.keys()), len(exp.parties)),
            "named": (len(exp.named & found.keys()), len(exp.named)),
            "linked": (len(exp.linked & found.keys()), len(exp.linked)),
            "+noted": (len(exp.named & (found.keys() | noted)), len(exp.named)),
            "spurious": (len(extra), len(found)),
            "targets": (len(is_target), len(found)),
            "owners/body": (len(is_recorded), len(found)),
            "places": (len(exp.places & places), len(exp.places)),
            "named places": (len(exp.named_places & places), len(exp.named_places)),
            "extra places": (len(places - exp.places), len(places)),
            "sectors": (len(exp.sectors & sectors), len(exp.sectors)),
            "stakes": (len(exp.stakes & stakes), len(exp.stakes)),
            "stated stakes": (len(exp.stated_stakes & stakes), len(exp.stated_stakes)),
            "amounts": (sum(_amount_in(a, amounts) for a in exp.amounts), len(exp.amounts)),
            "terms": (len(exp.terms & terms), len(exp.terms)),
            "dates": (
                len(exp.dates & {str(f.value) for f in draft.findings.dates}),
                len(exp.dates),
            ),
        }
        return Outcome(
            figures,
            spurious=[
                found[k]
                + (" (the case's target)" if k in is_target else "")
                + (" (an owner or the deciding body in the case)" if k in is_recorded else "")
                for k in extra
            ],
            missed=sorted(exp.labels[k] for k in exp.named - found.keys()),
            missed_places=sorted(exp.named_places - places),
        )


def found_key(
    name: str, aliases: list[str], matcher: NameIndex[str], min_score: float
) -> str | None:
    """The case party a drafted name (or one of its aliases) denotes; None for none."""
    for form in (name, *aliases):
        hit = matcher.lookup(form, min_score)
        if hit is not None:
            return hit.item
    return None


def leading_key(name: str, names: dict[str, list[str]]) -> str | None:
    """The one case party whose name or alias begins with the drafted name's words ('Ligeance
    Aerospace' for 'Ligeance Aerospace Technology Co Ltd'); None when none or several do."""
    words = " ".join(name_words(name))
    if not words:
        return None
    keys = {
        key
        for key, forms in names.items()
        for form in forms
        if f"{' '.join(name_words(form))} ".startswith(f"{words} ")
    }
    return keys.pop() if len(keys) == 1 else None


def _amount_in(expected: tuple[float, str], found: list[tuple[float, str]]) -> bool:
    """The same currency and the same amount to within 2% ('about 11 million pounds')."""
    amount, currency = expected
    return any(c == currency and abs(a - amount) <= 0.02 * amount for a, c in found)


def _place_forms(place: Place) -> list[str]:
    return [place.name, *place.aliases]


def named_in(text_words: str, forms: list[str]) -> bool:
    """Whether one of `forms` appears in the text, word for word as names compare (case,
    punctuation and '&' aside); `text_words` is the text's name words, space-delimited."""
    for form in forms:
        words = name_words(form)
        if words and f" {' '.join(words)} " in text_words:
            return True
    return False


def stated(text: str, percent: float) -> bool:
    """Whether the text writes `percent` as a figure: '94.55%', '100 percent', '30 per cent'."""
    number = re.escape(f"{percent:g}")
    return re.search(rf"(?<![\d.]){number}\s*(?:%|per\s*cent|percent)", text) is not None
