"""Auditor checks within one report: figures and citations that do not hold
together.  Each finding points at its evidence (section, page, span,
sentence) and says what is wrong in Vietnamese, in the report's own words.

The checks, by name (the `check` column):
- sum_mismatch: a total whose listed parts do not add up ("24 máy tính,
  trong đó có 14 … , 9 …").  A total with a single part is a subset, not a
  breakdown, and is left alone.
- table_total: the same for a statistics table's total row.
- claimed_vs_listed: "32 văn bản …, cụ thể như sau:" against the documents
  listed after it.  A listed document is the first cited document of each
  list clause; documents cited inside another's summary are not counted.
- out_of_period: a document of the reporting body listed as the period's
  output ("đã ban hành …"), dated outside the period.
- conflicting_citation: one number cited with different dates, or with
  summaries that agree but for a number ("định hướng đến năm 2023" / "2030").
- missing_year: a normative document number without its year.
- unknown_code: an issuer code not in `patterns/issuers.yaml`; a warning
  when it is one letter away from a known code (SNg for SNgV).
- type_code_mismatch: a type word that disagrees with the type code.
- percent_over_100, date_after_report, period_outside_report.
- subperiod_mismatch: a figure for a period that is less than the same
  figure for a part of it ("năm 2021: 45 văn bản" against "từ 01/01/2021 đến
  31/8/2023: 32 văn bản").

What each asserts, its severity and when it stays silent: docs/checks.md.
One finding per fault: a sentence with several figures of another period,
or several numbers with the same wrong code, is one finding whose evidence
spans name every one.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from pipeline.extract.counts import Count
from pipeline.extract.dates import DateRow
from pipeline.extract.references import Reference, doc_type_of_code
from pipeline.model import BODY_KINDS, LIST_ITEM, PARAGRAPH, TABLE, Document, ReportMeta
from pipeline.patterns import entries, example_checker

ERROR, WARNING, INFO = "error", "warning", "info"


@dataclass
class Finding:
    check: str
    severity: str
    message: str
    value_stated: float | None
    value_computed: float | None
    section_path: str | None
    page: int
    char_start: int
    char_end: int
    sentence: str
    evidence: str | None = None  # the words at fault, as written
    related_report_id: str | None = None
    # Every span the finding rests on (a total and each of its parts), each
    # {"char_start", "char_end", "text"}; the first is the main one.
    evidence_spans: list[dict] = field(default_factory=list)


def _fmt(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _vn_date(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def span_of(fact, text: str | None = None) -> dict:
    """One evidence span: a fact's characters, and the words they hold."""
    return {"char_start": fact.char_start, "char_end": fact.char_end, "text": text}


def finding_at(
    fact,
    check: str,
    severity: str,
    message: str,
    stated: float | None = None,
    computed: float | None = None,
    evidence: str | None = None,
    end: int | None = None,
    others: list | None = None,
) -> Finding:
    """A finding whose evidence is one extracted fact: anything with section_path,
    page, char_start, char_end and sentence (a Count, a Reference, a DateRow,
    a row of the metrics table).  `others` are the further facts it rests on
    (the parts of a total, the other figures of a sentence), each a
    (fact, words) pair."""
    spans = [span_of(fact, evidence)] + [span_of(f, words) for f, words in (others or [])]
    return Finding(
        check=check,
        severity=severity,
        message=message,
        value_stated=stated,
        value_computed=computed,
        section_path=fact.section_path,
        page=fact.page,
        char_start=fact.char_start,
        char_end=fact.char_end if end is None else end,
        sentence=fact.sentence,
        evidence=evidence,
        evidence_spans=spans,
    )


# --------------------------------------------------------------- context ---


@cache
def _context() -> dict[str, re.Pattern]:
    """Role → the words of patterns/finding_context.yaml that show it."""
    return {e["role"]: re.compile(e["regex"], re.IGNORECASE) for e in entries("finding_context") if "regex" in e}


def has_role(role: str, text: str | None) -> bool:
    return bool(text) and bool(_context()[role].search(text))


