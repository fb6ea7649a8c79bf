"""Readers: a file in, a `Document` of blocks out, chosen by the file's bytes."""

from __future__ import annotations

from pathlib import Path

from pipeline.model import Document
from pipeline.read.detect import DOC, DOCX, PDF, TXT, detect_format


class UnsupportedFormat(Exception):
    """The file is of a kind cchc cannot read (yet); the message says what to do."""

    def __init__(self, fmt: str, message: str):
        super().__init__(message)
        self.format = fmt


_ADVICE = {
    DOC: "Word 97-2003 (.doc) file: convert it to .docx, e.g. `libreoffice --headless --convert-to docx FILE`",
    "rtf": "RTF file: save it as .docx or .txt",
    "html": "HTML page, not a report document: save the report itself as PDF, DOCX or TXT",
    "zip": "zip archive that is not a Word document",
    "empty": "the file is empty",
    "binary": "unrecognised binary content: not PDF, DOCX or text",
}


def read_document(path: str | Path) -> Document:
    """Read a report file into a Document (not yet normalised)."""
    path = Path(path)
    fmt = detect_format(path)
    if fmt == TXT:
        from pipeline.read.txt import read_txt

        return read_txt(path)
    if fmt == DOCX:
        from pipeline.read.docx import read_docx

        return read_docx(path)
    if fmt == PDF:
        from pipeline.read.pdf import read_pdf

        return read_pdf(path)
    raise UnsupportedFormat(fmt, _ADVICE.get(fmt, f"unsupported format {fmt}"))
