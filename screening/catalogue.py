"""The rule catalogue (docs/rules.md), generated from the rule files so it cannot drift."""

from __future__ import annotations

from collections import defaultdict

from screening.loading.rulepack import LoadedRule, RulePack


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def _example(lr: LoadedRule, i: int) -> str:
    ex = lr.rule.examples[i]
    what = ex.case if isinstance(ex.case, str) else "inline case"
    note = f" — {ex.note}" if ex.note else ""
    gap = " (known gap)" if ex.known_gap else ""
    return f"{ex.expect}: {what}{note}{gap}"


def render_catalogue(pack: RulePack) -> str:
    families: dict[str, list[LoadedRule]] = defaultdict(list)
    for lr in pack.rules:
        families[lr.rule.family].append(lr)
    lines = [
        "# Rule catalogue",
        "",
        "<!-- Generated from rules/ by `screening rules catalogue`; do not edit by hand. -->",
        "",
        f"{len(pack.rules)} rules in {len(families)} families. Weights, scoring and how to add "
        "a rule: [rules/README.md](../rules/README.md).",
        "",
        "| family | rule | weight | title |",
        "|---|---|---:|---|",
    ]
    for family in sorted(families):
        for lr in sorted(families[family], key=lambda x: (-x.rule.weight, x.rule.id)):
            r = lr.rule
            lines.append(f"| {family} | [`{r.id}`](#{r.id}) | {r.weight:+d} | {_cell(r.title)} |")
    for family in sorted(families):
        lines += ["", f"## {family}"]
        for lr in sorted(families[family], key=lambda x: (-x.rule.weight, x.rule.id)):
            r = lr.rule
            rel = "rules/" + lr.path.relative_to(pack.root).as_posix()  # whatever its folder
            status = "" if r.status == "active" else f" ({r.status})"
            lines += [
                "",
                f"### {r.id}",
                "",
                f"**{_cell(r.title)}**{status} — weight {r.weight:+d} — `{rel}`",
                "",
                _cell(r.description),
                "",
                f"*Recommendation:* {_cell(r.recommendation.action)} "
                f"*Routes:* {_cell(', '.join(r.recommendation.routes) or 'none')}",
                "",
                "Sources:",
                "",
            ]
            lines += [f'- `{ref.document}`: "{_cell(ref.quote)}"' for ref in r.references]
            lines += ["", "Examples:", ""]
            lines += [f"- {_cell(_example(lr, i))}" for i in range(len(r.examples))]
    return "\n".join(lines) + "\n"
