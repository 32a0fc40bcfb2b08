"""Fixtures of the HTML report tests: every bundled case and the hostile case, screened with
the real rule pack once per session."""

from __future__ import annotations

import pytest

from screening.checks import load_rule_pack
from screening.loading.rulepack import RulePack
from tests.conftest import REAL_PACK
from tests.report.htmlcheck import HOSTILE, REAL_CASES, Screened, screen_all


@pytest.fixture(scope="session")
def real_pack() -> RulePack:
    return load_rule_pack(REAL_PACK)


@pytest.fixture(scope="session")
def screened(real_pack: RulePack) -> dict[str, Screened]:
    """Keyed by file stem: each of cases/*.yaml, and 'hostile'."""
    return screen_all(real_pack, [*REAL_CASES, HOSTILE])
