"""Turn engine firings into explained findings: evidence, explanation text and caveats."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any

from screening.compile.conditions import Literal
from screening.engine import RuleFiring
from screening.loading.rulepack import RulePack
from screening.models.evidence import (
    EntityEvidence,
    Evidence,
    FieldEvidence,
    FindingEvidence,
    OwnershipEvidence,
    ProximityEvidence,
)
from screening.models.facts import Fact
from screening.models.rule import (
    FieldCondition,
    FieldTest,
    FindingCondition,
    OwnershipCondition,
    Rule,
)

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
    firings: int = 0
    caveats: list[str] = field(default_factory=list)
    unexplained: int = 0  # firings beyond those whose explanation is shown


def literal_evidence(
    lit: Literal, fact: Fact | None, case_values: dict[str, Any], pack: RulePack
) -> Evidence | None:
    """The evidence a matched literal shows the reviewer."""
    leaf = lit.leaf
    if isinstance(leaf, FieldCondition):
        value = case_values.get(leaf.field.path)
        regimes = sector_regimes(pack, value) if leaf.field.path == "target.sectors" else []
        return FieldEvidence(path=leaf.field.path, value=value, regimes=regimes)
    if isinstance(leaf, FindingCondition):
        other = pack.rule(leaf.finding)
        return FindingEvidence(
            rule_id=leaf.finding, title=other.rule.title if other else leaf.finding
        )
    if fact is None:
        return None
    if isinstance(leaf, OwnershipCondition):
        return fact.ownership
    return fact.evidence


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


def build_drafts(
    pack: RulePack, firings: list[RuleFiring], facts: dict[str, Fact], case_values: dict[str, Any]
) -> list[Draft]:
    drafts: dict[str, Draft] = {}
    seen: dict[str, set[tuple[str, str]]] = {}
    # One fact's evidence is the same in every firing that uses it: build it once per case.
    cache: dict[tuple[str, str], tuple[Evidence, _Fields] | None] = {}
    for firing in firings:
        loaded = pack.rule(firing.rule_id)
        if loaded is None:  # pragma: no cover - the matcher compiles only pack rules
            continue
        draft = drafts.setdefault(firing.rule_id, Draft(loaded.rule))
        draft.firings += 1
        namespace: dict[str, Any] = {}
        for alias, (lit, fact_id) in firing.frame.items():
            key = (lit.kind, fact_id if lit.kind != "field" else f"field:{lit.leaf.field.path}")  # type: ignore[union-attr]
            if key not in cache:
                built = literal_evidence(lit, facts.get(fact_id), case_values, pack)
                cache[key] = None if built is None else (built, _Fields(built.model_dump()))
            entry = cache[key]
            if entry is None:
                continue
            ev, fields = entry
            namespace[alias] = fields
            if key in seen.setdefault(firing.rule_id, set()):
                continue
            seen[firing.rule_id].add(key)
            draft.evidence.append(ev)
            if isinstance(lit.leaf, FieldCondition):
                draft.base_facts.add(field_evidence_key(lit.leaf.field, case_values))
            elif not isinstance(ev, FindingEvidence):
                draft.base_facts.add(evidence_key(fact_id))
            draft.caveats += [c for c in _caveats(ev) if c not in draft.caveats]
        if len(draft.explanations) < MAX_EXPLANATIONS:
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


def field_evidence_key(test: FieldTest, case_values: dict[str, Any]) -> str:
    """A tested field as evidence: its path and the values the test actually matched.

    Two rules that read the same sectors list for different sectors rest on different
    evidence ('ports' and 'rail'), two that match the same sector on the same evidence.
    """
    value = case_values.get(test.path)
    wanted = {
        "contains": [test.contains],
        "contains_any": test.contains_any,
        "all_in": test.all_in,
    }.get(test.operator)
    if isinstance(value, list) and wanted is not None:
        matched = sorted(str(v) for v in value if v in wanted)
    elif test.operator in ("equals", "in_"):
        matched = [str(value)]
    else:
        matched = []
    return f"field:{test.path}:{','.join(matched)}"


def evidence_key(fact_id: str) -> str:
    """Facts about one party (its entity match, ownership, attributes) are one piece of evidence."""
    kind, _, rest = fact_id.partition(":")
    return f"party:{rest}" if kind in ("ent", "party") else fact_id


def _caveats(ev: Evidence) -> list[str]:
    out = []
    if isinstance(ev, ProximityEvidence):
        if ev.basis == "declared":
            out.append(f"distance to {ev.facility} is as declared by the filer, not computed")
        elif ev.precision_note:
            out.append(f"distance to {ev.facility} is approximate: {ev.precision_note}")
    elif isinstance(ev, EntityEvidence) and ev.score < 100:
        out.append(
            f"'{ev.name_matched}' matched '{ev.alias}' by fuzzy name match "
            f"(score {ev.score:g}); confirm the identity"
        )
    elif isinstance(ev, OwnershipEvidence) and any(
        s.certainty != "reported" for path in ev.paths for s in path
    ):
        out.append(
            f"ownership of {ev.party_name} rests on shares that are not all reported exactly"
        )
    return out


class _Fields(dict[str, Any]):
    """Lets a template say `{proximity.facility}`."""

    def __getattr__(self, name: str) -> Any:
        try:
            value = self[name]
        except KeyError:
            raise AttributeError(name) from None
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        if isinstance(value, float):
            return _Number(value)
        return value


class _Number(float):
    """A float that reads '1.17' rather than '1.1700000000000002', yet takes `{x:.1f}`."""

    def __format__(self, spec: str) -> str:
        return float.__format__(self, spec or "g")

    def __str__(self) -> str:
        return float.__format__(self, "g")


class _Unmatched:
    """Stands for the alias of a branch that did not match: every field reads as empty."""

    def __getattr__(self, name: str) -> str:
        return ""

    def __format__(self, spec: str) -> str:
        return ""


class _Formatter(string.Formatter):
    def get_value(self, key: int | str, args: Any, kwargs: Any) -> Any:
        if isinstance(key, str) and key not in kwargs:
            return _Unmatched()
        return super().get_value(key, args, kwargs)


def render(template: str, namespace: dict[str, Any]) -> str:
    """Fill `{alias.field}` placeholders; those of an unmatched `any` branch read as empty."""
    try:
        return _Formatter().vformat(template, (), namespace)
    except (AttributeError, KeyError, ValueError, IndexError):
        return template


def template_fields(template: str) -> list[tuple[str, str | None]]:
    """(alias, field) for every placeholder; raises ValueError on a malformed template."""
    out: list[tuple[str, str | None]] = []
    for _, name, _, _ in string.Formatter().parse(template):
        if name is None:
            continue
        alias, _, rest = name.partition(".")
        out.append((alias, rest or None))
    return out