@example_checker("finding_context")
def _check_context(entry: dict) -> list[str]:
    if entry["role"] == "additive":
        return _check_additive(entry)
    pattern = re.compile(entry["regex"], re.IGNORECASE)
    fails = [f"{entry['role']}: {t!r} should match" for t in entry["examples"] if not pattern.search(t)]
    fails += [f"{entry['role']}: {t!r} should not match" for t in entry["counter_examples"] if pattern.search(t)]
    return fails


def _check_additive(entry: dict) -> list[str]:
    """The additive metrics' examples, through the real extractor: each
    example must give a subperiod_mismatch and no counter-example may."""
    from pipeline.extract import extract
    from pipeline.model import Block
    from pipeline.normalize import normalize_document
    from pipeline.structure import build_sections

    meta = ReportMeta(issuer_code="STP", period_start=date(2021, 1, 1), period_end=date(2022, 12, 31))

    def checks_of(text: str) -> list[str]:
        doc = normalize_document(Document("example.txt", "txt", [Block(PARAGRAPH, text)]))
        facts = extract(doc, build_sections(doc), meta)
        return [f.check for f in subperiod_mismatches(facts.counts)]

    fails = [f"additive: {t!r} should give a subperiod_mismatch" for t in entry["examples"]
             if "subperiod_mismatch" not in checks_of(t)]
    fails += [f"additive: {t!r} should give none" for t in entry["counter_examples"] if checks_of(t)]
    return fails


# ------------------------------------------------------------ figures ---


def _cut_by_page(doc: Document | None, count: Count) -> bool:
    """Whether the table a figure stands in may go on across a page break: a
    table block that ends its page with a table block opening the next, or
    the other way round.  Its total row cannot be judged on one page's rows."""
    if doc is None:
        return False
    body = [b for b in doc.blocks if b.kind in BODY_KINDS]
    for i, b in enumerate(body):
        if not (b.start <= count.char_start < b.end) or b.kind != TABLE:
            continue
        before = body[i - 1] if i else None
        after = body[i + 1] if i + 1 < len(body) else None
        return any(n is not None and n.kind == TABLE and n.page != b.page for n in (before, after))
    return False


def sum_mismatches(counts: list[Count], doc: Document | None = None) -> list[Finding]:
    by_idx = {c.idx: c for c in counts}
    parts: dict[int, list[Count]] = {}
    for c in counts:
        if c.parent_idx is not None and c.parent_idx in by_idx:
            parts.setdefault(c.parent_idx, []).append(c)
    findings = []
    for idx, children in parts.items():
        total = by_idx[idx]
        if len(children) < 2 or total.is_percent:
            continue
        computed = sum(c.value for c in children)
        if abs(computed - total.value) < 1e-9:
            continue
        if total.source == "table" and _cut_by_page(doc, total):
            continue
        check = "table_total" if total.source == "table" else "sum_mismatch"
        listed = " + ".join(c.value_text for c in children)
        message = f"Tổng số {total.value_text} {total.unit} không khớp với các thành phần: {listed} = {_fmt(computed)}"
        findings.append(
            finding_at(total, check, ERROR, message, total.value, computed, f"{total.value_text} {total.unit}",
                       end=max(c.char_end for c in children),
                       others=[(c, f"{c.value_text} {c.unit}") for c in children])
        )
    return findings


def percents_over_100(counts: list[Count]) -> list[Finding]:
    """A share above 100%.  A rate of a plan or a growth rate ("đạt 104% kế
    hoạch", "tăng 120% so với năm trước") may exceed it and is left alone."""
    return [
        finding_at(c, "percent_over_100", WARNING, f"Tỷ lệ {c.value_text}% vượt quá 100%", c.value,
                   evidence=f"{c.value_text}%")
        for c in counts
        if c.is_percent and c.value > 100
        and not (has_role("target", c.sentence) or has_role("comparison", c.sentence)
                 or re.search(r"\bvượt\b|kế\s+hoạch|dự\s+toán", c.sentence or "", re.IGNORECASE))
    ]


