"""Read a document into text blocks that know where they were: page and paragraph.

Formats are told by their first bytes (a PDF starts `%PDF-`, a Word file is a zip with
`word/document.xml`), then by extension for HTML and Markdown; anything else is read as
UTF-8 text. Every refusal is one located line naming the file: a PDF without a text layer,
an encrypted, corrupt or oversized file, and hostile files (a zip bomb posing as a Word
file, a PDF whose objects nest without end) are refused before they cost time or memory.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from screening.errors import InputError, Location, Problem, display_path
from screening.intake.markup import html_blocks, markdown_blocks, text_blocks

#: Largest document read, in bytes (a long filing with scanned annexes stays below it).
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
#: A Word file's parts, uncompressed, may add up to this much; more is a zip bomb.
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024
#: ... and no part may expand more than this many times its compressed size.
MAX_ZIP_RATIO = 200
MAX_ZIP_MEMBERS = 5000
#: Pages read from a PDF; the text kept from any document (a case document's own limit).
MAX_PAGES = 2000
MAX_TEXT_CHARS = 2_000_000
#: A PDF with this many brackets or dictionaries open in a row is built to exhaust a parser.
MAX_PDF_NESTING = 200

FORMATS = ("pdf", "docx", "html", "markdown", "text")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


@dataclass(frozen=True)
class Block:
    """A paragraph of the document: its text, page (PDF only) and paragraph number."""

    text: str
    paragraph: int  # 1-based; within its page for a PDF, in the whole document otherwise
    page: int | None = None
    heading: bool = False

    @property
    def where(self) -> str:
        """'p. 2 ¶ 3' or '¶ 14', as evidence comments cite it."""
        return f"p. {self.page} ¶ {self.paragraph}" if self.page else f"¶ {self.paragraph}"


@dataclass(frozen=True)
class DocumentText:
    """A document's text in blocks; `text` joins them with blank lines (offsets below)."""

    path: Path
    format: str
    blocks: tuple[Block, ...]
    pages: int  # PDF pages; 1 for other formats
    title: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks)

    def starts(self) -> list[int]:
        """Offset of each block in `text`."""
        out, pos = [], 0
        for b in self.blocks:
            out.append(pos)
            pos += len(b.text) + 2
        return out


def refuse(path: Path, message: str) -> InputError:
    """The one-line error every refusal raises: 'file: error: message [intake]'."""
    return InputError([Problem(Location(display_path(path)), message, "intake")])


