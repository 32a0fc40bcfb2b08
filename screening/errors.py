"""Problems as data: every stage collects located problems; the CLI only prints them.

A `Problem` says where (file, line, column), what was found and what was expected, in the
`file:line:column: severity: message [code]` shape linters use, so editors can jump to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


def one_line(text: str) -> str:
    """`text` with control characters (newlines, ESC, line separators) escaped, so a problem
    naming a user's value stays one line and cannot drive the terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file; line and column are 1-based, 0 when unknown."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        path = one_line(self.path)
        if self.line:
            return f"{path}:{self.line}:{self.column or 1}"
        return path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located and explained."""

    location: Location
    message: str
    code: str
    severity: Severity = Severity.ERROR
    subject: str = ""  # e.g. the rule id the problem belongs to

    def __str__(self) -> str:
        subject = f"{one_line(self.subject)}: " if self.subject else ""
        message = one_line(self.message)
        return f"{self.location}: {self.severity.value}: {subject}{message} [{self.code}]"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


@dataclass
class Problems:
    """An ordered collection of problems that stages append to and the CLI reports."""

    items: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    def error(self, location: Location, message: str, code: str, subject: str = "") -> None:
        self.items.append(Problem(location, message, code, Severity.ERROR, subject))

    def warning(self, location: Location, message: str, code: str, subject: str = "") -> None:
        self.items.append(Problem(location, message, code, Severity.WARNING, subject))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if not p.is_error]

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.location, p.message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)


def summary_line(problems: Iterable[Problem]) -> str:
    """`2 errors, 1 warning in 2 files` (the last line of a report)."""
    items = list(problems)
    errors = sum(1 for p in items if p.is_error)
    warnings = len(items) - errors
    files = len({p.location.path for p in items})
    parts = [f"{errors} error{'s' if errors != 1 else ''}"]
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return f"{', '.join(parts)} in {files} file{'s' if files != 1 else ''}"


class InputError(Exception):
    """Raised when an input cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def quoted(text: str, limit: int = 60) -> str:
    """Text in quotes for a one-line message: as written when printable and short, else
    escaped (a newline as \\n) and cut to `limit` characters."""
    if text.isprintable() and len(text) <= limit:
        return f"'{text}'"
    cut = text if len(text) <= limit else text[:limit]
    return repr(cut) + ("..." if len(text) > limit else "")


def printable(text: str) -> str:
    """Text safe to write anywhere: a file name that is not UTF-8 keeps its bytes as escapes."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def write_failure(path: Path, what: str, exc: Exception) -> InputError:
    """'out.csv: error: cannot write results: No space left on device [io]'."""
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return InputError(
        [Problem(Location(display_path(path)), f"cannot write {what}: {reason}", "io")]
    )
