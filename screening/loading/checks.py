"""Semantic checks of a loaded rule pack: what the schema alone cannot see.

Unknown vocabulary (facility kinds, entity categories, sectors, case paths, roles), missing
or cyclic rule references, conditions that cannot compile, explanation placeholders that
name nothing, registry links to unknown entries. Each problem points at its line.
"""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, get_args

from screening.compile.conditions import ConditionError, dependency_cycle, to_dnf
from screening.errors import Location, Problem, Severity
from screening.findings import template_fields
from screening.models.case import DocumentKind, PartyKind, Role
from screening.models.evidence import EVIDENCE_MODELS
from screening.models.rule import (
    AllCondition,
    AnyCondition,
    Condition,
    EntityCondition,
    FieldCondition,
    FindingCondition,
    Leaf,
    NotCondition,
    OwnershipCondition,
    PartyCondition,
    ProximityCondition,
    TextCondition,
)
from screening.signals.casefields import case_field_paths, literal_values

if TYPE_CHECKING:
    from screening.loading.rulepack import LoadedRule, RulePack

YamlPath = tuple[str | int, ...]
ROLES = set(get_args(Role))
PARTY_KINDS = set(get_args(PartyKind))
DOCUMENT_KINDS = set(get_args(DocumentKind))


#: Longer lists of allowed values are not spelled out in a message, only the closest one.
MAX_LISTED = 20


