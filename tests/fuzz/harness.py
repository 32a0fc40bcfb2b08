"""Run inputs through a worker process and judge each outcome against the fuzzing targets.

Targets, for every input: a result or located errors (`file:line` in every message), never an
internal error or a traceback; within a time bound; within a memory bound. A worker that
dies (segfault, abort) or overruns the time bound is replaced, and the input is a failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
REAL_PACK = ROOT / "rules"
FIXTURE_PACK = ROOT / "tests" / "fixtures" / "pack"

#: Time bounds in CPU seconds of the worker, so that other load on the machine does not make
#: them flaky; the usual cost is far below (a case: ~15 ms; validating the fixture pack:
#: ~0.3 s, the bundled pack: ~1 s). A worker silent for `HANG_FACTOR` times the bound in
#: wall-clock time is killed: a hang.
CASE_SECONDS = 5.0
RULES_SECONDS = 30.0
HANG_FACTOR = 6
#: How much one input may raise a worker's peak resident memory.
MAX_RISE_MB = 256
#: The same problem line printed more often than this is a flood (one per occurrence of a
#: repeated mistake, say), not a report.
MAX_REPEATS = 3
#: Problems about a file as a whole (it is missing, unreadable or too large) need no line;
#: anything about its content does (a byte that is not UTF-8 is on a line too).
FILE_LEVEL_CODES = frozenset({"io", "io-size"})
FILE_LEVEL_MESSAGE = re.compile(
    r"^(no such|cannot read|is a directory|not a regular file|file is|\d+ bytes)"
)
STARTUP_SECONDS = 120.0

_LOCATED = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?:error|warning): ")
_UNLOCATED = re.compile(
    r"^(?P<path>.+?): (?:error|warning): (?:[a-z0-9_.-]+: )?"  # the subject (a rule id), if any
    r"(?P<message>.*) \[(?P<code>[a-z0-9-]+)\]$"
)
_SUMMARY = re.compile(r"^(\d+ errors?(, \d+ warnings?)?|\d+ warnings?) in \d+ files?\b")


@dataclass
class Verdict:
    """What became of one input: its status and, when it misses a target, why."""

    status: str  # scored | rejected | internal | unlocated | flood | slow | hang | crash | memory
    seconds: float
    detail: str = ""
    reply: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status in ("scored", "rejected")


class WorkerDied(Exception):
    pass


class Worker:
    """One worker process; `run` sends a request and judges the reply."""

    def __init__(self, preload: tuple[Path, ...] = (REAL_PACK,)) -> None:
        self.preload = preload
        self.proc: subprocess.Popen[bytes] | None = None
        self.peak_kb = 0
        self.requests = 0
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the worker
        self._buf = bytearray()

    def start(self) -> None:
        self._stderr.seek(0)
        self._stderr.truncate()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0", "COLUMNS": ""}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.fuzz.worker", *map(str, self.preload)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=ROOT,
            env=env,
        )
        self._buf = bytearray()
        ready = self._read_line(STARTUP_SECONDS)
        if ready is None or not json.loads(ready).get("ready"):
            err = self.stderr_tail()
            self.stop()
            raise WorkerDied(f"the fuzzing worker did not start: {err}")
        self.requests = 0
        self.peak_kb = 0

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        with contextlib.suppress(OSError):
            if proc.stdin:
                proc.stdin.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()

    def close(self) -> None:
        self.stop()
        self._stderr.close()

    def __enter__(self) -> Worker:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def stderr_tail(self, n: int = 1500) -> str:
        self._stderr.flush()
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")[-n:]

    def _read_line(self, timeout: float) -> bytes | None:
        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        buf = self._buf
        end = buf.find(b"\n")
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while end < 0:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    return None
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    return None
                start = len(buf)
                buf += chunk
                end = buf.find(b"\n", start)
        line, self._buf = bytes(buf[:end]), bytearray(buf[end + 1 :])
        return line

    def request(self, req: dict[str, Any], bound: float, timeout: float | None = None) -> Verdict:
        """Send one request; a dead or stalled worker is replaced after judging the input.

        `bound`: CPU seconds the input may use; `timeout`: wall-clock seconds before it is
        called a hang (default: `HANG_FACTOR` times the bound)."""
        timeout = timeout or bound * HANG_FACTOR
        req = {**req, "cpu_limit": bound}
        if self.proc is None:
            self.start()
        assert self.proc is not None and self.proc.stdin is not None
        started = time.perf_counter()
        try:
            self.proc.stdin.write((json.dumps(req) + "\n").encode())
            self.proc.stdin.flush()
            line = self._read_line(timeout)
        except (BrokenPipeError, OSError):
            line = None
        elapsed = time.perf_counter() - started
        self.requests += 1
        if line is None:
            return self._failed(elapsed, timeout, bound)
        reply = json.loads(line)
        rise = max(0, reply["peak_kb"] - self.peak_kb) if self.requests > 1 else 0
        self.peak_kb = max(self.peak_kb, reply["peak_kb"])
        verdict = judge(req, reply, elapsed)
        if verdict.ok and rise > MAX_RISE_MB * 1024:
            return Verdict("memory", elapsed, f"peak RSS rose by {rise // 1024} MB", reply)
        if verdict.ok and reply["cpu"] > bound:
            return Verdict("slow", elapsed, f"{reply['cpu']:.1f} CPU s; bound {bound:g} s", reply)
        return verdict

    def _failed(self, elapsed: float, timeout: float, bound: float) -> Verdict:
        assert self.proc is not None
        try:  # after an end of file the worker is exiting: give it time to be reaped
            code: int | None = self.proc.wait(timeout=0 if elapsed >= timeout else 10)
        except subprocess.TimeoutExpired:
            code = None
        if code is None:  # still running: a hang (or a very slow input)
            self.proc.kill()
            self.proc.wait()
            self.stop()
            return Verdict("hang", elapsed, f"no answer within {timeout:g} s")
        self.stop()
        if code == -signal.SIGXCPU:
            return Verdict("slow", elapsed, f"over {bound:g} CPU s (stopped at the limit)")
        if code < 0:
            name = signal.Signals(-code).name
            return Verdict("crash", elapsed, f"worker killed by {name}: {self.stderr_tail(400)}")
        return Verdict("crash", elapsed, f"worker exited with {code}: {self.stderr_tail(400)}")

    def case(
        self, path: Path | str, pack: Path = REAL_PACK, html: bool = False, bound: float = 0
    ) -> Verdict:
        req = {"kind": "case", "path": str(path), "pack": str(pack), "html": html}
        return self.request(req, bound or CASE_SECONDS)

    def rules(
        self, folder: Path | str, cases: tuple[Path | str, ...] = (), bound: float = 0
    ) -> Verdict:
        req = {"kind": "rules", "path": str(folder), "cases": [str(c) for c in cases]}
        return self.request(req, bound or RULES_SECONDS)


def judge(req: dict[str, Any], reply: dict[str, Any], elapsed: float) -> Verdict:
    """Hold one reply to the targets: no internal error, every problem located, no flood.

    The worker sends at most a few hundred problems or lines back, with `bad` (the first
    that is not located) and `repeats` (the most repeated line and its count) over all."""
    status = reply["status"]
    if status == "internal":
        detail = reply.get("error") or "; ".join(str(p) for p in reply["problems"])
        return Verdict("internal", elapsed, str(detail), reply)
    if req["kind"] == "case":
        bad = [p for p in reply["problems"] if not _case_problem_located(p)]
    else:
        bad = [line for line in reply.get("output", []) if not _output_line_ok(line)]
    bad += [reply["bad"]] if reply.get("bad") else []
    if bad:
        return Verdict("unlocated", elapsed, str(bad[0])[:500], reply)
    line, count = reply.get("repeats") or ("", 0)
    if count > MAX_REPEATS:
        return Verdict("flood", elapsed, f"{count} times: {line[:400]}", reply)
    return Verdict(status, elapsed, "", reply)


def summarise_problems(problems: list[list[Any]], lines: list[str]) -> dict[str, Any]:
    """For a case's problems: the first that is not located, and the most repeated."""
    bad = next((p for p in problems if not _case_problem_located(p)), None)
    return {"bad": bad, "repeats": _most_repeated(lines), "count": len(problems)}