# A statistical period may be cut a few weeks off the calendar ("từ
# 15/12/2022 đến 14/12/2023" is năm 2023): a figure's period that is off by
# no more than this is the report's own.
_CUTOFF_SLACK = timedelta(days=31)


def within(start: date, end: date, outer_start: date, outer_end: date) -> bool:
    """Whether a period lies in another, allowing for a statistical cut-off."""
    return start >= outer_start - _CUTOFF_SLACK and end <= outer_end + _CUTOFF_SLACK


def _figure_period_is_explained(c: Count, start: date, end: date, meta: ReportMeta) -> bool:
    """Why a figure of another period is not out of place: it is a target or
    a plan, it contains the report's period (a year's target quoted in a
    half-year report), or, for an earlier period, it is given as a comparison
    or baseline, or it is a published index of an earlier year."""
    if getattr(c, "is_target", False) or c.section_kind in ("plan", "recommendation"):
        return True
    if has_role("target", c.sentence):
        return True
    if start <= meta.period_start and end >= meta.period_end:
        return True
    if end < meta.period_end:
        return has_role("comparison", c.sentence) or has_role("earlier_index", c.sentence) or c.metric in (
            "par_index_score", "satisfaction_rate")
    return False


def periods_outside_report(counts: list[Count], meta: ReportMeta) -> list[Finding]:
    """Figures whose own period lies outside the report's, for no stated
    reason: context (info), one finding per sentence with every such figure
    as evidence."""
    if meta.period_start is None or meta.period_end is None:
        return []
    by_sentence: dict[tuple[str | None, str], list[tuple[Count, date]]] = {}
    for c in counts:
        if c.period_source != "sentence" or c.period_start is None:
            continue
        end = c.period_end or c.period_start
        if within(c.period_start, end, meta.period_start, meta.period_end):
            continue
        if _figure_period_is_explained(c, c.period_start, end, meta):
            continue
        by_sentence.setdefault((c.section_path, c.sentence), []).append((c, end))
    findings = []
    for group in by_sentence.values():
        first, end = group[0]
        shown = ", ".join(f"{c.value_text} {c.unit}" for c, _ in group)
        message = (
            f"Số liệu {shown} tính cho kỳ {_vn_date(first.period_start)}–{_vn_date(end)}, "
            f"ngoài kỳ báo cáo {_vn_date(meta.period_start)}–{_vn_date(meta.period_end)}"
        )
        findings.append(finding_at(first, "period_outside_report", INFO, message, first.value,
                                   evidence=f"{first.value_text} {first.unit}", end=group[-1][0].char_end,
                                   others=[(c, f"{c.value_text} {c.unit}") for c, _ in group[1:]]))
    return findings


@cache
def additive_metrics() -> frozenset[str]:
    """Metrics that add up over time (documents issued, dossiers received),
    from patterns/finding_context.yaml; a stock (staff, computers) does not."""
    return frozenset(k for e in entries("finding_context") if e["role"] == "additive" for k in e["metrics"])


def _contains(outer, inner) -> bool:
    """Whether `inner`'s period is a part of `outer`'s (and not the same period)."""
    return within(inner.period_start, inner.period_end, outer.period_start, outer.period_end) and not within(
        outer.period_start, outer.period_end, inner.period_start, inner.period_end)


def _disjoint(parts: list) -> list:
    """Parts whose periods do not overlap, earliest end first."""
    chosen, last_end = [], None
    for p in sorted(parts, key=lambda p: (p.period_end, p.period_start)):
        if last_end is None or p.period_start > last_end:
            chosen.append(p)
            last_end = p.period_end
    return chosen


@dataclass
class PeriodFigure:
    """What one source (a report) says of a metric for one period: its first
    figure, and the sum of all its figures that are not parts of another."""

    first: object
    period_start: date
    period_end: date
    value: float  # the first figure's
    total: float  # the sum
    stated: bool  # the period is stated in a sentence, not the report's by default


def _unit(figure) -> str:
    return " ".join((figure.unit or "").lower().split())


