"""Intake: a proposal document (PDF, Word, HTML, Markdown, text) into a draft case file.

Stages, one module each: `read` (the document into text blocks with page and paragraph),
`names`, `figures` and `cues` with `extract` (what the text says, with evidence), `build`
(a draft case, schema version 2) and `write` (YAML with evidence comments). The draft is
loaded back with the project's case loader before it is returned, so it always validates.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from screening.errors import InputError
from screening.intake.build import Builder, slug
from screening.intake.extract import Extractor
from screening.intake.findings import Findings
from screening.intake.read import DocumentText, read_document
from screening.intake.write import to_yaml
from screening.loading.case import load_case
from screening.loading.rulepack import RulePack
from screening.models.case import Case

__all__ = ["Draft", "Extractor", "draft_from_document"]


@dataclass(frozen=True)
class Draft:
    """A validated draft case, its YAML (with evidence comments) and what is left open."""

    case: Case
    yaml: str
    notes: tuple[str, ...]  # unresolved parties, placeholders, missing fields
    document: DocumentText
    findings: Findings

    @property
    def unresolved(self) -> list[str]:
        """The notes about parties the registry does not know."""
        return [n for n in self.notes if "unresolved" in n]

    @property
    def mentions(self) -> list[str]:
        """The notes about names the document mentions only in passing (not parties)."""
        return [n for n in self.notes if n.startswith("mentioned, not drafted as a party")]


def draft_from_document(
    path: Path,
    pack: RulePack,
    *,
    extractor: Extractor | None = None,
    jurisdiction: str | None = None,
) -> Draft:
    """Read `path`, extract, build and validate a draft case; `InputError` (one located
    line) when the document cannot be read."""
    doc = read_document(path)
    findings = (extractor or Extractor(pack)).extract(doc)
    builder = Builder(findings, jurisdiction=jurisdiction)
    data = builder.build(slug(path.stem, "draft"))
    notes = tuple(dict.fromkeys(builder.notes))
    text = to_yaml(data, builder.evidence, list(notes), path.name)
    case = _validated(text, pack)
    if case.documents[0].text != data["documents"][0]["text"]:  # a literal block cannot say it
        text = to_yaml(data, builder.evidence, list(notes), path.name, literal_text=False)
        case = _validated(text, pack)
    return Draft(case, text, notes, doc, findings)


def _validated(text: str, pack: RulePack) -> Case:
    """The draft loaded with the project's case loader (a failure here is a bug)."""
    fd, name = tempfile.mkstemp(suffix=".yaml", prefix="intake-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        try:
            case, _ = load_case(Path(name), pack)
        except InputError as exc:
            raise RuntimeError(f"intake wrote an invalid draft: {exc}") from None
        return case
    finally:
        with contextlib.suppress(OSError):
            Path(name).unlink()
