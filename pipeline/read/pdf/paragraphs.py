"""Lines into blocks: the body's geometry, paragraphs, and paragraphs
re-joined across page breaks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from cchc.pipeline.model import FOOTNOTE, HEADING, LIST_ITEM, PAGE_FOOTER, PAGE_HEADER, PARAGRAPH, TABLE, Block
from cchc.pipeline.read.layout import LIST_MARKER, classify_line, ends_sentence, heading_number, join_broken_paragraphs
from cchc.pipeline.read.pdf.furniture import _footnote_lines, _furniture
from cchc.pipeline.read.pdf.lines import _join
from cchc.pipeline.read.pdf.shapes import _Metrics, Line, Page, Table


def _mode(values, default: float) -> float:
    counts = Counter(values)
    return counts.most_common(1)[0][0] if counts else default


def _metrics(pages: list[Page], furniture: set[int]) -> _Metrics:
    lines = [ln for p in pages for ln in p.lines if id(ln) not in furniture]
    sizes = Counter()
    for ln in lines:
        sizes[round(ln.size * 2) / 2] += len(ln.text)
    body_size = sizes.most_common(1)[0][0] if sizes else 12.0
    body = [ln for ln in lines if abs(ln.size - body_size) < 0.6]
    steps = []
    for p in pages:
        prev = None
        for ln in p.lines:
            if abs(ln.size - body_size) < 0.6:
                if prev is not None and 0.8 * body_size < prev.baseline - ln.baseline < 2.5 * body_size:
                    steps.append(round((prev.baseline - ln.baseline) * 2) / 2)
                prev = ln
    pitch = _mode(steps, body_size * 1.2)
    # The left margin: the leftmost start shared by a good share of the
    # lines (the most common start may be the first-line indent).
    starts = Counter(round(ln.x0) for ln in body)
    common = max(starts.values(), default=0)
    left = float(min((x for x, n in starts.items() if n >= 0.2 * common), default=0))
    right = float(np.percentile([ln.x1 for ln in body], 90)) if body else 0.0
    larger = sorted({s for s in sizes if s > body_size + 0.5}, reverse=True)
    return _Metrics(body_size, pitch, left, right, {s: i + 1 for i, s in enumerate(larger)})


def _opens_with_number(text: str) -> bool:
    """"II. ", "6.1. ", "a) ": a numbered heading or item, not a sentence going on."""
    number = heading_number(text)
    return number is not None and number.closed


def _centred(line: Line, m: _Metrics) -> bool:
    left, right = line.x0 - m.left, m.right - line.x1
    return left > line.size and right > line.size and abs(left - right) < 0.5 * line.size


def _symmetric(line: Line, m: _Metrics) -> bool:
    """As far from the left margin as from the right: centred, or full."""
    return abs((line.x0 - m.left) - (m.right - line.x1)) < 0.5 * line.size


def _starts_paragraph(prev: Line, line: Line, m: _Metrics) -> bool:
    size = max(prev.size, line.size)
    dy = prev.baseline - line.baseline
    if dy < 0.3 * size:  # same baseline or back up: another column or cell
        return True
    if dy > m.pitch * size / m.body_size * 1.2 + 1.0:  # a blank or spaced gap
        return True
    if abs(prev.size - line.size) > 0.5 or prev.bold != line.bold:
        return True
    if _centred(prev, m) and _centred(line, m):  # a title set over several lines
        return False
    if prev.bold and _centred(line, m) and _symmetric(prev, m):  # a bold title whose first line fills the width
        return False
    if line.x0 > prev.x0 + 0.6 * size and line.x0 > m.left + 0.6 * size:  # first-line indent
        return True
    # A sentence ends the line and a list item or a numbered heading opens
    # the next: the shape the TXT reader splits on too.
    if ends_sentence(prev.text) and (LIST_MARKER.match(line.text) or _opens_with_number(line.text)):
        return True
    # The previous line stopped short although this line's first word would
    # have fitted after it: it was ended on purpose.
    return prev.x1 + 0.3 * size + line.first_word_w < m.right - 1.0


def _reading_order(lines: list[Line]) -> list[Line]:
    """Content-stream order is reading order in word-processor PDFs; when
    most steps go up the page instead, sort top-down."""
    ups = sum(1 for a, b in zip(lines, lines[1:]) if b.baseline > a.baseline + a.size and b.x0 <= a.x0)
    if ups > 3 and ups > 0.25 * len(lines):
        return sorted(lines, key=lambda ln: (-round(ln.baseline), ln.x0))
    return lines


@dataclass
class _Para:
    lines: list[Line]


def _page_blocks(
    page: Page, furniture: dict[int, str], m: _Metrics, earlier_notes: list[Block]
) -> tuple[list, list[Block], list[Block], list[Block]]:
    """One page -> (body items, headers, footnotes, footers).  Body items are
    _Para and Table, in reading order."""
    headers, footers = [], []
    for ln in page.lines:
        zone = furniture.get(id(ln))
        if zone is not None:
            block = Block(kind=zone, text=ln.text, page=page.number)
            (headers if zone == PAGE_HEADER else footers).append(block)
    body = [ln for ln in page.lines if id(ln) not in furniture]
    carried, note_lines = _footnote_lines(page, body, m)
    if carried and earlier_notes:
        earlier_notes[-1].text = _join([earlier_notes[-1].text] + [ln.text for ln in carried])
    elif carried:
        note_lines = carried + note_lines
    notes: list[list[Line]] = []
    for ln in note_lines:
        if ln.mark or not notes:
            notes.append([ln])
        else:
            notes[-1].append(ln)
    footnotes = [Block(kind=FOOTNOTE, text=_join([ln.text for ln in g]), page=page.number) for g in notes]
    dropped = {id(ln) for ln in carried + note_lines}
    body = _reading_order([ln for ln in body if id(ln) not in dropped])

    items: list = []
    tables = sorted(page.tables, key=lambda t: -t.top)
    for ln in body:
        while tables and tables[0].top > ln.baseline:
            items.append(tables.pop(0))
        last = items[-1] if items else None
        if isinstance(last, _Para) and not _starts_paragraph(last.lines[-1], ln, m):
            last.lines.append(ln)
        else:
            items.append(_Para([ln]))
    items.extend(tables)
    return items, headers, footnotes, footers


def _to_block(item, m: _Metrics) -> Block:
    if isinstance(item, Table):
        return _table_block(item.cells, item.page)
    text = _join([ln.text for ln in item.lines])
    kind = classify_line(text)
    first = item.lines[0]
    level = m.heading_levels.get(round(first.size * 2) / 2) if kind == HEADING else None
    return Block(kind=kind, text=text, page=first.page, level=level)


def _table_block(cells: list[list[str]], page: int) -> Block:
    text = "\n".join("\t".join(row) for row in cells)
    return Block(kind=TABLE, text=text, page=page, cells=cells)


def _continues_on_next_page(prev: _Para, nxt: _Para, m: _Metrics) -> bool:
    """Geometry says the paragraph runs over the page break: its last line
    is full (the next page's first word would not have fitted), and the next
    page opens flush left, in the same font, without a list or heading mark."""
    a, b = prev.lines[-1], nxt.lines[0]
    if abs(a.size - b.size) > 0.5 or a.bold != b.bold:
        return False
    if b.x0 > m.left + 0.3 * b.size or LIST_MARKER.match(b.text) or _opens_with_number(b.text):
        return False
    full = a.x1 + 0.3 * a.size + b.first_word_w >= m.right - 1.0
    return full and not ends_sentence(a.text)


def _glue(blocks: list[Block], glued: set[int]) -> list[Block]:
    """Append each glued block to the body block before it (a paragraph's
    rest to the paragraph, a table's further rows to the table), moving the
    page furniture and footnotes in between to after the joined block."""
    out: list[Block] = []
    movable = (FOOTNOTE, PAGE_HEADER, PAGE_FOOTER)
    for b in blocks:
        if id(b) in glued:
            j = len(out) - 1
            while j >= 0 and out[j].kind in movable:
                j -= 1
            if j >= 0 and out[j].kind in (PARAGRAPH, LIST_ITEM):
                head = out[j]
                text = _join([head.text, b.text])
                merged = Block(kind=head.kind, text=text, page=head.page, level=head.level)
                out[j:] = [merged] + out[j + 1 :]
                continue
            if j >= 0 and out[j].kind == TABLE == b.kind:
                head = out[j]
                rows = b.cells[1:] if b.cells[:1] == head.cells[:1] else b.cells  # a repeated header row
                cells = head.cells + rows
                out[j:] = [_table_block(cells, head.page)] + out[j + 1 :]
                continue
        out.append(b)
    return out


def _same_columns(a: Table, b: Table) -> bool:
    """A table that ends one page and one that opens the next, with as many
    columns: one table whose rows ran over the page break."""
    return bool(a.cells and b.cells) and len(a.cells[-1]) == len(b.cells[0])


def _assemble(pages: list[Page]) -> list[Block]:
    furniture = _furniture(pages)
    m = _metrics(pages, set(furniture))
    blocks: list[Block] = []
    notes_so_far: list[Block] = []
    glued: set[int] = set()
    prev_last = None
    for page in pages:
        if page.ocr is not None:  # a scanned page: OCR's blocks, no layout
            blocks.extend(page.ocr)
            prev_last = None
            continue
        items, headers, notes, footers = _page_blocks(page, furniture, m, notes_so_far)
        blocks.extend(headers)
        for k, item in enumerate(items):
            block = _to_block(item, m)
            if (
                k == 0
                and isinstance(item, _Para)
                and isinstance(prev_last, _Para)
                and _continues_on_next_page(prev_last, item, m)
            ):
                glued.add(id(block))
            if k == 0 and isinstance(item, Table) and isinstance(prev_last, Table) and _same_columns(prev_last, item):
                glued.add(id(block))
            blocks.append(block)
        prev_last = items[-1] if items else None
        blocks.extend(notes)
        blocks.extend(footers)
        notes_so_far.extend(notes)
    return join_broken_paragraphs(_glue(blocks, glued))
