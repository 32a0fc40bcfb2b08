"""Views of a rule change's impact: terminal, Markdown for a review comment, JSON."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from screening.impact import CaseImpact


def _score(r: Any) -> str:
    return "-" if r is None else f"{r.score:.1f}"


def _band(r: Any) -> str:
    return "-" if r is None else str(r.band)


def changed(i: CaseImpact) -> bool:
    """Screened under both packs with a different score, band or findings."""
    return i.complete and bool(
        i.added or i.removed or i.band_move or _score(i.before) != _score(i.after)
    )


def summary(impacts: list[CaseImpact]) -> str:
    moves = Counter(f"{_band(i.before)} → {_band(i.after)}" for i in impacts if i.band_move)
    up = sum(1 for i in impacts if i.band_move > 0)
    down = sum(1 for i in impacts if i.band_move < 0)
    errors = sum(1 for i in impacts if not i.complete)
    detail = "; ".join(f"{k}: {v}" for k, v in sorted(moves.items()))
    return (
        f"{len(impacts)} cases: {up + down} changed band ({up} up, {down} down"
        + (f"; {detail}" if detail else "")
        + f"), "
        f"{sum(1 for i in impacts if changed(i)) - up - down} changed score or findings "
        f"only, {sum(1 for i in impacts if i.complete and not changed(i))} unchanged"
        + (f", {errors} with errors" if errors else "")
    )


def text(impacts: list[CaseImpact], base: str, head: str, show_all: bool) -> str:
    lines = [f"impact of rules {base} → {head}"]
    for i in impacts:
        if not show_all and not changed(i) and i.complete:
            continue
        before, after = (
            f"{_score(i.before)} {_band(i.before)}",
            f"{_score(i.after)} {_band(i.after)}",
        )
        lines.append(f"  {i.case_id}: {before} → {after}")
        lines += [f"      + {r}" for r in i.added]
        lines += [f"      - {r}" for r in i.removed]
        lines += [f"      ! {p}" for p in i.problems]
    lines.append(summary(impacts))
    return "\n".join(lines) + "\n"


def markdown(impacts: list[CaseImpact], base: str, head: str, show_all: bool) -> str:
    lines = [
        f"### Rule impact: `{base}` → `{head}`",
        "",
        summary(impacts),
        "",
        "| case | score | band | findings added | findings removed |",
        "|---|---:|---|---|---|",
    ]
    for i in impacts:
        if not show_all and not changed(i) and i.complete:
            continue
        arrow = "⬆️ " if i.band_move > 0 else ("⬇️ " if i.band_move < 0 else "")
        added = ", ".join(f"`{r}`" for r in i.added)
        removed = ", ".join(f"`{r}`" for r in i.removed)
        lines.append(
            f"| `{i.case_id}` | {_score(i.before)} → {_score(i.after)} | "
            f"{arrow}{_band(i.before)} → {_band(i.after)} | {added} | {removed} |"
        )
    errors = [p for i in impacts for p in i.problems]
    lines += ["", *[f"- error: {p}" for p in errors]] if errors else []
    return "\n".join(lines) + "\n"


def as_json(impacts: list[CaseImpact], base: str, head: str) -> str:
    data = {
        "base": base,
        "head": head,
        "summary": summary(impacts),
        "cases": [
            {
                "path": i.path,
                "case_id": i.case_id,
                "before": {"score": i.before.score, "band": i.before.band} if i.before else None,
                "after": {"score": i.after.score, "band": i.after.band} if i.after else None,
                "band_move": i.band_move,
                "added": i.added,
                "removed": i.removed,
                "errors": i.problems,
            }
            for i in impacts
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
