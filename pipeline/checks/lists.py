"""Checks on what a report lists: a claimed count against its list, and
the body's own documents listed as the period's output but dated outside it."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from functools import cache

from cchc.pipeline.checks.base import ERROR, WARNING, Finding, _context, _vn_date, finding_at, has_role
from cchc.pipeline.checks.citations import _citation_finding, _known_codes, _slip_of, _words
from cchc.pipeline.checks.figures import _CUTOFF_SLACK
from cchc.pipeline.extract.counts import Count
from cchc.pipeline.extract.references import Reference
from cchc.pipeline.model import BODY_KINDS, LIST_ITEM, PARAGRAPH, Document, ReportMeta
from cchc.pipeline.outline.structure import tier_words
from cchc.pipeline.patterns import IGNORECASE, Pattern, compile_pattern, entries
from cchc.pipeline.text.sentences import FULL_STOP, LIST_ITEM_BREAK


@cache
def _document_units() -> frozenset[str]:
    """The nouns a claimed list of documents is counted in: the forms of the
    units of the `document` kind in patterns/units.yaml ("văn bản", "kế
    hoạch", "công văn" ...)."""
    return frozenset(f.lower() for e in entries("units") if e["kind"] == "document" for f in e["forms"])


def list_openings(text: str):
    """Where a text announces a list ("cụ thể như sau:"): the `list_opens`
    words of patterns/finding_context.yaml, each match ending after its colon."""
    return _context()["list_opens"].finditer(text)


# What a list item opens with when the reader gives it as a paragraph.
_BULLETS = ("-", "+", "–", "•", "*", "·", "○", "▪")


def _listed_region(doc: Document, colon_end: int) -> tuple[int, int] | None:
    """Where the list announced at `colon_end` stands: the rest of the block
    when the list runs on inline, else the list items that follow."""
    blocks = doc.blocks
    i = next((k for k, b in enumerate(blocks) if b.start <= colon_end <= b.end), None)
    if i is None:
        return None
    if doc.text[colon_end : blocks[i].end].strip():
        return colon_end, blocks[i].end
    end = None
    for b in blocks[i + 1 :]:
        if b.kind not in BODY_KINDS:
            continue  # a page break's furniture and notes stand between items
        if b.kind == LIST_ITEM or (b.kind == PARAGRAPH and b.text.lstrip().startswith(_BULLETS)):
            end = b.end
        else:
            break
    return (colon_end, end) if end else None


@cache
def _side_by_side() -> Pattern:
    """The gap between two documents listed side by side: nothing but the
    connectors and dates of `side_by_side` in patterns/finding_context.yaml."""
    words = next(e["regex"] for e in entries("finding_context") if e["name"] == "side_by_side")
    return compile_pattern(f"(?:{words})*", IGNORECASE)


def _breaks(text: str, start: int, end: int) -> bool:
    """Whether a sentence or a list item ends between `start` and `end`."""
    return bool(FULL_STOP.search(text, start, end) or LIST_ITEM_BREAK.search(text, start, end))


def _clause_heads(text: str, region: tuple[int, int], refs: list[Reference]) -> list[Reference]:
    """The documents a list lists: in each clause (";" or a new line), the
    first cited document and those set side by side with it."""
    inside = sorted((r for r in refs if region[0] <= r.char_start < region[1]), key=lambda r: r.char_start)
    # Sorted clause breaks: each mention costs a bisection, not a scan of the
    # list, so a huge one-line "list" stays fast.
    cuts = [m.start() for m in LIST_ITEM_BREAK.finditer(text, region[0], region[1])]
    heads: list[Reference] = []
    clause, previous = None, None
    for r in inside:
        j = bisect_left(cuts, r.char_start)
        if j != clause:
            clause, previous = j, r
            heads.append(r)
            continue
        if previous is not None and _side_by_side().fullmatch(text, previous.char_end, r.char_start):
            heads.append(r)
            previous = r
        else:
            previous = None  # inside a summary: nothing after it in the clause is listed
    return heads


def claims_against_lists(doc: Document, counts: list[Count], refs: list[Reference]) -> list[Finding]:
    findings = []
    documents = sorted((c for c in counts if not c.is_percent and c.unit.lower() in _document_units()),
                       key=lambda c: c.char_end)
    ends = [c.char_end for c in documents]
    for m in list_openings(doc.text):
        # The claim is the last document count before the colon, in the same
        # sentence (found by bisection: a long report has many lists).
        k = bisect_right(ends, m.start()) - 1
        if k < 0 or _breaks(doc.text, documents[k].char_end, m.start()):
            continue
        count = documents[k]
        # "các văn bản chủ yếu sau:": a selection, not the whole count.
        if has_role("partial_list", doc.text[count.char_start : m.end()].rstrip(": \t")):
            continue
        region = _listed_region(doc, m.end())
        if region is None:
            continue
        heads = _clause_heads(doc.text, region, refs)
        if not heads or len(heads) == count.value:
            continue
        message = f"Báo cáo nêu {count.value_text} {count.unit} nhưng liệt kê {len(heads)} văn bản"
        findings.append(
            finding_at(count, "claimed_vs_listed", ERROR, message, count.value, float(len(heads)),
                       f"{count.value_text} {count.unit}", end=region[1])
        )
    return findings


def out_of_period(doc: Document, meta: ReportMeta, refs: list[Reference], listed: set[int]) -> list[Finding]:
    """The body's own documents, listed as the period's output, dated outside it.

    A document is the body's when its number carries the body's code (or a
    slip for it), or when it heads a clause of a list the body announces as
    what it issued (`listed`, by mention index), unless its issuer words
    name another level ("của UBND tỉnh" in a district's report)."""
    if meta.period_start is None or meta.period_end is None or not meta.issuer_code:
        return []
    own = {meta.issuer_code}
    known = _known_codes()
    own_level = set(_words(meta.issuer or "")) & tier_words()
    findings = []
    for r in refs:
        if r.issued_date is None or meta.period_start <= r.issued_date <= meta.period_end:
            continue
        codes = {c for c in (r.issuer_code or "").split("-") if c}
        # A code one letter from the body's own is its slip, unless it is
        # another body's real code (STC is not a slip for STP).
        is_own = bool(codes & own) or any(c not in known and _slip_of(c, known, {}, meta.issuer_code) for c in codes)
        # "của UBND tỉnh" in a district's report: the province's UBND, not the body.
        level = set(_words(r.issuer_text or "")) & tier_words()
        if level and own_level and level != own_level:
            is_own = False
        in_output = r.mention_idx in listed or (is_own and has_role("issued", r.sentence[: max(0, r.sentence.find(r.number_raw))]))
        if not (is_own and in_output):
            continue
        # The year's plan issued in the last weeks before the year begins
        # ("Kế hoạch … ngày 28/12/2022 về cải cách hành chính năm 2023") is the period's.
        if (r.issued_date < meta.period_start and meta.period_start - r.issued_date <= _CUTOFF_SLACK
                and compile_pattern(rf"\bnăm\s+{meta.period_end.year}\b").search(r.subject or "")):
            continue
        message = (
            f"Văn bản số {r.number} ngày {_vn_date(r.issued_date)} được liệt kê là kết quả của kỳ báo cáo "
            f"({_vn_date(meta.period_start)}–{_vn_date(meta.period_end)}) nhưng ban hành ngoài kỳ"
        )
        findings.append(_citation_finding(r, "out_of_period", WARNING, message))
    return findings


