"""Turn engine firings into explained findings: evidence, explanation text and caveats.

What a match shows, what evidence it rests on and its caveats are the condition kind's to
say (`screening/conditions/`); this module gathers them per rule and renders the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from screening.loading.rulepack import RulePack
from screening.models.casepaths import CONTEXT_FIELDS, DERIVED_FROM
from screening.models.evidence import Evidence
from screening.models.facts import Fact
from screening.models.rule import Rule
from screening.pipeline.engine import RuleFiring
from screening.pipeline.templates import TemplateFields, render

#: At most this many distinct explanation lines are shown per finding; further matches are
#: counted, not rendered.
MAX_EXPLANATIONS = 3


@dataclass
class Draft:
    """A fired rule before scoring: what it rests on and how to say it."""

    rule: Rule
    evidence: list[Evidence] = field(default_factory=list)
    explanations: list[str] = field(default_factory=list)
    base_facts: set[str] = field(default_factory=set)  # case evidence (facts, fields), not findings
    #: the facts behind it one by one (a party's listing and its nationality are two facts,
    #: one piece of base evidence): what corroboration of a decisive finding is judged on
    facts: set[str] = field(default_factory=set)
    firings: int = 0
    caveats: list[str] = field(default_factory=list)
    unexplained: int = 0  # firings beyond those whose explanation is shown


def independent_fact(base: str, fact_id: str) -> str | None:
    """The fact a piece of evidence rests on, as corroboration is judged.

    A case field counts by its path, whatever values a rule read, a derived value as the
    field it comes from, and a field that only says what kind of case it is not at all;
    other facts count one by one (a party's listing and its nationality are two facts).
    """
    if not base.startswith("field:"):
        return fact_id
    path = base.split(":")[1]
    return None if path in CONTEXT_FIELDS else f"field:{DERIVED_FROM.get(path, path)}"


def sector_regimes(pack: RulePack, sectors: Any) -> list[str]:
    """'uk-nsia: Communications' for each regime list item the sectors fall under (regime ids
    are explained in rules/vocabulary.yaml)."""
    by_id = {s.id: s for s in pack.vocabulary.sectors}
    out: list[str] = []
    for sector in sectors if isinstance(sectors, list) else []:
        entry = by_id.get(str(sector))
        for regime, items in sorted((entry.regimes if entry else {}).items()):
            for item in items:
                line = f"{regime}: {item}"
                if line not in out:
                    out.append(line)
    return out


@dataclass(frozen=True)
class CaseEvidence:
    """What building evidence needs from one case and the pack (conditions' EvidenceContext)."""

    pack: RulePack
    values: dict[str, Any]

    def case_value(self, path: str) -> Any:
        return self.values.get(path)

    def sector_regimes(self, sectors: Any) -> list[str]:
        return sector_regimes(self.pack, sectors)

    def rule_title(self, rule_id: str) -> str:
        other = self.pack.rule(rule_id)
        return other.rule.title if other else rule_id


def build_drafts(
    pack: RulePack,
    firings: list[RuleFiring],
    facts: dict[str, Fact],
    case_values: dict[str, Any],
    *,
    explain: bool = True,
) -> list[Draft]:
    """Firings gathered per rule. With `explain` False (scoring alone: `impact`), no
    explanation is rendered; evidence, facts and caveats are the same."""
    ctx = CaseEvidence(pack, case_values)
    drafts: dict[str, Draft] = {}
    seen: dict[str, set[tuple[str, str]]] = {}
    # One fact's evidence is the same in every firing that uses it: build it once per case,
    # and its template fields only when an explanation is rendered from it.
    cache: dict[tuple[str, str], Evidence | None] = {}
    fields: dict[tuple[str, str], TemplateFields] = {}
    for firing in firings:
        loaded = pack.rule(firing.rule_id)
        if loaded is None:  # pragma: no cover - the matcher compiles only pack rules
            continue
        draft = drafts.setdefault(firing.rule_id, Draft(loaded.rule))
        draft.firings += 1
        used: dict[str, tuple[tuple[str, str], Evidence]] = {}  # alias -> (key, evidence)
        for alias, (lit, fact_id) in firing.frame.items():
            leaf = lit.leaf
            key = leaf.cache_key(fact_id)
            if key not in cache:
                cache[key] = leaf.evidence(facts.get(fact_id), ctx)
            ev = cache[key]
            if ev is None:
                continue
            used[alias] = (key, ev)
            if key in seen.setdefault(firing.rule_id, set()):
                continue
            seen[firing.rule_id].add(key)
            draft.evidence.append(ev)
            base = leaf.evidence_key(fact_id, ctx)
            if base is not None:
                draft.base_facts.add(base)
                if (fact := independent_fact(base, fact_id)) is not None:
                    draft.facts.add(fact)
            draft.caveats += [c for c in leaf.caveats(ev) if c not in draft.caveats]
        if not explain:
            continue
        if len(draft.explanations) < MAX_EXPLANATIONS:
            namespace: dict[str, Any] = {}
            for alias, (key, ev) in used.items():
                if key not in fields:
                    fields[key] = TemplateFields(ev.model_dump())
                namespace[alias] = fields[key]
            text = render(loaded.rule.explanation, namespace)
            if text not in draft.explanations:
                draft.explanations.append(text)
                continue
        draft.unexplained += 1
    for draft in drafts.values():
        if draft.unexplained:
            more = draft.unexplained
            draft.explanations.append(f"… and {more} more match{'es' if more > 1 else ''}")
    return list(drafts.values())