def read_document(path: Path) -> DocumentText:
    """The document's text blocks, or `InputError` saying in one line why not."""
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise refuse(
                path,
                f"file is {size / 2**20:.1f} MiB; the limit is {MAX_DOCUMENT_BYTES // 2**20} MiB",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise refuse(path, f"cannot read: {exc.strerror or exc}") from None
    kind = sniff(path, data)
    reader: dict[str, Callable[[Path, bytes], tuple[list[Block], int, str | None]]] = {
        "pdf": _read_pdf,
        "docx": _read_docx,
        "html": lambda p, d: (*html_blocks(_decode(p, d)),),
        "markdown": lambda p, d: (markdown_blocks(_decode(p, d)), 1, None),
        "text": lambda p, d: (text_blocks(_decode(p, d)), 1, None),
    }
    blocks, pages, title = reader[kind](path, data)
    blocks = _bounded(_clean(blocks))
    if not blocks:
        raise refuse(path, f"no text found in this {kind} file")
    return DocumentText(path, kind, tuple(blocks), pages, title)


def sniff(path: Path, data: bytes) -> str:
    """The format: by content for PDF and Word, by extension for HTML and Markdown."""
    suffix = path.suffix.lower()
    head = data[:1024].lstrip()
    if data[:1024].find(b"%PDF-") >= 0:
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        return "docx"
    if suffix == ".pdf":
        raise refuse(path, "not a PDF file (no %PDF- header); the file is corrupt or misnamed")
    if suffix in (".docx", ".docm"):
        raise refuse(path, "not a Word file (not a zip archive); the file is corrupt or misnamed")
    if suffix == ".doc":
        raise refuse(path, "old binary Word (.doc) files are not read; save it as .docx or PDF")
    if suffix in (".html", ".htm", ".xhtml") or head[:15].lower().startswith(
        (b"<!doctype html", b"<html")
    ):
        return "html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    return "text"


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise refuse(path, f"not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


def _clean(blocks: list[Block]) -> list[Block]:
    out = []
    for b in blocks:
        text = _CONTROL.sub("", b.text).replace("\r\n", "\n").replace("\r", "\n")
        text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\x85", "\n")
        text = "\n".join(line.rstrip() for line in text.split("\n")).strip()
        if text:
            out.append(Block(text, b.paragraph, b.page, b.heading))
    return out


def _bounded(blocks: list[Block]) -> list[Block]:
    out, total = [], 0
    for b in blocks:
        total += len(b.text) + 2
        if total > MAX_TEXT_CHARS:
            break
        out.append(b)
    return out


# --- PDF ---------------------------------------------------------------------------------


def _nesting(data: bytes) -> int:
    """The longest run of '[' or '<<' opened in a row (whitespace between), a cheap look
    for a file built to exhaust a recursive parser."""
    runs = re.findall(rb"(?:(?:\[|<<)\s*){%d,}" % MAX_PDF_NESTING, data)
    return max((r.count(b"[") + r.count(b"<<") for r in runs), default=0)


def _read_pdf(path: Path, data: bytes) -> tuple[list[Block], int, str | None]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs what it repairs ("EOF marker not found"); the one-line error below says it
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    deep = _nesting(data)
    if deep >= MAX_PDF_NESTING:
        raise refuse(
            path,
            f"PDF objects nest {deep} deep (limit {MAX_PDF_NESTING}); refused "
            "as hostile or corrupt",
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise refuse(path, "PDF is encrypted; remove the password first")
        pages = len(reader.pages)
        if pages == 0:
            raise refuse(path, "corrupt PDF: no pages could be read")
        if pages > MAX_PAGES:
            raise refuse(path, f"PDF has {pages} pages; the limit is {MAX_PAGES}")
        blocks = list(_pdf_blocks(reader))
        title = _pdf_title(reader)
    except InputError:
        raise
    except (
        PdfReadError,
        RecursionError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        OSError,
        zipfile.BadZipFile,
        MemoryError,
    ) as exc:
        name = type(exc).__name__
        if "encrypt" in str(exc).lower() or "crypt" in name.lower():
            raise refuse(path, f"PDF is encrypted and cannot be read ({exc})") from None
        raise refuse(path, f"corrupt PDF: {name}: {str(exc)[:120]}") from None
    except Exception as exc:  # pypdf raises many kinds on broken files; all mean the same
        raise refuse(path, f"corrupt PDF: {type(exc).__name__}: {str(exc)[:120]}") from None
    if not any(b.text.strip() for b in blocks):
        raise refuse(path, f"no text layer on any of its {pages} pages; OCR it first")
    return blocks, pages, title


_SENTENCE_END = re.compile(r"[.!?:;。！？」”\"')\]]$")


def _pdf_blocks(reader: object) -> Iterator[Block]:
    """Each page's paragraphs; a paragraph a page break cuts (the page's last one runs to
    a full line and ends without a sentence's end) is joined with the next page's first
    and kept where it started, so a name broken by the page stays whole."""
    total = 0
    carry: Block | None = None
    for number, page in enumerate(reader.pages, start=1):  # type: ignore[attr-defined]
        text = page.extract_text() or ""
        total += len(text)
        paras = _pdf_paragraphs(text)
        first = 1
        if carry is not None and paras:
            yield Block(carry.text + " " + paras[0], carry.paragraph, carry.page)
            first = 2  # the page's first paragraph went with the previous page's last
        elif carry is not None:
            yield carry
        carry = None
        for i, para in enumerate(paras[first - 1 :], start=first):
            block = Block(para, i, number)
            if i == len(paras) and len(para) >= 60 and not _SENTENCE_END.search(para):
                carry = block
            else:
                yield block
        if total > MAX_TEXT_CHARS:
            break
    if carry is not None:
        yield carry


_FINALS = "ךםןףץ"
_LTR_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,:%/\-]*")


def logical_order(line: str) -> str:
    """A Hebrew line a PDF stored in visual order (right to left, reversed) put back in
    reading order. Told by final letters (ך ם ן ף ץ): they end words, so a line whose
    words start with them is reversed. Runs of Latin letters and digits keep their order."""
    words = re.findall(r"[\u05d0-\u05ea]{2,}", line)
    starts = sum(w[0] in _FINALS for w in words)
    ends = sum(w[-1] in _FINALS for w in words)
    if starts <= ends:
        return line
    return _LTR_RUN.sub(lambda m: m.group(0)[::-1], line[::-1])


_SPACES = re.compile(r"[ \t\u00a0]{2,}")


def _pdf_paragraphs(text: str) -> list[str]:
    """A page's lines joined into paragraphs: a blank line, or a line ending a sentence
    followed by a shorter-than-full line, ends one; hyphenated line ends are joined."""
    paras: list[str] = []
    current: list[str] = []
    for raw in text.split("\n"):
        # a justified line's extra spaces ('Israel  Innovation  Authority') go: names are
        # matched with single spaces
        line = _SPACES.sub(" ", logical_order(raw.strip()))
        if not line:
            if current:
                paras.append(" ".join(current))
                current = []
            continue
        if current and current[-1].endswith("-") and line[:1].islower():
            current[-1] = current[-1][:-1] + line
        else:
            current.append(line)
        if re.search(r"[.!?:。！？」”\"]$", line) and len(line) < 60:
            paras.append(" ".join(current))
            current = []
    if current:
        paras.append(" ".join(current))
    return paras


def _pdf_title(reader: object) -> str | None:
    meta = getattr(reader, "metadata", None)
    title = getattr(meta, "title", None) if meta else None
    return str(title).strip() or None if title else None


# --- Word --------------------------------------------------------------------------------


def _check_zip(path: Path, data: bytes) -> None:
    """Refuse a zip whose parts would expand past the limits, before anything is inflated."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise refuse(path, f"corrupt Word file: {exc}") from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise refuse(path, f"Word file has {len(infos)} parts; the limit is {MAX_ZIP_MEMBERS}")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNZIPPED_BYTES:
        raise refuse(
            path,
            f"Word file would expand to {total / 2**20:.0f} MiB; the limit is "
            f"{MAX_UNZIPPED_BYTES // 2**20} MiB (a zip bomb?)",
        )
    for i in infos:
        if i.file_size > 1024 * 1024 and i.file_size > MAX_ZIP_RATIO * max(i.compress_size, 1):
            raise refuse(
                path,
                f"Word part {i.filename} expands {i.file_size // max(i.compress_size, 1)}"
                f" times (limit {MAX_ZIP_RATIO}); refused as a zip bomb",
            )
    if not any(i.filename == "word/document.xml" for i in infos):
        raise refuse(path, "not a Word file: the zip has no word/document.xml")


def _read_docx(path: Path, data: bytes) -> tuple[list[Block], int, str | None]:
    _check_zip(path, data)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        blocks: list[Block] = []
        for para in document.paragraphs:
            style = (para.style.name or "") if para.style is not None else ""
            blocks.append(
                Block(para.text, len(blocks) + 1, None, style.startswith(("Heading", "Title")))
            )
        for table in document.tables:
            for row in table.rows:
                cells = " | ".join(dict.fromkeys(c.text.strip() for c in row.cells if c.text))
                blocks.append(Block(cells, len(blocks) + 1))
        title = document.core_properties.title or None
    except InputError:
        raise
    except Exception as exc:  # python-docx and lxml raise many kinds on broken parts
        raise refuse(path, f"corrupt Word file: {type(exc).__name__}: {str(exc)[:120]}") from None
    numbered = [
        Block(b.text, i, None, b.heading)
        for i, b in enumerate((b for b in blocks if b.text.strip()), start=1)
    ]
    return numbered, 1, title
