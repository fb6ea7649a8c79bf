"""Blocks in reading order: paragraphs, tables, the footnotes each block
cites, and the texts of the page headers and footers."""

from __future__ import annotations

from lxml import etree

from cchc.pipeline.model import FOOTNOTE, TABLE, Block
from cchc.pipeline.read.docx.package import (
    BODY,
    CUSTOM_XML,
    P,
    PPR,
    R_NS,
    SDT,
    SECT_PR,
    TBL,
    TC,
    TR,
    VAL,
    _w,
    part_xml,
    to_int,
    val,
)
from cchc.pipeline.read.docx.text import Context, read_paragraph, sdt_content
from cchc.pipeline.read.layout import TO_SUPERSCRIPT


def _children(container: etree._Element, tags: tuple[str, ...]):
    """Children with one of `tags`, looking through content controls and
    custom-XML wrappers, which may hold paragraphs, tables, rows or cells."""
    for el in container:
        if el.tag in tags:
            yield el
        elif el.tag == SDT:
            content = sdt_content(el)
            if content is not None:
                yield from _children(content, tags)
        elif el.tag == CUSTOM_XML:
            yield from _children(el, tags)


def _lines(container: etree._Element, ctx: Context) -> list[str]:
    """Text lines of the paragraphs and tables in a container (a table cell, a
    header, a footnote); a nested table gives one line per cell."""
    lines = []
    for el in _children(container, (P, TBL)):
        if el.tag == P:
            lines.append(read_paragraph(el, ctx)[1].strip())
        else:
            lines.extend(cell for row in _table_rows(el, ctx) for cell in row)
    return [line for line in lines if line]


def _table_rows(tbl: etree._Element, ctx: Context) -> list[list[str]]:
    """The grid of a table, one string a grid column.  A merged cell's text is
    in its first column and row; the columns and rows it covers are empty."""
    rows = []
    for tr in _children(tbl, (TR,)):
        trpr = tr.find(_w("trPr"))
        if trpr is not None and trpr.find(_w("del")) is not None:
            continue  # a row deleted with tracked changes
        row = [""] * (to_int(val(trpr.find(_w("gridBefore"))), 0) if trpr is not None else 0)
        for tc in _children(tr, (TC,)):
            tcpr = tc.find(_w("tcPr"))
            span = to_int(val(tcpr.find(_w("gridSpan"))), 1) if tcpr is not None else 1
            merges = [tcpr.find(_w("vMerge")), tcpr.find(_w("hMerge"))] if tcpr is not None else []
            covered = any(m is not None and m.get(VAL, "continue") == "continue" for m in merges)
            row.append("" if covered else "\n".join(_lines(tc, ctx)))
            row.extend([""] * (max(span, 1) - 1))
        if trpr is not None:
            row.extend([""] * (to_int(val(trpr.find(_w("gridAfter"))), 0) or 0))
        rows.append(row)
    width = max((len(row) for row in rows), default=0)
    return [row + [""] * (width - len(row)) for row in rows]


def _footnote_blocks(ctx: Context, page: int, emitted: set[str]) -> list[Block]:
    """The footnotes cited by the block just read, each once."""
    blocks = []
    for fid in ctx.pending_footnotes:
        note = ctx.footnotes.get(fid)
        if note is None or fid in emitted:
            continue
        emitted.add(fid)
        text = "\n".join(_lines(note, ctx.scratch()))
        number = ctx.footnote_numbers.get(fid)
        if number is not None:
            text = f"{str(number).translate(TO_SUPERSCRIPT)} {text}"
        blocks.append(Block(kind=FOOTNOTE, text=text.rstrip(), page=page))
    ctx.pending_footnotes.clear()
    return blocks


def body_blocks(body: etree._Element, ctx: Context) -> list[Block]:
    """The body's blocks, each on the page where its first character stands
    (by the page breaks read so far), each footnote after its citing block."""
    blocks: list[Block] = []
    emitted: set[str] = set()
    for el in _children(body, (P, TBL)):
        ctx.block_page = None
        if el.tag == P:
            kind, text, level = read_paragraph(el, ctx)
            block = Block(kind=kind, text=text, level=level) if text.strip() else None
        else:
            rows = _table_rows(el, ctx)
            text = "\n".join("\t".join(row) for row in rows)
            block = Block(kind=TABLE, text=text, cells=rows) if text.strip() else None
        page = ctx.block_page or ctx.page
        if block is not None:
            block.page = page
            blocks.append(block)
        blocks.extend(_footnote_blocks(ctx, page, emitted))
    return blocks


_REFERENCE_KINDS = {_w("headerReference"): "header", _w("footerReference"): "footer"}


def page_furniture(body: etree._Element, document_part, ctx: Context) -> tuple[list[str], list[str]]:
    """Distinct texts of the headers and of the footers the sections use, in
    order.  Each section names its header and footer parts by relationship id;
    python-docx resolves the ids to parts."""
    parts = dict(document_part.related_parts)
    texts: dict[str, list[str]] = {"header": [], "footer": []}
    seen_parts: set[str] = set()
    for sect in body.iter(SECT_PR):
        if sect.getparent().tag not in (BODY, PPR):
            continue  # an old version kept by tracked changes
        for ref in sect:
            kind = _REFERENCE_KINDS.get(ref.tag)
            part = parts.get(ref.get(f"{{{R_NS}}}id", ""))
            if kind is None or part is None or part.partname in seen_parts:
                continue
            seen_parts.add(part.partname)
            text = "\n".join(_lines(part_xml(part), ctx.scratch()))
            if text and text not in texts[kind]:
                texts[kind].append(text)
    return texts["header"], texts["footer"]
