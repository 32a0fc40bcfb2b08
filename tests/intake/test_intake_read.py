"""Reading documents: each format into located paragraphs, and every refusal as one line."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from screening.errors import InputError
from screening.intake import read
from screening.intake.read import read_document
from tests.intake.docs import (
    unicode_font,
    write_docx,
    write_drawing_pdf,
    write_encrypted_pdf,
    write_html,
    write_pdf,
    write_zip_bomb,
)

PARAS = [
    "Shanghai International Port Group will acquire 49% of the terminal.",
    "The concession runs for 25 years from 1 July 2021.",
]


def _refused(path: Path) -> str:
    with pytest.raises(InputError) as err:
        read_document(path)
    [problem] = err.value.problems
    line = str(problem)
    assert "\n" not in line and path.name in line and line.endswith("[intake]")
    return line


def test_pdf_pages_and_paragraphs(tmp_path: Path) -> None:
    doc = read_document(write_pdf(tmp_path / "a.pdf", [PARAS[:1], PARAS[1:]], title="Deal"))
    assert doc.format == "pdf" and doc.pages == 2 and doc.title == "Deal"
    assert [b.where for b in doc.blocks] == ["p. 1 ¶ 1", "p. 2 ¶ 1"]
    assert "49%" in doc.blocks[0].text and "25 years" in doc.blocks[1].text


def test_pdf_justified_lines_keep_names_whole(tmp_path: Path) -> None:
    """fpdf2 justifies multi-line paragraphs; pypdf reads the stretched gaps as two or
    more spaces, which would split 'Israel Innovation Authority' for the name search."""
    long = (
        "During the visit the Shanghai Science and Technology Commission and the Israel "
        "Innovation Authority signed cooperation agreements on technological innovation "
        "and agreed to meet again within the year to review the joint research programme."
    )
    doc = read_document(write_pdf(tmp_path / "j.pdf", [[long]]))
    assert "  " not in doc.text
    assert "Israel Innovation Authority" in doc.text


def test_pdf_paragraph_cut_by_a_page_break_is_joined(tmp_path: Path) -> None:
    first = (
        "In 2014 an agreement to build the Southern Port in Ashdod was signed between "
        "the Israel Ports Company and Pan Mediterranean"
    )
    pages = [[first], ["Engineering Company, a subsidiary of China Harbour.", "Next."]]
    doc = read_document(write_pdf(tmp_path / "b.pdf", pages))
    assert "Pan Mediterranean Engineering Company" in doc.blocks[0].text
    assert [b.where for b in doc.blocks] == ["p. 1 ¶ 1", "p. 2 ¶ 2"]
    # a page that ends a sentence is not joined
    doc = read_document(write_pdf(tmp_path / "c.pdf", [PARAS[:1], PARAS[1:]]))
    assert len(doc.blocks) == 2


@pytest.mark.skipif(unicode_font() is None, reason="no DejaVu font on this machine")
def test_pdf_hebrew(tmp_path: Path) -> None:
    doc = read_document(write_pdf(tmp_path / "he.pdf", [["הסכם בין עיריית אשדוד לבין החברה"]]))
    assert "אשדוד" in doc.text


def test_docx_html_markdown_text(tmp_path: Path) -> None:
    docx = read_document(write_docx(tmp_path / "a.docx", PARAS, heading="Term sheet"))
    assert docx.format == "docx" and docx.blocks[0].heading and docx.blocks[1].text == PARAS[0]
    html = read_document(write_html(tmp_path / "a.html", PARAS, title="Deal"))
    assert html.title == "Deal" and [b.text for b in html.blocks] == PARAS  # no script text
    md = tmp_path / "a.md"
    md.write_text("# Term sheet\n\n**SIPG** will [acquire](http://x) 49%.\n\n- a list item\n")
    blocks = read_document(md).blocks
    assert blocks[0].heading and blocks[1].text == "SIPG will acquire 49%."
    txt = tmp_path / "a.txt"
    txt.write_text("上海国际港务（集团）股份有限公司\n\nעיריית חיפה", encoding="utf-8")
    assert [b.where for b in read_document(txt).blocks] == ["¶ 1", "¶ 2"]


def test_no_text_layer(tmp_path: Path) -> None:
    line = _refused(write_drawing_pdf(tmp_path / "scan.pdf"))
    assert "no text layer" in line and "OCR it first" in line


def test_encrypted_pdf(tmp_path: Path) -> None:
    assert "encrypted" in _refused(write_encrypted_pdf(tmp_path / "locked.pdf", PARAS))


def test_corrupt_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n\x00\x01garbage")
    assert "corrupt PDF" in _refused(bad)
    named = tmp_path / "x.pdf"
    named.write_bytes(b"hello")
    assert "not a PDF file" in _refused(named)
    docx = tmp_path / "bad.docx"
    docx.write_bytes(b"PK\x03\x04broken")
    assert "corrupt Word file" in _refused(docx)
    latin = tmp_path / "l.txt"
    latin.write_bytes("caf\xe9".encode("latin-1"))
    assert "not UTF-8" in _refused(latin)


def test_oversized_file(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as out:
        out.truncate(read.MAX_DOCUMENT_BYTES + 1)  # sparse: costs no disk
    assert "the limit is 32 MiB" in _refused(big)


def test_zip_bomb_refused_before_inflating(tmp_path: Path) -> None:
    bomb = write_zip_bomb(tmp_path / "bomb.docx")
    assert bomb.stat().st_size < 2 * 1024 * 1024
    started = time.perf_counter()
    assert "zip bomb" in _refused(bomb)
    assert time.perf_counter() - started < 1.0


def test_deeply_nested_pdf_refused_quickly(tmp_path: Path) -> None:
    hostile = tmp_path / "deep.pdf"
    hostile.write_bytes(
        b"%PDF-1.4\n1 0 obj\n"
        + b"[" * 200_000
        + b"]" * 200_000
        + b"\nendobj\ntrailer<</Root 1 0 R>>"
    )
    started = time.perf_counter()
    assert "nest" in _refused(hostile)
    assert time.perf_counter() - started < 2.0


def test_a_corrupt_pdf_is_one_line_on_stderr_and_nothing_else(tmp_path: Path) -> None:
    """In a process of its own: pytest's log capture would hide a stray library log line."""
    bad = tmp_path / "fake.pdf"
    bad.write_bytes(b"%PDF-1.4 garbage")  # no EOF marker: pypdf logs about it
    code = "import sys; from screening.cli import main; sys.argv[0] = 'screening'; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, "screen", str(bad)], capture_output=True, text=True
    )
    assert done.returncode == 2 and done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"{bad}: error: corrupt PDF") and line.endswith("[intake]")
