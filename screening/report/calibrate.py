"""Calibration report: figures before and after, rule lift, proposed weight changes."""

from __future__ import annotations

import json
import math
from typing import Any

from screening.calibrate import MIN_SUPPORT, Lift, Measure, Proposal


def _m(m: Measure) -> str:
    return (
        f"agreement {m.agreement:.0%}, within one band {m.within_one:.0%}, "
        f"stopped deals scored low {m.stopped_low}, controls above medium "
        f"{m.controls_above_medium} ({m.cases} cases)"
    )


def _ratio(x: Lift) -> str:
    return "never on cleared" if math.isinf(x.ratio) else f"{x.ratio:.2f}"


def calibration_lines(p: Proposal, lifts: list[Lift]) -> list[str]:
    lines = [
        f"Current weights:  {_m(p.before)}",
        f"Proposed weights: {_m(p.after)}",
        "  (in-sample: fitted on these same cases, so optimistic; judge by the lines below)",
        f"Cross-validated ({p.folds} folds, fitted without the held-out cases):",
        f"  current  {_m(p.cv_before)}",
        f"  proposed {_m(p.cv_after)}",
        "",
        "Rule lift (fires on stopped deals / fires on cleared deals and controls):",
    ]
    for x in lifts:
        lines.append(
            f"  {x.rule_id:<45} stopped {x.on_stopped}/{x.stopped}  "
            f"cleared {x.on_cleared}/{x.cleared}  lift {_ratio(x)}"
        )
    lines += ["", "Proposed weight changes (nothing is edited; change the rule files by hand):"]
    if not p.changes:
        lines.append("  none: the current weights are as good as any nearby")
    for rid, (now, proposed) in p.changes.items():
        lines.append(f"  {rid:<45} {now:+d} -> {proposed:+g}")
    if p.unfitted:
        lines.append(
            f"Not fitted (fired on fewer than {MIN_SUPPORT} cases): {', '.join(p.unfitted)}"
        )
    return lines


def calibration_markdown(p: Proposal, lifts: list[Lift]) -> str:
    return "```\n" + "\n".join(calibration_lines(p, lifts)) + "\n```\n"


def calibration_json(p: Proposal, lifts: list[Lift]) -> str:
    def m(x: Measure) -> dict[str, Any]:
        return {
            "agreement": round(x.agreement, 4),
            "within_one_band": round(x.within_one, 4),
            "stopped_scored_low": x.stopped_low,
            "controls_above_medium": x.controls_above_medium,
            "cases": x.cases,
        }

    data = {
        "current": m(p.before),
        "proposed": m(p.after),
        "cross_validated": {"folds": p.folds, "current": m(p.cv_before), "proposed": m(p.cv_after)},
        "lift": [
            {
                "rule_id": x.rule_id,
                "on_stopped": x.on_stopped,
                "stopped": x.stopped,
                "on_cleared": x.on_cleared,
                "cleared": x.cleared,
                "ratio": None if math.isinf(x.ratio) else round(x.ratio, 4),
            }
            for x in lifts
        ],
        "changes": {
            rid: {"current": now, "proposed": new} for rid, (now, new) in p.changes.items()
        },
    }
    return json.dumps(data, indent=2) + "\n"
