"""Validate parsed YAML against a pydantic model and turn its errors into located problems.

pydantic reports `('parties', 0, 'kind')` and `Input should be 'a', 'b' or 'c'`; a policy
officer needs `cases/x.yaml:14:11: error: parties[0].kind: got 'bank2'; expected one of …`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import types
import typing
from typing import Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from screening.conditions.tree import CONDITION_KEYS
from screening.errors import InputError, Location, Problem, quoted
from screening.loading.yamlio import YamlDocument, YamlPath
from screening.models.target import ECCN_PATTERN, EU_DUAL_USE_PATTERN

M = TypeVar("M", bound=BaseModel)


def validate_document(
    model: type[M], doc: YamlDocument, *, context: dict[str, Any] | None = None, code: str
) -> M:
    """Build `model` from `doc.data`; raise `InputError` listing every problem, located."""
    if not isinstance(doc.data, dict):
        found = "an empty file" if doc.data is None else f"a {_kind(doc.data)}"
        raise InputError(
            [Problem(Location(doc.path, 1, 1), f"found {found}; expected a mapping of keys", code)]
        )
    try:
        return model.model_validate(doc.data, context=context)
    except ValidationError as exc:
        raise InputError(problems_from(exc, model, doc, code=code)) from None


def problems_from(
    exc: ValidationError,
    model: type[BaseModel],
    doc: YamlDocument,
    *,
    code: str,
    prefix: YamlPath = (),
) -> list[Problem]:
    """One located problem per pydantic error, with lists of allowed keys and hints."""
    problems: list[Problem] = []
    seen: set[tuple[YamlPath, str]] = set()
    for err in exc.errors(include_url=False):
        loc = (*prefix, *_data_loc(err["loc"]))
        message = _message(err, model, loc[len(prefix) :])
        if (loc, message) in seen:
            continue
        seen.add((loc, message))
        key_error = err["type"] == "extra_forbidden"
        where = doc.location(loc, key=key_error)
        problems.append(Problem(where, f"{dotted_path(loc)}: {message}" if loc else message, code))
    return problems


def _data_loc(loc: tuple[int | str, ...]) -> YamlPath:
    """Drop pydantic's union/tag segments so the path matches the YAML document."""
    out: list[str | int] = []
    for i, part in enumerate(loc):
        if isinstance(part, str) and part.startswith("function-"):
            continue
        nxt = loc[i + 1] if i + 1 < len(loc) else None
        if isinstance(part, str) and part in _TAG_SEGMENTS and nxt == part:
            continue  # the discriminator's tag, followed by the real key of the same name
        out.append(part)
    return tuple(out)


#: What the model's string patterns mean, for messages.
PATTERN_MEANINGS = {
    "^[A-Z]{2}$": "a two-letter upper-case country code (ISO 3166-1 alpha-2, e.g. IL, CN)",
    "^[a-z0-9][a-z0-9_.-]{0,79}$": "an id: lower-case letters, digits, '.', '_' or '-' "
    "(at most 80, starting with a letter or digit)",
    ECCN_PATTERN: "an ECCN such as 3A001 or 5A002.a.1, or EAR99",
    EU_DUAL_USE_PATTERN: "an EU dual-use list entry such as 3A001 or 5A002.a.1",
}
#: pydantic's number-bound errors: how to say each, and where its limit is.
_BOUNDS = {
    "greater_than_equal": ("at least", "ge"),
    "greater_than": ("more than", "gt"),
    "less_than_equal": ("at most", "le"),
    "less_than": ("less than", "lt"),
}
#: The case models' own error types (partial dates, currencies); their context says what
#: was expected.
_CUSTOM_TYPES = ("partial_date", "currency")

_TAG_SEGMENTS = set(CONDITION_KEYS)  # a condition's discriminator tag repeats its key