def _expected(values: set[str] | list[str], got: str) -> str:
    close = difflib.get_close_matches(got, list(values), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    if len(values) > MAX_LISTED:
        return f"expected one of {len(values)} known values{hint}"
    return f"expected one of {', '.join(sorted(values))}{hint}"


def walk_leaves(cond: Condition, path: YamlPath) -> Iterator[tuple[Leaf, YamlPath]]:
    """Every leaf of a condition with its path in the rule's YAML."""
    if isinstance(cond, AllCondition):
        for i, c in enumerate(cond.all):
            yield from walk_leaves(c, (*path, "all", i))
    elif isinstance(cond, AnyCondition):
        for i, c in enumerate(cond.any):
            yield from walk_leaves(c, (*path, "any", i))
    elif isinstance(cond, NotCondition):
        yield from walk_leaves(cond.not_, (*path, "not"))
    else:
        yield cond, path


def declared_rule_ids(pack: RulePack) -> set[str]:
    """Ids of every rule file, including those that failed schema validation."""
    from screening.loading.rulepack import rule_files

    ids = {lr.rule.id for lr in pack.rules}
    for path in rule_files(pack.root):
        doc = pack.docs.get(str(path))
        if doc is None:  # unreadable YAML: its id is presumed to be its file name
            ids.add(path.stem)
        elif isinstance(doc.data, dict) and isinstance(doc.data.get("id"), str):
            ids.add(doc.data["id"])
    return ids


def check_pack(pack: RulePack, *, examples: bool = True) -> list[Problem]:
    out: list[Problem] = []
    rule_ids = declared_rule_ids(pack)
    out += _check_registries(pack)
    first: dict[str, LoadedRule] = {}
    for lr in pack.rules:
        if lr.rule.id in first:
            prev = first[lr.rule.id]
            out.append(
                _problem(
                    lr,
                    ("id",),
                    f"duplicate rule id '{lr.rule.id}' (first in "
                    f"{prev.doc.path}:{prev.doc.location(('id',)).line})",
                    "duplicate-id",
                )
            )
            continue
        first[lr.rule.id] = lr
        out += _check_rule(lr, pack, rule_ids, examples)
    active = {rid: lr.rule for rid, lr in first.items() if lr.rule.status == "active"}
    cycle = dependency_cycle(active)
    if cycle:
        lr = first[cycle[0]]
        out.append(
            _problem(
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


def _problem(
    lr: LoadedRule, loc: YamlPath, message: str, code: str, severity: Severity = Severity.ERROR
) -> Problem:
    return Problem(lr.doc.location(loc), message, code, severity, subject=lr.rule.id)


def _check_rule(
    lr: LoadedRule, pack: RulePack, rule_ids: set[str], examples: bool = True
) -> list[Problem]:
    rule = lr.rule
    out: list[Problem] = []
    if lr.path.stem != rule.id:
        out.append(
            _problem(
                lr,
                ("id",),
                f"file is named '{lr.path.name}'; expected "
                f"'{rule.id}.yaml' (one rule per file, named by its id)",
                "rule-file-name",
            )
        )
    if lr.path.parent.name != rule.family:
        out.append(
            _problem(
                lr,
                ("family",),
                f"family '{rule.family}' but the file is in folder "
                f"'{lr.path.parent.name}'; expected them to agree",
                "rule-family",
            )
        )
    aliases: dict[str, str] = {}
    for leaf, path in walk_leaves(rule.when, ("when",)):
        out += _check_leaf(lr, leaf, path, pack, rule_ids)
    try:
        from screening.compile.conditions import leaves_with_aliases

        positive = {lit.alias for conj in to_dnf(rule) for lit in conj if not lit.negated}
        for leaf, alias in leaves_with_aliases(rule.when):
            if alias in positive:
                aliases[alias] = _kind(leaf)  # evidence models are named by leaf kind
    except ConditionError as exc:
        out.append(_problem(lr, ("when",), str(exc), "rule-condition"))
    out += _check_template(lr, aliases)
    fires = [e for e in rule.examples if e.expect == "fire"]
    quiet = [e for e in rule.examples if e.expect == "quiet"]
    if not fires or not quiet:
        missing = "example that must fire" if not fires else "near-miss example that must not fire"
        out.append(
            _problem(
                lr,
                ("examples",),
                f"no {missing}; expected at least one of each",
                "rule-examples",
                Severity.WARNING,
            )
        )
    for i, ex in enumerate(rule.examples if examples else []):
        if isinstance(ex.case, str) and not (lr.path.parent / ex.case).is_file():
            out.append(
                _problem(
                    lr,
                    ("examples", i, "case"),
                    f"example case file '{ex.case}' not found (relative to {lr.path.parent})",
                    "rule-example",
                )
            )
    return out


def _kind(leaf: Leaf) -> str:
    from screening.models.rule import leaf_kind

    return leaf_kind(leaf)


def _check_leaf(
    lr: LoadedRule, leaf: Leaf, path: YamlPath, pack: RulePack, rule_ids: set[str]
) -> list[Problem]:
    out: list[Problem] = []
    vocab = pack.vocabulary
    facility_kinds = {k.id for k in vocab.facility_kinds}
    categories = {c.id for c in vocab.entity_categories}

    def bad(loc: YamlPath, msg: str, code: str = "rule-vocabulary") -> None:
        out.append(_problem(lr, (*path, *loc), msg, code))

    def roles(loc: YamlPath, values: list[str]) -> None:
        for i, r in enumerate(values):
            if r not in ROLES:
                bad((*loc, i), f"unknown role '{r}'; {_expected(ROLES, r)}")

    if isinstance(leaf, FieldCondition):
        f = leaf.field
        paths = case_field_paths()
        if f.path not in paths:
            bad(
                ("field", "path"),
                f"unknown case path '{f.path}'; {_expected(set(paths), f.path)}",
                "rule-case-path",
            )
            return out
        shape = paths[f.path]
        op = f.operator.rstrip("_")
        if op in ("contains", "contains_any", "all_in") and shape != "list":
            bad(
                ("field", op),
                f"'{op}' needs a list field; '{f.path}' holds one value (use equals or in)",
                "rule-operator",
            )
        if op in ("equals", "in") and shape == "list":
            bad(
                ("field", op),
                f"'{op}' compares one value; '{f.path}' is a list (use contains or contains_any)",
                "rule-operator",
            )
        allowed = literal_values(f.path)
        if f.path == "target.sectors":
            allowed = tuple(s.id for s in vocab.sectors)
        if allowed:
            values = {
                "equals": [f.equals],
                "in": f.in_,
                "contains": [f.contains],
                "contains_any": f.contains_any,
                "all_in": f.all_in,
            }.get(op) or []
            for v in values:
                if str(v) not in allowed:
                    bad(
                        ("field", op),
                        f"'{v}' is not a value of {f.path}; {_expected(set(allowed), str(v))}",
                    )
    elif isinstance(leaf, TextCondition):
        for i, ps in enumerate(leaf.text.phrases):
            if ps not in pack.phrase_sets:
                bad(
                    ("text", "phrases", i),
                    f"unknown phrase set '{ps}'; {_expected(set(pack.phrase_sets), ps)}",
                    "rule-reference",
                )
        for i, dk in enumerate(leaf.text.document_kinds):
            if dk not in DOCUMENT_KINDS:
                bad(
                    ("text", "document_kinds", i),
                    f"unknown document kind '{dk}'; {_expected(DOCUMENT_KINDS, dk)}",
                )
    elif isinstance(leaf, ProximityCondition):
        for kind, km in leaf.proximity.tiers.items():
            if kind not in facility_kinds:
                bad(
                    ("proximity", "tiers", kind),
                    f"unknown facility kind '{kind}'; {_expected(facility_kinds, kind)}",
                )
            if km <= 0 or km > pack.matching.proximity_search_km:
                bad(
                    ("proximity", "tiers", kind),
                    f"distance {km:g} km out of range; expected "
                    f"more than 0 and at most proximity_search_km "
                    f"({pack.matching.proximity_search_km:g})",
                    "rule-range",
                )
    elif isinstance(leaf, EntityCondition):
        e = leaf.entity
        for i, c in enumerate(e.categories):
            if c not in categories:
                bad(
                    ("entity", "categories", i),
                    f"unknown entity category '{c}'; {_expected(categories, c)}",
                )
        for i, x in enumerate(e.entities):
            if x not in pack.entities:
                bad(
                    ("entity", "entities", i),
                    f"unknown entity '{x}'; {_expected(set(pack.entities), x)}",
                    "rule-reference",
                )
        known_lists = {x.id for x in vocab.lists}
        for i, x in enumerate(e.lists):
            if x not in known_lists:
                bad(("entity", "lists", i), f"unknown list '{x}'; {_expected(known_lists, x)}")
        if e.min_score < pack.matching.entity_min_score:
            bad(
                ("entity", "min_score"),
                f"min_score {e.min_score:g} is below the matcher's "
                f"floor entity_min_score ({pack.matching.entity_min_score:g}); expected at "
                "least that",
                "rule-range",
            )
        roles(("entity", "roles"), e.roles)
    elif isinstance(leaf, OwnershipCondition):
        roles(("ownership", "roles"), leaf.ownership.roles)
    elif isinstance(leaf, PartyCondition):
        p = leaf.party
        roles(("party", "roles"), p.roles)
        for i, k in enumerate(p.kinds):
            if k not in PARTY_KINDS:
                bad(("party", "kinds", i), f"unknown party kind '{k}'; {_expected(PARTY_KINDS, k)}")
    elif isinstance(leaf, FindingCondition) and leaf.finding not in rule_ids:
        bad(
            ("finding",),
            f"unknown rule '{leaf.finding}'; {_expected(rule_ids, leaf.finding)}",
            "rule-reference",
        )
    return out


def _check_template(lr: LoadedRule, aliases: dict[str, str]) -> list[Problem]:
    try:
        fields = template_fields(lr.rule.explanation)
    except ValueError as exc:
        return [_problem(lr, ("explanation",), f"malformed template: {exc}", "rule-template")]
    out = []
    for alias, name in fields:
        if alias not in aliases:
            known = ", ".join(sorted(aliases)) or "none"
            out.append(
                _problem(
                    lr,
                    ("explanation",),
                    f"placeholder '{{{alias}}}' names no "
                    f"matched condition; expected one of: {known}",
                    "rule-template",
                )
            )
            continue
        model = EVIDENCE_MODELS[aliases[alias]]
        if name is None or name.split(".")[0] not in model.model_fields:
            fields_ok = ", ".join(f for f in model.model_fields if f != "kind")
            out.append(
                _problem(
                    lr,
                    ("explanation",),
                    f"placeholder '{{{alias}.{name}}}': "
                    f"expected {alias}.<field> with field one of {fields_ok}",
                    "rule-template",
                )
            )
    return out


def _check_registries(pack: RulePack) -> list[Problem]:
    out: list[Problem] = []
    kinds = {k.id for k in pack.vocabulary.facility_kinds}
    categories = {c.id for c in pack.vocabulary.entity_categories}
    where = _registry_locations(pack)
    for fac in pack.facilities:
        if fac.kind not in kinds:
            out.append(
                Problem(
                    where.get(("facility", fac.id), Location(str(pack.root))),
                    f"facility '{fac.id}': unknown kind '{fac.kind}'; {_expected(kinds, fac.kind)}",
                    "registry",
                )
            )
    for ent in pack.entities.values():
        loc = where.get(("entity", ent.id), Location(str(pack.root)))
        if ent.category not in categories:
            out.append(
                Problem(
                    loc,
                    f"entity '{ent.id}': unknown category '{ent.category}'; "
                    f"{_expected(categories, ent.category)}",
                    "registry",
                )
            )
        for link in ent.owners:
            if link.entity not in pack.entities:
                out.append(
                    Problem(
                        loc,
                        f"entity '{ent.id}': owner '{link.entity}' is not in "
                        "the registry; expected an entity id",
                        "registry",
                    )
                )
    known_lists = {x.id for x in pack.vocabulary.lists}
    for ent in pack.entities.values():
        for listing in ent.lists:
            if listing.list not in known_lists:
                out.append(
                    Problem(
                        where.get(("entity", ent.id), Location(str(pack.root))),
                        f"entity '{ent.id}': unknown list '{listing.list}'; "
                        f"{_expected(known_lists, listing.list)}",
                        "registry",
                    )
                )
    for c in pack.matching.state_categories:
        if c not in categories:
            out.append(
                Problem(
                    Location(str(pack.root / "matching.yaml")),
                    f"state_categories: unknown category '{c}'; {_expected(categories, c)}",
                    "matching",
                )
            )
    return out


def _registry_locations(pack: RulePack) -> dict[tuple[str, str], Location]:
    out: dict[tuple[str, str], Location] = {}
    for doc in pack.docs.values():
        data = doc.data if isinstance(doc.data, dict) else {}
        for key, label in (("facilities", "facility"), ("entities", "entity"), ("places", "place")):
            for i, item in enumerate(data.get(key) or []):
                if isinstance(item, dict) and "id" in item:
                    out[(label, str(item["id"]))] = doc.location((key, i, "id"))
    return out


def check_phrases(pack: RulePack) -> list[Problem]:
    """Phrase sets: no phrase twice, none that normalises to nothing, none unused."""
    from screening.signals.text import normalise

    out: list[Problem] = []
    used = {
        ps
        for lr in pack.rules
        for leaf, _ in walk_leaves(lr.rule.when, ())
        if isinstance(leaf, TextCondition)
        for ps in leaf.text.phrases
    }
    for doc in pack.docs.values():
        data = doc.data if isinstance(doc.data, dict) else {}
        for i, item in enumerate(data.get("phrase_sets") or []):
            if not isinstance(item, dict):
                continue
            seen: dict[str, int] = {}
            for j, phrase in enumerate(item.get("phrases") or []):
                norm = " ".join(normalise(str(phrase))[0].split())
                loc = doc.location(("phrase_sets", i, "phrases", j))
                if not norm:
                    out.append(Problem(loc, "phrase is empty after normalisation", "phrases"))
                elif norm in seen:
                    out.append(
                        Problem(
                            loc,
                            f"phrase '{phrase}' repeats phrase {seen[norm] + 1} "
                            "of the set (matching ignores case and quotes)",
                            "phrases",
                            Severity.WARNING,
                        )
                    )
                else:
                    seen[norm] = j
            if item.get("id") not in used:
                out.append(
                    Problem(
                        doc.location(("phrase_sets", i, "id")),
                        f"phrase set '{item.get('id')}' is used by no rule",
                        "phrases",
                        Severity.WARNING,
                    )
                )
    return out


def check_references(pack: RulePack, sources: Path) -> list[Problem]:
    """Every reference names a document in `sources` and quotes it verbatim."""
    texts: dict[str, str] = {}
    for p in sorted(sources.glob("*")):
        if p.is_file():
            with contextlib.suppress(OSError, UnicodeDecodeError):  # not a text document
                texts[p.name] = " ".join(p.read_text(encoding="utf-8").split())
    out: list[Problem] = []
    for lr in pack.rules:
        for i, ref in enumerate(lr.rule.references):
            if ref.document not in texts:
                out.append(
                    _problem(
                        lr,
                        ("references", i, "document"),
                        f"no document "
                        f"'{ref.document}' in {sources}; "
                        f"{_expected(set(texts), ref.document)}",
                        "rule-source",
                    )
                )
            elif " ".join(ref.quote.split()) not in texts[ref.document]:
                out.append(
                    _problem(
                        lr,
                        ("references", i, "quote"),
                        "quote not found verbatim "
                        f"in {ref.document} (copy it exactly, quotes and dashes "
                        "included)",
                        "rule-source",
                    )
                )
    return out
