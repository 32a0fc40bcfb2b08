"""`text`: phrases of named phrase sets occur, not negated and not excluded, in the case's text.

    - text: {phrases: [belt-and-road], in: [documents, summary], document_kinds: [mou]}

Phrases are found in Python (one Aho-Corasick automaton, negation, Hebrew and Chinese);
each hit is a `text_hit` fact carrying its phrase set, text source and document.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, Literal, get_args

from pydantic import BaseModel, Field

from screening.conditions.base import (
    CheckContext,
    ExplainContext,
    JoinKey,
    LeafCondition,
    LeafPath,
    Pattern,
    any_of,
    expected,
)
from screening.models import facts as F
from screening.models.case import DocumentKind
from screening.models.common import Slug, Strict, new_list
from screening.models.evidence import TextEvidence

TextSource = Literal["documents", "target.description", "target.technologies", "summary"]
DEFAULT_TEXT_SOURCES: tuple[TextSource, ...] = ("documents", "target.description")
DOCUMENT_KINDS: frozenset[str] = frozenset(get_args(DocumentKind))


class TextTest(Strict):
    """Phrases of one or more named phrase sets occur (not negated, not excluded) in text."""

    phrases: list[Slug] = Field(min_length=1)
    in_: list[TextSource] = Field(default_factory=lambda: list(DEFAULT_TEXT_SOURCES), alias="in")
    document_kinds: list[Slug] = Field(default_factory=new_list)

    model_config = Strict.model_config | {"populate_by_name": True}


class TextCondition(LeafCondition):
    """Phrases of named phrase sets occur, not negated and not excluded, in the case's text."""

    kind: ClassVar[str] = "text"
    fact_type: ClassVar[str] = F.TEXT_HIT
    keys: ClassVar[tuple[JoinKey, ...]] = ("document",)
    evidence_model: ClassVar[type[BaseModel]] = TextEvidence

    text: TextTest

    def tests(self) -> list[Pattern]:
        t = self.text
        return [
            *any_of("set", t.phrases),
            *any_of("source", t.in_),
            *any_of("doc_kind", t.document_kinds),
        ]

    def check(self, ctx: CheckContext) -> Iterator[tuple[LeafPath, str, str]]:
        for i, ps in enumerate(self.text.phrases):
            if ps not in ctx.phrase_sets:
                msg = f"unknown phrase set '{ps}'; {expected(ctx.phrase_sets, ps)}"
                yield ("text", "phrases", i), msg, "rule-reference"
        for i, dk in enumerate(self.text.document_kinds):
            if dk not in DOCUMENT_KINDS:
                msg = f"unknown document kind '{dk}'; {expected(DOCUMENT_KINDS, dk)}"
                yield ("text", "document_kinds", i), msg, "rule-vocabulary"

    def seen(self, ctx: ExplainContext) -> list[str]:
        sets = set(self.text.phrases)
        sources = set(self.text.in_)
        kinds = set(self.text.document_kinds)
        out = []
        for fact in ctx.facts:
            if fact.kind != F.TEXT_HIT or fact.attrs["set"] not in sets or fact.evidence is None:
                continue
            if fact.attrs["source"] not in sources:
                why = f"in {fact.attrs['source']}, a text source this rule does not read"
            elif kinds and fact.attrs.get("doc_kind") not in kinds:
                kind = fact.attrs.get("doc_kind") or "no kind"
                why = f"in a document of kind {kind}; the rule reads {', '.join(sorted(kinds))}"
            else:
                why = "not joined with the other conditions' facts"
            out.append(f"{ctx.describe(fact.evidence)} ({why})")
        out += ctx.suppressed(sets)
        return out or [f"no phrase of {', '.join(sorted(sets))} in the case"]