def dotted_path(loc: YamlPath) -> str:
    """`('parties', 0, 'kind')` as a reader writes it: `parties[0].kind`."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not part.isprintable() or len(part) > 60:
            text += f"[{quoted(part)}]"  # a key no one would type: escaped, on one line
        else:
            text += f".{part}" if text else part
    return text


def _message(err: ErrorDetails, model: type[BaseModel], loc: YamlPath) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        allowed = _allowed_keys(model, loc[:-1])
        hint = ""
        close = difflib.get_close_matches(key, allowed, n=1)
        if close:
            hint = f" (did you mean '{close[0]}'?)"
        expected = f"; expected one of {', '.join(allowed)}" if allowed else ""
        return f"unknown key {quoted(key)}{expected}{hint}"
    if kind == "missing":
        return "required key is missing"
    msg = err["msg"]
    ctx = err.get("ctx", {})
    if kind == "string_pattern_mismatch":
        what = PATTERN_MEANINGS.get(str(ctx.get("pattern")), f"text matching {ctx.get('pattern')}")
        return f"got {_show(value)}; expected {what}"
    if kind == "too_short":
        return (
            f"got {len(value) if hasattr(value, '__len__') else 0} items; expected at least "
            f"{ctx.get('min_length')}"
        )
    if kind in ("literal_error", "enum", *_CUSTOM_TYPES):
        return f"got {_show(value)}; expected {ctx.get('expected', '')}"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return f"got {_show(value)}; expected text that is not blank"
    if kind == "string_type" and isinstance(value, bool):
        return (
            f"got {str(value).lower()}: YAML reads yes/no/on/off/true/false as a yes-or-no "
            "value; write the text in quotes (e.g. 'NO' for Norway)"
        )
    if kind == "string_type" and isinstance(value, dt.date | int | float):
        what = "date" if isinstance(value, dt.date) else "number"
        return f"got {value}, which YAML reads as a {what}; write it in quotes to keep it text"
    if kind in _BOUNDS:
        word, key = _BOUNDS[kind]
        limit = ctx.get(key)
        shown = f"{limit:g}" if isinstance(limit, int | float) else str(limit)
        return f"got {_show(value)}; expected {word} {shown}"
    if kind in ("int_type", "float_type", "bool_type") and isinstance(value, str):
        what = {"int_type": "a whole number", "float_type": "a number"}.get(kind, "true or false")
        return f"got {_show(value)} (text); expected {what}, written without quotes"
    if kind == "int_type" and isinstance(value, float):
        return f"got {_show(value)}; expected a whole number"
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return f"got {_show(value)}; {msg[0].lower()}{msg[1:]}"
    if msg.startswith("Value error, "):
        return msg[len("Value error, ") :]
    return f"{msg[0].lower()}{msg[1:]} (got {_show(value)})"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()  # as YAML writes it
    if isinstance(value, dt.date):  # a YAML date or timestamp, shown as written
        return repr(value.isoformat(sep=" ") if isinstance(value, dt.datetime) else str(value))
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value: Any) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(value), type(value).__name__
    )


def _allowed_keys(model: type[BaseModel], loc: YamlPath) -> list[str]:
    """The keys a mapping at `loc` inside `model` may have (best effort through unions)."""
    current: Any = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return []
    target = _models_in(current)
    keys: list[str] = []
    for m in target:
        for name, info in m.model_fields.items():
            key = info.alias or name
            if key not in keys:
                keys.append(key)
    return keys


def _step(annotation: Any, part: str | int) -> Any:
    if isinstance(part, int):
        for candidate in _unwrap(annotation):
            if get_origin(candidate) in (list, tuple):
                args = get_args(candidate)
                return args[0] if args else None
        return None
    for m in _models_in(annotation):  # a union of conditions: the one that has this key
        for name, info in m.model_fields.items():
            if part in (name, info.alias):
                return info.annotation
    return None


def _unwrap(annotation: Any) -> list[Any]:
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        out: list[Any] = []
        for arg in get_args(annotation):
            out.extend(_unwrap(arg))
        return out
    return [annotation]


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    return [a for a in _unwrap(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
