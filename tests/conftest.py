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


@pytest.fixture(scope="session", autouse=True)
def _pack_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The pack cache of `screening screen` in a folder of this run, never the user's own."""
    import os

    saved = os.environ.get("SCREENING_CACHE")
    os.environ["SCREENING_CACHE"] = str(tmp_path_factory.mktemp("pack-cache"))
    yield
    if saved is None:
        os.environ.pop("SCREENING_CACHE", None)
    else:
        os.environ["SCREENING_CACHE"] = saved


@pytest.fixture(scope="session")
def pack() -> RulePack:
    return load_rule_pack(FIXTURE_PACK)


@pytest.fixture(scope="session")
def screener(pack: RulePack) -> Iterator[Screener]:
    s = Screener(pack)
    yield s
    s.close()
