"""Shared fixtures: the synthetic fixture pack, the real pack, and screeners over them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from screening.checks import load_rule_pack
from screening.loading.rulepack import RulePack
from screening.pipeline.screen import Screener

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE_PACK = FIXTURES / "pack"
REAL_PACK = ROOT / "rules"


@pytest.fixture(scope="session")
def pack() -> RulePack:
    return load_rule_pack(FIXTURE_PACK)


@pytest.fixture(scope="session")
def screener(pack: RulePack) -> Iterator[Screener]:
    s = Screener(pack)
    yield s
    s.close()
