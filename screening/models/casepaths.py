"""The case fields a rule's `field` condition may test, and the `case` fact that carries them.

The list is derived from the case model, so a new scalar field is testable as soon as it
exists. Paths are dotted (`transaction.type`); in the fact the dots become `__` because
durable-rules reads a dotted key as a nested path.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from functools import cache
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from screening.models.case import Case, Target

#: Paths computed from lists of objects, which a field test cannot address directly.
DERIVED: dict[str, str] = {
    "transaction.financing_tied": "scalar",  # any financing offered with a construction contract
    "transaction.financing_kinds": "list",
    "parties.countries": "list",
    "documents.kinds": "list",
    # schema version 2
    "parties.investor_types": "list",  # each party's investor_type, where given
    "parties.state_link_kinds": "list",  # kinds of state link short of ownership, any party
    "parties.state_limited_partners": "scalar",  # a listed limited partner is a state body
    "target.personal_data.categories": "list",
    "target.personal_data.max_people": "scalar",  # most people one category covers
    "target.critical_technologies.export_controlled": "scalar",  # an ECCN (not EAR99) or EU entry
    "transaction.rights": "list",  # kinds of `rights`, and `control_rights` but 'none'
    "sites.tenure_kinds": "list",
    "sites.longest_tenure_years": "scalar",  # the longest lease or concession term
}

#: Paths the signal stage computes with the rule pack (vocabulary, routing table), with their
#: allowed values where they are a closed set (screening/signals/derived.py fills them).
PACK_DERIVED: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "target.sensitivity": ("scalar", ("low", "medium", "high")),
    "transaction.filing_expected": ("scalar", None),
}

#: The case field each derived value mostly rests on: for judging whether two findings rest
#: on independent facts, "the target is highly sensitive" is the target's sectors again.
DERIVED_FROM: dict[str, str] = {
    "target.sensitivity": "target.sectors",
    "transaction.filing_expected": "target.sectors",
}

#: Fields that say what kind of case it is (the deal's form, the country), not what is risky
#: about it: a finding does not corroborate another by reading them.
CONTEXT_FIELDS = frozenset({"jurisdiction", "status", "date", "transaction.type"})


@cache
def case_field_paths() -> dict[str, str]:
    """Testable path -> 'scalar' or 'list' (a list of scalars)."""
    out: dict[str, str] = {}
    _walk(Case, "", out)
    out.update(DERIVED)
    out.update({path: shape for path, (shape, _) in PACK_DERIVED.items()})
    return out


#: Fields a rule must not test: what the case's author expects, what happened, and the
#: version of the file format.
NOT_TESTABLE = ("expected_band", "expected_band_reason", "control", "outcome", "schema_version")


def _walk(model: type[BaseModel], prefix: str, out: dict[str, str]) -> None:
    for name, info in model.model_fields.items():
        if not prefix and name in NOT_TESTABLE:
            continue
        path = f"{prefix}{name}"
        ann = info.annotation
        inner = _strip_optional(ann)
        sub = _as_model(inner)
        if sub is not None:
            _walk(sub, f"{path}.", out)
        elif get_origin(inner) is list:
            (item,) = get_args(inner)
            if _as_model(_strip_optional(item)) is None:
                out[path] = "list"
        else:
            out[path] = "scalar"


def _strip_optional(ann: Any) -> Any:
    if get_origin(ann) in (Union, types.UnionType):
        args = [a for a in get_args(ann) if a is not type(None)]
        if len(args) == 1:
            return _strip_optional(args[0])
    if get_origin(ann) is typing.Annotated:
        return _strip_optional(get_args(ann)[0])
    return ann


def _as_model(ann: Any) -> type[BaseModel] | None:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    return None


def fact_key(path: str) -> str:
    return path.replace(".", "__")


def literal_values(path: str) -> tuple[str, ...] | None:
    """The allowed values of a `Literal` field (or list item), for rule validation."""
    if path in PACK_DERIVED:
        return PACK_DERIVED[path][1]
    model: Any = Case
    ann: Any = None
    for part in path.split("."):
        model = _as_model(_strip_optional(model))
        if model is None or part not in model.model_fields:
            return None
        ann = model.model_fields[part].annotation
        model = ann
    inner = _strip_optional(ann)
    if get_origin(inner) is list:
        inner = _strip_optional(get_args(inner)[0])
    if get_origin(inner) is Literal:
        return tuple(str(a) for a in get_args(inner))
    return None


def case_values(case: Case) -> dict[str, Any]:
    """Every testable path with its value in this case (absent when None)."""
    values: dict[str, Any] = _derived(case)
    for path in case_field_paths():
        if path in DERIVED or path in PACK_DERIVED:
            continue
        value: Any = case
        for part in path.split("."):
            value = getattr(value, part, None)
            if value is None:
                break
        if value is None:
            continue
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, str):
            value = str(value)  # a PartialDate reaches the engine as its text
        values[path] = list(value) if isinstance(value, list) else value
    return values


def _derived(case: Case) -> dict[str, Any]:
    out: dict[str, Any] = {
        "parties.countries": sorted({p.country for p in case.parties}),
        "documents.kinds": sorted({d.kind for d in case.documents}),
        "parties.investor_types": sorted({p.investor_type for p in case.parties} - {None}),
        "parties.state_link_kinds": sorted({k.kind for p in case.parties for k in p.state_links}),
        "sites.tenure_kinds": sorted({t.tenure for s in case.sites for t in s.land}),
    }
    partners = [lp for p in case.parties for lp in p.limited_partners]
    if partners:
        out["parties.state_limited_partners"] = any(lp.state for lp in partners)
    terms = [t.duration_years for s in case.sites for t in s.land if t.duration_years is not None]
    if terms:
        out["sites.longest_tenure_years"] = max(terms)
    if case.transaction is not None:
        financing = case.transaction.financing
        out["transaction.financing_kinds"] = sorted({f.kind for f in financing})
        out["transaction.financing_tied"] = any(f.tied_to_contract for f in financing)
        rights = {r.kind for r in case.transaction.rights}
        shorthand = set(case.transaction.control_rights) - {"none"}
        out["transaction.rights"] = sorted(rights | shorthand)
    if case.target is not None:
        out.update(_target_derived(case.target))
    return out


def _target_derived(target: Target) -> dict[str, Any]:
    data = target.personal_data
    out: dict[str, Any] = {"target.personal_data.categories": sorted({d.category for d in data})}
    counts = [d.people for d in data if d.people is not None]
    if counts:
        out["target.personal_data.max_people"] = max(counts)
    if target.critical_technologies:
        out["target.critical_technologies.export_controlled"] = any(
            (t.eccn is not None and t.eccn != "EAR99") or t.eu_dual_use is not None
            for t in target.critical_technologies
        )
    return out


def case_fact_attrs(case: Case) -> dict[str, Any]:
    return {fact_key(path): value for path, value in case_values(case).items()}
