"""Checks of each rule: names, references, conditions (asked of each condition kind),
explanation placeholders, examples, and cycles between rules."""

from __future__ import annotations

from screening.compile.dnf import (
    MAX_CONJUNCTIONS,
    ConditionError,
    carried_keys,
    dependency_cycle,
    leaves_with_aliases,
    to_dnf,
)
from screening.compile.expansion import find_blowup
from screening.compile.joins import plan_joins
from screening.conditions import KINDS
from screening.conditions.base import JOIN_KEYS, CheckContext, JoinKey
from screening.conditions.tree import Condition, iter_leaves, walk_leaves
from screening.errors import Problem, Severity
from screening.loading.rulepack import LoadedRule, RulePack, rule_files
from screening.loading.yamlio import YamlPath
from screening.models.rule import Rule
from screening.pipeline.templates import template_fields
from screening.testing import example_case_file, missing_example_case


def check_context(pack: RulePack, rule_ids: set[str]) -> CheckContext:
    """The vocabularies and registries a rule's conditions are checked against."""
    vocab = pack.vocabulary
    return CheckContext(
        facility_kinds=frozenset(k.id for k in vocab.facility_kinds),
        entity_categories=frozenset(c.id for c in vocab.entity_categories),
        lists=frozenset(x.id for x in vocab.lists),
        sectors=frozenset(s.id for s in vocab.sectors),
        phrase_sets=frozenset(pack.phrase_sets),
        entities=frozenset(pack.entities),
        rule_ids=frozenset(rule_ids),
        proximity_search_km=pack.matching.proximity_search_km,
        entity_min_score=pack.matching.entity_min_score,
        proximity_ranges=pack.matching.ranges,
    )


def declared_rule_ids(pack: RulePack) -> set[str]:
    """Ids of every rule file, including those that failed schema validation."""
    ids = {lr.rule.id for lr in pack.rules}
    for path in rule_files(pack.root):
        doc = pack.docs.get(str(path))
        if doc is None:  # unreadable YAML: its id is presumed to be its file name
            ids.add(path.stem)
        elif isinstance(doc.data, dict) and isinstance(doc.data.get("id"), str):
            ids.add(doc.data["id"])
    return ids


def check_rules(pack: RulePack, *, examples: bool = True) -> list[Problem]:
    """Every rule's own problems, duplicate ids, and cycles of finding references."""
    out: list[Problem] = []
    rule_ids = declared_rule_ids(pack)
    ctx = check_context(pack, rule_ids)
    expandable = _expandable(pack)
    carried = _carried(pack, expandable)
    first: dict[str, LoadedRule] = {}
    for lr in pack.rules:
        if lr.rule.id in first:
            prev = first[lr.rule.id]
            out.append(
                rule_problem(
                    lr,
                    ("id",),
                    f"duplicate rule id '{lr.rule.id}' (first in "
                    f"{prev.doc.path}:{prev.doc.location(('id',)).line})",
                    "duplicate-id",
                )
            )
            continue
        first[lr.rule.id] = lr
        out += _check_rule(lr, ctx, carried, examples)
    active = {
        rid: lr.rule
        for rid, lr in first.items()
        if lr.rule.status == "active" and rid in expandable
    }
    cycle = dependency_cycle(active)
    if cycle:
        lr = first[cycle[0]]
        out.append(
            rule_problem(
                lr,
                ("when",),
                "finding references form a cycle: "
                + " -> ".join(cycle)
                + "; expected rules that depend on rules "
                "that do not depend back",
                "rule-cycle",
            )
        )
    return out


def rule_problem(
    lr: LoadedRule, loc: YamlPath, message: str, code: str, severity: Severity = Severity.ERROR
) -> Problem:
    return Problem(lr.doc.location(loc), message, code, severity, subject=lr.rule.id)


def _expandable(pack: RulePack) -> set[str]:
    """Ids of the rules whose condition expands (each other rule's own check reports it)."""
    out = set()
    for lr in pack.rules:
        if find_blowup(lr.rule.when, MAX_CONJUNCTIONS) is None:  # counted, never expanded
            try:
                to_dnf(lr.rule)
            except ConditionError:
                continue
            out.add(lr.rule.id)
    return out


def _carried(pack: RulePack, expandable: set[str]) -> dict[str, tuple[JoinKey, ...]]:
    """The join keys each rule's findings carry.

    A rule whose condition cannot expand, and every rule resting on its finding, may carry
    any key: its own check reports the fault, and a rule joining on its finding is not
    blamed for it as well.
    """
    rules: dict[str, Rule] = {}
    for lr in pack.rules:
        rules.setdefault(lr.rule.id, lr.rule)
    unknown = set(rules) - expandable
    grew = True
    while grew:
        tainted = {
            rid
            for rid, rule in rules.items()
            if rid not in unknown
            and any(leaf.depends_on in unknown for leaf in iter_leaves(rule.when))
        }
        unknown |= tainted
        grew = bool(tainted)
    try:
        carried = carried_keys({rid: r for rid, r in rules.items() if rid not in unknown})
    except ConditionError:  # pragma: no cover - every rule passed in expands
        carried = {}
    return {**carried, **dict.fromkeys(unknown, JOIN_KEYS)}


