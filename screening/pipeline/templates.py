"""Explanation templates: `{alias.field}` placeholders filled from a firing's evidence.

A rule's explanation names the evidence of its matched conditions by alias; a placeholder of
an `any` branch that did not match reads as empty.

A template is data from a rule file, so it gets a formatter of its own rather than
`str.format`: a placeholder is exactly `{alias.field}`, optionally with a format spec of
Python's mini-language (`{proximity.distance_km:.1f}`, `{party.party_name:>20}`) whose width
and precision are at most `MAX_WIDTH`. No conversion (`!r`), no index (`[0]`), no deeper
attribute (`.x.y`), no nested field in a spec. `check_template` says what is wrong, for
`rules validate`; `render` never raises and never returns more than `MAX_RENDERED` characters,
each value in it at most `MAX_VALUE` (longer ones end in '…').
"""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass
from typing import Any

#: Largest width or precision a format spec may ask for.
MAX_WIDTH = 200
#: Longest text one placeholder may put into an explanation.
MAX_VALUE = 1_000
#: Longest explanation a template may render to.
MAX_RENDERED = 4_000

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: Python's format-spec mini-language:
#: [[fill]align][sign][z][#][0][width][grouping][.precision][type]
_SPEC = re.compile(
    r"(?:(?P<fill>[^{}])?(?P<align>[<>=^]))?(?P<sign>[-+ ])?z?#?0?(?P<width>\d+)?[_,]?"
    r"(?:\.(?P<precision>\d+))?[bdeEfFgGnosxX%]?"
)
_ELLIPSIS = "…"


class TemplateError(ValueError):
    """A template that cannot be used; the message says which placeholder and why."""


@dataclass(frozen=True)
class Placeholder:
    """One `{alias.field:spec}` of a template (field None: the alias alone)."""

    text: str  # as written, braces included
    alias: str
    field: str | None
    spec: str


def parse_template(template: str) -> list[Placeholder]:
    """Every placeholder, in order; raise `TemplateError` on the first one that is refused."""
    out: list[Placeholder] = []
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:  # a lone brace, an unclosed field
        raise TemplateError(f"{exc} (write a literal brace as {{{{ or }}}})") from None
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        text = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
        text += "}"
        alias, dot, field = name.partition(".")
        if not _NAME.fullmatch(alias) or (dot and not _NAME.fullmatch(field)):
            raise TemplateError(
                f"placeholder '{text}': expected {{alias.field}}, a condition's name and one "
                "of its evidence fields (no index, no deeper attribute)"
            )
        if conversion:
            raise TemplateError(
                f"placeholder '{text}': conversions such as !{conversion} are "
                "not supported; expected {alias.field} or {alias.field:spec}"
            )
        _check_spec(text, spec or "")
        out.append(Placeholder(text, alias, field if dot else None, spec or ""))
    return out


def _check_spec(text: str, spec: str) -> None:
    if "{" in spec or "}" in spec:
        raise TemplateError(f"placeholder '{text}': a format spec cannot hold another field")
    m = _SPEC.fullmatch(spec)
    if m is None:
        raise TemplateError(
            f"placeholder '{text}': format spec '{spec}' is not one of Python's (e.g. .1f, >10, ,)"
        )
    for part in ("width", "precision"):
        value = m.group(part)
        if value is not None and int(value) > MAX_WIDTH:
            raise TemplateError(
                f"placeholder '{text}': {part} {int(value):,} is too large; expected at most "
                f"{MAX_WIDTH}"
            )


def template_fields(template: str) -> list[tuple[str, str | None]]:
    """(alias, field) for every placeholder; raises `TemplateError` (a ValueError) on a
    template `parse_template` refuses."""
    return [(p.alias, p.field) for p in parse_template(template)]


class TemplateFields(dict[str, Any]):
    """One alias's evidence fields, as a template sees them: a list reads 'a, b', a float
    reads '1.17' rather than '1.1700000000000002'."""

    def field(self, name: str) -> Any:
        if name not in self:
            return _UNMATCHED
        value = self[name]
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        if isinstance(value, float):
            return _Number(value)
        return value


class _Number(float):
    """A float that reads '1.17' rather than '1.1700000000000002', yet takes `{x:.1f}`."""

    def __format__(self, spec: str) -> str:
        return float.__format__(self, spec or "g")

    def __str__(self) -> str:
        return float.__format__(self, "g")


_UNMATCHED = ""  # the alias of a branch that did not match: every field reads as empty


def render(template: str, namespace: dict[str, Any]) -> str:
    """Fill `{alias.field}` placeholders; those of an unmatched `any` branch read as empty.

    Never raises: a template `parse_template` refuses is returned as written (cut to
    `MAX_RENDERED`), a value its spec does not fit is shown plainly.
    """
    parts = _parts(template)
    if parts is None:
        return _cut(template, MAX_RENDERED)
    out: list[str] = []
    size = 0
    for literal, name, spec in parts:
        out.append(literal)
        size += len(literal)
        if name is not None and size < MAX_RENDERED:
            alias, _, field = name.partition(".")
            fields = namespace.get(alias)
            value = fields.field(field) if isinstance(fields, TemplateFields) else _UNMATCHED
            text = _format(value, spec or "")
            out.append(text)
            size += len(text)
        if size >= MAX_RENDERED:
            break
    return _cut("".join(out), MAX_RENDERED)


@functools.lru_cache(maxsize=1024)
def _parts(template: str) -> tuple[tuple[str, str | None, str | None], ...] | None:
    """(literal, field name, spec) of a template `parse_template` accepts, else None: parsed
    once per template, not once per firing (a pack has a few hundred at most)."""
    try:
        parse_template(template)
    except TemplateError:
        return None
    return tuple((lit, name, spec) for lit, name, spec, _ in string.Formatter().parse(template))


def _format(value: Any, spec: str) -> str:
    """The value under its spec (plainly if the spec does not fit its type), cut to
    `MAX_VALUE`. The spec's width is bounded, so this never builds a large string."""
    try:
        text = format(value, spec)
    except (ValueError, TypeError, OverflowError):
        text = str(value)
    return _cut(text, MAX_VALUE)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + _ELLIPSIS
