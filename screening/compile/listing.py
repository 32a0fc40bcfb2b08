"""What the engine runs: each YAML rule as the durable-rules rules it compiled to.

`screening rules compile` prints this so a rule author can see the patterns, joins, strata
and links the engine matches, not only the YAML they wrote.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from screening.compile.durable import CompiledRule


def compiled_json(rulesets: Sequence[tuple[str, Sequence[CompiledRule]]]) -> dict[str, Any]:
    """{"rulesets": {name: {engine rule: spec}}, "rules": {YAML rule id: [engine rules]}}."""
    by_rule: dict[str, list[str]] = {}
    out: dict[str, dict[str, Any]] = {}
    for name, compiled in rulesets:
        out[name] = {c.name: c.spec for c in compiled}
        for c in compiled:
            by_rule.setdefault(c.rule_id, []).append(f"{name}/{c.name}")
    return {"rulesets": out, "rules": by_rule}


def compiled_lines(rulesets: Sequence[tuple[str, Sequence[CompiledRule]]]) -> Iterator[str]:
    """A readable listing: per ruleset, each engine rule with its patterns one per line."""
    for name, compiled in rulesets:
        yield f"ruleset {name}: {len(compiled)} engine rules"
        for c in compiled:
            yield f"  {c.name}  (from {c.rule_id})"
            for item in c.spec["all"]:
                ((alias, pattern),) = item.items()
                shown = json.dumps(pattern, ensure_ascii=False, sort_keys=False)
                yield f"    {alias:<10} {shown}"
