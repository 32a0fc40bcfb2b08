"""Rule editing for policy staff: try an edited rule file, then save (and commit) it.

A trial never touches the rule folder: the pack is copied to a temporary folder (its
siblings linked beside it, so examples that name `../../cases/…` still find their files),
the edited text written into the copy, and the copy checked as `screening rules validate`
checks a pack. With no errors, the rules of the file run their examples on the edited pack,
and every case file stored in the results database is screened under the pack in use and
the edited one (`screening.impact`). Saving checks again, writes the file in place and, when
the rule folder is inside a git work tree, commits that one file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from screening.checks import check_rule_pack
from screening.checks.compiles import check_compiles
from screening.checks.text import check_phrases
from screening.errors import Problem
from screening.impact import CaseImpact, compare
from screening.loading.rulepack import RulePack, rule_files
from screening.testing import ExampleResult, run_examples
from screening.workbench.security import inside

#: Stored cases an impact trial screens (twice each); the rest are counted, not screened.
MAX_IMPACT_CASES = 300


def rule_list(root: Path) -> list[str]:
    """Every rule file of the pack, relative to it (`ports/near-port.yaml`)."""
    return [p.relative_to(root).as_posix() for p in rule_files(root)]


def rule_path(root: Path, name: str) -> Path | None:
    """The rule file `name` inside `root`, or None for anything that is not one of them."""
    target = inside(root, name)
    if target is None or not target.is_file():
        return None
    return target if target in {p.resolve() for p in rule_files(root)} else None


@dataclass
class Trial:
    """What an edit would do: its problems (located in the edited file, or elsewhere in the
    pack), then, when it has no errors, its examples and its impact on stored cases."""

    name: str
    problems: list[Problem] = field(default_factory=list)
    examples: list[ExampleResult] = field(default_factory=list)
    impacts: list[CaseImpact] = field(default_factory=list)
    rule_ids: list[str] = field(default_factory=list)
    cases_not_screened: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def examples_failed(self) -> list[ExampleResult]:
        return [e for e in self.examples if e.outcome in ("fail", "error")]


@contextlib.contextmanager
def _candidate(root: Path, name: str, text: str) -> Iterator[Path]:
    """A copy of the pack with the edited file, removed afterwards."""
    root = root.resolve()
    with tempfile.TemporaryDirectory(prefix="screening-workbench-") as tmp:
        copy = Path(tmp) / root.name
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".git"), symlinks=True)
        for sibling in root.parent.iterdir():  # ../../cases/… of the rule examples
            if sibling.name != root.name and not sibling.name.startswith("."):
                with contextlib.suppress(OSError):
                    (Path(tmp) / sibling.name).symlink_to(sibling)
        (copy / name).write_text(text, encoding="utf-8")
        yield copy


def _relocated(problem: Problem, copy: Path) -> Problem:
    """A problem in the copy, located at the file's name in the pack."""
    try:
        rel = Path(problem.location.path).resolve().relative_to(copy.resolve()).as_posix()
    except (ValueError, OSError):
        return problem
    return replace(problem, location=replace(problem.location, path=rel))


def check_text(root: Path, name: str, text: str) -> list[Problem]:
    """Every problem of the pack with this file's text, as `rules validate` reports them."""
    with _candidate(root, name, text) as copy:
        return _check(copy)[1]


def _check(copy: Path) -> tuple[RulePack | None, list[Problem]]:
    pack, problems = check_rule_pack(copy)
    if pack is not None:
        problems += check_phrases(pack)
        if not any(p.is_error for p in problems):
            problems += check_compiles(pack)
    moved = [_relocated(p, copy) for p in problems]
    return pack, sorted(moved, key=lambda p: (p.location, p.message))


def trial(root: Path, name: str, text: str, base: RulePack, stored: list[str]) -> Trial:
    """Check the edited file; with no errors, run its examples and the impact."""
    out = Trial(name)
    with _candidate(root, name, text) as copy:
        pack, out.problems = _check(copy)
        if pack is None or not out.ok:
            return out
        edited = (copy / name).resolve()
        out.rule_ids = [lr.rule.id for lr in pack.rules if lr.path.resolve() == edited]
        out.examples = list(run_examples(pack, rule_ids=set(out.rule_ids)))
        paths = [p for p in stored if Path(p).is_file()]
        out.cases_not_screened = max(0, len(paths) - MAX_IMPACT_CASES)
        out.impacts = compare(base, pack, paths[:MAX_IMPACT_CASES])
    return out


@dataclass(frozen=True)
class Saved:
    previous_sha256: str
    sha256: str
    commit: str | None
    git_note: str


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def save(root: Path, name: str, text: str, who: str, rule_ids: list[str]) -> Saved:
    """Write the file in place (atomically) and commit it when the folder is under git."""
    path = root / name
    previous = path.read_text(encoding="utf-8")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".workbench-", suffix=".yaml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    commit, note = _commit(root, path, who, rule_ids)
    return Saved(sha256(previous), sha256(text), commit, note)


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=60, check=False
    )


def _commit(root: Path, path: Path, who: str, rule_ids: list[str]) -> tuple[str | None, str]:
    """Commit only this file (other changes in the work tree stay as they are)."""
    try:
        inside_tree = _git(root, "rev-parse", "--is-inside-work-tree")
    except (OSError, subprocess.TimeoutExpired):
        return None, "not committed: git is not available"
    if inside_tree.returncode != 0 or inside_tree.stdout.strip() != "true":
        return None, "not committed: the rule folder is not in a git repository"
    identity: list[str] = []
    if not _git(root, "config", "user.email").stdout.strip():
        identity = ["-c", f"user.name={who}", "-c", f"user.email={who}@localhost"]
    subject = ", ".join(rule_ids) or path.name
    message = f"Rule {subject}: edited in the workbench by {who}"
    added = _git(root, "add", "--", str(path))
    done = _git(root, *identity, "commit", "-q", "-m", message, "--", str(path))
    if added.returncode != 0 or done.returncode != 0:
        reason = (done.stderr or added.stderr or done.stdout).strip().splitlines()
        return None, f"saved, but not committed: {reason[-1] if reason else 'git failed'}"
    head = _git(root, "rev-parse", "HEAD").stdout.strip()
    return head, f"committed as {head[:10]}"