def subperiod_contradictions(figures: list, source=None) -> list[tuple[object, list]]:
    """(whole, parts): a metric's figure for a period, less than the sum of
    the same metric's figures for disjoint parts of that period.  `figures`
    are anything with metric, value, is_percent, period_start, period_end,
    period_source and parent_idx (Counts, or rows of several reports of one
    issuer); `source(figure)` tells whose statement it is (None: all one).

    The whole is what a source says for the period in all: the sum of its
    figures for it ("tiếp nhận 01 đồng chí …; tuyển dụng 03 viên chức" is 4,
    not 1), and it must state its period in a sentence ("từ 01/01/2021 đến
    31/8/2023, … 32 văn bản"): a figure that only inherits the report's
    period is as often one event among several as the period's total.  A
    part is a source's first figure for its period (the smaller reading).
    With `source`, the parts must come from other sources than the whole."""
    additive = additive_metrics()
    kept = [f for f in figures if f.metric in additive and not f.is_percent and f.period_start and f.period_end]
    whose = (lambda f: source(f)) if source else (lambda f: None)
    # A part of a total of the same metric is in that total already.
    indices = {(whose(f), f.metric, f.idx) for f in kept}
    said: dict[tuple, PeriodFigure] = {}
    for f in kept:
        key = (whose(f), f.metric, f.period_start, f.period_end)
        parent = getattr(f, "parent_idx", None)
        top = 0.0 if parent is not None and (whose(f), f.metric, parent) in indices else f.value
        if key not in said:
            said[key] = PeriodFigure(f, f.period_start, f.period_end, f.value, top, f.period_source == "sentence")
        else:
            said[key].total += top
            said[key].stated = said[key].stated or f.period_source == "sentence"
    found = []
    for (whose, metric, *_), whole in said.items():
        if not whole.stated:
            continue
        candidates = [p for (other, m, *_), p in said.items()
                      if m == metric and p is not whole and _contains(whole, p) and (source is None or other != whose)
                      and _unit(p.first) == _unit(whole.first)]
        parts = _disjoint(candidates)
        if parts and sum(p.value for p in parts) > whole.total + 1e-9:
            found.append((whole, parts))
    return found


def _period_words(f) -> str:
    return f"{_vn_date(f.period_start)}–{_vn_date(f.period_end)}"


def subperiod_message(whole: PeriodFigure, parts: list[PeriodFigure]) -> str:
    listed = "; ".join(f"{_period_words(p)}: {_fmt(p.value)}" for p in parts)
    return (f"Số liệu cả kỳ {_period_words(whole)} ({_fmt(whole.total)}) nhỏ hơn tổng số liệu "
            f"các kỳ con ({listed}; cộng {_fmt(sum(p.value for p in parts))})")


def subperiod_mismatches(counts: list[Count]) -> list[Finding]:
    """Within one report: the whole cannot be less than its parts.  Only
    figures that are results, not targets or comparisons."""
    results = [c for c in counts if c.parent_idx is None and not getattr(c, "is_target", False)
               and c.section_kind not in ("plan", "recommendation")
               and not has_role("target", c.sentence) and not has_role("comparison", c.sentence)]
    findings = []
    for whole, parts in subperiod_contradictions(results):
        first = whole.first
        findings.append(finding_at(
            first, "subperiod_mismatch", ERROR, subperiod_message(whole, parts), whole.total,
            sum(p.value for p in parts), f"{first.value_text} {first.unit}",
            others=[(p.first, f"{p.first.value_text} {p.first.unit}") for p in parts]))
    return findings


# ----------------------------------------------------- claimed vs listed ---

# "32 văn bản …, cụ thể như sau:" / "4 văn bản QPPL, cụ thể:"
_LIST_OPENS = re.compile(r"(?:cụ\s+thể(?:\s+như\s+sau)?|như\s+sau|gồm(?:\s+các\s+văn\s+bản)?)\s*:[ \t]*", re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"[.;!?]\s|\n")
_DOCUMENT_UNITS = ("văn bản", "kế hoạch", "quyết định", "công văn", "chỉ thị", "nghị quyết", "báo cáo", "hướng dẫn")


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
        if b.kind == LIST_ITEM or (b.kind == PARAGRAPH and b.text.lstrip().startswith(("-", "+", "–"))):
            end = b.end
        else:
            break
    return (colon_end, end) if end else None


