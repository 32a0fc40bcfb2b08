"""Mutations of real input files: bytes, lines, YAML structure, and YAML's own features.

Every mutator takes a `random.Random`, the bytes and the `Sizes` to stay within, and returns
new bytes, so the same code serves the hypothesis tests (`st.randoms()`, shrinkable) and the
soak benchmark (a seeded `Random`, reproducible). `mutate` applies one to three mutations
drawn from every family (plus any `extra` mutators, such as the rule-file ones).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import yaml

from tests.fuzz.values import (
    FULL,
    INSERTS,
    INTERESTING_BYTES,
    UNICODE_STRINGS,
    Sizes,
    approx_size,
    dump_yaml,
    load_yaml,
    zoo_value,
)

Mutator = Callable[[random.Random, bytes, Sizes], bytes]


# ---------------------------------------------------------------- bytes


def flip_bit(r: random.Random, data: bytes, s: Sizes) -> bytes:
    if not data:
        return data
    i = r.randrange(len(data))
    return data[:i] + bytes([data[i] ^ (1 << r.randrange(8))]) + data[i + 1 :]


def set_byte(r: random.Random, data: bytes, s: Sizes) -> bytes:
    i = r.randrange(len(data) + 1)
    return data[:i] + bytes([r.choice(INTERESTING_BYTES)]) + data[i + 1 :]


def insert_bytes(r: random.Random, data: bytes, s: Sizes) -> bytes:
    i = r.randrange(len(data) + 1)
    return data[:i] + r.choice(INSERTS) + data[i:]


def delete_range(r: random.Random, data: bytes, s: Sizes) -> bytes:
    i = r.randrange(len(data) + 1)
    return data[:i] + data[i + r.randint(1, 64) :]


def truncate(r: random.Random, data: bytes, s: Sizes) -> bytes:
    return data[: r.randrange(len(data) + 1)]


def duplicate_range(r: random.Random, data: bytes, s: Sizes) -> bytes:
    i = r.randrange(len(data) + 1)
    chunk = data[i : i + r.randint(1, 200)]
    j = r.randrange(len(data) + 1)
    return data[:j] + chunk * s.times(r, (1, 2, 10), len(chunk)) + data[j:]


# ---------------------------------------------------------------- lines


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def delete_lines(r: random.Random, data: bytes, s: Sizes) -> bytes:
    lines = _lines(data)
    i = r.randrange(len(lines))
    del lines[i : i + r.choice([1, 1, 2, 5])]
    return b"\n".join(lines)


def duplicate_line(r: random.Random, data: bytes, s: Sizes) -> bytes:
    lines = _lines(data)
    i = r.randrange(len(lines))
    lines[i:i] = [lines[i]] * s.times(r, (1, 1, *s.repeats), len(lines[i]) + 1)
    return b"\n".join(lines)


def swap_lines(r: random.Random, data: bytes, s: Sizes) -> bytes:
    lines = _lines(data)
    i, j = r.randrange(len(lines)), r.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


def reindent_line(r: random.Random, data: bytes, s: Sizes) -> bytes:
    lines = _lines(data)
    i = r.randrange(len(lines))
    body = lines[i].lstrip(b" ")
    lines[i] = r.choice([b"", b" ", b"   ", b"\t", b" " * 40, b" " * 1000]) + body
    return b"\n".join(lines)


def repeat_block(r: random.Random, data: bytes, s: Sizes) -> bytes:
    """A list item or block repeated many times: a very wide list or mapping."""
    lines = _lines(data)
    starts = [i for i, line in enumerate(lines) if line.lstrip().startswith(b"- ")] or [0]
    i = r.choice(starts)
    block = lines[i : i + r.randint(1, 6)]
    lines[i:i] = block * s.times(r, s.repeats, sum(len(b) + 1 for b in block))
    return b"\n".join(lines)


# ---------------------------------------------------------------- YAML features


def _value_lines(lines: list[bytes]) -> list[int]:
    return [
        i for i, line in enumerate(lines) if b": " in line and not line.lstrip().startswith(b"#")
    ]


def inject_tag(r: random.Random, data: bytes, s: Sizes) -> bytes:
    """`key: !!bool maybe` and friends on a random `key: value` line."""
    tags = [
        b"!!bool maybe",
        b"!!int twelve",
        b"!!int 0x",
        b"!!int 99999999999999999999999999999",
        b"!!float x",
        b"!!float .nan",
        b"!!null nothing",
        b"!!timestamp 2024-13-45",
        b"!!timestamp 2024-02-29T25:61:00",
        b"!!binary ###",
        b"!!binary aGVsbG8=",
        b"!!python/object/apply:os.system [id]",
        b"!!python/name:os.system",
        b"!!set {a, b}",
        b"!!omap [a: 1]",
        b"!!pairs [a: 1]",
        b"!custom value",
        b"!<tag:example.com,2024:x> value",
        b"!!str",
        b"!!map {}",
        b"!!seq []",
        b"!!str [a, b]",
        b"!!map scalar",
        b"!!merge x",
        b"!!value x",
    ]
    lines = _lines(data)
    idx = _value_lines(lines)
    if not idx:
        return data
    i = r.choice(idx)
    key, _, _ = lines[i].partition(b": ")
    lines[i] = key + b": " + r.choice(tags)
    return b"\n".join(lines)


def inject_alias(r: random.Random, data: bytes, s: Sizes) -> bytes:
    """Undefined aliases, self-references, merge keys, and a billion laughs."""
    lines = _lines(data)
    idx = _value_lines(lines)
    choice = r.randrange(5)
    if choice == 0 or not idx:
        depth, width = r.choice([(4, 10), (9, 10), (30, 2), (5, 1000)])
        bomb = [b"l0: &l0 [" + b", ".join([b"lol"] * width) + b"]"]
        for k in range(1, depth):
            refs = b", ".join([b"*l%d" % (k - 1)] * width)
            bomb.append(b"l%d: &l%d [%s]" % (k, k, refs))
        return b"\n".join(bomb + lines)
    i = r.choice(idx)
    key, _, value = lines[i].partition(b": ")
    indent = key[: len(key) - len(key.lstrip())]
    forms = [
        key + b": *nowhere",
        key + b": &self [*self]",
        key + b": &a " + value + b"\n" + indent + b"again: *a",
        indent + b"<<: {merged: 1}\n" + lines[i],
        indent + b"*x : 1\n" + lines[i],
        indent + b"? [complex, key]\n" + indent + b": value\n" + lines[i],
        indent + b"1: one\n" + indent + b"null: two\n" + lines[i],
        lines[i] + b"\n" + lines[i],  # a duplicate key
    ]
    lines[i] = r.choice(forms)
    return b"\n".join(lines)


def deep_nest_text(r: random.Random, data: bytes, s: Sizes) -> bytes:
    """A value nested far deeper than any loader limit, in flow or block style."""
    lines = _lines(data)
    idx = _value_lines(lines)
    if not idx:
        return data
    i = r.choice(idx)
    key, _, _ = lines[i].partition(b": ")
    depth = r.choice([99, 100, 101, 1000, 100_000])
    if r.random() < 0.6:
        if r.random() < 0.5:
            lines[i] = key + b": " + b"[" * depth + b"x" + b"]" * depth
        else:
            lines[i] = key + b": " + b"{a: " * depth + b"x" + b"}" * depth
    else:
        depth = min(depth, 3000)
        base = len(key) - len(key.lstrip())
        block = [b" " * (base + 2 * (k + 1)) + b"k:" for k in range(depth)]
        lines[i] = key + b":\n" + b"\n".join(block) + b" x"
    return b"\n".join(lines)


def add_documents(r: random.Random, data: bytes, s: Sizes) -> bytes:
    return r.choice(
        [
            data + b"\n---\n" + data,
            b"---\n" + data + b"\n...\n",
            b"%YAML 1.2\n%TAG ! tag:example.com,2024:\n---\n" + data,
            b"%YAML 9.9\n---\n" + data,
            b"",
            b"---\n",
            b"~\n",
            b"- a list\n- not a mapping\n",
            b"just a scalar\n",
        ]
    )


# ---------------------------------------------------------------- structure


#: Paths collected from one tree at most (a list of 20,000 items has as many).
MAX_PATHS = 5000


def _paths(tree: Any) -> list[tuple[Any, ...]]:
    """Paths to nodes of a tree, depth first; a list or mapping shared by aliases (a
    "billion laughs" parsed by PyYAML) is entered once, and at most `MAX_PATHS` are kept."""
    out: list[tuple[Any, ...]] = []
    seen: set[int] = set()
    todo: list[tuple[Any, tuple[Any, ...]]] = [(tree, ())]
    while todo and len(out) < MAX_PATHS:
        node, path = todo.pop()
        out.append(path)
        if isinstance(node, dict | list) and id(node) not in seen:
            seen.add(id(node))
            items = node.items() if isinstance(node, dict) else enumerate(node)
            todo.extend((v, (*path, k)) for k, v in items)
    return out


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        node = node[p]
    return node


def _set(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    _get(node, path[:-1])[path[-1]] = value
    return node


def _nest(r: random.Random, value: Any, depth: int) -> Any:
    for _ in range(depth):
        value = [value] if r.random() < 0.5 else {"k": value}
    return value


def _tree_edit(r: random.Random, tree: Any, donors: list[Any], s: Sizes) -> Any:
    paths = _paths(tree)
    path = r.choice(paths)
    op = r.randrange(9)
    if op == 0:  # another type
        return _set(tree, path, zoo_value(r, s))
    if op == 1 and path:  # delete
        parent = _get(tree, path[:-1])
        del parent[path[-1]]
        return tree
    if op == 2:  # deep nesting
        depth = r.choice([10, 60, 120])  # deeper: `deep_nest_text` (the dumper recurses)
        return _set(tree, path, _nest(r, _get(tree, path), depth))
    if op == 3:  # an unknown or misspelt key
        target = _get(tree, path)
        if isinstance(target, dict):
            keys = list(target) or ["x"]
            key = str(r.choice(keys))
            typo = r.choice(
                [key[:-1], key + "s", key.upper(), " " + key, "unknown_key", "\u0430id"]
            )
            target[typo] = target.get(key)
        return tree
    if op == 4:  # a subtree from elsewhere (this file or another)
        donor = r.choice([tree, *donors])
        return _set(tree, path, _get(donor, r.choice(_paths(donor))))
    if op == 5:  # a long list or mapping
        target = _get(tree, path)
        if isinstance(target, list) and target:
            target.extend([target[0]] * s.times(r, s.wide, approx_size(target[0], s.max_bytes)))
        elif isinstance(target, dict):
            target.update({f"key{i}": i for i in range(r.choice(s.wide))})
        return tree
    if op == 6:  # a number at its edges
        target = _get(tree, path)
        if isinstance(target, int | float) and not isinstance(target, bool):
            edge = r.choice([0, -target, target * 1e6, 100.0000001, -0.0, 1e-300, 2**53 + 1])
            return _set(tree, path, edge)
        return _set(tree, path, r.choice(UNICODE_STRINGS))
    if op == 7:  # text with hostile characters
        target = _get(tree, path)
        if isinstance(target, str):
            return _set(tree, path, target + r.choice(UNICODE_STRINGS))
        return tree
    # swap two subtrees
    other = r.choice(paths)
    a, b = _get(tree, path), _get(tree, other)
    if not path or not other or path[: len(other)] == other or other[: len(path)] == path:
        return tree
    _set(tree, path, b)
    return _set(tree, other, a)


def structure(r: random.Random, data: bytes, s: Sizes, donors: list[Any] | None = None) -> bytes:
    """Parse, edit the tree one to three times, write it back (comments are lost)."""
    try:
        tree = load_yaml(data)
    except Exception:  # an earlier mutation broke it (bad date, bytes, YAML): leave it
        return data
    try:
        for _ in range(r.randint(1, 3)):
            tree = _tree_edit(r, tree, donors or [], s)
        return dump_yaml(tree, r)
    except (yaml.YAMLError, RecursionError, ValueError, OverflowError):
        return data


BYTE_MUTATORS: list[Mutator] = [
    flip_bit,
    set_byte,
    insert_bytes,
    delete_range,
    truncate,
    duplicate_range,
]
LINE_MUTATORS: list[Mutator] = [
    delete_lines,
    duplicate_line,
    swap_lines,
    reindent_line,
    repeat_block,
]
YAML_MUTATORS: list[Mutator] = [inject_tag, inject_alias, deep_nest_text, add_documents]
FAMILIES = {"bytes": BYTE_MUTATORS, "lines": LINE_MUTATORS, "yaml": YAML_MUTATORS}
#: Files larger than this get no structure mutation.
STRUCTURE_MAX_BYTES = 256 * 1024


def mutate(
    r: random.Random,
    data: bytes,
    donors: list[Any] | None = None,
    extra: list[Mutator] | None = None,
    sizes: Sizes = FULL,
) -> tuple[bytes, str]:
    """One to three mutations; returns the bytes and the names of the mutations applied."""
    done: list[str] = []
    for _ in range(r.choice([1, 1, 1, 2, 3])):
        family = r.choice(["bytes", "lines", "yaml", "structure", "structure"])
        if family == "structure" and len(data) > STRUCTURE_MAX_BYTES:
            family = "lines"  # parsing and writing back a huge tree costs seconds
        if extra and r.random() < 0.3:
            fn = r.choice(extra)
            data = fn(r, data, sizes)
            done.append(fn.__name__)
        elif family == "structure":
            data = structure(r, data, sizes, donors)
            done.append("structure")
        else:
            fn = r.choice(FAMILIES[family])
            data = fn(r, data, sizes)
            done.append(fn.__name__)
        data = data[: sizes.max_bytes]
    return data, "+".join(done)
