"""What a rule change does to cases: screen each case under the old and the new rules.

OLD and NEW are rule directories or git revisions (of the repository's `rules/`). A case is
read once and, when both packs extract signals alike (a weight or condition change), its
signals are extracted once; each rule is matched once per distinct matching (its digest,
`outcomes.py`), so the new pack matches only the rules whose conditions changed and those
they rest on (`pair.py`). Cases stream through `--jobs` worker processes and only a small
summary of each side is kept (`Screened`), so memory stays flat over large corpora; signals
and rule outcomes can be kept on disk between runs (`store.py`).
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from screening.checks import load_rule_pack
from screening.errors import InputError, Location, Problem
from screening.loading.rulepack import RulePack
from screening.models.common import BANDS


@dataclass(frozen=True, slots=True)
class Screened:
    """What impact keeps of one side's result: enough to compare and report (the full
    result of 100,000 cases would not fit in memory; this is about 0.2 KB a case)."""

    case_id: str
    score: float
    band: str
    rules: tuple[str, ...]  # the rule ids of its findings, sorted

    @classmethod
    def of(cls, case_id: str, score: float, band: str, rules: set[str]) -> Screened:
        return cls(case_id, score, sys.intern(band), tuple(sys.intern(r) for r in sorted(rules)))


@dataclass(slots=True)
class CaseImpact:
    path: str
    before: Screened | None
    after: Screened | None
    problems: list[str] = field(default_factory=list)

    @property
    def case_id(self) -> str:
        result = self.after or self.before
        return result.case_id if result is not None else self.path

    @property
    def complete(self) -> bool:
        """Screened under both packs: only then can findings be compared."""
        return self.before is not None and self.after is not None

    @property
    def added(self) -> list[str]:
        return sorted(_ids(self.after) - _ids(self.before)) if self.complete else []

    @property
    def removed(self) -> list[str]:
        return sorted(_ids(self.before) - _ids(self.after)) if self.complete else []

    @property
    def band_move(self) -> int:
        if self.before is None or self.after is None:
            return 0
        return BANDS.index(self.after.band) - BANDS.index(self.before.band)


def _ids(result: Screened | None) -> set[str]:
    return set(result.rules) if result else set()


def resolve_rules(spec: str, stack: ExitStack, repo: Path) -> Path:
    """A rule directory as given, or `rules/` of a git revision extracted to a temp folder."""
    path = Path(spec)
    if path.is_dir():
        return path
    try:
        top = (
            subprocess.run(  # the repository's rules/, from wherever the command runs
                ["git", "-C", str(repo), "rev-parse", "--show-toplevel"],
                check=True,
                capture_output=True,
                timeout=60,
            )
            .stdout.decode()
            .strip()
        )
        archive = subprocess.run(
            ["git", "-C", top, "archive", "--format=tar", spec, "--", "rules"],
            check=True,
            capture_output=True,
            timeout=60,
        ).stdout
    except (subprocess.CalledProcessError, FileNotFoundError, subprocess.TimeoutExpired) as exc:
        detail = (
            exc.stderr.decode(errors="replace").strip()
            if isinstance(exc, subprocess.CalledProcessError)
            else str(exc)
        )
        raise InputError(
            [
                Problem(
                    Location(spec),
                    "neither a rule directory nor a git revision "
                    f"with a rules/ folder ({detail.splitlines()[-1] if detail else 'git failed'})",
                    "usage",
                )
            ]
        ) from None
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="screening-rules-")))
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "rules"


def compare(
    base: RulePack, head: RulePack, paths: list[str], jobs: int = 1, store: Path | None = None
) -> list[CaseImpact]:
    """Every case's impact, in input order (`pair.stream` yields them one by one)."""
    from screening.impact.pair import stream

    return list(stream(base, head, paths, jobs, store))


def load_side(spec: str, stack: ExitStack, repo: Path) -> RulePack:
    return load_rule_pack(resolve_rules(spec, stack, repo))
