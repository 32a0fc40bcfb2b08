"""The pack cache: a hit screens exactly as a cold load, any pack change is a miss, a damaged
file is rebuilt without a word to the user, and parallel writers leave a whole file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from screening import cache
from screening.cli import cli
from screening.pipeline.screen import Screener

ROOT = Path(__file__).resolve().parent.parent
REAL_PACK = ROOT / "rules"
CASES = sorted((ROOT / "cases").glob("*.yaml"))
SCREEN = ["screen", "--format", "json", "--rules", str(REAL_PACK)]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SCREENING_CACHE", str(folder))
    monkeypatch.delenv("SCREENING_NO_CACHE", raising=False)
    return folder


def _no_load(root: Path) -> Any:
    raise AssertionError(f"the pack was loaded from {root}, not from the cache")


def _results(screener: Screener) -> list[dict[str, Any]]:
    out = []
    for path in CASES:
        _, result = screener.screen_case_file(path, path.name)
        data = result.model_dump(mode="json")
        data["provenance"].pop("screened_at")
        out.append(data)
    return out


def test_a_hit_screens_every_bundled_case_as_a_cold_load(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = cache.load_screener(REAL_PACK, use_cache=False)
    assert not cache_dir.exists()  # use_cache=False neither reads nor writes
    written = cache.load_screener(REAL_PACK)  # a miss: built, then stored
    assert [p.name for p in cache_dir.iterdir()] == [cache.cache_path(REAL_PACK).name]
    monkeypatch.setattr("screening.checks.load_rule_pack", _no_load)
    hit = cache.load_screener(REAL_PACK)
    try:
        expected = _results(cold)
        assert _results(hit) == expected
        assert _results(written) == expected
        assert cache.load_pack(REAL_PACK).digest == cold.pack.digest
    finally:
        for s in (cold, written, hit):
            s.close()


def test_a_changed_rule_byte_is_a_miss(cache_dir: Path, tmp_path: Path) -> None:
    pack = tmp_path / "rules"
    shutil.copytree(REAL_PACK, pack)
    first = cache.cache_path(pack)
    cache.load_screener(pack).close()
    rule = next(p for p in sorted(pack.glob("*/*.yaml")) if "title:" in p.read_text())
    text = rule.read_text(encoding="utf-8")
    rule.write_text(text.replace("title:", "title: X", 1), encoding="utf-8")
    second = cache.cache_path(pack)
    assert second != first and not second.exists()
    screener = cache.load_screener(pack)
    try:
        loaded = next(lr for lr in screener.pack.rules if lr.path == rule)
        assert loaded.rule.title.startswith("X")
    finally:
        screener.close()
    assert first.exists() and second.exists()
    # and a new file in the pack, even one no rule uses
    (pack / "phrases" / "zz-extra.yaml").write_text("phrase_sets: []\n", encoding="utf-8")
    assert cache.cache_path(pack) not in (first, second)


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "flipped":
        i = len(data) - 100
        path.write_bytes(data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1 :])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "not-a-pickle":  # a valid header and checksum over bytes that do not unpickle
        import hashlib

        payload = b"\x80\x05garbage"
        path.write_bytes(cache.MAGIC + hashlib.sha256(payload).digest() + payload)
    else:  # another kind of object
        import hashlib
        import pickle

        payload = pickle.dumps({"format": cache.FORMAT, "pack": None})
        path.write_bytes(cache.MAGIC + hashlib.sha256(payload).digest() + payload)


@pytest.mark.parametrize("how", ["truncated", "flipped", "empty", "not-a-pickle", "wrong-state"])
def test_a_damaged_file_is_rebuilt_without_a_word(cache_dir: Path, how: str) -> None:
    case = str(ROOT / "cases" / "ashdod-southern-port-pmec.yaml")
    runner = CliRunner()
    first = runner.invoke(cli, [*SCREEN, case])
    assert first.exit_code == 0, first.output
    entry = cache.cache_path(REAL_PACK)
    assert cache.read_entry(entry) is not None
    _damage(entry, how)
    assert cache.read_entry(entry) is None or how == "wrong-state"
    again = runner.invoke(cli, [*SCREEN, case])
    assert again.exit_code == 0 and again.stderr == ""
    strip = _without_time
    assert strip(again.stdout) == strip(first.stdout)
    state = cache.read_entry(entry)
    assert state is not None and state["pack"] is not None  # written again, whole


def _without_time(text: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(text)
    data["provenance"].pop("screened_at")
    return data


def test_no_cache_neither_reads_nor_writes(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = str(ROOT / "cases" / "ashdod-southern-port-pmec.yaml")
    result = CliRunner().invoke(cli, [*SCREEN, case, "--no-cache"])
    assert result.exit_code == 0 and not cache_dir.exists()
    monkeypatch.setenv("SCREENING_NO_CACHE", "1")
    result = CliRunner().invoke(cli, [*SCREEN, case])
    assert result.exit_code == 0 and not cache_dir.exists()


def test_an_unwritable_cache_folder_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("SCREENING_CACHE", str(blocker / "cache"))
    case = str(ROOT / "cases" / "ashdod-southern-port-pmec.yaml")
    result = CliRunner().invoke(cli, [*SCREEN, case])
    assert result.exit_code == 0 and result.stderr == ""


def test_parallel_writers_leave_one_whole_file(cache_dir: Path) -> None:
    """Threads rewrite one entry while others read it: every read finds a whole entry."""
    screener = cache.load_screener(REAL_PACK, use_cache=False)
    state = cache.snapshot(screener)
    screener.close()
    assert state is not None
    path = cache.cache_path(REAL_PACK)
    assert cache.write_entry(path, state)
    seen: list[bool] = []
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for _ in range(3):
                assert cache.write_entry(path, state)
        except BaseException as exc:
            errors.append(exc)

    def read() -> None:
        for _ in range(20):
            seen.append(cache.read_entry(path) is not None)

    threads = [threading.Thread(target=write) for _ in range(4)]
    threads += [threading.Thread(target=read) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and all(seen)
    assert cache.read_entry(path) is not None
    assert [p.name for p in cache_dir.iterdir()] == [path.name]  # no temporary file left


def test_parallel_processes_share_one_entry(cache_dir: Path) -> None:
    """Cold processes started together all screen, and leave one readable entry."""
    case = str(ROOT / "cases" / "ashdod-southern-port-pmec.yaml")
    env = {**os.environ, "SCREENING_CACHE": str(cache_dir)}
    argv = [sys.executable, "-c", "from screening.cli import main; main()"]
    procs = [
        subprocess.Popen(
            [*argv, *SCREEN, case],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4
    assert all(err == b"" for _, err in outputs)
    assert len({json.dumps(_without_time(out.decode()), sort_keys=True) for out, _ in outputs}) == 1
    names = [p.name for p in cache_dir.iterdir()]
    assert names == [cache.cache_path(REAL_PACK).name]
    assert cache.read_entry(cache_dir / names[0]) is not None


def test_the_cache_folder_defaults_to_the_user_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCREENING_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere")
    if sys.platform.startswith("linux"):
        assert cache.cache_dir() == Path("/somewhere/screening")
    monkeypatch.setenv("SCREENING_CACHE", "/elsewhere")
    assert cache.cache_dir() == Path("/elsewhere")
