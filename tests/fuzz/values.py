"""Hostile values for mutations: odd bytes, odd text, a value of every type, and size limits.

`Sizes` bounds how large mutations make a file. `FULL` reaches the loaders' 8 MB cap (the
soak benchmark, `make fuzz`); `SMALL` keeps inputs under a few hundred KB so that the test
suite's few hundred examples finish in seconds (large inputs are covered there by the
replayed crashers and by the soak).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

import yaml


@dataclass(frozen=True)
class Sizes:
    repeats: tuple[int, ...]  # how often a line or block is repeated
    text: tuple[int, ...]  # lengths of generated strings
    wide: tuple[int, ...]  # items added to a list or mapping
    max_bytes: int  # no mutant grows past this (repetitions are cut to fit)

    def times(self, r: random.Random, choices: tuple[int, ...], unit: int) -> int:
        """A repetition count from `choices`, cut so `unit` bytes repeated stay in bounds."""
        return max(1, min(r.choice(choices), self.max_bytes // max(1, unit)))


#: Just over the loaders' 8 MB cap, so that the cap itself is tested.
FULL = Sizes(
    repeats=(3, 50, 2000, 20_000),
    text=(256, 4096, 70_000, 1_000_000),
    wide=(100, 5000),
    max_bytes=9 * 1024 * 1024,
)
SMALL = Sizes(repeats=(3, 50, 200), text=(256, 4096, 70_000), wide=(100, 500), max_bytes=512 * 1024)

#: Bytes that mean something to YAML, to UTF-8 or to a terminal.
INTERESTING_BYTES = b"\x00\x09\x0a\x0d\x1b\x7f\x80\xc0\xfe\xff\"':-#&*!|>{}[]%@`,?~\\"
#: Byte strings that are not (or not ordinary) UTF-8 or YAML.
INSERTS = [
    b"\xef\xbb\xbf",  # BOM
    b"\x00",
    b"\xc0\xaf",  # overlong '/'
    b"\xed\xa0\x80",  # a UTF-16 surrogate
    b"\xf4\x90\x80\x80",  # beyond U+10FFFF
    b"\xe2\x80\xa8",  # line separator
    b"\xe2\x80\xae",  # right-to-left override
    b"\r",
    b"\r\n",
    b"\t",
    b"\n---\n",
    b"\n...\n",
    b"%YAML 1.1\n---\n",
    b"\x1b[31m",
    b" #",
    b": ",
    b"- ",
    b"&a ",
    b"*a ",
    b"!!str ",
    b"? ",
]

#: Strings that stress normalisation, width, case folding and escaping.
UNICODE_STRINGS = [
    "\u202eevil\u202c",  # right-to-left override
    "a\u0301" * 50,  # combining marks
    "\u200b\u200c\u200d\ufeff",  # zero-width characters
    "\ufdfa" * 20,  # one character, 18 after NFKC
    "\ufb03" * 100,  # ffi ligature
    "ß" * 100,  # casefolds to 'ss'
    "İ" * 100,  # lowercases to two code points
    "\U0001f600\U0001f3f3\ufe0f\u200d\U0001f308",  # emoji, ZWJ sequence
    "ממשלת ישראל חתמה על הסכם",
    "一带一路 合作 谅解备忘录",
    "\x01\x02\x03\x07\x08\x0b\x0c\x1f\x7f\x85",  # control characters
    "\ud7ff\ue000\uffff\U0010ffff",
    "%s%d{0}{x}${HOME}$(id)`id`",
    "<script>alert(1)</script>&amp;",
    "line one\nline two\r\nline three",
    "\t leading and trailing \t",
]

_NUMBERS: list[Any] = [2**31, 2**63, -(2**63) - 1, 2**64, 10**400]
_FLOATS = [1e308, -1e308, 5e-324, float("inf"), float("-inf"), float("nan"), -0.0]
_LOOKALIKES = ["", " ", "0", "yes", "no", "null", "~", "1e400", "0x1F", "2024-02-30"]
_DATES = [dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.datetime(2024, 2, 29, 23, 59)]


def zoo_value(r: random.Random, sizes: Sizes) -> Any:
    """A value of any type, to put where another was expected."""
    kind = r.randrange(16)
    simple: list[Any] = [None, True, False, 0, -1, [], {}, [None], {"": None}]
    if kind < len(simple):
        return simple[kind]
    if kind == 9:
        return r.choice(_NUMBERS)
    if kind == 10:
        return r.choice(_FLOATS)
    if kind == 11:
        return r.choice(_LOOKALIKES)
    if kind == 12:
        return r.choice(UNICODE_STRINGS)
    if kind == 13:
        return r.choice(_DATES)
    if kind == 14:
        return "x" * r.choice(sizes.text)
    return "word " * (r.choice(sizes.text) // 5)


def approx_size(node: Any, limit: int) -> int:
    """Roughly how many bytes a tree takes as YAML; counting stops past `limit`."""
    total, todo = 0, [node]
    while todo and total <= limit:
        item = todo.pop()
        if isinstance(item, dict):
            todo.extend(item.keys())
            todo.extend(item.values())
            total += 2 * len(item)
        elif isinstance(item, list):
            todo.extend(item)
            total += 2 * len(item)
        else:
            total += len(str(item)) + 2
    return total


#: libyaml's loader and dumper: mutating megabyte files with the pure-Python ones is slow.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def load_yaml(data: bytes) -> Any:
    return yaml.load(data.decode("utf-8"), Loader=_LOADER)


def dump_yaml(tree: Any, r: random.Random) -> bytes:
    """A tree as YAML, in a randomly chosen style."""
    text = yaml.dump(
        tree,
        Dumper=_DUMPER,
        allow_unicode=r.random() < 0.8,
        sort_keys=False,
        default_flow_style=r.choice([False, False, None, True]),
        width=r.choice([80, 10_000]),
    )
    return text.encode("utf-8", "surrogatepass")
