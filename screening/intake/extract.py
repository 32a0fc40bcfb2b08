"""Extraction: what a document's text says, each finding with its evidence.

Reads the text once per kind of finding (names, figures, cues) and keeps, for every value,
where it is (page and paragraph), the words it rests on and a confidence between 0 and 1.
Nothing is filled in that the text does not say; `build` turns the findings into a case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from screening.intake import cues, deals, figures
from screening.intake.evidence import Evidence, Locator
from screening.intake.findings import Findings, Found, PartyFound
from screening.intake.names import (
    NameFinder,
    NameHit,
    OrgName,
    resolve_legal_names,
    short_references,
)
from screening.intake.patterned import PatternName, people, person_references, public_bodies
from screening.intake.read import DocumentText
from screening.loading.rulepack import RulePack
from screening.models.registry import Entity, Place
from screening.signals.entities import EntityIndex
from screening.signals.normalise import normalise_name
from screening.signals.text import PhraseIndex

#: Phrase sets of the pack whose hits name technologies (rules/phrases/technology.yaml).
TECHNOLOGY_SETS = (
    "defense-technology",
    "semiconductors",
    "cyber-ai-surveillance",
    "smart-city",
    "health-data",
    "communications",
)
_STAKE_WORDS = (
    "stake",
    "share",
    "equity",
    "interest",
    "holding",
    "acquire",
    "own",
    "股",
    "持股",
    "מניות",
    "החזקה",
)
_DEAL_WORDS = (
    "invest",
    "acquir",
    "value",
    "worth",
    "price",
    "loan",
    "credit",
    "contract",
    "deal",
    "agreement",
    "tender",
    "financ",
    "fund",
    "投资",
    "贷款",
    "השקעה",
)
_TERM_WORDS = (
    "lease",
    "concession",
    "term",
    "period",
    "agreement",
    "contract",
    "operate",
    "plan",
    "租",
    "特许",
    "期限",
    "חכירה",
    "זיכיון",
)


class Extractor:
    """The pack's registries, gazetteer and phrases, compiled once for many documents."""

    def __init__(self, pack: RulePack, *, registry_mentions: bool = True) -> None:
        """`registry_mentions`: registry entities and legal-form names named only in
        passing are mentions too, as people and bodies found by pattern always are. On by
        default: keeping every name a party made a quarter to a third of the drafted
        parties spurious on the seeds and the dev corpus (bench/README.md); False is
        `screening intake --every-name`."""
        self.pack = pack
        self.registry_mentions = registry_mentions
        self.names = NameFinder(pack.entities.values(), pack.places)
        self.entity_index = EntityIndex(pack.entities.values())
        self.min_score = float(pack.matching.entity_min_score)
        sets = [pack.phrase_sets[s] for s in TECHNOLOGY_SETS if s in pack.phrase_sets]
        self.phrases = PhraseIndex(sets)
        self.sector_ids = {s.id for s in pack.vocabulary.sectors}
        self.place_words = {n.lower() for p in pack.places for n in (p.name, *p.aliases)}

    def extract(self, doc: DocumentText) -> Findings:
        text = doc.text
        at = Locator(doc, text)
        hits, notes = self.names.find(text)
        fuzzy, unresolved = resolve_legal_names(text, hits, self.entity_index, self.min_score)
        entity_hits = [h for h in hits if h.kind == "entity"] + fuzzy
        taken = [(h.start, h.end) for h in entity_hits] + [(o.start, o.end) for o in unresolved]
        patterned = [
            n
            for n in [*public_bodies(text), *people(text)]
            if not any(s < n.end and n.start < e for s, e in taken)
        ]
        found = _parties(text, at, entity_hits, unresolved) + _patterned(text, at, patterned)
        spans = taken + [(h.start, h.end) for h in hits if h.kind == "entity"]
        place_spans = [(h.start, h.end) for h in hits if h.kind == "place"]
        target, target_names = self._deal_roles(text, at, found, spans, place_spans)
        self._short_references(text, at, found)
        parties, mentions = split(found, registry_mentions=self.registry_mentions)
        places: dict[str, tuple[Place, Evidence]] = {}
        for h in hits:
            if h.kind == "place" and isinstance(h.item, Place):
                places.setdefault(h.item.id, (h.item, at.evidence(h.start, h.end, 0.9)))
        kind = cues.document_kind(text)
        ttype = cues.transaction_type(text)
        return Findings(
            doc=doc,
            text=text,
            parties=parties,
            places=list(places.values()),
            sectors=[
                Found(
                    s,
                    at.evidence(
                        c.start, c.end, min(0.95, 0.45 + 0.15 * n), f"{n} mention{'s' * (n > 1)}"
                    ),
                    n,
                )
                for s, c, n in cues.sectors(text, self.sector_ids)
            ],
            technologies=self._technologies(text, at),
            percentages=[
                Found(f.value, at.evidence(f.start, f.end, _near(text, f, _STAKE_WORDS)))
                for f in figures.percentages(text)
            ],
            amounts=[
                Found(f.value, at.evidence(f.start, f.end, _near(text, f, _DEAL_WORDS)))
                for f in figures.amounts(text)
            ],
            durations=[
                Found(f.value, at.evidence(f.start, f.end, _near(text, f, _TERM_WORDS)))
                for f in figures.durations(text)
            ],
            dates=[Found(f.value, at.evidence(f.start, f.end, 0.7)) for f in figures.dates(text)],
            kind=Found(kind[0], at.evidence(kind[1].start, kind[1].end, kind[2])) if kind else None,
            transaction_type=(
                Found(ttype.value, at.evidence(ttype.start, ttype.end, 0.6)) if ttype else None
            ),
            notes=notes,
            mentions=mentions,
            target=target,
            market_rank=_market_rank(text, at, target_names),
        )

    def _short_references(self, text: str, at: Locator, found: list[PartyFound]) -> None:
        """An unresolved organisation named again by its first word ('Hytera') is the same
        party: that mention counts, with its roles and its sentence."""
        orgs = {p.name: p for p in found if p.entity is None and p.kind is None}
        for name, refs in short_references(text, list(orgs), self.place_words).items():
            for s, e in refs:
                orgs[name].mentions += 1
                _add_roles(orgs[name], text, at, s, e)

    def _deal_roles(
        self,
        text: str,
        at: Locator,
        found: list[PartyFound],
        spans: list[tuple[int, int]],
        places: list[tuple[int, int]],
    ) -> tuple[Found | None, list[str]]:
        """Roles and names the deal's grammar states (`deals`): a role for a party already
        found, a new party for a buyer or seller named by its short name (a registry entity
        when the project's matching finds one, else unresolved), and the target's name (the
        first), with every name the deal's words give the target.
        An unresolved party named as the target is the target, not a party."""
        target: Found | None = None
        target_names: list[str] = []
        for d in deals.deal_names(text):
            ev = at.evidence(d.cue_start, d.cue_end, 0.7, f"{d.role} by the deal's words")
            key = normalise_name(d.name)
            same = [p for p in found if _short_for(key, (p.name, *p.aliases))]
            if d.role == "target":
                target = target or Found(d.name, ev)
                target_names.append(d.name)
                found[:] = [p for p in found if p not in same or p.entity is not None]
                continue
            if any(s <= d.start and d.end <= e for s, e in places):
                continue  # a gazetteer place ('Shanghai's investment'), not a company
            if same or any(s < d.end and d.start < e for s, e in spans):
                for p in same:
                    p.roles.setdefault(d.role, ev)
                continue
            match = self.entity_index.match(d.name, self.min_score)
            entity = match.hit.item if match.hit is not None else None
            known = [p for p in found if entity is not None and p.entity is entity]
            if known:
                known[0].roles.setdefault(d.role, ev)
                continue
            name = entity.name if entity is not None else d.name
            party = PartyFound(entity, name, ev, roles={d.role: ev})
            if entity is not None and d.name != entity.name:
                party.aliases.append(d.name)
            found.append(party)
            spans.append((d.start, d.end))
        return target, target_names

    def _technologies(self, text: str, at: Locator) -> list[Found]:
        hits, _ = self.phrases.search(text)
        out: dict[str, Found] = {}
        for h in hits:
            key = " ".join(h.matched.lower().split())
            if key in out:
                out[key].mentions += 1
            else:
                out[key] = Found(key, at.evidence(h.start, h.end, 0.8, f"phrase set {h.set_id}"))
        return list(out.values())[:12]


