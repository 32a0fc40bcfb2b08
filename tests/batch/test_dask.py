"""`screening batch --executor dask` on a real local Dask cluster (2 worker processes).

The same corpus is scored by the local process pool and by the cluster: the SQLite rows and
the JSONL lines must be the same apart from timestamps and run ids, in the same order;
resuming skips what is scored; a worker killed in the middle of a task loses no case and
duplicates none.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

distributed = pytest.importorskip("distributed")
cloudpickle = pytest.importorskip("cloudpickle")

from screening.batch.cluster import KEY_PREFIX  # noqa: E402
from screening.cli import cli  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]

# the kill plugin below is defined here: send it to the workers by value, not by import
cloudpickle.register_pickle_by_value(sys.modules[__name__])


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as c:
        yield c


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bundled cases and three bad files; paths are shown relative to the test's folder
    (the workers run in another one)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for src in sorted((ROOT / "cases").glob("*.yaml")):
        shutil.copy(src, folder / src.name)
    (folder / "zz-broken.yaml").write_text("id: b\ntitle: t\nsites: [}\n")
    (folder / "zz-schema.yaml").write_text("id: s\ntitle: t\njurisdiction: 12\n")
    (folder / "zz-empty.yaml").write_text("")
    monkeypatch.chdir(tmp_path)
    return Path("in")


def batch(*args: str) -> None:
    result = CliRunner().invoke(cli, ["batch", *args])
    assert result.exit_code == 2, result.output  # 2: the bad files and the missing path
    assert "Traceback" not in result.output


def dask_batch(cluster: Any, corpus: Path, out: Path) -> None:
    batch(str(corpus), "missing/*.yaml", "--out", str(out), "--executor", "dask",
          "--scheduler", cluster.scheduler_address)  # fmt: skip


def local_batch(corpus: Path, out: Path) -> None:
    batch(str(corpus), "missing/*.yaml", "--out", str(out), "--jobs", "2")


def _result(text: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(text)
    data.get("provenance", {}).pop("screened_at", None)
    return data


def rows(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The database's content in write order, less timestamps and run ids."""
    db = sqlite3.connect(db_path)
    cases = [
        (*row[:-1], _result(row[-1]))
        for row in db.execute(
            "SELECT path, engine_version, case_id, title, case_digest, rules_digest, score, "
            "band, risk_before_mitigation, expected_band, outcome, result "
            "FROM cases ORDER BY case_row"
        )
    ]
    findings = db.execute(
        "SELECT c.path, f.rank, f.rule_id, f.family, f.weight, f.contribution, f.counted, "
        "f.explanation, f.evidence FROM findings f JOIN cases c USING (case_row) "
        "ORDER BY c.path, f.rank"
    ).fetchall()
    errors = db.execute("SELECT path, line, column, code, message FROM errors").fetchall()
    db.close()
    return {"cases": cases, "findings": findings, "errors": errors}


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [_result(line) for line in path.read_text().splitlines()]


def test_dask_results_equal_local_in_order(cluster: Any, corpus: Path, tmp_path: Path) -> None:
    local_batch(corpus, tmp_path / "local.sqlite")
    local_batch(corpus, tmp_path / "local.jsonl")
    dask_batch(cluster, corpus, tmp_path / "dask.sqlite")
    dask_batch(cluster, corpus, tmp_path / "dask.jsonl")
    expected = rows(tmp_path / "local.sqlite")
    assert len(expected["cases"]) == len(list((ROOT / "cases").glob("*.yaml")))
    assert len(expected["errors"]) >= 4  # three bad files and the missing glob
    assert rows(tmp_path / "dask.sqlite") == expected
    assert jsonl(tmp_path / "dask.jsonl") == jsonl(tmp_path / "local.jsonl")
    run = sqlite3.connect(tmp_path / "dask.sqlite").execute("SELECT arguments FROM runs")
    assert json.loads(run.fetchone()[0])["executor"] == "dask"


def test_dask_resume_skips_scored_cases(cluster: Any, corpus: Path, tmp_path: Path) -> None:
    local_batch(corpus, tmp_path / "local.sqlite")
    out = tmp_path / "dask.sqlite"
    dask_batch(cluster, corpus, out)
    db = sqlite3.connect(out)
    total = db.execute("SELECT count(*) FROM cases").fetchone()[0]
    db.execute(
        "DELETE FROM findings WHERE case_row IN (SELECT case_row FROM cases WHERE case_row % 3 = 0)"
    )
    removed = db.execute("DELETE FROM cases WHERE case_row % 3 = 0").rowcount
    db.commit()
    dask_batch(cluster, corpus, out)
    scored, skipped = db.execute(
        "SELECT cases_scored, cases_skipped FROM runs ORDER BY run_id DESC LIMIT 1"
    ).fetchone()
    assert (scored, skipped) == (removed, total - removed)
    by_path = sorted(rows(out)["cases"], key=lambda r: r[0])
    assert by_path == sorted(rows(tmp_path / "local.sqlite")["cases"], key=lambda r: r[0])
    db.close()


class KillOnce(distributed.WorkerPlugin):  # type: ignore[misc]
    """Kills its worker process (SIGKILL, no goodbye) when the third chunk of a batch starts
    executing there, once: the marker file remembers it across the restarted worker."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def transition(self, key: Any, start: str, finish: str, **kwargs: Any) -> None:
        if finish != "executing" or not str(key).startswith(KEY_PREFIX):
            return
        if not str(key).endswith("-2"):
            return
        try:
            fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        os.kill(os.getpid(), signal.SIGKILL)


def test_worker_killed_mid_run_loses_and_duplicates_nothing(
    cluster: Any, corpus: Path, tmp_path: Path
) -> None:
    local_batch(corpus, tmp_path / "local.sqlite")
    local_batch(corpus, tmp_path / "local.jsonl")
    marker = tmp_path / "killed"
    with distributed.Client(cluster) as client:
        client.register_plugin(KillOnce(str(marker)), name="kill-once")
        try:
            dask_batch(cluster, corpus, tmp_path / "dask.sqlite")
            assert marker.exists()  # a worker did die in the middle of the run
            dask_batch(cluster, corpus, tmp_path / "dask.jsonl")  # marker set: no kill
        finally:
            client.unregister_worker_plugin("kill-once")
            client.wait_for_workers(2, timeout=30)  # the nanny restarts the killed one
    assert rows(tmp_path / "dask.sqlite") == rows(tmp_path / "local.sqlite")
    assert jsonl(tmp_path / "dask.jsonl") == jsonl(tmp_path / "local.jsonl")
