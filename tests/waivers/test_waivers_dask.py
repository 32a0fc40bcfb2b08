"""`batch --waivers --executor dask`: cluster workers apply waivers as the local pool does."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("distributed")

from screening.cli import cli

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _waived(db: Path) -> dict[str, tuple[float, list[str], list[str]]]:
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT case_id, score, result FROM cases").fetchall()
    out = {}
    for case_id, score, result in rows:
        data = json.loads(result)
        waived = sorted(w["finding"]["rule_id"] for w in data["waived"])
        notes = sorted(n["reason"] for n in data["waiver_notes"])
        out[case_id] = (score, waived, notes)
    return out


def test_dask_workers_apply_the_waivers_like_the_local_pool(tmp_path: Path) -> None:
    common = [
        "batch",
        str(FIXTURES / "cases"),
        "--rules",
        str(FIXTURES / "pack"),
        "--jobs",
        "1",
        "--waivers",
        str(FIXTURES / "waivers" / "port-city.yaml"),
    ]
    local, dask = tmp_path / "local.sqlite", tmp_path / "dask.sqlite"
    runner = CliRunner()
    assert runner.invoke(cli, [*common, "--out", str(local)]).exit_code == 0
    result = runner.invoke(cli, [*common, "--out", str(dask), "--executor", "dask"])
    assert result.exit_code == 0, result.output
    expected = _waived(local)
    assert expected["port-city-concession"][1] == ["near-naval-base", "state-share"]
    assert _waived(dask) == expected
