"""The calibration gate on the development corpus (cases/dev), run as CI runs it.

Within-one-band agreement, the blocked and divestment-ordered cases and the controls are
each gated outright, and `backtest --gate` must exit 0 on the corpus.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from screening.cli import cli

ROOT = Path(__file__).resolve().parents[1]


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


def test_no_blocked_or_divestment_ordered_case_scores_low() -> None:
    assert backtest()["stopped_scored_low"] == []


def test_the_gate_passes_on_the_development_corpus() -> None:
    args = ["backtest", str(ROOT / "cases" / "dev"), "--rules", str(ROOT / "rules"), "--gate"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
