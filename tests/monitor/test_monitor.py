"""`screening monitor`: re-screen a results database, report what moved and why."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from screening.cli import cli

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PORTFOLIO = FIXTURES / "portfolio"
NORTHWIND = """\
  - id: test-northwind
    name: Northwind Freight Company
    country: YY
    category: state_owned_enterprise
    lists: [{list: test-watch-list, since: "2026-11", basis: test fixture, source: test fixture}]
    source: test fixture (synthetic)
"""


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def screened(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A copy of the fixture pack, the cases and a results database screened with them."""
    pack, cases = tmp_path / "pack", tmp_path / "cases"
    shutil.copytree(FIXTURES / "pack", pack)
    shutil.copytree(PORTFOLIO, cases)
    shutil.copy(FIXTURES / "cases" / "port-city-concession.yaml", cases)
    db = tmp_path / "results.sqlite"
    code, _, err = invoke("batch", str(cases), "--rules", str(pack), "-j", "1", "--out", str(db))
    assert code == 0, err
    return pack, cases, db


def monitor(pack: Path, db: Path, *extra: str) -> tuple[int, str, str]:
    return invoke("monitor", str(db), "--rules", str(pack), *extra)


def test_nothing_changed_exits_0(screened: tuple[Path, Path, Path]) -> None:
    pack, _, db = screened
    code, out, _ = monitor(pack, db)
    assert code == 0
    assert "3 cases screened again, 0 changed, band rose in 0" in out
    # nothing screened with other rules or files: no run recorded (a daily cron stays small)
    assert "recorded as run" not in out
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM runs").fetchone() == (1,)


def test_a_newly_listed_party_is_reported_and_exits_1(screened: tuple[Path, Path, Path]) -> None:
    pack, _, db = screened
    with (pack / "registries" / "entities" / "test.yaml").open("a") as fh:
        fh.write(NORTHWIND)
    code, out, _ = monitor(pack, db)
    assert code == 1
    assert "northwind-depot: low 0.0 -> medium" in out and "BAND ROSE" in out
    assert "recorded as run 2" in out
    assert (
        "+ soe-party (+35.0): party 'Northwind Freight Co., Ltd.' now matches entity "
        "'test-northwind', new in the registry (listed: test-watch-list)" in out
    )
    assert "+ no-review-soe" in out and "rests on finding 'soe-party', added too" in out
    assert "port-city" not in out  # the other cases did not move
    # the new screening was recorded: the next monitoring compares with it
    code, out, _ = monitor(pack, db, "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["changed"] == 0 and data["screened"] == 3
    assert data["recorded_run"] is None


def test_json_and_markdown_carry_the_reasons(screened: tuple[Path, Path, Path]) -> None:
    pack, _, db = screened
    with (pack / "registries" / "entities" / "test.yaml").open("a") as fh:
        fh.write(NORTHWIND)
    code, out, _ = monitor(pack, db, "--format", "json", "--no-record")
    data = json.loads(out)
    assert code == 1 and data["band_rose"] is True and data["recorded_run"] is None
    (change,) = data["changes"]
    assert (change["case_id"], change["band_before"], change["band_after"]) == (
        "northwind-depot",
        "low",
        "medium",
    )
    soe = next(f for f in change["findings"] if f["rule_id"] == "soe-party")
    assert soe["change"] == "added"
    assert [r["kind"] for r in soe["reasons"]] == ["registry-added"]
    assert soe["reasons"][0]["subject"] == "entity:test-northwind"
    code, md, _ = monitor(pack, db, "--format", "markdown", "--no-record")
    assert code == 1
    assert "| `northwind-depot` | low 0.0 | medium" in md and "| **yes** |" in md


def test_rules_changed_removed_and_a_band_that_fell(screened: tuple[Path, Path, Path]) -> None:
    pack, _, db = screened
    rule = pack / "field" / "port-concession.yaml"
    rule.write_text(rule.read_text().replace("weight: 15", "weight: 16"))
    (pack / "proximity" / "near-naval-base.yaml").unlink()
    (pack / "compound" / "soe-near-naval.yaml").unlink()  # it rests on near-naval-base
    code, out, _ = monitor(pack, db, "--format", "json", "--no-record")
    data = json.loads(out)
    assert code == 0, out  # bands fell or stayed: nothing for cron
    reasons = {
        (c["case_id"], f["rule_id"]): {r["kind"] for r in f["reasons"]}
        for c in data["changes"]
        for f in c["findings"]
    }
    assert reasons[("port-city-logistics", "near-naval-base")] == {"rule-removed"}
    assert reasons[("port-city-concession", "near-naval-base")] == {"rule-removed"}
    logistics = next(c for c in data["changes"] if c["case_id"] == "port-city-logistics")
    assert logistics["score_after"] < logistics["score_before"]


def test_a_schema_3_database_is_still_read(screened: tuple[Path, Path, Path]) -> None:
    pack, _, db = screened
    with sqlite3.connect(db) as con:
        con.execute("DROP TABLE run_digests")
        con.execute("PRAGMA user_version = 3")
    with (pack / "registries" / "entities" / "test.yaml").open("a") as fh:
        fh.write(NORTHWIND)
    code, out, _ = monitor(pack, db)
    assert code == 1
    assert "which one is not known" in out  # no per-entry digests for that run
    with sqlite3.connect(db) as con:  # recording upgraded it
        assert con.execute("PRAGMA user_version").fetchone() == (4,)
        assert con.execute("SELECT count(*) FROM run_digests").fetchone()[0] > 0


def test_a_missing_case_file_is_located_and_exits_2(screened: tuple[Path, Path, Path]) -> None:
    pack, cases, db = screened
    (cases / "northwind-depot.yaml").unlink()
    code, out, err = monitor(pack, db, "--no-record")
    assert code == 2
    assert "northwind-depot.yaml: error: no such file" in err
    assert "2 cases screened again, 0 changed, band rose in 0, 1 could not be read" in out


def test_not_a_database_is_a_located_error(tmp_path: Path) -> None:
    bogus = tmp_path / "r.sqlite"
    bogus.write_text("not sqlite at all, just text " * 100)
    code, out, err = invoke("monitor", str(bogus), "--rules", str(FIXTURES / "pack"))
    assert code == 2 and out == ""
    assert "r.sqlite: error: not a results database" in err and "Traceback" not in err
