"""Rule packs that grow: screen synthetic cases through packs of N cloned rules.

Each pack is the bundled pack with its rules cloned under new ids (`<id>-c<k>`; a clone's
`finding` conditions name the same clone's rules, so compound rules are cloned with their
inputs) until it holds N YAML rules. Sizes 172, 215 and 430 are where one durable-rules
ruleset used to fail (error 303), abort (`free(): invalid size`) and hang. Every pack is
loaded and screened in a child process with a timeout, through the real pipeline (`batch`
with two workers, results written as CSV), so a crash or a hang is counted instead of
stopping the benchmark. The largest pack screens `--cases` synthetic cases (10,000), the
others the first `--cases-small` of them (4,000), to keep the run near ten minutes on two
cores; `--cases-small 10000` screens all of them everywhere.

Run: .venv/bin/python -m bench.packsize [--sizes 172 215 430 1000] [--cases N] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from bench.generate import generate

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ("scoring.yaml", "matching.yaml", "vocabulary.yaml", "phrases", "registries")


def _rename_findings(node: Any, ids: set[str], suffix: str) -> Any:
    """The condition tree with every `finding: <id>` of the pack pointing at the clone."""
    if isinstance(node, dict):
        return {
            k: (v + suffix if k == "finding" and v in ids else _rename_findings(v, ids, suffix))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rename_findings(x, ids, suffix) for x in node]
    return node


def _findings(node: Any) -> set[str]:
    if isinstance(node, dict):
        return {v for k, v in node.items() if k == "finding"} | {
            x for v in node.values() for x in _findings(v)
        }
    if isinstance(node, list):
        return {x for v in node for x in _findings(v)}
    return set()


def _depths(deps: dict[str, set[str]]) -> dict[str, int]:
    memo: dict[str, int] = {}

    def depth(rid: str) -> int:
        if rid not in memo:
            memo[rid] = 0
            memo[rid] = max((depth(d) + 1 for d in deps[rid]), default=0)
        return memo[rid]

    return {rid: depth(rid) for rid in deps}


def clone_pack(src: Path, dst: Path, n: int) -> Path:
    """A pack of `n` YAML rules at `dst`: the rules of `src`, then clone 1 of each, clone 2…

    Examples are dropped (they name case files relative to `src`); all else is kept.
    """
    dst.mkdir(parents=True, exist_ok=True)
    for name in SETTINGS:
        if (src / name).is_dir():
            shutil.copytree(src / name, dst / name, dirs_exist_ok=True)
        else:
            shutil.copy2(src / name, dst / name)
    files = sorted(p for p in src.glob("*/*.yaml") if p.parent.name not in SETTINGS)
    rules = [(p.parent.name, yaml.safe_load(p.read_text(encoding="utf-8"))) for p in files]
    ids = {r["id"] for _, r in rules}
    level = _depths({r["id"]: _findings(r["when"]) & ids for _, r in rules})
    rules.sort(key=lambda fr: level[fr[1]["id"]])  # a partial copy holds what its rules test
    made = 0
    copy = 0
    while made < n:
        suffix = f"-c{copy}" if copy else ""
        for family, rule in rules[: n - made]:
            out = dict(
                rule, id=rule["id"] + suffix, when=_rename_findings(rule["when"], ids, suffix)
            )
            out.pop("examples", None)
            (dst / family).mkdir(exist_ok=True)
            text = yaml.safe_dump(out, sort_keys=False, allow_unicode=True, width=100)
            (dst / family / f"{out['id']}.yaml").write_text(text, encoding="utf-8")
        made += min(len(rules), n - made)
        copy += 1
    return dst


def child(pack_dir: Path, corpus: Path, jobs: int) -> None:
    """Load, register and screen; print one JSON line (runs in the child process)."""
    from screening.batch.job import run_batch
    from screening.checks import load_rule_pack
    from screening.pipeline.engine import Matcher

    pack = load_rule_pack(pack_dir)
    start = time.perf_counter()
    matcher = Matcher(pack.active_rules)
    registration = time.perf_counter() - start
    engine_rules = sum(len(s.names) for s in matcher.shards)
    rulesets = len(matcher.shards)
    matcher.close()
    with tempfile.TemporaryDirectory() as tmp:
        summary = run_batch([str(corpus)], pack, jobs, Path(tmp) / "results.csv")
    row = {
        "rules": len(pack.active_rules),
        "engine_rules": engine_rules,
        "rulesets": rulesets,
        "registration_s": registration,
        "cases": summary.scored,
        "seconds": summary.seconds,
        "errors": len(summary.errors),
        "first_error": summary.errors[0].message if summary.errors else "",
    }
    print(json.dumps(row), flush=True)


def measure(pack_dir: Path, corpus: Path, jobs: int, timeout: float) -> dict[str, Any]:
    """The child's figures, or a crash or hang when it dies or runs out of time.

    The child runs in its own process group, so a hang takes its batch workers down with it.
    """
    cmd = [sys.executable, "-m", "bench.packsize", "--child", str(pack_dir), str(corpus)]
    with subprocess.Popen(
        [*cmd, "--jobs", str(jobs)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as p:
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
            return {"failure": f"hang (no result after {timeout:.0f} s)"}
    rows = [line for line in out.splitlines() if line.startswith("{")]
    if p.returncode != 0 or not rows:
        tail = (err.strip().splitlines() or ["no output"])[-1]
        return {"failure": f"crash (exit {p.returncode}: {tail})"}
    return dict(json.loads(rows[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[172, 215, 430, 1000])
    parser.add_argument("--cases", type=int, default=10_000, help="for the largest pack")
    parser.add_argument("--cases-small", type=int, default=4_000, help="for the other packs")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=900, help="seconds per pack")
    parser.add_argument("--quick", action="store_true", help="packs of 172 and 430, 500 cases")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    ns = parser.parse_args()
    if ns.child:
        child(ns.child[0], ns.child[1], ns.jobs)
        return 0
    sizes, cases, small = (
        ([172, 430], 500, 500) if ns.quick else (ns.sizes, ns.cases, ns.cases_small)
    )
    small = min(small, cases)
    failed = 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        first, rest = corpus / "first", corpus / "rest"
        first.mkdir(parents=True)
        rest.mkdir()
        for i, path in enumerate(generate(corpus / "generated", cases, seed=1)):
            path.rename((first if i < small else rest) / path.name)
        print(
            f"synthetic cases: {cases} for the largest pack, the first {small} for the others; "
            f"{ns.jobs} jobs; timeout {ns.timeout:.0f} s per pack"
        )
        print(
            f"{'rules':>6} {'engine':>7} {'rulesets':>8} {'register':>9} {'cases':>6} "
            f"{'cases/s':>8} {'errors':>6}  crashes/hangs"
        )
        for n in sizes:
            pack_dir = clone_pack(ROOT / "rules", Path(tmp) / f"pack-{n}", n)
            part = corpus if n == max(sizes) else corpus / "first"
            expected = cases if n == max(sizes) else small
            r = measure(pack_dir, part, ns.jobs, ns.timeout)
            if "failure" in r:
                failed += 1
                print(f"{n:>6} {'':>7} {'':>8} {'':>9} {'':>6} {'':>8} {'':>6}  {r['failure']}")
                continue
            failed += r["errors"] > 0 or r["cases"] != expected
            rate = r["cases"] / r["seconds"] if r["seconds"] else 0.0
            print(
                f"{r['rules']:>6} {r['engine_rules']:>7} {r['rulesets']:>8} "
                f"{r['registration_s'] * 1000:>7.0f}ms {r['cases']:>6} {rate:>8.0f} "
                f"{r['errors']:>6}  0{'  first error: ' + r['first_error'] if r['errors'] else ''}",
                flush=True,
            )
    print(f"total {time.perf_counter() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