def summarise_output(lines: list[str]) -> dict[str, Any]:
    """For `rules validate` output: the first line that is not located, the most repeated."""
    bad = next((line for line in lines if not _output_line_ok(line)), None)
    return {"bad": bad, "repeats": _most_repeated(lines), "count": len(lines)}


def _most_repeated(lines: list[str]) -> tuple[str, int] | None:
    counts = Counter(line for line in lines if not _SUMMARY.match(line))
    return counts.most_common(1)[0] if counts else None


def _file_level(code: str, message: str) -> bool:
    return code in FILE_LEVEL_CODES and FILE_LEVEL_MESSAGE.match(message) is not None


def _case_problem_located(p: list[Any]) -> bool:
    path, line, _col, code, message = p
    return bool(path) and (line >= 1 or _file_level(code, message))


def located(line: str) -> bool:
    """A line a command printed: a located problem, a file-level one, or a summary."""
    return _output_line_ok(line)


def _output_line_ok(line: str) -> bool:
    """A line `rules validate` printed: a located problem, a file-level one, or a summary."""
    if _LOCATED.match(line) or _SUMMARY.match(line) or line.startswith("ok: "):
        return True
    m = _UNLOCATED.match(line)
    if m is None:
        return False  # a traceback, or a message broken over several lines
    return _file_level(m["code"], m["message"]) or Path(m["path"]).is_dir()  # pack-wide