_CLAUSE_BREAK = re.compile("[;\n]")


def _clause_heads(text: str, region: tuple[int, int], refs: list[Reference]) -> list[Reference]:
    """The first cited document of each clause (";" or a new line) of a list."""
    inside = [r for r in refs if region[0] <= r.char_start < region[1]]
    # Sorted clause breaks and mention starts: each mention costs a bisection,
    # not a scan of the list, so a huge one-line "list" stays fast.
    starts = sorted(r.char_start for r in inside)
    cuts = [m.start() for m in _CLAUSE_BREAK.finditer(text, region[0], region[1])]
    heads = []
    for r in inside:
        j = bisect_left(cuts, r.char_start)
        clause_start = cuts[j - 1] + 1 if j else region[0]
        # Another mention between the clause's start and this one?
        k = bisect_left(starts, clause_start)
        if not (k < len(starts) and starts[k] < r.char_start):
            heads.append(r)
    return heads


def claims_against_lists(doc: Document, counts: list[Count], refs: list[Reference]) -> list[Finding]:
    findings = []
    for m in _LIST_OPENS.finditer(doc.text):
        # The claim is the last document count before the colon, in the same sentence.
        claim = [
            c
            for c in counts
            if c.char_end <= m.start()
            and not c.is_percent
            and c.unit.lower() in _DOCUMENT_UNITS
            and not _SENTENCE_BREAK.search(doc.text, c.char_end, m.start())
        ]
        if not claim:
            continue
        count = claim[-1]
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


# ------------------------------------------------------------ citations ---


def _known_codes() -> set[str]:
    return {e["code"] for e in entries("issuers")}


def _one_letter_apart(a: str, b: str) -> bool:
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def _citation_finding(ref: Reference, check: str, severity: str, message: str, also: list[Reference] = ()) -> Finding:
    return finding_at(ref, check, severity, message, evidence=ref.number_raw,
                      others=[(r, r.number_raw) for r in also])


def _by_fault(refs: list[Reference], key) -> list[list[Reference]]:
    """Mentions grouped by the fault they share (`key(ref)`, None for none)
    within one sentence: the same slip repeated in a sentence is one finding."""
    groups: dict[tuple, list[Reference]] = {}
    for r in refs:
        k = key(r)
        if k is not None:
            groups.setdefault((r.sentence, k), []).append(r)
    return list(groups.values())


def _slip_of(code: str, known: set[str], used: dict[str, int], own: str | None) -> str | None:
    """The known code an unknown one is a slip for, if the report itself
    shows it: a letter dropped from a code the report cites elsewhere
    ("SNg" where it writes "SNgV"), or one letter off the body's own code.
    Short codes (two letters) are left alone: too many real codes are one
    letter apart ("VP", "CP"), and the catalogue cannot hold them all."""
    if len(code) < 3:
        return None
    for k in sorted(known):
        if not (used.get(k) or k == own) or not _one_letter_apart(code, k):
            continue
        dropped = len(k) == len(code) + 1
        if dropped or k == own:
            return k
    return None


def unknown_codes(refs: list[Reference], own: str | None = None) -> list[Finding]:
    """A code not in the catalogue: a warning when the report shows it is a
    slip for a code it uses elsewhere, context otherwise (the catalogue may
    lack a real code)."""
    known = _known_codes()
    pairs = [(r, code) for r in refs for code in dict.fromkeys(c for c in (r.issuer_code or "").split("-") if c)]
    used: dict[str, int] = {}
    for _, code in pairs:
        used[code] = used.get(code, 0) + 1
    groups: dict[tuple, list[Reference]] = {}
    for r, code in pairs:
        if code not in known:
            groups.setdefault((r.sentence, code), []).append(r)
    findings = []
    for (_, code), group in groups.items():
        r = group[0]
        numbers = ", ".join(dict.fromkeys(g.number for g in group))
        near = _slip_of(code, known, used, own)
        if near:
            message = f"Mã cơ quan '{code}' trong số {numbers} không có trong danh mục; có thể là '{near}'"
            findings.append(_citation_finding(r, "unknown_code", WARNING, message, group[1:]))
        else:
            message = f"Mã cơ quan '{code}' trong số {numbers} không có trong danh mục mã"
            findings.append(_citation_finding(r, "unknown_code", INFO, message, group[1:]))
    return findings


