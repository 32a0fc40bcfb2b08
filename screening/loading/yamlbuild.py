"""YAML events to plain Python data, in one iterative pass with every limit checked on the way.

The C parser emits events (mapping start, scalar, alias, ...); this builder turns them into
dicts, lists and scalars with an explicit stack, so no input can exhaust Python's recursion
limit, and records each value's line and column under its path. On the way it refuses, each
with a located problem: nesting deeper than the limit (counted before a level is built),
aliases that expand past a number of nodes or characters (a "billion laughs" is refused at
the alias that crosses the limit, before anything is copied, so in time and memory bounded
by the file's size), an alias inside its own anchor, tags other than the plain JSON-like
ones, and scalars their explicit tag cannot read.

An alias shares the Python value of its anchor, as `yaml.safe_load` does; its position is the
alias itself, so a problem inside an aliased value points at the place it is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml import events

from screening.errors import Location, Problem, Problems, quoted

YamlPath = tuple[str | int, ...]
Marks = dict[YamlPath, tuple[int, int]]

_Y = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ, _MERGE, _VALUE, _NULL = (
    f"{_Y}{n}" for n in ("str", "map", "seq", "merge", "value", "null")
)
#: Scalar tags a file may write explicitly, and what each expects.
_SCALARS = {
    _STR: "text",
    f"{_Y}int": "a whole number",
    f"{_Y}float": "a number",
    f"{_Y}bool": "true or false",
    _NULL: "null, ~ or nothing",
    f"{_Y}timestamp": "a date such as 2024-05-31, or a date and time",
}
#: Deepest nesting counted for a message; libyaml itself refuses 1000 levels.
_COUNTED_DEPTH = 1000
_READ_ERRORS = (ValueError, TypeError, OverflowError, KeyError, AttributeError, yaml.YAMLError)


@dataclass(frozen=True)
class Limits:
    depth: int  # deepest nesting of mappings and lists (a file's top mapping is level 1)
    alias_nodes: int  # most nodes aliases may add when expanded
    alias_chars: int  # most characters of text aliases may add when expanded
    nodes: int  # most nodes in all, aliases expanded


class Refused(Exception):
    """A problem that stops the building of a file (too deep, too large)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class _Anchor:
    value: Any = None
    size: int = 1  # nodes, aliases expanded
    chars: int = 0  # characters of its scalars and keys, aliases expanded
    height: int = 0  # levels of mappings and lists, the anchored one included
    text: str | None = None  # a scalar's text, usable as a mapping key
    done: bool = False  # False while the anchored mapping or list is still open


@dataclass
class _Open:
    """A mapping or list being built."""

    data: dict[str, Any] | list[Any]
    path: YamlPath
    quiet: bool  # built but neither kept nor located (a key that is a collection, a duplicate)
    is_key: bool  # this collection stands where its parent expects a key
    anchor: str | None
    start: int  # the node count when it opened
    start_chars: int  # the character count when it opened
    height: int = 1
    expect_key: bool = True
    key: str | None = None  # the key whose value comes next (None: drop that value)
    first_seen: dict[str, int] = field(default_factory=dict)


