"""Every bundled case keeps its band and score unless a change means to move it.

A failure lists each case that moved; if the move is intended, run `make golden` and
commit the rewritten file with the reason in CHANGELOG.md.
"""

from __future__ import annotations

import yaml
from golden_cases import GOLDEN, current


def test_bundled_cases_match_the_golden_file() -> None:
    expected = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))
    actual = current()
    moved = [
        f"{name}: {expected.get(name)} -> {actual.get(name)}"
        for name in sorted(set(expected) | set(actual))
        if expected.get(name) != actual.get(name)
    ]
    assert not moved, "results moved (run `make golden` if intended):\n" + "\n".join(moved)
