"""What every command shares: the rules option, problem printing, consoles, exit codes."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypeVar, cast

import click

from screening.errors import InputError, Problem, summary_line

if TYPE_CHECKING:
    from rich.console import Console

    from screening.loading.rulepack import RulePack
    from screening.pipeline.screen import Screener

FC = TypeVar("FC", bound=Callable[..., object])

EXIT_OK, EXIT_FAIL_ON, EXIT_INPUT = 0, 1, 2

#: The width of output that goes to a pipe or a file: nothing is wrapped, cut or dropped
#: (a terminal's own width applies on a terminal, and $COLUMNS when it is set).
UNWRAPPED = 100_000


@cache
def _console_class() -> type[Console]:
    """rich is imported when a command writes through it, not by every command."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError  # `quiet_on_broken_pipe` ends the command

    return _Console


class _Unpadded(io.TextIOBase):
    """A stream that drops the spaces rich pads table cells with at the ends of lines (off a
    terminal there are no colours, so they are only spaces)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.pending = ""

    def write(self, text: str) -> int:
        *lines, self.pending = (self.pending + text).split("\n")
        if lines:
            self.stream.write("".join(line.rstrip(" ") + "\n" for line in lines))
        return len(text)

    def flush(self) -> None:
        if self.pending:  # a line rich left open: written as it is
            self.stream.write(self.pending)
            self.pending = ""
        self.stream.flush()

    def isatty(self) -> bool:
        return False


def console(*, stderr: bool = False) -> Console:
    """A rich console for standard output (or error): full width when not on a terminal."""
    stream = sys.stderr if stderr else sys.stdout
    console_class = _console_class()
    if stream.isatty() or os.environ.get("COLUMNS"):
        return console_class(stderr=stderr, highlight=False, soft_wrap=False)
    return console_class(
        file=cast(IO[str], _Unpadded(stream)), highlight=False, soft_wrap=False, width=UNWRAPPED
    )


def unwrapped_stdout() -> bool:
    """Whether `console()` writes standard output unwrapped and without colours, in UTF-8:
    not a terminal, no $COLUMNS, nothing that makes rich colour a pipe ($FORCE_COLOR,
    $TTY_COMPATIBLE, a notebook) or substitute its box characters (Windows consoles)."""
    if sys.stdout.isatty() or os.environ.get("COLUMNS") or sys.platform == "win32":
        return False
    if "FORCE_COLOR" in os.environ or "TTY_COMPATIBLE" in os.environ or "IPython" in sys.modules:
        return False
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    return encoding in ("utf8", "utf_8")


def plain_console(file: IO[str]) -> Console:
    """A console that records plain text for a file (`export_text`), unwrapped."""
    from rich.console import Console

    return Console(record=True, width=UNWRAPPED, file=file, highlight=False, soft_wrap=False)


@contextlib.contextmanager
def quiet_on_broken_pipe() -> Iterator[None]:
    """A reader that stops early (`| head`) ends the command quietly, with status 0.

    Standard output is pointed at /dev/null so that the interpreter's last flush does not
    fail again ("Exception ignored … BrokenPipeError").
    """
    try:
        yield
    except BrokenPipeError:
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(EXIT_OK) from None


def default_rules_dir() -> Path:
    """`$SCREENING_RULES`, else `./rules`, else the rule pack installed with the package."""
    env = os.environ.get("SCREENING_RULES")
    if env:
        return Path(env)
    here = Path("rules")
    if (here / "scoring.yaml").is_file():
        return here
    package = Path(__file__).resolve().parent.parent
    installed = package / "bundled_rules"  # a wheel ships the pack inside the package
    if (installed / "scoring.yaml").is_file():
        return installed
    return package.parent / "rules"  # a source checkout (editable install)


rules_option = click.option(
    "--rules",
    "rules_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Rule directory (default: $SCREENING_RULES, ./rules, or the bundled pack).",
)


def report_problems(problems: list[Problem]) -> None:
    for p in sorted(problems, key=lambda p: (p.location, p.message)):
        click.echo(problem_line(p), err=True)
    if len(problems) > 1:
        click.echo(summary_line(problems), err=True)


def problem_line(problem: Problem) -> str:
    """A problem as one line a terminal shows and does not obey: a file name or a quoted
    value with ESC or other control characters in it gets U+FFFD in their place."""
    from screening.report.describe import plain

    return plain(str(problem))


def load_pack_or_exit(rules_dir: Path | None, *, use_cache: bool = True) -> RulePack:
    """The checked pack, from the pack cache when it holds it (`screening.cache`)."""
    from screening.cache import load_pack

    try:
        return load_pack(rules_dir or default_rules_dir(), use_cache=use_cache)
    except InputError as exc:
        report_problems(exc.problems)
        raise SystemExit(EXIT_INPUT) from None


def load_screener_or_exit(rules_dir: Path | None, *, use_cache: bool = True) -> Screener:
    """A screener for the pack, from the pack cache when it holds it, else built and cached."""
    from screening.cache import load_screener

    try:
        return load_screener(rules_dir or default_rules_dir(), use_cache=use_cache)
    except InputError as exc:
        report_problems(exc.problems)
        raise SystemExit(EXIT_INPUT) from None


no_cache_option = click.option(
    "--no-cache",
    is_flag=True,
    default=False,
    help="Load and check the rule pack without the pack cache (also: SCREENING_NO_CACHE=1).",
)


def format_option(*extra: str) -> Callable[[FC], FC]:
    """--format text|json|markdown, plus any formats a command adds (screen: html)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json", "markdown", *extra]),
        default="text",
        show_default=True,
        help="Output format.",
    )
