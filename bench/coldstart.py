"""Cold start: the wall time of whole `screening` processes, each a fresh interpreter.

Runs the installed console script (`screening`, beside this interpreter) N times per
command, one process after another, and prints the median and the minimum wall time
(time.perf_counter around `subprocess.run`) and the median CPU time (user + system, less
sensitive to a busy machine), next to `python -c pass` as the floor:

- `screening --help`
- `screening screen CASE` with the pack cache disabled (`SCREENING_NO_CACHE=1`, as
  `--no-cache`), with an empty cache (a fresh `$SCREENING_CACHE` folder for every run: each
  run builds and writes it) and with a warm cache (one folder, written once before the
  timed runs)
- `screening rules validate` (checks the whole pack: it never uses the cache)

Byte-code: the runs see compiled `.pyc` files, as an installed package has (the variable
PYTHONDONTWRITEBYTECODE is removed from the children's environment, and one untimed run
of each command writes them); `--no-pyc` keeps it, and every import is compiled again.

Run: .venv/bin/python -m bench.coldstart [--runs 10] [--case cases/<one>.yaml] [--no-pyc]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CASE = ROOT / "cases" / "ashdod-southern-port-pmec.yaml"


def entry_point() -> list[str]:
    """The console script installed beside this interpreter, else the same call through -c."""
    script = Path(sys.executable).parent / "screening"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from screening.cli import main; main()"]


def timed(
    argv: list[str], env: dict[str, str], runs: int, fresh_cache: bool
) -> tuple[list[float], list[float]]:
    """Wall times and CPU times (user + system) of the runs."""
    times, cpu = [], []
    for _ in range(runs):
        run_env = dict(env)
        folder = tempfile.mkdtemp(prefix="coldstart-") if fresh_cache else None
        if folder:
            run_env["SCREENING_CACHE"] = folder
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(argv, env=run_env, cwd=ROOT, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
        if done.returncode not in (0, 1):
            sys.exit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr.decode()}")
    return times, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--case", type=Path, default=DEFAULT_CASE)
    parser.add_argument("--no-pyc", action="store_true", help="keep PYTHONDONTWRITEBYTECODE")
    args = parser.parse_args()

    env = dict(os.environ)
    if not args.no_pyc:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("SCREENING_NO_CACHE", None)
    env.pop("SCREENING_CACHE", None)
    warm = tempfile.mkdtemp(prefix="coldstart-warm-")
    screen = [*entry_point(), "screen", str(args.case)]
    rows: list[tuple[str, list[str], dict[str, str], bool]] = [
        ("python -c pass", [sys.executable, "-c", "pass"], env, False),
        ("screening --help", [*entry_point(), "--help"], env, False),
        ("screen CASE (no cache)", screen, {**env, "SCREENING_NO_CACHE": "1"}, False),
        ("screen CASE (empty cache)", screen, env, True),
        ("screen CASE (warm cache)", screen, {**env, "SCREENING_CACHE": warm}, False),
        ("rules validate", [*entry_point(), "rules", "validate"], env, False),
    ]
    try:
        for _, argv, run_env, fresh in rows:  # untimed: .pyc files, the warm cache
            timed(argv, run_env, 1, fresh)
        pyc = "off" if args.no_pyc else "on"
        print(f"{args.runs} runs each, case {args.case.name}, .pyc {pyc}")
        print(f"{'command':<28} {'median':>8} {'min':>8} {'CPU median':>11}")
        for label, argv, run_env, fresh in rows:
            times, cpu = timed(argv, run_env, args.runs, fresh)
            wall = f"{statistics.median(times):>7.3f}s {min(times):>7.3f}s"
            print(f"{label:<28} {wall} {statistics.median(cpu):>10.3f}s")
    finally:
        shutil.rmtree(warm, ignore_errors=True)


if __name__ == "__main__":
    main()
