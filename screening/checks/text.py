"""Checks of the pack's text: phrase sets, and quotes against their source documents."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from screening.checks.rules import rule_problem
from screening.conditions.base import expected
from screening.conditions.text import TextCondition
from screening.conditions.tree import iter_leaves
from screening.errors import Problem, Severity
from screening.loading.rulepack import RulePack
from screening.signals.text import normalise


def check_phrases(pack: RulePack) -> list[Problem]:
    """Phrase sets: no phrase twice, none that normalises to nothing, none unused."""
    out: list[Problem] = []
    used = {
        ps
        for lr in pack.rules
        for leaf in iter_leaves(lr.rule.when)
        if isinstance(leaf, TextCondition)
        for ps in leaf.text.phrases
    }
    for doc in pack.docs.values():
        data = doc.data if isinstance(doc.data, dict) else {}
        for i, item in enumerate(_items(data, "phrase_sets")):
            if not isinstance(item, dict):
                continue
            seen: dict[str, int] = {}
            for j, phrase in enumerate(_items(item, "phrases")):
                norm = " ".join(normalise(str(phrase))[0].split())
                loc = doc.location(("phrase_sets", i, "phrases", j))
                if not norm:
                    out.append(Problem(loc, "phrase is empty after normalisation", "phrases"))
                elif norm in seen:
                    out.append(
                        Problem(
                            loc,
                            f"phrase '{phrase}' repeats phrase {seen[norm] + 1} "
                            "of the set (matching ignores case and quotes)",
                            "phrases",
                            Severity.WARNING,
                        )
                    )
                else:
                    seen[norm] = j
            if isinstance(item.get("id"), str) and item["id"] not in used:
                out.append(
                    Problem(
                        doc.location(("phrase_sets", i, "id")),
                        f"phrase set '{item.get('id')}' is used by no rule",
                        "phrases",
                        Severity.WARNING,
                    )
                )
    return out


def _items(data: dict[str, Any], key: str) -> list[Any]:
    """The list under `key`; nothing when it is not a list (the schema check reports that)."""
    value = data.get(key)
    return value if isinstance(value, list) else []


def check_references(pack: RulePack, sources: Path) -> list[Problem]:
    """Every reference names a document in `sources` and quotes it verbatim."""
    texts: dict[str, str] = {}
    for p in sorted(sources.glob("*")):
        if p.is_file():
            with contextlib.suppress(OSError, UnicodeDecodeError):  # not a text document
                texts[p.name] = " ".join(p.read_text(encoding="utf-8").split())
    out: list[Problem] = []
    for lr in pack.rules:
        for i, ref in enumerate(lr.rule.references):
            if ref.kind == "official" and ref.document not in texts:
                continue  # a regulation not kept in the repository: its url is the check
            if ref.document not in texts:
                out.append(
                    rule_problem(
                        lr,
                        ("references", i, "document"),
                        f"no document "
                        f"'{ref.document}' in {sources}; "
                        f"{expected(set(texts), ref.document)}",
                        "rule-source",
                    )
                )
            elif " ".join(ref.quote.split()) not in texts[ref.document]:
                out.append(
                    rule_problem(
                        lr,
                        ("references", i, "quote"),
                        "quote not found verbatim "
                        f"in {ref.document} (copy it exactly, quotes and dashes "
                        "included)",
                        "rule-source",
                    )
                )
    return out
