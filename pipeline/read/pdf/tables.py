"""Vector graphics: rules, boxes and images, and the ruled tables they make."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from cchc.pipeline.read.layout import continues_text
from cchc.pipeline.read.pdf.chars import _Chars, _is_legacy_font
from cchc.pipeline.read.pdf.lines import _join
from cchc.pipeline.read.pdf.shapes import Line


@dataclass
class _Graphics:
    h_edges: int = 0
    v_edges: int = 0
    images: int = 0
    rules: list[tuple[float, float, float]] = field(default_factory=list)
    legacy_fonts: bool = False  # some text is in a TCVN3 or VNI font

    @property
    def may_hold_table(self) -> bool:
        return self.h_edges >= 2 and self.v_edges >= 2


def _objects(page: pdfium.PdfPage):
    """(object, its page-space matrix as a 6-tuple) for every object on the
    page, descending into form XObjects."""
    m = pdfium_c.FS_MATRIX()
    identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack = [(page.raw, pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, identity, 0)]
    while stack:
        parent, count, get, ctm, depth = stack.pop()
        for i in range(count(parent)):
            obj = get(parent, i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 4:
                pdfium_c.FPDFPageObj_GetMatrix(obj, m)
                inner = _compose((m.a, m.b, m.c, m.d, m.e, m.f), ctm)
                children = (pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject)
                stack.append((obj, *children, inner, depth + 1))
            else:
                yield obj, kind, ctm


def _compose(m, n):
    """The matrix that applies m, then n."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _graphics(page: pdfium.PdfPage) -> _Graphics:
    """Count strokes and boxes by their bounds: cheap, and enough to tell
    which pages are worth looking for a ruled table on."""
    g = _Graphics()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    legacy_font: dict[int, bool] = {}
    for obj, kind, ctm in _objects(page):
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            if not g.legacy_fonts:
                g.legacy_fonts = _is_legacy_font(pdfium_c.FPDFTextObj_GetFont(obj), legacy_font)
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            g.images += 1
        elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
                continue
            a, _, _, d, e, f = ctm  # forms are rarely rotated: map the bounds' corners
            x0, x1 = sorted((a * left.value + e, a * right.value + e))
            y0, y1 = sorted((d * bottom.value + f, d * top.value + f))
            w, h = x1 - x0, y1 - y0
            if w >= 5 and h <= 2:
                g.h_edges += 1
                g.rules.append((x0, x1, (y0 + y1) / 2))
            elif h >= 5 and w <= 2:
                g.v_edges += 1
            elif w >= 5 and h >= 5:  # a box: four edges at once
                g.h_edges += 2
                g.v_edges += 2
    return g


def _line_object(x0: float, x1: float, top: float, bottom: float) -> dict:
    return {"object_type": "line", "x0": x0, "x1": x1, "top": top, "bottom": bottom,
            "width": x1 - x0, "height": bottom - top}


def _edges(page: pdfium.PdfPage, top: float) -> tuple[list[dict], list[dict]]:
    """Straight horizontal and vertical strokes of the page's paths, as
    pdfplumber line objects (y measured down from `top`)."""
    h: list[dict] = []
    v: list[dict] = []
    m = pdfium_c.FS_MATRIX()
    fx, fy = ctypes.c_float(), ctypes.c_float()

    def add(p, q):
        (x0, y0), (x1, y1) = p, q
        if abs(y0 - y1) < 0.5 and abs(x0 - x1) >= 3:
            y = top - (y0 + y1) / 2
            h.append(_line_object(min(x0, x1), max(x0, x1), y, y))
        elif abs(x0 - x1) < 0.5 and abs(y0 - y1) >= 3:
            x = (x0 + x1) / 2
            v.append(_line_object(x, x, top - max(y0, y1), top - min(y0, y1)))

    for obj, kind, ctm in _objects(page):
        if kind != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        pdfium_c.FPDFPageObj_GetMatrix(obj, m)
        a, b, c, d, e, f = _compose((m.a, m.b, m.c, m.d, m.e, m.f), ctm)
        start = prev = None
        for s in range(pdfium_c.FPDFPath_CountSegments(obj)):
            seg = pdfium_c.FPDFPath_GetPathSegment(obj, s)
            pdfium_c.FPDFPathSegment_GetPoint(seg, fx, fy)
            point = (a * fx.value + c * fy.value + e, b * fx.value + d * fy.value + f)
            kind_ = pdfium_c.FPDFPathSegment_GetType(seg)
            if kind_ == pdfium_c.FPDF_SEGMENT_MOVETO or prev is None:
                start = point
            elif kind_ == pdfium_c.FPDF_SEGMENT_LINETO:
                add(prev, point)
            prev = point
            if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None:
                add(prev, start)
                prev = start
    return h, v


def _find_tables(page: pdfium.PdfPage, plumber_page, top: float) -> list[tuple[tuple, list[list]]]:
    """Ruled tables as (bbox, rows of cell boxes), boxes as (x0, y0, x1, y1)
    in PDF coordinates.  pdfplumber's lattice finder does the geometry
    (merging strokes, intersections, cells, tables), fed with pdfium's
    strokes, so the page's content is never parsed by pdfminer.  A single
    box is a frame, not a table."""
    from pdfplumber.table import TableFinder

    h, v = _edges(page, top)
    if len(h) < 2 or len(v) < 2:
        return []
    settings = {
        "vertical_strategy": "explicit",
        "horizontal_strategy": "explicit",
        "explicit_vertical_lines": v,
        "explicit_horizontal_lines": h,
    }
    found = []
    for table in TableFinder(plumber_page, settings).tables:
        rows = [list(row.cells) for row in table.rows]
        if sum(c is not None for row in rows for c in row) < 2:
            continue
        flip = [[None if c is None else (c[0], top - c[3], c[2], top - c[1]) for c in row] for row in rows]
        x0, t, x1, b = table.bbox
        found.append(((x0, top - b, x1, top - t), flip))
    return found


def _inside(chars: _Chars, members: np.ndarray, box, tol: float = 1.0) -> np.ndarray:
    x, y = chars.x[members], chars.y[members]
    x0, y0, x1, y1 = box
    return (x >= x0 - tol) & (x <= x1 + tol) & (y >= y0 - tol) & (y <= y1 + tol)


def _cell_text(lines: list[Line]) -> str:
    """A cell's lines, one paragraph a line: a line that visibly goes on
    with the sentence above ("đơn vị trực" / "thuộc;") is joined to it, as
    the TXT reader joins hard-wrapped lines."""
    paragraphs: list[list[str]] = []
    for ln in lines:
        if paragraphs and continues_text(paragraphs[-1][-1], ln.text):
            paragraphs[-1].append(ln.text)
        else:
            paragraphs.append([ln.text])
    return "\n".join(_join(p) for p in paragraphs)
