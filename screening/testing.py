"""Rule examples as tests: one runner shared by pytest and `screening rules test`.

Each rule lists cases it must fire on and near-misses it must stay quiet on, inline or as
case files beside it. Examples marked `known_gap` are tracked but do not fail.

An example's case file is found relative to its rule file. The bundled rules refer to the
bundled cases as `../../cases/…`, outside the rule folder: a copy of the rules made without
those cases still finds them among the cases installed with the package (or beside the
source checkout's rules), and when a file is found nowhere the problem names every place
that was looked in.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from screening.errors import InputError, Problem, display_path
from screening.loading.case import check_case, load_case
from screening.loading.rulepack import LoadedRule, RulePack
from screening.loading.validation import problems_from
from screening.models.case import Case
from screening.models.rule import Example
from screening.pipeline.screen import Screener

Outcome = Literal["pass", "fail", "gap", "fixed", "error"]


@dataclass(frozen=True)
class ExampleResult:
    rule_id: str
    index: int
    example: Example
    outcome: Outcome
    fired: bool | None
    detail: str

    @property
    def label(self) -> str:
        case = self.example.case
        if isinstance(case, str) and (len(case) > 60 or not case.isprintable()):
            case = _shorten(case)  # a path too long or unprintable to show as written
        what = self.example.note or (
            case if isinstance(case, str) else f"inline case {self.index + 1}"
        )
        return f"{self.rule_id}[{self.index}] {self.example.expect}: {what}"


def bundled_cases_dir() -> Path | None:
    """The cases shipped with the package, or those of the source checkout it runs from."""
    package = Path(__file__).resolve().parent
    if (package / "cases").is_dir():  # an installed wheel: screening/cases
        return package / "cases"
    checkout = package.parent
    if (checkout / "rules" / "scoring.yaml").is_file() and (checkout / "cases").is_dir():
        return checkout / "cases"
    return None


def _pack_root(rule_path: Path) -> Path | None:
    return next((p for p in rule_path.parents if (p / "scoring.yaml").is_file()), None)


def example_case_file(rule_path: Path, case: str) -> tuple[Path | None, list[Path]]:
    """The example's case file, and every place it was looked for.

    First relative to the rule file; then, for a path that leaves the rule folder for a
    `cases` folder (the bundled `../../cases/x.yaml`), the same file among the bundled cases.
    """
    tried = [rule_path.parent / case]
    if unusable_case_path(case, tried[0]) is not None:
        return None, tried
    parts = Path(case).parts
    root = _pack_root(rule_path)
    outside = root is not None and root.resolve() not in tried[0].resolve().parents
    bundled = bundled_cases_dir()
    folders = [i for i, part in enumerate(parts[:-1]) if part == "cases"]
    if outside and bundled is not None and folders:
        tried.append(bundled.joinpath(*parts[folders[-1] + 1 :]))
    tried = list(dict.fromkeys(tried))
    found = next((p for p in tried if _is_file(p)), None)
    return found, tried


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # the system refuses the path: it names no file that can be read
        return False


def missing_example_case(case: str, tried: list[Path]) -> str:
    unusable = unusable_case_path(case, tried[0]) if tried else None
    if unusable is not None:
        return unusable
    where = " or ".join(repr(display_path(p.resolve()))[1:-1] for p in tried)
    return f"example case file {_shorten(case)} not found (looked for {where})"


def unusable_case_path(case: str, path: Path) -> str | None:
    """Why `case` (at `path`) cannot name a file on this system at all, or None."""
    try:
        path.stat()
    except ValueError:  # a NUL character, or one the file system cannot encode
        return f"example case path {_shorten(case)} cannot name a file; expected a file path"
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG:
            return None
        name_max, path_max = _name_limits(path)
        longest = max(len(os.fsencode(part)) for part in path.parts)
        total = len(os.fsencode(path.absolute()))
        if longest > name_max:
            too_long = f"a name of {longest:,} bytes > {name_max:,}"
        else:
            too_long = f"{total:,} bytes from the root > {path_max:,}"
        return f"example case path {_shorten(case)} is too long for the file system ({too_long})"
    return None


def _shorten(text: str) -> str:
    return repr(text) if len(text) <= 60 else f"{text[:50]!r}... ({len(text):,} characters)"


def _name_limits(path: Path) -> tuple[int, int]:
    """The longest file name and path the file system holding `path` takes (255, 4096)."""
    folder = next((p for p in path.parents if _is_dir(p)), Path("/"))
    limits = []
    for name, default in (("PC_NAME_MAX", 255), ("PC_PATH_MAX", 4096)):
        try:
            limits.append(os.pathconf(folder, name))
        except (OSError, ValueError):
            limits.append(default)
    return limits[0], limits[1]


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def example_case(lr: LoadedRule, index: int, pack: RulePack) -> tuple[Case, str]:
    """Build the example's case (inline, with id and title filled in, or from its file)."""
    ex = lr.rule.examples[index]
    if isinstance(ex.case, str):
        found, tried = example_case_file(lr.path, ex.case)
        if found is None:
            location = lr.doc.location(("examples", index, "case"))
            problem = Problem(location, missing_example_case(ex.case, tried), "rule-example")
            raise InputError([problem])
        return load_case(found, pack)
    data = {
        "id": f"{lr.rule.id}-example-{index}",
        "title": ex.note or f"{lr.rule.id} example",
        **ex.case,
    }
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        raise InputError(
            problems_from(
                exc, Case, lr.doc, code="example-case", prefix=("examples", index, "case")
            )
        ) from None
    problems: list[Problem] = check_case(case, lr.doc, pack)
    if problems:
        raise InputError(problems)
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    return case, digest


def run_examples(
    pack: RulePack, screener: Screener | None = None, rule_ids: set[str] | None = None
) -> Iterator[ExampleResult]:
    screener = screener or Screener(pack)
    for lr in pack.rules:
        if lr.rule.status != "active" or (rule_ids and lr.rule.id not in rule_ids):
            continue
        for i, ex in enumerate(lr.rule.examples):
            yield run_example(lr, i, ex, pack, screener)


def run_example(
    lr: LoadedRule, index: int, ex: Example, pack: RulePack, screener: Screener
) -> ExampleResult:
    try:
        case, digest = example_case(lr, index, pack)
    except InputError as exc:
        detail = "; ".join(str(p) for p in exc.problems)
        return ExampleResult(lr.rule.id, index, ex, "error", None, detail)
    result = screener.screen(case, case_digest=digest)
    fired = any(f.rule_id == lr.rule.id for f in result.findings)
    ok = fired == (ex.expect == "fire")
    if ex.known_gap:
        outcome: Outcome = "fixed" if ok else "gap"
    else:
        outcome = "pass" if ok else "fail"
    fired_ids = ", ".join(f.rule_id for f in result.findings) or "none"
    detail = (
        f"expected the rule to {ex.expect}; it {'fired' if fired else 'stayed quiet'} "
        f"(rules fired: {fired_ids})"
    )
    return ExampleResult(lr.rule.id, index, ex, outcome, fired, detail)


def example_location(pack: RulePack, result: ExampleResult) -> str:
    lr = pack.rule(result.rule_id)
    return str(lr.doc.location(("examples", result.index))) if lr else result.rule_id


__all__ = [
    "ExampleResult",
    "Path",
    "bundled_cases_dir",
    "example_case",
    "example_case_file",
    "example_location",
    "missing_example_case",
    "run_example",
    "run_examples",
]
