"""Checking a rule pack: what its files mean together, and whether the engine can run it.

Reading the files (YAML, schemas) is `screening.loading`; this package adds the checks that
need the whole pack (vocabularies, references, cycles, templates, registries) and the
engine's limits, and is where a pack is loaded for use: `load_rule_pack` refuses a pack
with errors.
"""

from __future__ import annotations

from pathlib import Path

from screening.checks.limits import check_engine_limits
from screening.checks.registries import check_registries
from screening.checks.routes import check_routes
from screening.checks.rules import check_rules
from screening.errors import InputError, Problem
from screening.loading.rulepack import RulePack, read_rule_pack


def check_rule_pack(root: Path, *, examples: bool = True) -> tuple[RulePack | None, list[Problem]]:
    """The pack (None when its settings cannot be read) and every problem, warnings included.

    `examples=False` skips checking that example case files exist: screening does not need
    them (and a rule directory taken from a git revision has no cases beside it).
    """
    pack, problems = read_rule_pack(root)
    if pack is None:
        return None, problems.sorted()
    problems.extend(check_registries(pack))
    problems.extend(check_rules(pack, examples=examples))
    problems.extend(check_routes(pack))
    if not problems.errors:  # limits are counted over patterns that compile
        problems.extend(check_engine_limits(pack.rules))
    return pack, problems.sorted()


def load_rule_pack(root: Path) -> RulePack:
    """Load and check the whole pack; raise `InputError` with every error found."""
    pack, problems = check_rule_pack(root, examples=False)
    if pack is None or any(p.is_error for p in problems):
        raise InputError([p for p in problems if p.is_error] or problems)
    return pack