def _check_rule(
    lr: LoadedRule,
    ctx: CheckContext,
    carried: dict[str, tuple[JoinKey, ...]],
    examples: bool = True,
) -> list[Problem]:
    rule = lr.rule
    out: list[Problem] = []
    if lr.path.stem != rule.id:
        out.append(
            rule_problem(
                lr,
                ("id",),
                f"file is named '{lr.path.name}'; expected "
                f"'{rule.id}.yaml' (one rule per file, named by its id)",
                "rule-file-name",
            )
        )
    if lr.path.parent.name != rule.family:
        out.append(
            rule_problem(
                lr,
                ("family",),
                f"family '{rule.family}' but the file is in folder "
                f"'{lr.path.parent.name}'; expected them to agree",
                "rule-family",
            )
        )
    for leaf, path in walk_leaves(rule.when, ("when",)):
        for where, message, code in leaf.check(ctx):
            out.append(rule_problem(lr, (*path, *where), message, code))
    problems, aliases = _check_condition(lr, carried)
    out += problems
    out += _check_template(lr, aliases)
    fires = [e for e in rule.examples if e.expect == "fire"]
    quiet = [e for e in rule.examples if e.expect == "quiet"]
    if not fires or not quiet:
        missing = "example that must fire" if not fires else "near-miss example that must not fire"
        out.append(
            rule_problem(
                lr,
                ("examples",),
                f"no {missing}; expected at least one of each",
                "rule-examples",
                Severity.WARNING,
            )
        )
    for i, ex in enumerate(rule.examples if examples else []):
        if not isinstance(ex.case, str):
            continue
        found, tried = example_case_file(lr.path, ex.case)
        if found is None:
            message = missing_example_case(ex.case, tried)
            out.append(rule_problem(lr, ("examples", i, "case"), message, "rule-example"))
    return out


def _check_condition(
    lr: LoadedRule, carried: dict[str, tuple[JoinKey, ...]]
) -> tuple[list[Problem], dict[str, str]]:
    """Problems of expanding the condition and planning its joins; the aliases (to their
    kinds) a placeholder may name: the positive ones, or every one when it cannot expand."""
    rule = lr.rule
    every = {alias: leaf.kind for leaf, alias in leaves_with_aliases(rule.when)}
    blowup = find_blowup(rule.when, MAX_CONJUNCTIONS)
    if blowup is not None:  # refused before expanding: the count can be astronomical
        message = blowup.message(MAX_CONJUNCTIONS)
        return [rule_problem(lr, blowup.path, message, "rule-condition")], every
    try:
        conjunctions = to_dnf(rule)
        positive = {lit.alias for conj in conjunctions for lit in conj if not lit.negated}
        for conj in conjunctions:
            plan_joins(conj, {lit.alias: lit.alias for lit in conj}, carried)
    except ConditionError as exc:
        where = _leaf_path(rule.when, exc.alias) if exc.alias else ("when",)
        return [rule_problem(lr, where, str(exc), "rule-condition")], every
    return [], {alias: kind for alias, kind in every.items() if alias in positive}


def _leaf_path(when: Condition, alias: str) -> YamlPath:
    """Where the leaf known by `alias` is in the rule's YAML (its `same` key, when it joins)."""
    aliases = [a for _, a in leaves_with_aliases(when)]
    paths = dict(zip(aliases, walk_leaves(when, ("when",)), strict=True))
    leaf, path = paths.get(alias, (None, ("when",)))
    return (*path, "same") if leaf is not None and leaf.same else path


def _check_template(lr: LoadedRule, aliases: dict[str, str]) -> list[Problem]:
    try:
        fields = template_fields(lr.rule.explanation)
    except ValueError as exc:
        return [rule_problem(lr, ("explanation",), f"malformed template: {exc}", "rule-template")]
    out = []
    unknown: set[str] = set()
    for alias, name in dict.fromkeys(fields):  # each distinct placeholder once, in order
        if alias in unknown:
            continue  # '{x.a}' and '{x.b}' share the one problem: no condition named x
        if alias not in aliases:
            unknown.add(alias)
            known = ", ".join(sorted(aliases)) or "none"
            out.append(
                rule_problem(
                    lr,
                    ("explanation",),
                    f"placeholder '{{{alias}}}' names no "
                    f"matched condition; expected one of: {known}",
                    "rule-template",
                )
            )
            continue
        model = KINDS[aliases[alias]].evidence_model
        if name is None or name.split(".")[0] not in model.model_fields:
            fields_ok = ", ".join(f for f in model.model_fields if f != "kind")
            out.append(
                rule_problem(
                    lr,
                    ("explanation",),
                    f"placeholder '{{{alias}.{name}}}': "
                    f"expected {alias}.<field> with field one of {fields_ok}",
                    "rule-template",
                )
            )
    return out
