"""Mutations that only mean something in a rule file: example paths, templates, conditions."""

from __future__ import annotations

import random

from tests.fuzz.values import Sizes, dump_yaml, load_yaml, zoo_value

#: Example case paths that are too long, not files, or not paths at all.
EXAMPLE_PATHS = [
    "../" * 2000 + "cases/x.yaml",
    "a" * 300 + ".yaml",
    "/".join(["a" * 250] * 20) + ".yaml",
    "bad\x00path.yaml",
    "line\nbreak.yaml",
    "/dev/zero",
    "/dev/stdin",
    "/proc/self/mem",
    "/",
    ".",
    "",
    "../../cases",
    "../../cases/dev",
    "~/case.yaml",
    "../../cases/*.yaml",
]
#: Explanation templates that are malformed, or ask for huge or odd formatting.
TEMPLATES = [
    "{" * 1000,
    "}" * 1000,
    "{proximity.site:>999999999}",
    "{proximity.distance_km:.999999999f}",
    "{party.party_name:{x}}",
    "{text.phrase!r}",
    "{0}{1}{__class__}",
    "{finding.title.__class__.__mro__}",
    "{" + "a." * 500 + "b}",
    "{proximity.distance_km:,>100000.2f}",
    "{text}" * 10_000,
]


def rule_semantics(r: random.Random, data: bytes, s: Sizes) -> bytes:
    """Edits that only mean something in a rule file: paths, templates, conditions, ids."""
    try:
        rule = load_yaml(data)
    except Exception:
        return data
    if not isinstance(rule, dict):
        return data
    op = r.randrange(6)
    if op == 0:
        rule["examples"] = [
            {"expect": r.choice(["fire", "quiet"]), "case": r.choice(EXAMPLE_PATHS)}
        ]
    elif op == 1:
        rule["explanation"] = r.choice(TEMPLATES)
    elif op == 2:  # wide or deep conditions
        leaf = rule.get("when") or {"field": {"path": "transaction.type", "equals": "lease"}}
        n = r.choice([33, 64, 65, 300, 600])
        if r.random() < 0.5:
            rule["when"] = {r.choice(["any", "all"]): [leaf] * n}
        else:
            for _ in range(r.choice([20, 40, 90])):
                branch = r.choice(["any", "all", "not"])
                leaf = {branch: leaf if branch == "not" else [leaf]}
            rule["when"] = leaf
    elif op == 3:  # references to itself, or to nothing
        rule["when"] = r.choice(
            [
                {"finding": rule.get("id", "x")},
                {"finding": "no-such-rule"},
                {"text": {"phrases": 1}},
            ]
        )
    elif op == 4:  # numbers at the edges
        rule[r.choice(["weight", "weight", "status", "scale"])] = zoo_value(r, s)
    else:  # a field test with odd values
        value = zoo_value(r, s)
        rule["when"] = {
            "field": {
                "path": r.choice(["transaction.stake_percent", "x" * 500, ""]),
                r.choice(["equals", "gte", "in", "contains_any"]): value,
            }
        }
    try:
        return dump_yaml(rule, r)
    except Exception:  # an edge value the dumper refuses
        return data
