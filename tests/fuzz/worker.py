"""The fuzzing worker: a child process that runs one input at a time through the real entry points.

Run as `python -m tests.fuzz.worker`; `tests.fuzz.harness.Worker` starts it and talks to it
in JSON lines (requests on standard input, replies on the descriptor standard output had at
start; whatever the code under test prints goes to standard error). A segfault or a hang in
the C engine kills or stalls only this process: the parent sees it, records the input and
starts a new worker.

Requests:
- `{"kind": "case", "path": P, "pack": R, "html": bool}`: screen the case file P with the
  rule pack R exactly as `screening batch` does (`screen_path`), then render the result as
  `screening screen` does (text, markdown, JSON; and the HTML dossier when asked).
- `{"kind": "rules", "path": F, "cases": [...]}`: `screening rules validate F` through click;
  when the folder validates without errors, also screen the given case files with it.

Replies: `{"status", "problems", "output", "seconds", "cpu", "rss_kb", "peak_kb"}`; status is
`scored`, `rejected` (problems only) or `internal` (an exception the command would report as
"internal error"). Problems are `[path, line, column, code, message]`, or for rule folders
the lines `rules validate` printed.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import resource
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from tests.fuzz.harness import summarise_output, summarise_problems

#: Problems or output lines sent back at most (the worker judges them all; see `summarise_*`).
MAX_SENT = 200
#: Address space a worker may use; a runaway allocation becomes a MemoryError (an internal
#: error, so a failure) instead of swapping the machine.
ADDRESS_SPACE_BYTES = 4 * 1024**3


def _rss_kb() -> int:
    with contextlib.suppress(OSError, ValueError, IndexError):
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * resource.getpagesize() // 1024
    return 0


def _peak_kb() -> int:
    """The resident high-water mark of this process image (`VmHWM`: unlike `ru_maxrss`, it
    does not start from the RSS of the parent that forked the worker)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class _Service:
    def __init__(self) -> None:
        self._screeners: dict[str, Any] = {}

    def screener(self, pack_dir: str) -> Any:
        from screening.checks import load_rule_pack
        from screening.pipeline.screen import Screener

        if pack_dir not in self._screeners:
            self._screeners[pack_dir] = Screener(load_rule_pack(Path(pack_dir)))
        return self._screeners[pack_dir]

    def case(self, req: dict[str, Any]) -> dict[str, Any]:
        from screening.batch.runner import screen_path

        screener = self.screener(req["pack"])
        outcome = screen_path(screener, req["path"], dossier=bool(req.get("html")))
        problems = [_problem(p) for p in outcome.problems]
        if any(p.code == "internal" for p in outcome.problems):
            return {"status": "internal", "problems": problems[:MAX_SENT]}
        summary = summarise_problems(problems, [str(p) for p in outcome.problems])
        if outcome.record is None:
            return {"status": "rejected", "problems": problems[:MAX_SENT], **summary}
        _render(outcome.result)
        return {"status": "scored", "problems": problems[:MAX_SENT], **summary}

    def rules(self, req: dict[str, Any]) -> dict[str, Any]:
        from click.testing import CliRunner

        from screening.cli import cli

        result = CliRunner().invoke(cli, ["rules", "validate", req["path"]])
        lines = result.output.splitlines()
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            exc = result.exception
            return {
                "status": "internal",
                "problems": [],
                "output": lines[-20:],
                "error": f"{type(exc).__name__}: {exc}"[:2000],
                "traceback": "".join(traceback.format_exception(exc))[-4000:],
            }
        reply: dict[str, Any] = {
            "output": lines[:MAX_SENT],
            "exit_code": result.exit_code,
            **summarise_output(lines),
        }
        if result.exit_code != 0:
            return {**reply, "status": "rejected", "problems": []}
        # the folder validates: screening with it must not fail either
        from screening.batch.runner import screen_path
        from screening.checks import load_rule_pack
        from screening.errors import InputError
        from screening.pipeline.screen import Screener

        try:
            screener = Screener(load_rule_pack(Path(req["path"])))
        except InputError as exc:  # validate passed but loading refused: also worth knowing
            return {**reply, "status": "rejected", "problems": [str(p) for p in exc.problems]}
        try:
            for path in req.get("cases", []):
                outcome = screen_path(screener, path)
                bad = [p for p in outcome.problems if p.code == "internal"]
                if bad:
                    return {**reply, "status": "internal", "problems": [_problem(p) for p in bad]}
        finally:
            screener.close()
        return {**reply, "status": "scored", "problems": []}


