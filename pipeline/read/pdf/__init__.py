"""PDF reports: characters from pdfium, layout rules here, table grids by pdfplumber.

Speed decides the split.  pdfplumber (pdfminer) interprets every page in
Python, at 5-15 pages/s; pdfium does it in C.  So pdfium gives the
characters and their positions (the text in one call per page, one ctypes
call per character for its origin), font sizes, weights and boxes where a
line needs them, and the page's vector strokes.  Only pages whose strokes
could form a ruled table go to pdfplumber's lattice table finder, fed with
those strokes, so pdfminer never parses a page.  benchmarks/pdf_reading.py
measures the result against pdfplumber's extract_text.

From characters to blocks:
The package: chars.py (pdfium's characters as arrays), lines.py (lines by
position), tables.py (strokes, boxes and ruled tables), furniture.py
(running headers and footers, footnotes), paragraphs.py (blocks), and
settings.py (the thresholds of the line and band rules).

0. characters in a legacy TCVN3 or VNI font (.VnTime, VNI-Times: the font
   name says so) are converted to Unicode, one entry per character still;
1. characters -> lines, by position (lines.py): a line goes on while the
   baseline stays within half a font size and the pen moves right, so small
   raised digits stay on their line and become Unicode superscripts
   ("Kế hoạch¹"); a run that comes back leftwards onto a line's baseline
   belongs to that line (LibreOffice writes the letters it takes from a
   fallback font after the rest of the line), and then the line's
   characters are sorted by x and its word spaces found from the gaps;
   combining marks follow the letter under them; a wide blank splits a
   line into cells.  Lines keep the order they start in the stream, so
   table cells and letterhead columns read one after the other;
2. lines in the top/bottom tenth of a page that come back on other pages
   (digits masked) or are bare page numbers -> page_header / page_footer;
3. small print below the body whose lines open with a raised number (or a
   plain one under a separator rule) -> footnote blocks "¹ ...";
4. the other lines -> paragraphs, cut at gaps wider than the line pitch, at
   first-line indents, after lines that stop short although the next word
   would have fitted, and at font changes; each paragraph's kind comes from
   `classify_line`, the rule every reader shares;
5. paragraphs cut by a page break are re-joined: by geometry (the page's
   last line is full and the next page opens flush left, in the same font)
   and by `join_broken_paragraphs` (the sentence is visibly unfinished).
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from cchc.pipeline import limits, tools
from cchc.pipeline.model import Document
from cchc.pipeline.read.legacy import conversion_note
from cchc.pipeline.read.ocr import ocr_page, scan_reason
from cchc.pipeline.read.pdf.chars import _PDFIUM_HYPHENS, _Chars
from cchc.pipeline.read.pdf.lines import _group_lines
from cchc.pipeline.read.pdf.paragraphs import _assemble
from cchc.pipeline.read.pdf.shapes import Line, Page, Table
from cchc.pipeline.read.pdf.tables import _cell_text, _find_tables, _graphics, _inside
from cchc.pipeline.read.repair import with_trailer

_HYPHEN_MARKS = str.maketrans(_PDFIUM_HYPHENS, "-" * len(_PDFIUM_HYPHENS))


def _read_page(pdf: pdfium.PdfDocument, index: int, plumber, warnings: list[str]) -> Page:
    page = pdf[index]
    try:
        left, bottom, right, top = page.get_mediabox()
        result = Page(index + 1, right - left, top - bottom, y0=bottom)
        textpage = page.get_textpage()
        try:
            chars = _Chars(textpage)
            graphics = _graphics(page)
            result.rules = graphics.rules
            if graphics.legacy_fonts:
                for used in sorted(chars.legacy_to_unicode()):
                    if conversion_note(*used) not in warnings:
                        warnings.append(conversion_note(*used))
            # pdfium's marks for hyphens that end a line are hyphens, not glyph codes.
            text = "".join(chars.text).translate(_HYPHEN_MARKS)
            scan = scan_reason(text, graphics.images > 0)
            if scan is not None:
                return _scanned_page(page, result, scan, warnings)
            if not len(chars):
                warnings.append(f"page {index + 1} has no text layer")
                return result
            members = np.arange(len(chars))
            tables = []
            if graphics.may_hold_table:
                try:
                    tables = _find_tables(page, plumber().pages[index], top)
                except Exception as e:  # keep the page's text even if the table finder fails
                    warnings.append(f"page {index + 1}: table detection failed: {type(e).__name__}: {e}")
            for box, rows in tables:
                inside = _inside(chars, members, box)
                in_table, members = members[inside], members[~inside]
                cells = []
                lines = []
                for row in rows:
                    texts = []
                    for cell in row:
                        if cell is None:  # covered by a merged cell
                            texts.append("")
                            continue
                        own = in_table[_inside(chars, in_table, cell, tol=0.5)]
                        cell_lines = _group_lines(chars, own, index + 1)
                        texts.append(_cell_text(cell_lines))
                        lines.extend(cell_lines)
                    cells.append(texts)
                result.tables.append(Table(top=box[3], cells=cells, page=index + 1, lines=lines))
            result.lines = _group_lines(chars, members, index + 1)
        finally:
            textpage.close()
    finally:
        page.close()
    return result


def _scanned_page(page: pdfium.PdfPage, result: Page, scan: str, warnings: list[str]) -> Page:
    """The OCR hook: a page whose text layer is unusable is read by
    Tesseract when it is installed, else left for `needs_ocr`."""
    result.scan = scan
    if tools.tesseract() is None:
        warnings.append(f"page {result.number} has {scan}: a scan? it needs OCR")
        return result
    try:
        result.ocr = ocr_page(page, result.number)
        warnings.append(f"page {result.number} has {scan}: read by OCR (tesseract, vie)")
    except tools.ToolError as e:
        result.ocr_error = str(e)
        warnings.append(f"page {result.number} has {scan}, and OCR failed: {e}")
    return result


def _open(path: Path, truncated: bool) -> tuple[pdfium.PdfDocument, bool]:
    """Open with pdfium; a PDF encrypted with an empty user password opens
    as it would in a viewer, one that needs a real password does not.
    Also says whether a truncated file had to be repaired to open."""
    for password in (None, ""):
        try:
            return pdfium.PdfDocument(path, password=password), False
        except pdfium.PdfiumError as e:
            if getattr(e, "err_code", None) != pdfium_c.FPDF_ERR_PASSWORD:
                repaired = with_trailer(path) if truncated else None
                if repaired is not None:  # a half-downloaded file: read what survived
                    try:
                        return pdfium.PdfDocument(repaired, password=password), True
                    except pdfium.PdfiumError:
                        pass
                hint = " (it looks truncated: no %%EOF at its end)" if truncated else ""
                raise ValueError(f"unreadable PDF{hint}: {e}") from e
    raise ValueError("encrypted PDF: needs a password")


def _truncated(path: Path) -> bool:
    """A complete PDF ends with %%EOF (give or take trailing junk)."""
    with path.open("rb") as f:
        f.seek(0, 2)
        f.seek(max(0, f.tell() - 2048))
        return b"%%EOF" not in f.read()


def read_pdf(path: Path) -> Document:
    """Read a PDF report into blocks in reading order, with page numbers."""
    path = Path(path)
    warnings: list[str] = []
    truncated = _truncated(path)
    if truncated:
        warnings.append("the file does not end with %%EOF: it may be truncated, pages may be missing")
    with _PDFIUM_LOCK:
        pages, n_pages, repaired = _read_pages(path, truncated, warnings)
    return Document(
        source_path=str(path),
        format="pdf",
        blocks=_assemble(pages),
        n_pages=n_pages,
        warnings=warnings,
        scanned_pages=[p.number for p in pages if p.scan and p.ocr is None and p.ocr_error is None],
        lost=_lost(pages, n_pages, repaired),
    )


def read_lines(path: Path) -> list[list[Line]]:
    """Each page's lines as the reader finds them, table cells included and
    before furniture, footnotes and paragraphs are told apart: for comparing
    the characters-to-words step with other extractors."""
    with _PDFIUM_LOCK:
        pages, _, _ = _read_pages(Path(path), _truncated(Path(path)), [])
    return [p.lines + [ln for t in p.tables for ln in t.lines] for p in pages]


def _lost(pages: list[Page], n_pages: int, repaired: bool) -> list[str]:
    """What of the file was not read, for the report's status (`partial`)."""
    lost = []
    if repaired:
        empty = [p.number for p in pages if not p.lines and not p.tables and not p.scan]
        said = f"; pages {_page_list(empty)} came out empty" if empty else ""
        lost.append(f"the file does not end with %%EOF: it is truncated, pages may be missing{said}")
    read = {p.number for p in pages}
    max_pages = limits.current().max_pages
    failed = [n for n in range(1, min(n_pages, max_pages) + 1) if n not in read]
    if failed:
        lost.append(f"{len(failed)} of {n_pages} pages could not be read: {_page_list(failed)}")
    if n_pages > max_pages:
        lost.append(f"the PDF has {n_pages} pages: pages {max_pages + 1}-{n_pages} were not read "
                    f"(Limits.max_pages = {max_pages})")
    lost.extend(f"page {p.number}: OCR failed: {p.ocr_error}" for p in pages if p.ocr_error)
    return lost


def _page_list(numbers: list[int]) -> str:
    """1, 2, 3, 7 -> "1-3, 7"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


# pdfium is not thread-safe, and a flow may run readers in threads.
_PDFIUM_LOCK = threading.Lock()


def _read_pages(path: Path, truncated: bool, warnings: list[str]) -> tuple[list[Page], int, bool]:
    pdf, repaired = _open(path, truncated)
    plumber_pdf = None

    def plumber():
        # pdfplumber's table finder wants its own page object.  Opening
        # parses no page content, but is still only done when needed.
        nonlocal plumber_pdf
        if plumber_pdf is None:
            import pdfplumber

            plumber_pdf = pdfplumber.open(path, password="")
        return plumber_pdf

    pages: list[Page] = []
    try:
        n_pages = len(pdf)
        for i in range(min(n_pages, limits.current().max_pages)):
            try:
                pages.append(_read_page(pdf, i, plumber, warnings))
            except Exception as e:  # one bad page must not lose the others
                warnings.append(f"page {i + 1} could not be read: {type(e).__name__}: {e}")
    finally:
        if plumber_pdf is not None:
            plumber_pdf.close()
        pdf.close()
    return pages, n_pages, repaired
