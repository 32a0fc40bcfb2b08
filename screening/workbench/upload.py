"""Screen a case a reviewer uploads: a case YAML, or a proposal document through intake.

The bytes are kept in the uploads folder under a name made of their digest (the results
database stores each case by its file, and the dossier reads the case back from it). A case
YAML goes through the project's loader (size caps, safe YAML, located errors); a document
becomes a draft case first, saved beside it, and its report says it is an unreviewed draft.
Problems are located at the name the reviewer uploaded, never at the server's path.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path

from screening.errors import InputError, Location, Problem, display_path
from screening.workbench.service import Workbench

#: Proposal documents intake reads; anything else is taken as a case YAML.
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".docm", ".doc", ".html", ".htm", ".xhtml", ".md", ".txt")
CASE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Screened:
    case_row: int | None
    problems: tuple[Problem, ...] = ()


def safe_name(name: str) -> str:
    """The uploaded file's base name reduced to plain characters (it names a file here)."""
    base = re.split(r"[\\/]", name)[-1]
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", base).strip(".-")[:80]
    return cleaned or "upload"


def screen_upload(wb: Workbench, name: str, data: bytes) -> Screened:
    """Screen the uploaded bytes and store the result; the row, or the located problems."""
    shown = safe_name(name)
    suffix = Path(shown).suffix.lower()
    if len(data) > wb.settings.max_upload:
        return _refused(
            shown, f"file is {len(data):,} bytes; the limit is {wb.settings.max_upload:,} bytes"
        )
    if suffix not in DOCUMENT_SUFFIXES + CASE_SUFFIXES:
        return _refused(
            shown,
            f"unknown kind of file '{suffix or shown}'; expected a case file (.yaml) or a "
            f"proposal document ({', '.join(DOCUMENT_SUFFIXES)})",
        )
    wb.settings.uploads.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()
    path = wb.settings.uploads / f"{digest[:16]}-{shown}"
    kept = path.exists()  # the same bytes uploaded before: a stored case may rest on it
    path.write_bytes(data)
    try:
        with wb.lock:
            if suffix in DOCUMENT_SUFFIXES:
                return _screen_document(wb, path, shown)
            _, result = wb.screener.screen_case_file(path, display_path(path))
            result.case_path = shown
            return Screened(wb.store_result(path, result, "upload"))
    except InputError as exc:
        if not kept:
            path.unlink(missing_ok=True)
        return Screened(None, tuple(_relocated(p, path, shown) for p in exc.problems))


def _screen_document(wb: Workbench, path: Path, shown: str) -> Screened:
    from screening.intake import draft_from_document

    draft = draft_from_document(path, wb.pack)
    case_file = path.with_name(path.name + ".draft.yaml")
    case_file.write_text(draft.yaml, encoding="utf-8")
    _, result = wb.screener.screen_case_file(case_file, display_path(case_file))
    result.case_path = shown
    pages = draft.document.pages
    banner = (
        f"screened a draft case drawn up automatically from {shown} ({pages} "
        f"page{'s' if pages != 1 else ''}), not reviewed: check the draft and upload the "
        "edited case file"
    )
    result.notices = [banner, *(f"intake: {n}" for n in draft.notes), *result.notices]
    return Screened(wb.store_result(case_file, result, "upload-document"))


def _refused(shown: str, message: str) -> Screened:
    return Screened(None, (Problem(Location(shown), message, "upload"),))


def _relocated(problem: Problem, path: Path, shown: str) -> Problem:
    """A problem about the stored file, located at the uploaded name instead."""
    if problem.location.path in (display_path(path), str(path), str(path.resolve())):
        return replace(problem, location=replace(problem.location, path=shown))
    return problem
