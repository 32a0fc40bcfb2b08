"""References from the code to the durable-rules field guide resolve inside the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTES = ROOT / "docs" / "durable-rules-notes.md"


def test_every_pitfall_the_code_cites_is_in_the_notes() -> None:
    notes = NOTES.read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| (P\d+) \|", notes, re.MULTILINE))
    sections = set(re.findall(r"^## (\d+)\.", notes, re.MULTILINE))
    cited: set[str] = set()
    for path in (ROOT / "screening").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        cited |= set(re.findall(r"\b(P\d+)\b", text))
        cited |= {f"§{n}" for n in re.findall(r"§(\d+)", text)}
    assert cited, "the code cites the field guide; the scan found nothing"
    missing = {c for c in cited if c not in listed and c.lstrip("§") not in sections}
    assert missing == set()
