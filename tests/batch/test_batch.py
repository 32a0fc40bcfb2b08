"""`screening batch`: inputs, outputs, error records, ordering and resuming."""

import csv
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from screening.batch.inputs import expand
from screening.batch.job import run_batch
from screening.batch.runner import Outcome
from screening.cli import cli
from screening.errors import Problem
from screening.loading.rulepack import RulePack
from tests.conftest import FIXTURE_PACK, FIXTURES

CASES = FIXTURES / "cases"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Six good cases (copies of the fixtures under other names) and one broken file."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        for src in sorted(CASES.glob("*.yaml")):
            text = src.read_text().replace("\nid: ", f"\nid: n{i}-", 1)
            (folder / f"{i}-{src.name}").write_text(text)
    (folder / "9-broken.yaml").write_text("id: b\ntitle: t\njurisdiction: XX\nsites: [}\n")
    return folder


def test_expand_files_folders_globs_once_each(tmp_path: Path, corpus: Path) -> None:
    items = list(
        expand(
            [
                str(corpus),
                str(corpus / "0-*.yaml"),
                str(corpus / "1-quiet.yaml"),
                str(tmp_path / "missing"),
            ]
        )
    )
    paths = [i for i in items if isinstance(i, Path)]
    problems = [i for i in items if isinstance(i, Problem)]
    assert len(paths) == 7 and len(set(paths)) == 7
    assert paths == sorted(paths)
    assert [p.message for p in problems] == ["no such file, folder or matching files"]


def test_sqlite_records_cases_findings_and_error_rows(
    tmp_path: Path, corpus: Path, pack: RulePack
) -> None:
    out = tmp_path / "r.sqlite"
    summary = run_batch([str(corpus)], pack, 1, out)
    assert (summary.scored, len(summary.errors)) == (6, 1)
    db = sqlite3.connect(out)
    assert db.execute("SELECT count(*) FROM cases").fetchone() == (6,)
    ((line, code, message),) = db.execute("SELECT line, code, message FROM errors").fetchall()
    assert line == 4 and code == "yaml" and "malformed YAML" in message
    bands = dict(db.execute("SELECT band, count(*) FROM cases GROUP BY band").fetchall())
    assert bands == {"critical": 3, "low": 3}
    rules = {r for (r,) in db.execute("SELECT DISTINCT rule_id FROM findings")}
    assert "municipal-central-confidential" in rules
    run = db.execute("SELECT status, cases_scored, errors, rules_digest FROM runs").fetchone()
    assert run == ("completed", 6, 1, pack.digest)
    result = json.loads(db.execute("SELECT result FROM cases LIMIT 1").fetchone()[0])
    assert result["provenance"]["rules_digest"] == pack.digest


def test_second_run_skips_what_is_done_and_retries_errors(
    tmp_path: Path, corpus: Path, pack: RulePack
) -> None:
    out = tmp_path / "r.sqlite"
    run_batch([str(corpus)], pack, 1, out)
    again = run_batch([str(corpus)], pack, 1, out)
    assert (again.scored, again.skipped, len(again.errors)) == (0, 6, 1)
    (corpus / "0-quiet.yaml").write_text((corpus / "0-quiet.yaml").read_text() + "\n# edited\n")
    third = run_batch([str(corpus)], pack, 1, out)
    assert (third.scored, third.skipped) == (1, 5)  # a changed file is a new case digest
    db = sqlite3.connect(out)
    assert db.execute("SELECT count(*) FROM cases").fetchone() == (7,)


