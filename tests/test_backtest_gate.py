"""The calibration gate on the development corpus (cases/dev), run as CI runs it.

Within-one-band agreement and the controls are gated outright. One blocked case still
scores low; it is a known gap (see README "Backtesting and calibration"), listed here so
that any *other* blocked case scoring low fails at once, and the strict xfail turns into a
failure the day the gap closes, so that the list is shrunk.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from screening.cli import cli

ROOT = Path(__file__).resolve().parents[1]

#: Blocked cases the model does not yet reach, and why (closing one means removing it).
KNOWN_LOW = {
    # an allied private buyer blocked on industrial-policy grounds; CFIUS itself found no
    # consensus. Official texts reach steel only as a core industry of the US Critical
    # Manufacturing Sector (foreign-control-of-critical-manufacturing, a moderate 20), which
    # alone stays low; nothing in them makes an allied buyer of it a medium risk
    "us-2025-nippon-steel-us-steel-block",
}


@cache
def backtest() -> dict[str, Any]:
    result = CliRunner().invoke(
        cli,
        [
            "backtest",
            str(ROOT / "cases" / "dev"),
            "--rules",
            str(ROOT / "rules"),
            "--format",
            "json",
        ],
    )
    assert result.exit_code in (0, 1), result.output
    data: dict[str, Any] = json.loads(result.stdout)
    assert data["errors"] == [] and data["cases"] >= 60
    return data


def test_within_one_band_agreement_is_at_least_90_percent() -> None:
    assert backtest()["within_one_band"] >= 0.90


def test_at_most_a_tenth_of_the_controls_score_above_medium() -> None:
    data = backtest()
    assert data["controls"] >= 20
    assert len(data["controls_above_medium"]) <= 0.10 * data["controls"]


def test_no_blocked_case_scores_low_beyond_the_known_gaps() -> None:
    low = set(backtest()["stopped_scored_low"])
    assert low <= KNOWN_LOW, f"newly scored low: {sorted(low - KNOWN_LOW)}"


@pytest.mark.xfail(strict=True, reason="a known gap: KNOWN_LOW")
def test_no_blocked_or_divestment_ordered_case_scores_low() -> None:
    assert backtest()["stopped_scored_low"] == []