class EventBuilder:
    """Builds one document from the loader's events; problems go to `problems`."""

    def __init__(
        self, loader: yaml.SafeLoader, path: str, problems: Problems, limits: Limits,
        value_marks: Marks, key_marks: Marks,
    ) -> None:  # fmt: skip
        self.loader = loader
        self.limits = limits
        self.path = path
        self.problems = problems
        self.value_marks = value_marks
        self.key_marks = key_marks
        self.anchors: dict[str, _Anchor] = {}
        self.implicit = loader.yaml_implicit_resolvers  # first character -> [(tag, regexp)]
        self.nodes = 0
        self.alias_nodes = 0
        self.chars = 0
        self.alias_chars = 0

    def document(self) -> Any:
        """The value of the next document; the loader stands after its DocumentStartEvent."""
        stack: list[_Open] = []
        while True:
            ev = next_event(self.loader)
            if isinstance(ev, events.CollectionEndEvent):
                done = stack.pop()
                if done.anchor is not None:
                    self.anchors[done.anchor] = _Anchor(
                        done.data,
                        size=self.nodes - done.start,
                        chars=self.chars - done.start_chars,
                        height=done.height,
                        done=True,
                    )
                if not stack:
                    return done.data
                outer = stack[-1]
                outer.height = max(outer.height, done.height + 1)
                if done.is_key:
                    outer.expect_key, outer.key = False, None
                else:
                    self._place(outer, done.data)
                continue
            parent = stack[-1] if stack else None
            if parent is not None and isinstance(parent.data, dict) and parent.expect_key:
                if isinstance(ev, events.CollectionStartEvent):
                    self._error(ev, "a mapping key must be a plain string")
                    stack.append(self._open(ev, stack, parent.path, quiet=True, is_key=True))
                elif isinstance(ev, events.ScalarEvent | events.AliasEvent):
                    self._key(parent, ev)
                else:  # pragma: no cover - the parser sends nothing else inside a document
                    raise Refused(self._problem(ev, f"unexpected {type(ev).__name__}"))
                continue
            path, quiet = self._slot(parent)
            if isinstance(ev, events.CollectionStartEvent):
                stack.append(self._open(ev, stack, path, quiet=quiet, is_key=False))
                continue
            if isinstance(ev, events.AliasEvent):
                value, height = self._alias(ev, len(stack))
                if parent is not None:
                    parent.height = max(parent.height, height + 1)
            elif isinstance(ev, events.ScalarEvent):
                value = self._scalar(ev)
            else:  # pragma: no cover - the parser sends nothing else inside a document
                raise Refused(self._problem(ev, f"unexpected {type(ev).__name__}"))
            self._count(ev)
            if not quiet:
                self.value_marks[path] = _mark(ev)
            if parent is None:
                return value
            self._place(parent, value)

    def _slot(self, parent: _Open | None) -> tuple[YamlPath, bool]:
        """The path of the value that comes next in `parent`, and whether it is dropped."""
        if parent is None:
            return (), False
        if isinstance(parent.data, list):
            return (*parent.path, len(parent.data)), parent.quiet
        if parent.key is None:
            return parent.path, True
        return (*parent.path, parent.key), parent.quiet

    def _place(self, parent: _Open, value: Any) -> None:
        if isinstance(parent.data, list):
            parent.data.append(value)
            return
        if parent.key is not None:
            parent.data[parent.key] = value
        parent.expect_key, parent.key = True, None

    def _open(
        self, ev: events.CollectionStartEvent, stack: list[_Open], path: YamlPath, *, quiet: bool,
        is_key: bool,
    ) -> _Open:  # fmt: skip
        level = len(stack) + 1
        if level > self.limits.depth:
            deepest, complete = self._deepest(level)
            shown = f"{deepest}" if complete else f"at least {deepest}"
            raise Refused(
                self._problem(ev, f"nesting too deep ({shown} > {self.limits.depth} levels)")
            )
        is_map = isinstance(ev, events.MappingStartEvent)
        expected = _MAP if is_map else _SEQ
        if ev.tag not in (None, "!", expected):
            what = "mapping" if is_map else "list"
            self._error(ev, f"unsupported tag '{_short(ev.tag)}' on a {what}; remove the tag")
        self._count(ev)
        if not quiet:
            self.value_marks[path] = _mark(ev)
        if ev.anchor is not None:
            self.anchors[ev.anchor] = _Anchor(done=False)
        data: dict[str, Any] | list[Any] = {} if is_map else []
        return _Open(data, path, quiet, is_key, ev.anchor, self.nodes - 1, self.chars)

    def _deepest(self, level: int) -> tuple[int, bool]:
        """How deep the nesting goes from here (only counted, up to libyaml's own limit of
        1000 levels); False when the count stopped there or the parser gave up."""
        depth = deepest = level
        try:
            while depth >= level:
                ev = next_event(self.loader)
                if isinstance(ev, events.CollectionStartEvent):
                    depth += 1
                    deepest = max(deepest, depth)
                    if deepest >= _COUNTED_DEPTH:
                        return deepest, False
                elif isinstance(ev, events.CollectionEndEvent):
                    depth -= 1
                elif isinstance(ev, events.StreamEndEvent):
                    break
        except yaml.YAMLError:
            return deepest, False
        return deepest, True

    def _key(self, parent: _Open, ev: events.ScalarEvent | events.AliasEvent) -> None:
        """A scalar or an alias where `parent` expects a key."""
        text: str | None
        if isinstance(ev, events.AliasEvent):
            anchor = self.anchors.get(str(ev.anchor))
            text = anchor.text if anchor is not None else None
            if anchor is None:
                self._error(ev, _undefined(str(ev.anchor)))
            elif text is None:
                self._error(ev, "a mapping key must be a plain string")
        else:
            self._check_scalar_tag(ev)
            text = str(ev.value)  # keys are names: 'on', 'no' or '2021-02-30' stay text
            self.chars += len(text)
            if ev.anchor is not None:
                self.anchors[ev.anchor] = _Anchor(text, chars=len(text), text=text, done=True)
            if ev.tag is None and ev.implicit[0] and text == "<<":
                self._error(ev, "merge keys ('<<') are not supported; write the keys out")
                text = None
        self._count(ev)
        parent.expect_key, parent.key = False, None
        if text is None:
            return
        mark = _mark(ev)
        if text in parent.first_seen:
            first = parent.first_seen[text]
            self._error(ev, f"duplicate key {quoted(text)} (first at line {first})")
            return
        parent.first_seen[text] = mark[0]
        parent.key = text
        if not parent.quiet:
            self.key_marks[(*parent.path, text)] = mark

    def _alias(self, ev: events.AliasEvent, level: int) -> tuple[Any, int]:
        """The anchored value and its height, once the expansion limits are checked."""
        name = str(ev.anchor)
        anchor = self.anchors.get(name)
        if anchor is None:
            self._error(ev, _undefined(name))
            return None, 0
        if not anchor.done:
            self._error(ev, f"alias '*{name}' inside its own anchor '&{name}' (a loop)")
            return None, 0
        if level + anchor.height > self.limits.depth:
            shown = level + anchor.height
            raise Refused(
                self._problem(ev, f"nesting too deep ({shown} > {self.limits.depth} levels)")
            )
        self.alias_nodes += anchor.size
        self.alias_chars += anchor.chars
        if self.alias_nodes > self.limits.alias_nodes:
            raise Refused(
                self._problem(
                    ev,
                    f"aliases expand to too many nodes ({self.alias_nodes:,} > "
                    f"{self.limits.alias_nodes:,}); write the values out instead of aliasing them",
                    "yaml-size",
                )
            )
        if self.alias_chars > self.limits.alias_chars:
            raise Refused(
                self._problem(
                    ev,
                    f"aliases expand to too much text ({self.alias_chars:,} > "
                    f"{self.limits.alias_chars:,} characters); write the values out instead",
                    "yaml-size",
                )
            )
        self.nodes += anchor.size - 1  # `_count` adds the alias itself
        self.chars += anchor.chars
        return anchor.value, anchor.height

    def _scalar(self, ev: events.ScalarEvent) -> Any:
        value = str(ev.value)
        self.chars += len(value)
        explicit = ev.tag not in (None, "!")
        tag = str(ev.tag) if explicit else self._resolve(value, ev.implicit[0])
        result: Any = value
        if tag != _STR and (explicit or tag not in (_MERGE, _VALUE)) and self._check_scalar_tag(ev):
            result = self._construct(ev, tag, value, explicit)  # a plain '<<' or '=' stays text
        if ev.anchor is not None:
            self.anchors[ev.anchor] = _Anchor(result, chars=len(value), text=value, done=True)
        return result

    def _resolve(self, value: str, plain: bool) -> str:
        """The implicit tag of a scalar (PyYAML's resolver, without its per-call overhead)."""
        if plain:
            for tag, regexp in self.implicit.get(value[:1], ()):
                if regexp.match(value):
                    return str(tag)
        return _STR

    def _construct(self, ev: events.ScalarEvent, tag: str, value: str, explicit: bool) -> Any:
        """A tagged or implicitly typed scalar's value; its text and a problem when unreadable."""
        node = yaml.ScalarNode(tag, value, None, None, ev.style)
        try:
            if tag == _NULL and self._resolve(value, True) != tag:
                raise ValueError(value)  # `!!null x`: the constructor would drop the text
            return self.loader.yaml_constructors[tag](self.loader, node)
        except _READ_ERRORS as exc:
            if explicit:
                message = (
                    f"{_show(value)} is not valid after '{_short(tag)}'; expected {_SCALARS[tag]}"
                )
            else:  # read as a date or a number by its look, but not one (2021-02-30)
                why = (
                    str(exc).splitlines()[0] if isinstance(exc, ValueError | OverflowError) else ""
                )
                message = (
                    f"{_show(value)} is not a valid {_short(tag)[2:]}"
                    f"{f' ({why})' if why else ''}; quote it if it is text"
                )
            self._error(ev, message)
            return value

    def _check_scalar_tag(self, ev: events.ScalarEvent) -> bool:
        if ev.tag in (None, "!") or ev.tag in _SCALARS:
            return True
        self._error(
            ev,
            f"unsupported tag '{_short(str(ev.tag))}'; expected a plain value "
            "(tags allowed: !!str, !!int, !!float, !!bool, !!null, !!timestamp)",
        )
        return False

    def _count(self, ev: events.Event) -> None:
        self.nodes += 1
        if self.nodes > self.limits.nodes:
            limit = self.limits.nodes
            message = f"file expands to more than {limit:,} nodes; expected a smaller file"
            raise Refused(self._problem(ev, message, "yaml-size"))

    def _problem(self, ev: events.Event, message: str, code: str = "yaml") -> Problem:
        line, col = _mark(ev)
        return Problem(Location(self.path, line, col), message, code)

    def _error(self, ev: events.Event, message: str) -> None:
        self.problems.add(self._problem(ev, message))


def next_event(loader: yaml.SafeLoader) -> events.Event:
    """The loader's next event (typed: PyYAML's stubs leave it untyped)."""
    event: events.Event = loader.get_event()  # type: ignore[no-untyped-call]
    return event


def _mark(ev: events.Event) -> tuple[int, int]:
    mark: Any = ev.start_mark  # the C parser always sets it
    return mark.line + 1, mark.column + 1


def _undefined(name: str) -> str:
    return f"undefined alias '*{name}'; expected an anchor '&{name}' before it"


def _short(tag: str) -> str:
    return f"!!{tag[len(_Y) :]}" if tag.startswith(_Y) else tag


def _show(value: str) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:56] + "...'"
