"""Readers: a file in, a `Document` of blocks out, chosen by the file's bytes."""

from __future__ import annotations

from pathlib import Path

from cchc.pipeline.model import Document
from cchc.pipeline.read.detect import DOC, DOCX, PDF, RTF, TXT, detect_format


class UnsupportedFormat(Exception):
    """The file is of a kind cchc cannot read (yet); the message says what to do.
    `waits_for` names a tool whose installation would make it readable."""

    def __init__(self, fmt: str, message: str, waits_for: str | None = None):
        super().__init__(message)
        self.format = fmt
        self.waits_for = waits_for


_ADVICE = {
    DOC: "Word 97-2003 (.doc) file: install LibreOffice (`apt-get install libreoffice-writer`) and run again, "
    "and cchc converts it; or convert it yourself: `soffice --headless --convert-to docx FILE`",
    RTF: "RTF file: install LibreOffice (`apt-get install libreoffice-writer`) and run again, "
    "and cchc converts it; or save it as .docx or .txt",
    "html": "HTML page, not a report document (often a download that returned an error or login page): "
    "save the report itself as PDF, DOCX or TXT",
    "zip": "zip archive that is not a Word document: unpack it and give cchc the files inside",
    "empty": "the file is empty (0 bytes): an interrupted copy or download? copy it again",
    "binary": "unrecognised binary content: not PDF, DOCX or text (a damaged file, or another kind of file "
    "named like a report)",
}


def read_document(path: str | Path) -> Document:
    """Read a report file into a Document (not yet normalised)."""
    path = Path(path)
    fmt = detect_format(path)
    if fmt == TXT:
        from cchc.pipeline.read.txt import read_txt

        return read_txt(path)
    if fmt == DOCX:
        from cchc.pipeline.read.docx import read_docx

        return read_docx(path)
    if fmt == PDF:
        from cchc.pipeline.read.pdf import read_pdf

        return read_pdf(path)
    if fmt in (DOC, RTF):
        from cchc.pipeline import tools

        soffice = tools.soffice()
        if soffice is not None:
            from cchc.pipeline.read.convert import read_with_libreoffice

            return read_with_libreoffice(path, fmt, soffice)
        raise UnsupportedFormat(fmt, _ADVICE[fmt], waits_for=tools.SOFFICE)
    raise UnsupportedFormat(fmt, _ADVICE.get(fmt, f"unsupported format {fmt}"))
