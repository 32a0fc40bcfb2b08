"""The draft case as YAML, every extracted field followed by its evidence as a comment.

A small emitter of its own, because PyYAML's writer drops comments: block mappings and
lists, strings double-quoted (JSON's escapes are YAML's), the document's text as a literal
block. The caller loads the result back with the project's case loader before using it.
"""

from __future__ import annotations

import json
from typing import Any

from screening.intake.evidence import Evidence

Path_ = tuple[str | int, ...]
HEADER = "# yaml-language-server: $schema=../docs/schemas/case.schema.json"


def scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = json.dumps(str(value), ensure_ascii=False)
    return "".join(ch if ch.isprintable() or ch == " " else f"\\u{ord(ch):04x}" for ch in text)


def _flow(items: list[Any]) -> str:
    return "[" + ", ".join(scalar(i) for i in items) + "]"


class Emitter:
    def __init__(self, evidence: dict[Path_, Evidence], *, literal_text: bool = True) -> None:
        self.evidence = evidence
        self.literal_text = literal_text
        self.lines: list[str] = []

    def _comment(self, path: Path_) -> str:
        ev = self.evidence.get(path)
        return f"  # {ev.comment()}" if ev else ""

    def mapping(self, data: dict[str, Any], path: Path_, indent: int) -> None:
        pad = " " * indent
        for key, value in data.items():
            here = (*path, key)
            if isinstance(value, dict):
                self.lines.append(f"{pad}{key}:{self._comment(here)}")
                self.mapping(value, here, indent + 2)
            elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
                self.lines.append(f"{pad}{key}:{self._comment(here)}")
                for i, item in enumerate(value):
                    self._item(item, (*here, i), indent + 2)
            elif isinstance(value, list) and any(
                (*here, i) in self.evidence for i in range(len(value))
            ):
                self.lines.append(f"{pad}{key}:{self._comment(here)}")
                for i, item in enumerate(value):
                    self.lines.append(f"{pad}  - {scalar(item)}{self._comment((*here, i))}")
            elif isinstance(value, list):
                self.lines.append(f"{pad}{key}: {_flow(value)}{self._comment(here)}")
            elif key == "text" and self.literal_text and isinstance(value, str) and value:
                self.lines.append(f"{pad}{key}: |-")
                self.lines += [f"{pad}  {line}" if line else "" for line in value.split("\n")]
            else:
                self.lines.append(f"{pad}{key}: {scalar(value)}{self._comment(here)}")

    def _item(self, item: dict[str, Any], path: Path_, indent: int) -> None:
        pad = " " * indent
        if path in self.evidence:
            self.lines.append(f"{pad}# {self.evidence[path].comment()}")
        start = len(self.lines)
        self.mapping(item, path, indent + 2)
        self.lines[start] = f"{pad}- {self.lines[start][indent + 2 :]}"


def to_yaml(
    data: dict[str, Any],
    evidence: dict[Path_, Evidence],
    notes: list[str],
    source: str,
    *,
    literal_text: bool = True,
) -> str:
    """The case file's text: a header naming the source, the open notes, then the case."""
    out = Emitter(evidence, literal_text=literal_text)
    out.lines += [
        HEADER,
        f"# Draft written by `screening intake` from {source}. Review every field: each",
        "# extracted value is followed by its evidence (page or paragraph, the words, a",
        "# confidence); what the document does not say is left unset.",
    ]
    out.lines += ["# open: " + " ".join(n.split()) for n in notes]
    out.mapping(data, (), 0)
    return "\n".join(out.lines) + "\n"
