"""Rewrite the golden file: the band and score of every bundled case under the bundled pack.

Run on purpose (`make golden`) when a change is meant to move results; the diff of
`tests/golden/bundled_cases.yaml` then shows exactly which cases moved, for review.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from screening.checks import load_rule_pack
from screening.pipeline.screen import Screener

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).with_name("bundled_cases.yaml")


def current() -> dict[str, dict[str, object]]:
    """case file name -> {band, score, rules that fired} as the bundled pack screens it now."""
    screener = Screener(load_rule_pack(ROOT / "rules"))
    try:
        out: dict[str, dict[str, object]] = {}
        for path in sorted((ROOT / "cases").glob("*.yaml")):
            result = screener.screen_file(path, path.name)
            out[path.name] = {
                "band": result.band,
                "score": round(result.score, 1),
                "rules": sorted(f.rule_id for f in result.findings),
            }
        return out
    finally:
        screener.close()


def main() -> int:
    header = "# Written by `make golden`; tests/golden/test_golden.py reads it.\n"
    GOLDEN.write_text(header + yaml.safe_dump(current(), sort_keys=True), encoding="utf-8")
    print(f"wrote {GOLDEN.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