def _short_for(key: str, names: Iterable[str]) -> bool:
    """Whether the normalised name `key` is one of `names`, or their first words ('Beijing
    Shiji' for 'Beijing Shiji Information Technology Co., Ltd.')."""
    return any(n == key or n.startswith(key + " ") for n in map(normalise_name, names))


def _near(text: str, f: figures.Figure, words: Iterable[str]) -> float:
    """0.8 when a word of `words` is within 80 characters of the figure, else 0.4."""
    window = text[max(0, f.start - 80) : f.end + 80].lower()
    return 0.8 if any(w in window for w in words) else 0.4


def _parties(
    text: str, at: Locator, hits: list[NameHit], unresolved: list[OrgName]
) -> list[PartyFound]:
    by_id: dict[str, PartyFound] = {}
    for h in sorted(hits, key=lambda h: h.start):
        assert isinstance(h.item, Entity)
        found = text[h.start : h.end]
        short = len(h.alias) <= 5
        confidence = 0.95 * h.score / 100 - (0.1 if short else 0.0)
        note = "exact registry alias" if h.score == 100 else f"fuzzy match, score {h.score:g}"
        party = by_id.get(h.item.id)
        if party is None:
            party = PartyFound(h.item, h.item.name, at.evidence(h.start, h.end, confidence, note))
            by_id[h.item.id] = party
        else:
            party.mentions += 1
        if found != h.item.name and found not in party.aliases and found.strip():
            party.aliases.append(found)
        _add_roles(party, text, at, h.start, h.end)
    out = list(by_id.values())
    seen: dict[str, PartyFound] = {}
    for org in unresolved:
        key = " ".join(org.name.lower().split())
        if key in seen:
            seen[key].mentions += 1
            _add_roles(seen[key], text, at, org.start, org.end)
            continue
        how = (0.6, "legal form") if org.legal_form else (0.5, "organisation word")
        party = PartyFound(
            None, org.name, at.evidence(org.start, org.end, *how), nearest=org.nearest
        )
        _add_roles(party, text, at, org.start, org.end)
        seen[key] = party
        out.append(party)
    return out


