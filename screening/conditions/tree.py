"""A rule's `when`: leaves of the registered kinds joined by `all`, `any` and `not`.

The union of condition models is built from the registry of kinds, and pydantic picks the
model by the mapping's one key, so a validation error speaks about that kind only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any, Union

from pydantic import Discriminator, Field, Tag

from screening.conditions import KINDS
from screening.conditions.base import LeafCondition, LeafPath
from screening.models.common import Strict


class AllCondition(Strict):
    all: list[Condition] = Field(min_length=1)


class AnyCondition(Strict):
    any: list[Condition] = Field(min_length=1)


class NotCondition(Strict):
    not_: Condition = Field(alias="not")
    model_config = Strict.model_config | {"populate_by_name": True}


_BRANCHES: dict[str, type[Strict]] = {"all": AllCondition, "any": AnyCondition, "not": NotCondition}
#: Every key a condition mapping may have (besides `as` and a leaf's join options).
CONDITION_KEYS: tuple[str, ...] = (*_BRANCHES, *KINDS)
_MODELS: dict[str, type[Strict]] = {**_BRANCHES, **KINDS}
_LEAF_OPTIONS = frozenset({"as", "same"})


def _condition_key(value: Any) -> str | None:
    """Pick the condition model by its key, so errors speak about that kind only."""
    if isinstance(value, dict):
        keys = [k for k in value if k not in _LEAF_OPTIONS]
        if len(keys) == 1 and keys[0] in _MODELS:
            return str(keys[0])
        return None
    for key, cls in _MODELS.items():
        if type(value) is cls:
            return key
    return None


if TYPE_CHECKING:
    Condition = AllCondition | AnyCondition | NotCondition | LeafCondition
else:
    Condition = Annotated[
        Union[tuple(Annotated[cls, Tag(key)] for key, cls in _MODELS.items())],  # noqa: UP007
        Discriminator(
            _condition_key,
            custom_error_type="condition_kind",
            custom_error_message=(
                f"expected a mapping with exactly one of {', '.join(CONDITION_KEYS)} "
                "(and optionally 'as' and 'same')"
            ),
        ),
    ]


def children(cond: Condition) -> list[tuple[Condition, LeafPath]]:
    """The direct sub-conditions of a branch with their YAML path steps (none for a leaf)."""
    if isinstance(cond, AllCondition):
        return [(c, ("all", i)) for i, c in enumerate(cond.all)]
    if isinstance(cond, AnyCondition):
        return [(c, ("any", i)) for i, c in enumerate(cond.any)]
    if isinstance(cond, NotCondition):
        return [(cond.not_, ("not",))]
    return []


def walk_leaves(cond: Condition, path: LeafPath = ()) -> Iterator[tuple[LeafCondition, LeafPath]]:
    """Every leaf of a condition tree, in order, with its path in the rule's YAML."""
    if isinstance(cond, LeafCondition):
        yield cond, path
        return
    for child, step in children(cond):
        yield from walk_leaves(child, (*path, *step))


def iter_leaves(cond: Condition) -> Iterator[LeafCondition]:
    """Every leaf of a condition tree, in order."""
    for leaf, _ in walk_leaves(cond):
        yield leaf


# No model_rebuild() here: the models are built (`Condition` resolved) on first validation
# (defer_build in Strict), so a `screen` from the pack cache never builds them.