def test_interrupted_run_resumes_without_loss_or_duplicates(
    tmp_path: Path, corpus: Path, pack: RulePack
) -> None:
    out = tmp_path / "r.sqlite"
    seen: list[Outcome | None] = []

    def interrupt_after_three(outcome: Outcome | None) -> None:
        seen.append(outcome)
        if sum(o is not None for o in seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch([str(corpus)], pack, 1, out, tick=interrupt_after_three)
    db = sqlite3.connect(out)
    assert db.execute("SELECT status FROM runs").fetchone() == ("interrupted",)
    kept = db.execute("SELECT count(*) FROM cases").fetchone()[0]
    assert kept == 3
    rest = run_batch([str(corpus)], pack, 1, out)
    assert (rest.skipped, rest.scored) == (3, 3)
    rows = db.execute("SELECT count(*), count(DISTINCT path) FROM cases").fetchone()
    assert rows == (6, 6)


def _jsonl_cases(path: Path) -> list[tuple[str, float]]:
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    return [(d.get("case_path") or d["path"], d.get("score", -1)) for d in lines]


def test_output_order_does_not_depend_on_jobs(tmp_path: Path, corpus: Path, pack: RulePack) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    run_batch([str(corpus)], pack, 1, one)
    run_batch([str(corpus)], pack, 2, two)
    assert _jsonl_cases(one) == _jsonl_cases(two)
    assert len(_jsonl_cases(one)) == 7


def test_csv_rows(tmp_path: Path, corpus: Path, pack: RulePack) -> None:
    out = tmp_path / "r.csv"
    run_batch([str(corpus)], pack, 1, out)
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 7
    broken = next(r for r in rows if r["path"].endswith("9-broken.yaml"))
    assert ":4:" in broken["error"] and broken["band"] == ""
    concession = next(r for r in rows if r["case_id"] == "n0-port-city-concession")
    assert (
        concession["band"] == "critical"
        and "municipal-central-confidential" in concession["top_findings"]
    )


def test_cli_batch_exit_codes_and_summary(tmp_path: Path, corpus: Path) -> None:
    runner = CliRunner()
    ok_dir = tmp_path / "ok"
    shutil.copytree(CASES, ok_dir)
    out = tmp_path / "r.sqlite"
    good = runner.invoke(
        cli, ["batch", str(ok_dir), "--rules", str(FIXTURE_PACK), "--out", str(out), "-j", "1"]
    )
    assert good.exit_code == 0, good.output
    assert "2 scored, 0 failed in" in good.stdout and "critical" in good.stdout
    bad = runner.invoke(
        cli,
        [
            "batch",
            str(corpus),
            "--rules",
            str(FIXTURE_PACK),
            "--out",
            str(tmp_path / "b.jsonl"),
            "-j",
            "1",
        ],
    )
    assert bad.exit_code == 2
    assert "9-broken.yaml:4:9: error: malformed YAML" in bad.stderr


def test_cli_batch_refuses_unknown_output_and_foreign_database(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["batch", str(CASES), "--rules", str(FIXTURE_PACK), "-j", "1", "--out"]
    unknown = runner.invoke(cli, [*args, str(tmp_path / "r.txt")])
    assert unknown.exit_code == 2 and "unknown output type '.txt'" in unknown.stderr
    not_db = tmp_path / "notes.db"
    not_db.write_text("this is not a database\n" * 100)
    foreign = runner.invoke(cli, [*args, str(not_db)])
    assert foreign.exit_code == 2 and "not a results database" in foreign.stderr
    assert not_db.read_text().startswith("this is not a database")  # nothing overwritten


def test_batch_report_writes_an_overview_and_a_dossier_per_case(
    tmp_path: Path, corpus: Path, pack: RulePack
) -> None:
    report = tmp_path / "out" / "report.html"
    report.parent.mkdir()
    run_batch([str(corpus)], pack, 2, tmp_path / "r.jsonl", report=report)
    pages = sorted(p.name for p in (tmp_path / "out" / "report-dossiers").iterdir())
    assert len(pages) == 6 and "n0-port-city-concession.html" in pages
    overview = report.read_text()
    assert 'href="report-dossiers/n0-port-city-concession.html"' in overview
    assert "9-broken.yaml:4:9" in overview  # the error is listed


def test_batch_report_heading_counts_failed_files_not_messages(
    tmp_path: Path, pack: RulePack
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.yaml").write_text((CASES / "quiet.yaml").read_text())
    (folder / "two-problems.yaml").write_text(
        (CASES / "quiet.yaml").read_text() + "colour: red\nflavour: sour\n"
    )
    report = tmp_path / "report.html"
    summary = run_batch([str(folder)], pack, 1, tmp_path / "r.jsonl", report=report)
    assert summary.failed == 1 and len(summary.errors) == 2
    heading = re.search(r"<h1>(.*?)</h1>", report.read_text()).group(1)  # type: ignore[union-attr]
    assert heading == "1 case screened, 1 file failed (2 errors)"


def test_csv_cells_cannot_run_as_formulas_and_odd_names_are_kept(
    tmp_path: Path, pack: RulePack
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = (
        (CASES / "quiet.yaml")
        .read_text()
        .replace("title: A quiet cultural exchange (synthetic)", "title: '=HYPERLINK(1) quiet'")
    )
    odd = os.fsdecode(bytes(folder) + b"/caf\xe9.yaml")
    Path(odd).write_text(text)
    out = tmp_path / "r.csv"
    run_batch([str(folder)], pack, 1, out)
    (row,) = list(csv.DictReader(out.open()))
    assert row["title"].startswith("'=HYPERLINK"), row["error"]
    assert row["path"].endswith("caf\\xe9.yaml")
    db = tmp_path / "r.sqlite"
    assert run_batch([str(folder)], pack, 1, db).scored == 1
    assert (
        sqlite3.connect(db)
        .execute("SELECT path FROM cases")
        .fetchone()[0]
        .endswith("caf\\xe9.yaml")
    )


def test_a_report_run_screens_everything_again(
    tmp_path: Path, corpus: Path, pack: RulePack
) -> None:
    db = tmp_path / "r.sqlite"
    run_batch([str(corpus)], pack, 1, db)
    again = run_batch([str(corpus)], pack, 1, db, report=tmp_path / "o.html")
    assert (again.skipped, again.scored) == (6, 0)  # written before: kept once in the database
    assert len(list((tmp_path / "o-dossiers").iterdir())) == 6


def _two_bad_files(corpus: Path) -> None:
    """A second broken file, with two problems: 2 files fail with 3 errors between them."""
    (corpus / "8-keys.yaml").write_text("id: k\ntitle: t\njurisdiction: XX\nfoo: 1\nbar: 2\n")


def test_summary_counts_files_and_says_how_many_errors(tmp_path: Path, corpus: Path) -> None:
    _two_bad_files(corpus)
    args = ["batch", str(corpus), "--rules", str(FIXTURE_PACK), "-j", "1", "--out"]
    result = CliRunner().invoke(cli, [*args, str(tmp_path / "r.jsonl")])
    assert result.exit_code == 2
    assert result.stdout.startswith("6 scored, 2 failed (3 errors) in ")
    assert result.stderr.splitlines()[-1] == "3 errors in 2 files"


def test_rerun_does_not_grow_the_errors_table(tmp_path: Path, corpus: Path, pack: RulePack) -> None:
    _two_bad_files(corpus)
    out = tmp_path / "r.sqlite"
    for _ in range(3):
        run_batch([str(corpus), str(tmp_path / "missing.yaml")], pack, 1, out)
    db = sqlite3.connect(out)
    rows = db.execute("SELECT run_id, count(*) FROM errors GROUP BY run_id").fetchall()
    assert rows == [(3, 4)]  # 3 errors in 2 files, and the missing argument: as last seen
    assert db.execute("SELECT errors FROM runs ORDER BY run_id").fetchall() == [(4,)] * 3
    (corpus / "8-keys.yaml").write_text((CASES / "quiet.yaml").read_text())  # fixed
    run_batch([str(corpus)], pack, 1, out)
    paths = {p for (p,) in db.execute("SELECT path FROM errors")}
    assert len(paths) == 2 and not any(p.endswith("8-keys.yaml") for p in paths)


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.mark.skipif(os.name != "posix", reason="a killed run is recognised by its process id")
def test_a_killed_run_is_marked_interrupted_by_the_next(
    tmp_path: Path, corpus: Path, pack: RulePack
) -> None:
    out = tmp_path / "r.sqlite"
    run_batch([str(corpus)], pack, 1, out)
    db = sqlite3.connect(out)
    host = db.execute("SELECT host FROM runs").fetchone()[0]
    with db:  # a run killed after writing its cases, and one still going in another process
        db.execute("UPDATE runs SET status = 'running', ended_at = NULL, pid = ?", (_dead_pid(),))
        db.execute(
            "INSERT INTO runs (started_at, status, engine_version, rules_digest, rules_dir, "
            "arguments, pid, host) SELECT started_at, 'running', engine_version, rules_digest, "
            "rules_dir, arguments, ?, host FROM runs",
            (os.getppid(),),
        )
    run_batch([str(corpus)], pack, 1, out)
    runs = db.execute("SELECT status, cases_scored, errors, ended_at, host FROM runs").fetchall()
    assert runs == [
        ("interrupted", 6, 1, None, host),  # what it wrote; when it stopped is not known
        ("running", 0, 0, None, host),
        ("completed", 0, 1, runs[2][3], host),
    ]


def test_a_schema_2_database_is_upgraded_and_its_stuck_runs_closed(
    tmp_path: Path, corpus: Path, pack: RulePack
) -> None:
    out = tmp_path / "r.sqlite"
    run_batch([str(corpus)], pack, 1, out)
    db = sqlite3.connect(out)
    with db:
        db.execute("DROP INDEX errors_path")
        db.execute("ALTER TABLE runs DROP COLUMN pid")
        db.execute("ALTER TABLE runs DROP COLUMN host")
        db.execute("UPDATE runs SET status = 'running'")
        for table, column in (("runs", "started_at"), ("cases", "screened_at")):  # as in 2
            db.execute(f"UPDATE {table} SET {column} = replace({column}, 'Z', '+00:00')")
    db.execute("PRAGMA user_version = 2")
    again = run_batch([str(corpus)], pack, 1, out)
    assert (again.skipped, again.scored) == (6, 0)
    assert db.execute("PRAGMA user_version").fetchone() == (4,)
    assert [s for (s,) in db.execute("SELECT status FROM runs")] == ["interrupted", "completed"]
    times = [
        t for (t,) in db.execute("SELECT started_at FROM runs UNION SELECT screened_at FROM cases")
    ]
    assert times and all(t.endswith("Z") and len(t) == 20 for t in times)


def test_control_characters_in_a_file_name_do_not_reach_the_csv(
    tmp_path: Path, pack: RulePack
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = (CASES / "quiet.yaml").read_text().replace("title: A quiet", 'title: "A \\e[31m quiet')
    text = text.replace("(synthetic)\n", '(synthetic)"\n', 1)
    (folder / "a\x1b[2Jb.yaml").write_text(text)
    (folder / "c\x1b]0;x\x07d.yaml").write_text("id: b\ntitle: t\njurisdiction: XX\nsites: [}\n")
    out = tmp_path / "r.csv"
    run_batch([str(folder)], pack, 1, out)
    raw = out.read_text(encoding="utf-8")
    assert "\x1b" not in raw and "\x07" not in raw
    rows = list(csv.DictReader(out.open()))
    assert rows[0]["path"].endswith("a\ufffd[2Jb.yaml") and rows[0]["title"].startswith("A \ufffd")
    assert rows[1]["path"].endswith("c\ufffd]0;x\ufffdd.yaml") and ":4:" in rows[1]["error"]
