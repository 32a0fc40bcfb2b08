"""HTML, Markdown and plain text into paragraphs.

HTML is read with the standard library's `html.parser`: it is tolerant of broken markup,
needs no dependency, never fetches anything and builds no tree (memory stays linear in the
file). Script, style and template contents are dropped; block elements end paragraphs.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from screening.intake.read import Block

_BLOCK_TAGS_WORDS = (
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr table section article header footer "
    "blockquote pre title dt dd figcaption hr main aside nav"
)
_BLOCK_TAGS = frozenset(_BLOCK_TAGS_WORDS.split())
_SKIP_TAGS = frozenset({"script", "style", "template", "noscript", "svg", "head"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


class _Paragraphs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[tuple[str, bool]] = []
        self.title: str | None = None
        self._parts: list[str] = []
        self._skip = 0
        self._in_title = False
        self._heading = False

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self._parts)).strip()
        if text:
            self.paragraphs.append((text, self._heading))
        self._parts = []
        self._heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in _SKIP_TAGS:
            self._skip += 1
        if tag in _BLOCK_TAGS:
            self._flush()
            self._heading = tag in _HEADINGS

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        if tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = ((self.title or "") + data).strip() or None
        elif not self._skip:
            self._parts.append(data)


def html_blocks(text: str) -> tuple[list[Block], int, str | None]:
    """Paragraphs of an HTML page (numbered from 1), its page count (1) and its title."""
    from screening.intake.read import Block

    parser = _Paragraphs()
    parser.feed(text)
    parser.close()
    parser._flush()
    blocks = [Block(t, i, None, h) for i, (t, h) in enumerate(parser.paragraphs, start=1)]
    return blocks, 1, parser.title


_MD_INLINE = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images: their alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links: their words
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),
)


def markdown_blocks(text: str) -> list[Block]:
    """Markdown paragraphs without their markup: headings, list markers, emphasis, links."""
    from screening.intake.read import Block

    out: list[Block] = []
    for para in _split(text):
        heading = para.startswith("#")
        lines = []
        for line in para.split("\n"):
            line = re.sub(r"^\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)", "", line)
            if re.fullmatch(r"\s*([-*_=]\s*){3,}", line) or re.fullmatch(r"\s*\|?[-:| ]+\|?", line):
                continue  # rules and table separators
            for pattern, repl in _MD_INLINE:
                line = pattern.sub(repl, line)
            lines.append(line)
        joined = "\n".join(lines).strip()
        if joined:
            out.append(Block(joined, len(out) + 1, None, heading))
    return out


def text_blocks(text: str) -> list[Block]:
    """Plain text paragraphs: separated by blank lines."""
    from screening.intake.read import Block

    paragraphs = _split(text)
    if len(paragraphs) == 1 and "\n" in paragraphs[0]:  # no blank lines: a line is a paragraph
        paragraphs = [line for line in paragraphs[0].split("\n") if line.strip()]
    return [Block(p, i, None) for i, p in enumerate(paragraphs, start=1)]


def _split(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [p.strip("\n") for p in re.split(r"\n[ \t]*\n", text) if p.strip()]
