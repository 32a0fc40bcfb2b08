"""Rule examples as tests: one runner shared by pytest and `screening rules test`.

Each rule lists cases it must fire on and near-misses it must stay quiet on, inline or as
case files beside it. Examples marked `known_gap` are tracked but do not fail.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from screening.errors import InputError, Problem
from screening.loading.case import check_case, load_case
from screening.loading.rulepack import LoadedRule, RulePack
from screening.loading.validation import problems_from
from screening.models.case import Case
from screening.models.rule import Example
from screening.pipeline.screen import Screener

Outcome = Literal["pass", "fail", "gap", "fixed", "error"]


@dataclass(frozen=True)
class ExampleResult:
    rule_id: str
    index: int
    example: Example
    outcome: Outcome
    fired: bool | None
    detail: str

    @property
    def label(self) -> str:
        what = self.example.note or (
            self.example.case
            if isinstance(self.example.case, str)
            else f"inline case {self.index + 1}"
        )
        return f"{self.rule_id}[{self.index}] {self.example.expect}: {what}"


def example_case(lr: LoadedRule, index: int, pack: RulePack) -> tuple[Case, str]:
    """Build the example's case (inline, with id and title filled in, or from its file)."""
    ex = lr.rule.examples[index]
    if isinstance(ex.case, str):
        return load_case(lr.path.parent / ex.case, pack)
    data = {
        "id": f"{lr.rule.id}-example-{index}",
        "title": ex.note or f"{lr.rule.id} example",
        **ex.case,
    }
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        raise InputError(
            problems_from(
                exc, Case, lr.doc, code="example-case", prefix=("examples", index, "case")
            )
        ) from None
    problems: list[Problem] = check_case(case, lr.doc, pack)
    if problems:
        raise InputError(problems)
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    return case, digest


def run_examples(
    pack: RulePack, screener: Screener | None = None, rule_ids: set[str] | None = None
) -> Iterator[ExampleResult]:
    screener = screener or Screener(pack)
    for lr in pack.rules:
        if lr.rule.status != "active" or (rule_ids and lr.rule.id not in rule_ids):
            continue
        for i, ex in enumerate(lr.rule.examples):
            yield run_example(lr, i, ex, pack, screener)


def run_example(
    lr: LoadedRule, index: int, ex: Example, pack: RulePack, screener: Screener
) -> ExampleResult:
    try:
        case, digest = example_case(lr, index, pack)
    except InputError as exc:
        detail = "; ".join(str(p) for p in exc.problems)
        return ExampleResult(lr.rule.id, index, ex, "error", None, detail)
    result = screener.screen(case, case_digest=digest)
    fired = any(f.rule_id == lr.rule.id for f in result.findings)
    ok = fired == (ex.expect == "fire")
    if ex.known_gap:
        outcome: Outcome = "fixed" if ok else "gap"
    else:
        outcome = "pass" if ok else "fail"
    fired_ids = ", ".join(f.rule_id for f in result.findings) or "none"
    detail = (
        f"expected the rule to {ex.expect}; it {'fired' if fired else 'stayed quiet'} "
        f"(rules fired: {fired_ids})"
    )
    return ExampleResult(lr.rule.id, index, ex, outcome, fired, detail)


def example_location(pack: RulePack, result: ExampleResult) -> str:
    lr = pack.rule(result.rule_id)
    return str(lr.doc.location(("examples", result.index))) if lr else result.rule_id


__all__ = [
    "ExampleResult",
    "Path",
    "example_case",
    "example_location",
    "run_example",
    "run_examples",
]
