"""Word (.docx) reports: the package through python-docx, the text through
its XML, in reading order.

python-docx's package layer opens the file and resolves the parts (main
document, styles, numbering, footnotes, each section's headers and footers:
`package.py`).  Its text layer drops tracked insertions, content controls,
automatic numbering and footnotes, and knows nothing of pages, so the text
is read from the parts' XML with lxml.

What a reader of the printed page sees is what comes out:
- tracked insertions are kept and tracked deletions dropped, as in the final
  version of the document;
- an automatic number ("I.", "6.1.", "a)") is rebuilt from the numbering part
  and put before the paragraph text; a bullet becomes "- " (`numbering.py`);
- a footnote reference becomes its number in superscript digits, and the
  footnote itself a block of its own right after the block that cites it;
- page headers and footers go to the start and the end of the document, once
  each, so they never break into the running text (`blocks.py`);
- text in a legacy TCVN3 or VNI font (.VnTime, VNI-Times), named by the run,
  its character style, its paragraph style or the document defaults, is
  converted to Unicode (pipeline.read.legacy);
- a block's page is counted from Word's rendered page breaks
  (w:lastRenderedPageBreak, saved when Word last laid the document out),
  else from the author's explicit page breaks, and `page_source` says which
  ("rendered", "explicit"); a file with neither says nothing of pages, and
  its blocks have no page (`text.py`).

The package is untrusted input: the zip is bounded before python-docx loads
any part, and XML is parsed without DTD loading, entity resolution or
network access.  Within the zip's bound a text node may be of any size; its
text is kept up to `Limits.max_chars` and the rest only counted
(`Document.chars_not_read`), so the report is `partial`, not `failed`.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx.opc.constants import RELATIONSHIP_TYPE as RT

from cchc.pipeline.model import PAGE_FOOTER, PAGE_HEADER, Block, Document
from cchc.pipeline.read.docx.blocks import body_blocks, page_furniture
from cchc.pipeline.read.docx.numbering import parse_numbering
from cchc.pipeline.read.docx.package import BODY, _w, open_package, part_xml, related_part
from cchc.pipeline.read.docx.styles import parse_styles
from cchc.pipeline.read.docx.text import Context
from cchc.pipeline.read.layout import join_broken_paragraphs
from cchc.pipeline.read.legacy import conversion_note

MAX_ZIP_ENTRIES = 5000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024


def _check_zip(path: Path) -> None:
    """Refuse archives far larger than any report: the cheap zip-bomb guard,
    read from the zip's directory before any part is unpacked."""
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ValueError(
            f"{path}: the zip holds {len(infos)} entries, more than the "
            f"{MAX_ZIP_ENTRIES} allowed for a Word document; refusing to read it"
        )
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ValueError(
            f"{path}: the zip would unpack to {total} bytes, more than the "
            f"{MAX_UNCOMPRESSED_BYTES} allowed for a Word document; refusing to read it"
        )


def _footnotes(document_part) -> dict:
    """The footnotes by id; the separator lines Word draws above them are not notes."""
    part = related_part(document_part, RT.FOOTNOTES)
    if part is None:
        return {}
    return {
        note.get(_w("id"), ""): note
        for note in part_xml(part).iter(_w("footnote"))
        if note.get(_w("type"), "normal") == "normal"
    }


def _optional_xml(document_part, reltype: str):
    part = related_part(document_part, reltype)
    return part_xml(part) if part is not None else None


def read_docx(path: Path) -> Document:
    path = Path(path)
    _check_zip(path)
    document_part = related_part(open_package(path), RT.OFFICE_DOCUMENT)
    if document_part is None:
        raise ValueError(f"{path}: not a Word document, it has no main document part")
    body = part_xml(document_part).find(BODY)
    if body is None:
        raise ValueError(f"{path}: {str(document_part.partname).lstrip('/')} has no body")
    ctx = Context(
        parse_styles(_optional_xml(document_part, RT.STYLES)),
        parse_numbering(_optional_xml(document_part, RT.NUMBERING)),
        _footnotes(document_part),
    )
    try:
        # A DOCX converted from a PDF keeps its page-break cuts; re-join them.
        blocks = join_broken_paragraphs(body_blocks(body, ctx))
        headers, footers = page_furniture(body, document_part, ctx)
    except RecursionError:
        # The parser takes elements nested up to 2048 deep (huge_tree); the
        # walk through content controls and tables is recursive and stops sooner.
        raise ValueError(f"broken XML in {path.name}: elements nested too deep to be read") from None
    n_pages = ctx.page
    blocks = (
        [Block(kind=PAGE_HEADER, text=t, page=1) for t in headers]
        + blocks
        + [Block(kind=PAGE_FOOTER, text=t, page=n_pages) for t in footers]
    )
    page_source = ctx.page_source
    for block in blocks:
        block.page_source = page_source
        if page_source is None:
            block.page = None
    return Document(
        source_path=str(path),
        format="docx",
        blocks=blocks,
        n_pages=n_pages,
        page_source=page_source,
        warnings=[conversion_note(*used) for used in sorted(ctx.legacy_fonts)],
        chars_not_read=ctx.budget.not_read,
    )
