"""YAML reading with PyYAML's C parser that keeps a line and column for every node.

`yaml.load` forgets where values came from and silently keeps the last of two duplicate
keys. Here the C parser's events are turned into plain Python data in one iterative pass
(`yamlbuild`) that records each value's position under its path, so later stages (pydantic
validation, rule compilation) can point at the exact line. Duplicate keys, oversized files,
deep nesting, alias bombs and bad tags are reported as located problems, never as tracebacks.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from screening.errors import InputError, Location, Problem, Problems, display_path
from screening.loading.yamlbuild import EventBuilder, Limits, Refused, next_event
from screening.loading.yamlbuild import YamlPath as YamlPath

try:
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - libyaml missing; still correct, only slower
    _Loader = yaml.SafeLoader

#: Largest YAML file read, in bytes. Case files with full agreement texts stay far below it.
MAX_FILE_BYTES = 8 * 1024 * 1024
#: Deepest nesting of mappings and lists; the file's top mapping is level 1. Rule conditions
#: and ownership chains stay far below it; later recursive stages stay within Python's stack.
MAX_DEPTH = 100
#: Most nodes aliases may add to a file when expanded: a "billion laughs" is refused at the
#: alias that passes it, before any value is copied. The bundled files use no aliases at all.
MAX_ALIAS_NODES = 100_000
#: Most characters of text aliases may add (a long text aliased many times over).
MAX_ALIAS_CHARS = MAX_FILE_BYTES
#: Most nodes one file may hold, aliases expanded.
MAX_NODES = 2_000_000


@dataclass
class YamlDocument:
    """Plain data from one YAML file plus where each value and key stands in it."""

    path: str
    data: Any
    value_marks: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    digest: str = ""  # sha256 of the file's bytes, exactly as parsed

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with the marks as one nested pickle, unpickled on first use: the pack
        cache holds every file's document, and most commands never ask where a value
        stood (the marks are most of a cached pack's objects)."""
        state = dict(vars(self))
        if "_marks" not in state:
            marks = (state.pop("value_marks"), state.pop("key_marks"))
            state["_marks"] = pickle.dumps(marks, protocol=pickle.HIGHEST_PROTOCOL)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        vars(self).update(state)

    def __getattr__(self, name: str) -> Any:
        """The marks of an unpickled document, read when first asked for."""
        blob = vars(self).get("_marks")
        if blob is None or name not in ("value_marks", "key_marks"):
            raise AttributeError(name)
        vars(self)["value_marks"], vars(self)["key_marks"] = pickle.loads(blob)
        vars(self).pop("_marks", None)
        return vars(self)[name]

    def location(self, loc: YamlPath, *, key: bool = False) -> Location:
        """The location of the node at `loc`, or of its nearest ancestor that has one."""
        marks = self.key_marks if key else self.value_marks
        probe = tuple(loc)
        while True:
            if probe in marks:
                line, col = marks[probe]
                return Location(self.path, line, col)
            if key and probe in self.value_marks:
                line, col = self.value_marks[probe]
                return Location(self.path, line, col)
            if not probe:
                return Location(self.path, 1, 1)
            probe = probe[:-1]


def parse_yaml(text: str, path: str) -> tuple[YamlDocument, list[Problem]]:
    """Parse YAML text; return the document and its problems (an empty file gives `None`)."""
    doc = YamlDocument(path=path, data=None)
    problems = Problems()
    loader = _Loader(text)
    try:
        next_event(loader)  # stream start
        if loader.check_event(yaml.DocumentStartEvent):
            next_event(loader)
            limits = Limits(MAX_DEPTH, MAX_ALIAS_NODES, MAX_ALIAS_CHARS, MAX_NODES)
            builder = EventBuilder(loader, path, problems, limits, doc.value_marks, doc.key_marks)
            doc.data = builder.document()
            next_event(loader)  # document end
            if not loader.check_event(yaml.StreamEndEvent):
                mark = next_event(loader).start_mark
                problems.error(
                    Location(path, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1),
                    "a second document ('---'); expected one document per file",
                    "yaml",
                )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = f"malformed YAML: {exc.problem or 'unreadable'}"
        if exc.context:
            what = f"{what} ({exc.context})"
        if "maximum nesting depth" in str(exc.problem):  # libyaml stops at 1000 levels
            what = f"nesting too deep (at least 1000 > {MAX_DEPTH} levels)"
        problems.error(Location(path, line, col), what, "yaml")
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        problems.error(Location(path, 1, 1), f"malformed YAML: {first}", "yaml")
    except Refused as exc:
        problems.add(exc.problem)
    finally:
        loader.dispose()
    return doc, problems.items


def read_yaml(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> YamlDocument:
    """Read and parse one YAML file; raise `InputError` with every problem it has."""
    shown = display_path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError([Problem(Location(shown), "no such file", "io")]) from None
    except OSError as exc:
        raise InputError([Problem(Location(shown), f"cannot read: {exc.strerror}", "io")]) from None
    if path.is_dir():
        raise InputError([Problem(Location(shown), "is a directory; expected a YAML file", "io")])
    if not path.is_file():
        raise InputError(
            [
                Problem(
                    Location(shown),
                    "not a regular file (a device or a pipe?); expected a YAML file",
                    "io",
                )
            ]
        )
    if size > max_bytes:
        raise InputError(
            [
                Problem(
                    Location(shown),
                    f"file is {size:,} bytes; expected at most {max_bytes:,} bytes",
                    "io-size",
                )
            ]
        )
    try:
        with path.open("rb") as fh:
            raw = fh.read(max_bytes + 1)  # the size seen by stat can lie (procfs, growing file)
        if len(raw) > max_bytes:
            raise InputError(
                [
                    Problem(
                        Location(shown),
                        f"file is over {max_bytes:,} bytes; expected at most {max_bytes:,} bytes",
                        "io-size",
                    )
                ]
            )
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1  # in bytes
        where = Location(shown, line, column)
        message = f"not UTF-8 text (byte {exc.start}); expected UTF-8"
        raise InputError([Problem(where, message, "io")]) from None
    except OSError as exc:
        raise InputError([Problem(Location(shown), f"cannot read: {exc.strerror}", "io")]) from None
    doc, problems = parse_yaml(text, shown)
    if problems:
        raise InputError(problems)
    doc.digest = hashlib.sha256(raw).hexdigest()
    return doc
