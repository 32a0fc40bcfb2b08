"""YAML reading with PyYAML's C loader that keeps a line and column for every node.

`yaml.load` forgets where values came from and silently keeps the last of two duplicate
keys. Here the C composer builds the node graph (fast), and a small constructor turns it
into plain Python data while recording each node's position under its path, so later
stages (pydantic validation, rule compilation) can point at the exact line. Duplicate keys,
oversized files and alias bombs are reported as problems, never as tracebacks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from screening.errors import InputError, Location, Problem, Problems, display_path

try:
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - libyaml missing; still correct, only slower
    _Loader = yaml.SafeLoader

#: Largest YAML file read, in bytes. Case files with full agreement texts stay far below it.
MAX_FILE_BYTES = 8 * 1024 * 1024
#: Most nodes one file may expand to (guards against alias "billion laughs" expansion).
MAX_NODES = 2_000_000

YamlPath = tuple[str | int, ...]
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass
class YamlDocument:
    """Plain data from one YAML file plus where each value and key stands in it."""

    path: str
    data: Any
    value_marks: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    digest: str = ""  # sha256 of the file's bytes, exactly as parsed

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


class _Builder:
    """Turns composed nodes into Python data, recording marks and duplicate keys."""

    def __init__(self, loader: yaml.SafeLoader, doc: YamlDocument, problems: Problems) -> None:
        self.loader = loader
        self.doc = doc
        self.problems = problems
        self.count = 0

    def build(self, node: yaml.Node, path: YamlPath) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge
        self.doc.value_marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag == _STR_TAG:
            return node.value  # most nodes: skip the generic constructor
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, TypeError, OverflowError, yaml.YAMLError) as exc:
            what = node.tag.rsplit(":", 1)[-1]
            self._error(
                node,
                f"'{node.value}' is not a valid {what} ({exc}); quote it if it is text",
                "yaml",
            )
            return node.value

    def _mapping(self, node: yaml.MappingNode, path: YamlPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._error(
                    key_node, "merge keys ('<<') are not supported; write the keys out", "yaml"
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._error(key_node, "a mapping key must be a plain string", "yaml")
                continue
            key = str(key_node.value)  # keys are names: 'on', 'no' or '2021-02-30' stay text
            line = key_node.start_mark.line + 1
            if key in first_seen:
                self._error(
                    key_node, f"duplicate key '{key}' (first at line {first_seen[key]})", "yaml"
                )
                continue
            first_seen[key] = line
            child = (*path, key)
            self.doc.key_marks[child] = (line, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, child)
        return result

    def _error(self, node: yaml.Node, message: str, code: str) -> None:
        mark = node.start_mark
        self.problems.error(Location(self.doc.path, mark.line + 1, mark.column + 1), message, code)


class _TooLarge(Exception):
    pass


def parse_yaml(text: str, path: str) -> tuple[YamlDocument, list[Problem]]:
    """Parse YAML text; return the document and its problems (an empty file gives `None`)."""
    doc = YamlDocument(path=path, data=None)
    problems = Problems()
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            doc.data = _Builder(loader, doc, problems).build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = exc.problem or "malformed YAML"
        if exc.context:
            what = f"{what} ({exc.context})"
        problems.error(Location(path, line, col), f"malformed YAML: {what}", "yaml")
    except yaml.YAMLError as exc:
        problems.error(Location(path, 1, 1), f"malformed YAML: {exc}", "yaml")
    except _TooLarge:
        problems.error(
            Location(path, 1, 1),
            f"document expands to more than {MAX_NODES:,} nodes (alias expansion?); "
            "expected a plain YAML file",
            "yaml-size",
        )
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
        raise InputError(
            [Problem(Location(shown), f"not UTF-8 text (byte {exc.start}); expected UTF-8", "io")]
        ) from None
    except OSError as exc:
        raise InputError([Problem(Location(shown), f"cannot read: {exc.strerror}", "io")]) from None
    doc, problems = parse_yaml(text, shown)
    if problems:
        raise InputError(problems)
    doc.digest = hashlib.sha256(raw).hexdigest()
    return doc
