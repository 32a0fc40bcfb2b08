"""Explanation templates: `{alias.field}` placeholders filled from a firing's evidence.

A rule's explanation names the evidence of its matched conditions by alias; a placeholder of
an `any` branch that did not match reads as empty.
"""

from __future__ import annotations

import string
from typing import Any


class TemplateFields(dict[str, Any]):
    """Lets a template say `{proximity.facility}`."""

    def __getattr__(self, name: str) -> Any:
        try:
            value = self[name]
        except KeyError:
            raise AttributeError(name) from None
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


class _Unmatched:
    """Stands for the alias of a branch that did not match: every field reads as empty."""

    def __getattr__(self, name: str) -> str:
        return ""

    def __format__(self, spec: str) -> str:
        return ""


class _Formatter(string.Formatter):
    def get_value(self, key: int | str, args: Any, kwargs: Any) -> Any:
        if isinstance(key, str) and key not in kwargs:
            return _Unmatched()
        return super().get_value(key, args, kwargs)


def render(template: str, namespace: dict[str, Any]) -> str:
    """Fill `{alias.field}` placeholders; those of an unmatched `any` branch read as empty."""
    try:
        return _Formatter().vformat(template, (), namespace)
    except (AttributeError, KeyError, ValueError, IndexError):
        return template


def template_fields(template: str) -> list[tuple[str, str | None]]:
    """(alias, field) for every placeholder; raises ValueError on a malformed template."""
    out: list[tuple[str, str | None]] = []
    for _, name, _, _ in string.Formatter().parse(template):
        if name is None:
            continue
        alias, _, rest = name.partition(".")
        out.append((alias, rest or None))
    return out
