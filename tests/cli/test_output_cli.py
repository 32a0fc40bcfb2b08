"""What a new user sees: incomplete results said so, full-width output off a terminal, a
closed pipe ending quietly, nothing but results on standard output."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from screening.cli import cli
from tests.conftest import FIXTURE_PACK, FIXTURES, REAL_PACK, ROOT

RULES = ["--rules", str(FIXTURE_PACK)]
QUIET = FIXTURES / "cases" / "quiet.yaml"
LONG_TITLE = "A quiet cultural exchange, with a title far longer than any terminal is wide " * 2


@pytest.fixture(autouse=True)
def _no_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _case(tmp_path: Path, name: str, title: str, sites: str = "") -> Path:
    text = QUIET.read_text(encoding="utf-8").replace(
        "title: A quiet cultural exchange (synthetic)", f"title: {title.strip()}"
    )
    path = tmp_path / name
    path.write_text(text + sites, encoding="utf-8")
    return path


def test_unmeasured_sites_make_the_band_line_say_incomplete(tmp_path: Path) -> None:
    sites = "sites:\n  - {name: Depot, place: Atlantis}\n  - {name: Office, place: Shanghai}\n"
    case = _case(tmp_path, "c.yaml", "Unplaced", sites).read_text().replace("XX", "IL")
    (tmp_path / "c.yaml").write_text(case)
    code, out, _ = invoke("screen", str(tmp_path / "c.yaml"), "--rules", str(REAL_PACK))
    assert code == 0
    band = next(line for line in out.splitlines() if "/ 100" in line)
    assert "LOW, INCOMPLETE (not measured: distances to strategic facilities from sites " in band
    assert "'Depot', 'Office'" in band
    assert "place 'Atlantis' is not in the gazetteer" in out  # the notices say why
    assert "placed only at city level" in out


def test_every_format_says_what_went_unmeasured(tmp_path: Path) -> None:
    sites = "sites:\n  - {name: Depot, place: Atlantis}\n  - {name: Office, place: Shanghai}\n"
    case = _case(tmp_path, "c.yaml", "Unplaced", sites)
    case.write_text(case.read_text().replace("XX", "IL"))
    code, out, _ = invoke("screen", str(case), "--rules", str(REAL_PACK), "--format", "json")
    assert code == 0
    assert json.loads(out)["unmeasured"] == [
        {"what": "proximity", "site": "Depot", "reason": "its place is not in the gazetteer"},
        {
            "what": "proximity",
            "site": "Office",
            "reason": "it is placed only at city or district level",
        },
    ]
    md = invoke("screen", str(case), "--rules", str(REAL_PACK), "--format", "markdown")[1]
    assert "**INCOMPLETE:** not measured: distances to strategic facilities from sites " in md
    html = invoke("screen", str(case), "--rules", str(REAL_PACK), "--format", "html")[1]
    assert 'id="incomplete"' in html and "‘Depot’ (its place is not in the gazetteer)" in html
    measured = FIXTURES / "cases" / "port-city-concession.yaml"
    assert (
        json.loads(invoke("screen", str(measured), *RULES, "--format", "json")[1])["unmeasured"]
        == []
    )
    assert 'id="incomplete"' not in invoke("screen", str(measured), *RULES, "--format", "html")[1]


def test_a_measured_case_is_not_called_incomplete() -> None:
    code, out, _ = invoke("screen", str(FIXTURES / "cases" / "port-city-concession.yaml"), *RULES)
    assert code == 0 and "INCOMPLETE" not in out


def test_output_off_a_terminal_is_not_cut_to_80_columns(tmp_path: Path) -> None:
    case = _case(tmp_path, "long.yaml", LONG_TITLE)
    code, out, _ = invoke("screen", str(case), *RULES)
    assert code == 0
    assert LONG_TITLE.strip() in out  # the panel title is whole, on one line
    notice = next(line for line in out.splitlines() if line.startswith("notice:"))
    assert notice.endswith("a match needs 85)")  # a notice is one line, not wrapped
    written = tmp_path / "report.txt"
    assert invoke("screen", str(case), *RULES, "--out", str(written))[0] == 0
    assert LONG_TITLE.strip() in written.read_text(encoding="utf-8")
    finding = FIXTURES / "cases" / "port-city-concession.yaml"
    for text in (out, invoke("screen", str(finding), *RULES)[1], written.read_text()):
        assert [line for line in text.splitlines() if line.endswith(" ")] == []  # no padding


def test_rules_list_keeps_every_column_off_a_terminal() -> None:
    code, out, _ = invoke("rules", "list", "--rules", str(REAL_PACK))
    assert code == 0
    header = out.splitlines()[0].split()
    assert header == ["rule", "family", "weight", "status", "examples", "title"]
    assert not any(line.endswith(" ") for line in out.splitlines())
    assert "University with military links is a party" in out


@pytest.mark.parametrize(
    "args",
    [
        ["screen", *(str(p) for p in sorted((ROOT / "cases").glob("*.yaml"))[:6])],
        ["screen", str(QUIET), "--format", "json", *RULES],
        ["rules", "list"],
        ["--help"],
    ],
    ids=["text", "json", "table", "help"],
)
def test_a_closed_pipe_ends_quietly_with_status_0(args: list[str]) -> None:
    """`screening … | head -1`: the reader is gone before the command writes."""
    child = subprocess.Popen(
        [sys.executable, "-c", "from screening.cli import main; main()", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    err = child.stderr.read().decode()
    assert child.wait(timeout=120) == 0, err
    assert err == ""


def test_one_missing_case_prints_nothing_on_stdout_in_any_format(tmp_path: Path) -> None:
    for fmt in ("json", "markdown", "text", "html"):
        code, out, err = invoke("screen", "nope.yaml", *RULES, "--format", fmt)
        assert (code, out) == (2, ""), fmt
        assert err.strip() == "nope.yaml: error: no such file [io]"
    written = tmp_path / "r.json"
    assert invoke("screen", "nope.yaml", *RULES, "--format", "json", "--out", str(written))[0] == 2
    assert not written.exists()


def test_several_cases_in_json_are_the_list_of_those_screened() -> None:
    code, out, err = invoke("screen", "nope.yaml", str(QUIET), *RULES, "--format", "json")
    assert code == 2 and [r["case_id"] for r in json.loads(out)] == ["quiet"]
    assert "nope.yaml: error: no such file [io]" in err
    code, out, _ = invoke("screen", "nope.yaml", "nada.yaml", *RULES, "--format", "json")
    assert code == 2 and json.loads(out) == []


def test_timestamps_are_written_one_way_in_every_format(tmp_path: Path) -> None:
    stamp = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d)")
    seen: dict[str, list[str]] = {}
    for fmt in ("text", "markdown", "json", "html"):
        code, out, _ = invoke("screen", str(QUIET), *RULES, "--format", fmt)
        assert code == 0
        seen[fmt] = stamp.findall(out)
    db = tmp_path / "r.sqlite"
    assert invoke("batch", str(QUIET), *RULES, "-j", "1", "--out", str(db))[0] == 0
    with sqlite3.connect(db) as con:
        seen["sqlite"] = [
            t
            for row in con.execute(
                "SELECT r.started_at, r.ended_at, c.screened_at, c.result "
                "FROM runs r JOIN cases c USING (run_id)"
            )
            for t in stamp.findall(" ".join(row))
        ]
    assert all(seen.values()), seen
    assert all(t.endswith("Z") for stamps in seen.values() for t in stamps), seen
