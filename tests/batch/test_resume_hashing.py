"""The parent hashes a case file for resume only when the results database holds its path."""

import shutil
from pathlib import Path

import pytest

from screening.batch import job, runner
from screening.checks import load_rule_pack
from tests.conftest import FIXTURE_PACK, FIXTURES


def test_a_new_batch_hashes_no_file_in_the_parent_and_a_rerun_skips_by_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURES / "cases", cases)
    pack = load_rule_pack(FIXTURE_PACK)
    out = tmp_path / "results.sqlite"
    hashed: list[str] = []
    real = runner.file_digest

    def counting(path: str, max_bytes: int) -> str | None:
        hashed.append(path)
        return real(path, max_bytes)

    monkeypatch.setattr(job, "file_digest", counting)
    first = job.run_batch([str(cases)], pack, 1, out)
    assert first.scored == 2 and hashed == []  # nothing in the database yet: no hashing
    second = job.run_batch([str(cases)], pack, 1, out)
    assert second.skipped == 2 and second.scored == 0 and len(hashed) == 2
    edited = sorted(cases.glob("*.yaml"))[0]
    edited.write_text(edited.read_text() + "\n# edited\n")
    third = job.run_batch([str(cases)], pack, 1, out)
    assert third.scored == 1 and third.skipped == 1  # new bytes: screened again