#: Party kinds of public bodies: one that reviews or decides the deal is its authority.
_BODY_KINDS = frozenset({"ministry", "government_agency", "regional_government", "municipality"})


def _add_roles(party: PartyFound, text: str, at: Locator, start: int, end: int) -> None:
    body = party.kind in _BODY_KINDS or (party.entity is not None and party.entity.state_body)
    review = cues.review_at(text, start, end) if body and party.review is None else None
    if review is not None:
        party.review = at.evidence(review.start, review.end, 0.6, "reviews or decides the deal")
    for cue in cues.roles_at(text, start, end):
        party.roles.setdefault(cue.value, at.evidence(cue.start, cue.end, 0.6))
    if party.deal is None and not cues.outside_deal(text, start, end):
        act = cues.deal_act_at(text, start, end)
        if act is not None:
            party.deal = at.evidence(
                start, end, 0.5, f"named where the text says '{act_word(text, act)}'"
            )


def act_word(text: str, cue: cues.Cue) -> str:
    return text[cue.start : cue.end]


_COUNTRY_TAIL = re.compile(
    r"\s+of\s+(?:the\s+)?(?:State\s+of\s+Israel|People['’]s\s+Republic\s+of\s+China|Israel|China)$"
)


def _patterned(text: str, at: Locator, names: list[PatternName]) -> list[PartyFound]:
    """Public bodies and people found by pattern, one party per name (a body named with and
    without 'of Israel' is one; the longer form is its name)."""
    by_key: dict[str, PartyFound] = {}
    for n in sorted(names, key=lambda n: n.start):
        key = normalise_name(_COUNTRY_TAIL.sub("", n.name))
        party = by_key.get(key)
        if party is None:
            what = n.kind if n.kind != "person" else f"person ({n.title or 'named acting'})"
            party = PartyFound(
                None,
                n.name,
                at.evidence(n.start, n.end, 0.55, f"{what} by pattern; not in the registry"),
                kind=n.kind,
                level=n.level,
                title=n.title,
            )
            by_key[key] = party
        else:
            party.mentions += 1
            if len(n.name) > len(party.name):
                party.aliases.append(party.name)
                party.name = n.name
            elif n.name != party.name and n.name not in party.aliases:
                party.aliases.append(n.name)
            party.level = party.level or n.level
            party.title = party.title or n.title
        _add_roles(party, text, at, n.start, n.end)
    people_found = {p.name: p for p in by_key.values() if p.kind == "person"}
    seen = [(n.start, n.end) for n in names]
    for name, spans in person_references(text, list(people_found)).items():
        for s, e in spans:
            if not any(a < e and s < b for a, b in seen):
                people_found[name].mentions += 1
                _add_roles(people_found[name], text, at, s, e)
    return list(by_key.values())


def split(
    found: list[PartyFound], *, registry_mentions: bool = False
) -> tuple[list[PartyFound], list[PartyFound]]:
    """Parties to the deal, and names mentioned in passing.

    A name is a party when a role cue stands at it ('signed by X', 'X will acquire') or a
    sentence naming it tells of the deal (signing, an agreement, a concession, a tender,
    twinning, a delegation, financing, building). Otherwise it is a mention: the draft
    lists it in its notes, not among the parties. With `registry_mentions` False, every
    registry entity and legal-form name stays a party (the rule then applies only to the
    people and public bodies found by pattern). A public body the text shows reviewing or
    deciding the deal ('the Council of Ministers vetoed …') is its authority: a mention,
    unless a role cue makes it a party ('signed by the Ministry').
    """
    parties: list[PartyFound] = []
    mentions: list[PartyFound] = []
    for p in found:
        by_pattern = p.kind is not None
        acts = bool(p.roles) or (p.deal is not None and p.review is None)
        if acts or not (by_pattern or registry_mentions):
            parties.append(p)
        else:
            mentions.append(p)
    return parties, mentions


def _market_rank(text: str, at: Locator, target_names: list[str]) -> Found | None:
    """The first rank the text gives, in an apposition, to a name the deal says is acquired."""
    for name in dict.fromkeys(target_names):
        figure = figures.market_rank(text, name)
        if figure is not None:
            return Found(figure.value, at.evidence(figure.start, figure.end, 0.7))
    return None