def missing_years(refs: list[Reference]) -> list[Finding]:
    findings = []
    for group in _by_fault(refs, lambda r: r.number if r.year_inferred else None):
        r = group[0]
        serial, _, rest = r.number.partition("/")
        fixed = f"{serial}/{r.year}/{rest}"
        message = f"{r.doc_type or 'Văn bản'} số {r.number} thiếu năm ban hành trong số hiệu (đúng dạng: {fixed})"
        findings.append(_citation_finding(r, "missing_year", WARNING, message, group[1:]))
    return findings


def type_code_mismatches(doc: Document, refs: list[Reference]) -> list[Finding]:
    def fault(r: Reference):
        by_code = doc_type_of_code(r.type_code)
        # "Văn bản" is any document: it cannot disagree with a code.
        if by_code is None or r.doc_type in (None, "Văn bản") or by_code.name == r.doc_type:
            return None
        # The type word is what the text says before the number.
        if not doc.text[r.char_start : r.char_start + 40].lower().startswith(r.doc_type.lower()):
            return None
        return r.number, by_code.name

    findings = []
    for group in _by_fault(refs, fault):
        r = group[0]
        message = (f"Loại văn bản '{r.doc_type}' không khớp với mã loại '{r.type_code}' "
                   f"({doc_type_of_code(r.type_code).name}) trong số {r.number}")
        findings.append(_citation_finding(r, "type_code_mismatch", WARNING, message, group[1:]))
    return findings


_NUMBERS = re.compile(r"\d+")


def _words(subject: str) -> list[str]:
    return re.findall(r"\w+", re.sub(r"\s*[-–]\s*", "-", subject.lower()))


def _same_document(a: Reference, b: Reference) -> bool:
    """Whether two mentions of one number can be one document.  Serials start
    again every year, so "Kế hoạch số 15/KH-UBND" of 2022 and of 2023 (or of
    the province and of a district) are two documents unless the number
    carries its year."""
    if a.issued_date and b.issued_date and a.issued_date.year != b.issued_date.year and not re.search(
        r"/(?:19|20)\d\d/", a.number
    ):
        return False
    levels = [set(_words(r.issuer_text or "")) & _LEVELS for r in (a, b)]
    return not (levels[0] and levels[1] and levels[0] != levels[1])


# A province's, a district's and a commune's "UBND" are three bodies.
_LEVELS = {"tỉnh", "huyện", "xã", "phường", "quận", "thị", "trấn"}


def conflicting_citations(refs: list[Reference]) -> list[Finding]:
    """One number cited with two dates, or with summaries that differ only
    in a number: one finding per number, on its first contradicting mention."""
    by_number: dict[str, list[Reference]] = {}
    for r in refs:
        by_number.setdefault(r.number, []).append(r)
    findings = []
    for number, group in by_number.items():
        first = group[0]
        dated = [r for r in group[1:] if first.issued_date and r.issued_date and first.issued_date != r.issued_date
                 and _same_document(first, r)]
        if dated:
            later = dated[0]
            message = (
                f"Văn bản số {number} được dẫn với hai ngày khác nhau: "
                f"{_vn_date(first.issued_date)} và {_vn_date(later.issued_date)}"
            )
            findings.append(_citation_finding(later, "conflicting_citation", WARNING, message, [first]))
            continue
        for later in group[1:]:
            if not (first.subject and later.subject) or not _same_document(first, later):
                continue
            # "Kế hoạch số 01/KH-UBND về CCHC năm 2022" and "… năm 2023" are
            # each year's plan number 1 unless one date ties them together.
            if not (first.issued_date and first.issued_date == later.issued_date):
                continue
            a, b = _words(first.subject), _words(later.subject)
            if a == b or len(a) != len(b):
                continue
            differ = [(x, y) for x, y in zip(a, b) if x != y]
            if differ and all(_NUMBERS.fullmatch(x) and _NUMBERS.fullmatch(y) for x, y in differ):
                said = ", ".join(f"'{x}' và '{y}'" for x, y in differ)
                message = f"Văn bản số {number} được dẫn với trích yếu mâu thuẫn: {said}"
                findings.append(_citation_finding(later, "conflicting_citation", WARNING, message, [first]))
                break
    return findings


