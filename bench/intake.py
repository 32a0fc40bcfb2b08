"""Intake measured on the seed documents: each rendered as PDF, DOCX and HTML at run time.

For every seed text (../shared/seeds/*.txt; skipped with a message when absent) the bundled
cases that name it in `sources[].document` were written by hand from it: their parties, site
places, sectors and stake percentages are what a reader found. Intake's draft of the same
document is compared with their union:

- parties: a case party counts by its registry entity when the project's matching links it,
  else by its normalised name; recall is over all of them, over those the document names
  (*named*: the case party's name, an alias or its registry entity's name or an alias
  appears in the seed's text, words compared as normalised names compare them; a case
  citing several seeds lists parties named in only one of them, and placeholders such as
  'Israeli AI startups (not named in the seed)'), and over the registry-linked ones;
- a drafted party not in the registry is matched to the case parties with the project's
  name matching (`NameIndex`: exact, normalised, then fuzzy at the pack's entity score), so
  'Ministry of Economy and Industry of Israel' finds 'Israel Ministry of Economy and
  Industry';
- +noted: recall over the named parties counting the names the draft keeps as mentions
  (named in passing: no role cue, no sentence about the deal) as found;
- spurious: drafted parties that no case citing the document names (mentions are not
  parties); measured twice: with the split of parties from mentions for every name, and
  with every registry or legal-form name kept a party (the split then only for the people
  and public bodies found by pattern);
- places: gazetteer places of the cases' sites; sectors: the targets' sectors; percentages:
  stake and owner percentages;
- pages per second, per format (reading, extraction, building and validation).

Run: .venv/bin/python -m bench.intake
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from screening.checks import load_rule_pack
from screening.intake import Draft, Extractor, draft_from_document
from screening.loading.case import load_case
from screening.models.case import Case
from screening.models.registry import Entity, Place
from screening.signals.entities import EntityIndex
from screening.signals.names import NameIndex
from screening.signals.normalise import name_words, normalise_name
from tests.intake.docs import write_docx, write_html, write_pdf

ROOT = Path(__file__).resolve().parent.parent
_KEYS = ("parties", "named", "linked", "+noted", "spurious", "places", "sectors", "stakes")
SEEDS = ROOT.parent / "shared" / "seeds"
LINES_PER_PAGE = 45


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _pages(paragraphs: list[str]) -> list[list[str]]:
    """About LINES_PER_PAGE lines of 90 characters a page."""
    pages: list[list[str]] = [[]]
    lines = 0
    for p in paragraphs:
        need = len(p) // 90 + 2
        if lines + need > LINES_PER_PAGE and pages[-1]:
            pages.append([])
            lines = 0
        pages[-1].append(p)
        lines += need
    return pages


def main() -> int:
    if not SEEDS.is_dir():
        print(f"skipped: no seed documents at {SEEDS}")
        return 0
    pack = load_rule_pack(ROOT / "rules")
    index = EntityIndex(pack.entities.values())
    places = NameIndex((p, [p.id, p.name, *p.aliases]) for p in pack.places)
    min_score = float(pack.matching.entity_min_score)
    cases: dict[str, list[Case]] = defaultdict(list)
    for path in sorted((ROOT / "cases").glob("*.yaml")):
        case, _ = load_case(path, pack)
        for source in case.sources:
            if source.document:
                cases[source.document].append(case)
    extractors = {
        "split": Extractor(pack, registry_mentions=True),
        "all": Extractor(pack),
    }
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    speed: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    print(
        f"{'seed':<26}{'format':<6}{'parties':>12}{'named':>10}{'linked':>10}{'+noted':>10}"
        f"{'spurious':>10}{'places':>9}{'sectors':>9}{'stakes':>8}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for seed in sorted(SEEDS.glob("*.txt")):
            if seed.name not in cases:
                continue
            text = seed.read_text(encoding="utf-8")
            expected, matcher = _expected(
                cases[seed.name], index, pack.entities, places, min_score, text
            )
            paras = _paragraphs(text)
            for fmt in ("pdf", "docx", "html"):
                path = Path(tmp) / f"{seed.stem}.{fmt}"
                if fmt == "pdf":
                    write_pdf(path, _pages(paras))
                elif fmt == "docx":
                    write_docx(path, paras)
                else:
                    write_html(path, paras)
                for setting, extractor in extractors.items():
                    started = time.perf_counter()
                    draft = draft_from_document(path, pack, extractor=extractor)
                    speed[f"{setting}:{fmt}"][0] += time.perf_counter() - started
                    speed[f"{setting}:{fmt}"][1] += draft.document.pages
                    row = _compare(draft, expected, matcher, min_score)
                    for key, (hit, of) in row.items():
                        totals[f"{setting}:{fmt}:{key}"][0] += hit
                        totals[f"{setting}:{fmt}:{key}"][1] += of
                    if setting != "all":  # rows: intake as it runs by default
                        continue
                    print(
                        f"{seed.stem[:24]:<26}{fmt:<6}"
                        + "".join(
                            f"{row[k][0]:>{w - 4}}/{row[k][1]:<3}"
                            for k, w in (
                                ("parties", 12),
                                ("named", 10),
                                ("linked", 10),
                                ("+noted", 10),
                                ("spurious", 10),
                                ("places", 9),
                                ("sectors", 9),
                                ("stakes", 8),
                            )
                        )
                    )
    for setting, what in (
        ("split", "names met only in passing are mentions (the draft's notes), not parties"),
        (
            "all",
            "intake's default: every registry and legal-form name a party, as before; "
            "people and bodies found by pattern split",
        ),
    ):
        print(f"\n{setting}: {what}")
        for fmt in ("pdf", "docx", "html"):
            figures = []
            for key in _KEYS:
                hit, of = totals[f"{setting}:{fmt}:{key}"]
                figures.append(f"{key} {100 * hit / of:.0f}% ({hit}/{of})" if of else f"{key} -")
            seconds, pages = speed[f"{setting}:{fmt}"]
            print(
                f"{fmt}: " + ", ".join(figures) + f"; {pages / seconds:.1f} pages/s "
                f"({pages:.0f} pages in {seconds:.2f} s)"
            )
    return 0


def _key(name: str) -> str:
    return normalise_name(name)


def _named_in(text_words: str, forms: list[str]) -> bool:
    """Whether one of `forms` appears in the text, word for word as names compare (case,
    punctuation and '&' aside)."""
    for form in forms:
        words = name_words(form)
        if words and f" {' '.join(words)} " in text_words:
            return True
    return False


def _expected(
    cases: list[Case],
    index: EntityIndex,
    entities: dict[str, Entity],
    places: NameIndex[Place],
    min_score: float,
    text: str,
) -> tuple[dict[str, set[str] | set[float]], NameIndex[str]]:
    """What the cases list, and a name index of their parties (all names and aliases,
    the registry entity's too) giving each party's key."""
    parties: set[str] = set()
    named: set[str] = set()
    linked: set[str] = set()
    place_ids: set[str] = set()
    sectors: set[str] = set()
    stakes: set[float] = set()
    names: dict[str, list[str]] = defaultdict(list)
    text_words = f" {' '.join(name_words(text))} "
    for case in cases:
        for party in case.parties:
            forms = [party.name, *party.aliases]
            match = index.match_party(party, min_score)
            if match.evidence is not None:
                key = match.evidence.entity_id
                entity = entities[key]
                forms += [entity.name, *entity.aliases]
                linked.add(key)
            else:
                key = _key(party.name)
            parties.add(key)
            names[key] += forms
            if _named_in(text_words, forms):
                named.add(key)
            stakes.update(o.percent for o in party.owners)
        for site in case.sites:
            hit = places.lookup(site.place, None) if site.place else None
            if hit is not None:
                place_ids.add(hit.item.id)
        if case.target:
            sectors.update(case.target.sectors)
        if case.transaction and case.transaction.stake_percent is not None:
            stakes.add(case.transaction.stake_percent)
    expected: dict[str, set[str] | set[float]] = {
        "parties": parties,
        "named": named,
        "linked": linked,
        "places": place_ids,
        "sectors": sectors,
        "stakes": stakes,
    }
    return expected, NameIndex((key, forms) for key, forms in names.items())


def _found_key(
    name: str, aliases: list[str], matcher: NameIndex[str], min_score: float
) -> str | None:
    """The case party a drafted name (or one of its aliases) denotes, by the project's
    name matching; None when it denotes none."""
    for form in (name, *aliases):
        hit = matcher.lookup(form, min_score)
        if hit is not None:
            return hit.item
    return None


def _compare(
    draft: Draft,
    expected: dict[str, set[str] | set[float]],
    matcher: NameIndex[str],
    min_score: float,
) -> dict[str, tuple[int, int]]:
    found_parties = set()
    for p in draft.case.parties:
        is_registry = p.id in expected["linked"] or (p.notes or "").startswith("registry entity")
        if is_registry:
            found_parties.add(p.id)
        else:
            key = _found_key(p.name, list(p.aliases), matcher, min_score)
            found_parties.add(key if key is not None else _key(p.name))
    noted = set()
    for m in draft.findings.mentions:
        if m.entity is not None:
            noted.add(m.entity.id)
        else:
            key = _found_key(m.name, m.aliases, matcher, min_score)
            noted.add(key if key is not None else _key(m.name))
    anywhere = found_parties | noted
    found_places = {place.id for place, _ in draft.findings.places}
    found_sectors = set(draft.case.target.sectors) if draft.case.target else set()
    found_stakes = {f.value for f in draft.findings.percentages}
    exp_parties = expected["parties"]
    return {
        "parties": (len(exp_parties & found_parties), len(exp_parties)),
        "named": (len(expected["named"] & found_parties), len(expected["named"])),
        "linked": (len(expected["linked"] & found_parties), len(expected["linked"])),
        "+noted": (len(expected["named"] & anywhere), len(expected["named"])),
        "spurious": (len(found_parties - exp_parties), len(found_parties)),
        "places": (len(expected["places"] & found_places), len(expected["places"])),
        "sectors": (len(expected["sectors"] & found_sectors), len(expected["sectors"])),
        "stakes": (len(expected["stakes"] & found_stakes), len(expected["stakes"])),
    }


if __name__ == "__main__":
    sys.exit(main())
