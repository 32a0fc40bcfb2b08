"""Documents written at run time for the intake tests and bench/intake.py."""

from __future__ import annotations

import zipfile
from pathlib import Path

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


def unicode_font() -> Path | None:
    """DejaVu Sans (Latin, Hebrew), if the machine has it; fpdf2's own fonts are Latin-1."""
    for folder in FONT_DIRS:
        if (folder / "DejaVuSans.ttf").is_file():
            return folder / "DejaVuSans.ttf"
    return None


def write_pdf(path: Path, pages: list[list[str]], title: str | None = None) -> Path:
    """A PDF with a text layer: each page's paragraphs, a blank line between them."""
    from fpdf import FPDF

    pdf = FPDF()
    font = unicode_font()
    if font is not None:
        pdf.add_font("Uni", fname=str(font))
        pdf.set_font("Uni", size=11)
    else:
        pdf.set_font("Helvetica", size=11)
    if title:
        pdf.set_title(title)
    for paragraphs in pages:
        pdf.add_page()
        for para in paragraphs:
            text = para if font else para.encode("latin-1", "replace").decode("latin-1")
            pdf.multi_cell(0, 6, text)
            pdf.ln(6)
    pdf.output(str(path))
    return path


def write_drawing_pdf(path: Path) -> Path:
    """A PDF with a rectangle and no text at all (a scan would look the same to intake)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60)
    pdf.output(str(path))
    return path


def write_encrypted_pdf(path: Path, paragraphs: list[str]) -> Path:
    from pypdf import PdfReader, PdfWriter

    plain = write_pdf(path.with_suffix(".plain.pdf"), [paragraphs])
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    with path.open("wb") as out:
        writer.write(out)
    plain.unlink()
    return path


def write_docx(path: Path, paragraphs: list[str], heading: str | None = None) -> Path:
    import docx

    document = docx.Document()
    if heading:
        document.add_heading(heading, level=1)
    for para in paragraphs:
        document.add_paragraph(para)
    document.save(str(path))
    return path


def write_html(path: Path, paragraphs: list[str], title: str | None = None) -> Path:
    from html import escape

    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    head = f"<title>{escape(title)}</title>" if title else ""
    path.write_text(
        f"<!doctype html><html><head>{head}<script>var SIPG = 1;</script></head>"
        f"<body>{body}</body></html>",
        encoding="utf-8",
    )
    return path


def write_zip_bomb(path: Path, megabytes: int = 80) -> Path:
    """A .docx whose document.xml expands from about 80 KB to `megabytes` MiB."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        chunk = b" " * (1024 * 1024)
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            for _ in range(megabytes):
                part.write(chunk)
    return path