def _problem(p: Any) -> list[Any]:
    loc = p.location
    return [loc.path, loc.line, loc.column, p.code, p.message[:2000]]


def _render(result: Any) -> None:
    """What `screening screen` does with a result: text, markdown and JSON reports."""
    from rich.console import Console

    from screening.report import markdown as markdown_report
    from screening.report import text as text_report

    with open(os.devnull, "w") as sink:  # noqa: PTH123 - a plain sink for rich
        text_report.render(result, Console(file=sink, width=100_000, highlight=False))
    markdown_report.render(result)
    json.dumps(result.model_dump(mode="json"), ensure_ascii=False)


def _selftest(req: dict[str, Any]) -> dict[str, Any]:
    """Misbehave on purpose, so the harness's own tests can see it notice."""
    what = req["do"]
    if what == "segfault":
        os.kill(os.getpid(), signal.SIGSEGV)
    if what == "hang":
        time.sleep(3600)
    if what == "spin":
        end = time.process_time() + req.get("seconds", 1.0)
        while time.process_time() < end:
            pass
    if what == "raise":
        raise RuntimeError("raised on purpose")
    if what == "allocate":
        block = bytearray(req["mb"] * 1024 * 1024)
        block[::4096] = b"x" * len(block[::4096])  # touch every page
    return {"status": "scored", "problems": []}


def _limit_cpu(seconds: float | None) -> None:
    """Stop this process (SIGXCPU) once the request has used `seconds` more CPU than now, so
    a slow input costs no more than its bound (the parent reports it as slow)."""
    if seconds is None:
        return
    used = resource.getrusage(resource.RUSAGE_SELF)
    limit = math.ceil(used.ru_utime + used.ru_stime + seconds)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (limit, resource.getrlimit(resource.RLIMIT_CPU)[1]))


def _handle(service: _Service, req: dict[str, Any]) -> dict[str, Any]:
    _limit_cpu(req.get("cpu_limit"))
    started, cpu = time.perf_counter(), time.process_time()
    handlers = {"case": service.case, "rules": service.rules, "selftest": _selftest}
    try:
        reply = handlers[req["kind"]](req)
    except Exception as exc:  # anything the command itself would call an internal error
        reply = {
            "status": "internal",
            "problems": [],
            "error": f"{type(exc).__name__}: {exc}"[:2000],
            "traceback": traceback.format_exc()[-4000:],
        }
    reply["seconds"] = time.perf_counter() - started
    reply["cpu"] = time.process_time() - cpu
    reply["rss_kb"] = _rss_kb()
    reply["peak_kb"] = _peak_kb()
    return reply


def main() -> None:
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_BYTES, ADDRESS_SPACE_BYTES))
    proto = io.TextIOWrapper(os.fdopen(os.dup(1), "wb"), encoding="utf-8", line_buffering=True)
    os.dup2(2, 1)  # stray prints of the code under test must not corrupt the protocol
    sys.stdout = sys.stderr
    service = _Service()
    warm_up = Path(__file__).resolve().parents[2] / "cases" / "haifa-bay-port-sipg-concession.yaml"
    for pack in sys.argv[1:]:  # packs to load, and use once, before saying ready
        service.screener(pack)
        if warm_up.is_file():  # imports and caches, so the first input is timed fairly
            service.case({"path": str(warm_up), "pack": pack})
    proto.write(json.dumps({"ready": True, "rss_kb": _rss_kb()}) + "\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        proto.write(json.dumps(_handle(service, json.loads(line)), ensure_ascii=True) + "\n")


if __name__ == "__main__":
    main()
