"""`field`: compare one case field (a dotted path such as `transaction.type`) with a value.

    - field: {path: target.sectors, contains_any: [ports, shipping]}
    - field: {path: transaction.stake_percent, gte: 25}

The case's testable fields travel on the one `case` fact, dots turned into `__`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from pydantic import BaseModel, Field, field_validator, model_validator

from screening.conditions.base import (
    CheckContext,
    EvidenceContext,
    ExplainContext,
    LeafCondition,
    LeafPath,
    Pattern,
    any_item,
    any_of,
    expected,
)
from screening.models import facts as F
from screening.models.casepaths import case_field_paths, fact_key, literal_values
from screening.models.common import NonEmpty, Strict
from screening.models.evidence import Evidence, FieldEvidence
from screening.models.facts import Fact

Scalar = str | int | float | bool

OPERATORS: tuple[str, ...] = ("equals", "in_", "gte", "gt", "lte", "lt", "contains")
OPERATORS += ("contains_any", "all_in", "exists")
LIST_OPERATORS = ("contains", "contains_any", "all_in")


class FieldTest(Strict):
    """Compare one case field (a dotted path such as `transaction.type`) with a value."""

    path: NonEmpty
    equals: Scalar | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    gte: float | None = None
    gt: float | None = None
    lte: float | None = None
    lt: float | None = None
    contains: Scalar | None = Field(default=None, description="A list field holds this value.")
    contains_any: list[Scalar] | None = None
    all_in: list[Scalar] | None = Field(
        default=None, description="A list field is not empty and holds only these values."
    )
    exists: bool | None = None

    model_config = Strict.model_config | {"populate_by_name": True}

    @field_validator("equals", "contains", mode="before")
    @classmethod
    def _one_value(cls, value: Any) -> Any:
        if isinstance(value, list | dict):
            raise ValueError("expected a single value; for a list use in, contains_any or all_in")
        return value

    @model_validator(mode="after")
    def _one_operator(self) -> FieldTest:
        ops = [k for k in OPERATORS if getattr(self, k) is not None]
        if len(ops) != 1:
            found = ", ".join(o.rstrip("_") for o in ops) or "none"
            raise ValueError(
                "a field test needs exactly one operator of equals, in, gte, gt, lte, lt, "
                f"contains, contains_any, all_in, exists (found {found})"
            )
        return self

    @property
    def operator(self) -> str:
        return next(k for k in OPERATORS if getattr(self, k) is not None)

    @property
    def values(self) -> list[Scalar]:
        """The values an equality or membership operator names (none for the others)."""
        single = {"equals": self.equals, "contains": self.contains}.get(self.operator)
        if single is not None:
            return [single]
        listed = {"in_": self.in_, "contains_any": self.contains_any, "all_in": self.all_in}
        return list(listed.get(self.operator) or [])


class FieldCondition(LeafCondition):
    """Compare one case field (a dotted path such as `transaction.type`) with a value."""

    kind: ClassVar[str] = "field"
    fact_type: ClassVar[str] = F.CASE
    evidence_model: ClassVar[type[BaseModel]] = FieldEvidence

    field: FieldTest

    def tests(self) -> list[Pattern]:
        f = self.field
        key = fact_key(f.path)
        op = f.operator
        if op == "equals":
            return [{key: f.equals}]
        if op == "in_":
            return any_of(key, f.values)
        if op in ("gte", "gt", "lte", "lt"):
            return [{f"${op}": {key: getattr(f, op)}}]
        if op in ("contains", "contains_any"):
            return any_item(key, f.values)
        if op == "all_in":
            alts = [{"$i": v} for v in f.values]
            return [{"$iall": {key: alts[0] if len(alts) == 1 else {"$or": alts}}}]
        return [{"$ex" if f.exists else "$nex": {key: 1}}]

    def check(self, ctx: CheckContext) -> Iterator[tuple[LeafPath, str, str]]:
        f = self.field
        paths = case_field_paths()
        if f.path not in paths:
            msg = f"unknown case path '{f.path}'; {expected(set(paths), f.path)}"
            yield ("field", "path"), msg, "rule-case-path"
            return
        shape = paths[f.path]
        op = f.operator.rstrip("_")
        if op in LIST_OPERATORS and shape != "list":
            msg = f"'{op}' needs a list field; '{f.path}' holds one value (use equals or in)"
            yield ("field", op), msg, "rule-operator"
        if op in ("equals", "in") and shape == "list":
            msg = f"'{op}' compares one value; '{f.path}' is a list (use contains or contains_any)"
            yield ("field", op), msg, "rule-operator"
        allowed = set(literal_values(f.path) or ())
        if f.path == "target.sectors":
            allowed = set(ctx.sectors)
        for v in f.values if allowed else []:
            if str(v) not in allowed:
                msg = f"'{v}' is not a value of {f.path}; {expected(allowed, str(v))}"
                yield ("field", op), msg, "rule-vocabulary"

    def evidence(self, fact: Fact | None, ctx: EvidenceContext) -> Evidence | None:
        path = self.field.path
        value = ctx.case_value(path)
        regimes = ctx.sector_regimes(value) if path == "target.sectors" else []
        return FieldEvidence(path=path, value=value, regimes=regimes)

    def cache_key(self, fact_id: str) -> tuple[str, str]:
        return (self.kind, f"field:{self.field.path}")

    def evidence_key(self, fact_id: str, ctx: EvidenceContext) -> str | None:
        """The field path and the values the test actually matched.

        Two rules that read the same sectors list for different sectors rest on different
        evidence ('ports' and 'rail'), two that match the same sector on the same evidence.
        """
        f = self.field
        value = ctx.case_value(f.path)
        if isinstance(value, list) and f.operator in LIST_OPERATORS:
            matched = sorted(str(v) for v in value if v in f.values)
        elif f.operator in ("equals", "in_"):
            matched = [str(value)]
        else:
            matched = []
        return f"field:{f.path}:{','.join(matched)}"

    def describe_match(self, fact: Fact, ctx: ExplainContext) -> str:
        return f"{self.field.path} = {_shown(ctx.case_value(self.field.path))}"

    def seen(self, ctx: ExplainContext) -> list[str]:
        f = self.field
        value = ctx.case_value(f.path)
        line = f"{f.path} = {_shown(value)}"
        op = f.operator.rstrip("_")
        if value is not None and op in ("gte", "gt", "lte", "lt"):
            sign = {"gte": "<", "gt": "≤", "lte": ">", "lt": "≥"}[op]
            line += f" {sign} {getattr(f, f.operator):g} (the test asks {op})"
        elif value is not None and f.values:
            line += f"; the test asks {op} {', '.join(str(v) for v in f.values)}"
        return [line]


def _shown(value: Any) -> str:
    if value is None:
        return "(not given)"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)