_ISSUED_BY = re.compile(r"\bban\s+hành\b", re.IGNORECASE)


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
    own_level = set(_words(meta.issuer or "")) & _LEVELS
    findings = []
    for r in refs:
        if r.issued_date is None or meta.period_start <= r.issued_date <= meta.period_end:
            continue
        codes = {c for c in (r.issuer_code or "").split("-") if c}
        # A code one letter from the body's own is its slip, unless it is
        # another body's real code (STC is not a slip for STP).
        is_own = bool(codes & own) or any(c not in known and _slip_of(c, known, {}, meta.issuer_code) for c in codes)
        # "của UBND tỉnh" in a district's report: the province's UBND, not the body.
        level = set(_words(r.issuer_text or "")) & _LEVELS
        if level and own_level and level != own_level:
            is_own = False
        in_output = r.mention_idx in listed or (is_own and _ISSUED_BY.search(r.sentence[: max(0, r.sentence.find(r.number_raw))]))
        if not (is_own and in_output):
            continue
        # The year's plan issued in the last weeks before the year begins
        # ("Kế hoạch … ngày 28/12/2022 về cải cách hành chính năm 2023") is the period's.
        if (r.issued_date < meta.period_start and meta.period_start - r.issued_date <= _CUTOFF_SLACK
                and re.search(rf"\bnăm\s+{meta.period_end.year}\b", r.subject or "")):
            continue
        message = (
            f"Văn bản số {r.number} ngày {_vn_date(r.issued_date)} được liệt kê là kết quả của kỳ báo cáo "
            f"({_vn_date(meta.period_start)}–{_vn_date(meta.period_end)}) nhưng ban hành ngoài kỳ"
        )
        findings.append(_citation_finding(r, "out_of_period", WARNING, message))
    return findings


def dates_after_report(meta: ReportMeta, dates: list[DateRow]) -> list[Finding]:
    if meta.report_date is None:
        return []
    rd = meta.report_date
    # The last day the report's date can mean, at its precision.
    limit = date(rd.year, 12, 31) if rd.month is None else (
        date(rd.year + (rd.month == 12), rd.month % 12 + 1, 1) if rd.day is None else rd.first_day()
    )
    findings = []
    for d in dates:
        if d.role != "issued" or d.date is None:
            continue
        if d.date >= limit if rd.day is None else d.date > limit:
            findings.append(finding_at(d, "date_after_report", WARNING, f"Ngày {d.text} sau ngày của báo cáo", evidence=d.text))
    return findings


# ------------------------------------------------------------------ all ---


def check_report(
    doc: Document,
    meta: ReportMeta,
    references: list[Reference],
    dates: list[DateRow],
    counts: list[Count],
) -> list[Finding]:
    """Every within-report check, findings in text order."""
    listed: set[int] = set()
    for m in _LIST_OPENS.finditer(doc.text):
        region = _listed_region(doc, m.end())
        if region and _ISSUED_BY.search(doc.text[max(0, m.start() - 300) : m.start()]):
            listed |= {r.mention_idx for r in _clause_heads(doc.text, region, references)}
    findings = (
        sum_mismatches(counts, doc)
        + subperiod_mismatches(counts)
        + percents_over_100(counts)
        + periods_outside_report(counts, meta)
        + claims_against_lists(doc, counts, references)
        + unknown_codes(references, meta.issuer_code)
        + missing_years(references)
        + type_code_mismatches(doc, references)
        + conflicting_citations(references)
        + out_of_period(doc, meta, references, listed)
        + dates_after_report(meta, dates)
    )
    return sorted(findings, key=lambda f: (f.char_start, f.check))

