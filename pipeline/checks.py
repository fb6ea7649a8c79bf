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
"""

from __future__ import annotations

from bisect import bisect_left
import re
from dataclasses import dataclass
from datetime import date

from pipeline.extract.counts import Count
from pipeline.extract.dates import DateRow
from pipeline.extract.references import Reference, doc_type_of_code
from pipeline.model import BODY_KINDS, LIST_ITEM, PARAGRAPH, Document, ReportMeta
from pipeline.patterns import entries

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


def _fmt(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _vn_date(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def finding_at(
    fact,
    check: str,
    severity: str,
    message: str,
    stated: float | None = None,
    computed: float | None = None,
    evidence: str | None = None,
    end: int | None = None,
) -> Finding:
    """A finding whose evidence is one extracted fact: anything with section_path,
    page, char_start, char_end and sentence (a Count, a Reference, a DateRow,
    a row of the metrics table)."""
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
    )


# ------------------------------------------------------------ figures ---


def sum_mismatches(counts: list[Count]) -> list[Finding]:
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
        check = "table_total" if total.source == "table" else "sum_mismatch"
        listed = " + ".join(c.value_text for c in children)
        message = f"Tổng số {total.value_text} {total.unit} không khớp với các thành phần: {listed} = {_fmt(computed)}"
        findings.append(
            finding_at(total, check, ERROR, message, total.value, computed, f"{total.value_text} {total.unit}",
                     end=max(c.char_end for c in children))
        )
    return findings


def percents_over_100(counts: list[Count]) -> list[Finding]:
    return [
        finding_at(c, "percent_over_100", ERROR, f"Tỷ lệ {c.value_text}% vượt quá 100%", c.value, evidence=f"{c.value_text}%")
        for c in counts
        if c.is_percent and c.value > 100
    ]


def periods_outside_report(counts: list[Count], meta: ReportMeta) -> list[Finding]:
    if meta.period_start is None or meta.period_end is None:
        return []
    findings = []
    for c in counts:
        if c.period_source != "sentence" or c.period_start is None:
            continue
        end = c.period_end or c.period_start
        if c.period_start < meta.period_start or end > meta.period_end:
            message = (
                f"Số liệu {c.value_text} {c.unit} tính cho kỳ {_vn_date(c.period_start)}–{_vn_date(end)}, "
                f"ngoài kỳ báo cáo {_vn_date(meta.period_start)}–{_vn_date(meta.period_end)}"
            )
            findings.append(finding_at(c, "period_outside_report", WARNING, message, c.value))
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
        region = _listed_region(doc, m.end())
        if region is None:
            continue
        heads = _clause_heads(doc.text, region, refs)
        if not heads or len(heads) == count.value:
            continue
        message = f"Báo cáo nêu {count.value_text} {count.unit} nhưng liệt kê {len(heads)} văn bản"
        findings.append(
            finding_at(count, "claimed_vs_listed", WARNING, message, count.value, float(len(heads)),
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


def _near(code: str, known: set[str]) -> str | None:
    """The known code one letter away (added, dropped or changed); a code the
    unknown one begins ("SNg" → "SNgV") is the likelier slip."""
    near = sorted(k for k in known if _one_letter_apart(code, k))
    return next((k for k in near if k.startswith(code)), near[0] if near else None)


def _citation_finding(ref: Reference, check: str, severity: str, message: str) -> Finding:
    return finding_at(ref, check, severity, message, evidence=ref.number_raw)


def unknown_codes(refs: list[Reference]) -> list[Finding]:
    known = _known_codes()
    findings = []
    for r in refs:
        codes = [c for c in (r.issuer_code or "").split("-") if c]
        for code in codes:
            if code in known:
                continue
            near = _near(code, known)
            if near:
                message = f"Mã cơ quan '{code}' trong số {r.number} không có trong danh mục; có thể là '{near}'"
                findings.append(_citation_finding(r, "unknown_code", WARNING, message))
            else:
                message = f"Mã cơ quan '{code}' trong số {r.number} không có trong danh mục mã"
                findings.append(_citation_finding(r, "unknown_code", INFO, message))
    return findings


def missing_years(refs: list[Reference]) -> list[Finding]:
    findings = []
    for r in refs:
        if not r.year_inferred:
            continue
        serial, _, rest = r.number.partition("/")
        fixed = f"{serial}/{r.year}/{rest}"
        message = f"{r.doc_type or 'Văn bản'} số {r.number} thiếu năm ban hành trong số hiệu (đúng dạng: {fixed})"
        findings.append(_citation_finding(r, "missing_year", WARNING, message))
    return findings


def type_code_mismatches(doc: Document, refs: list[Reference]) -> list[Finding]:
    findings = []
    for r in refs:
        by_code = doc_type_of_code(r.type_code)
        # "Văn bản" is any document: it cannot disagree with a code.
        if by_code is None or r.doc_type in (None, "Văn bản") or by_code.name == r.doc_type:
            continue
        # The type word is what the text says before the number.
        written = doc.text[r.char_start : r.char_start + 40].lower()
        if not written.startswith(r.doc_type.lower()):
            continue
        message = f"Loại văn bản '{r.doc_type}' không khớp với mã loại '{r.type_code}' ({by_code.name}) trong số {r.number}"
        findings.append(_citation_finding(r, "type_code_mismatch", WARNING, message))
    return findings


_NUMBERS = re.compile(r"\d+")


def _words(subject: str) -> list[str]:
    return re.findall(r"\w+", re.sub(r"\s*[-–]\s*", "-", subject.lower()))


def conflicting_citations(refs: list[Reference]) -> list[Finding]:
    by_number: dict[str, list[Reference]] = {}
    for r in refs:
        by_number.setdefault(r.number, []).append(r)
    findings = []
    for number, group in by_number.items():
        first = group[0]
        for later in group[1:]:
            if first.issued_date and later.issued_date and first.issued_date != later.issued_date:
                message = (
                    f"Văn bản số {number} được dẫn với hai ngày khác nhau: "
                    f"{_vn_date(first.issued_date)} và {_vn_date(later.issued_date)}"
                )
                findings.append(_citation_finding(later, "conflicting_citation", ERROR, message))
            elif first.subject and later.subject:
                a, b = _words(first.subject), _words(later.subject)
                if a == b or len(a) != len(b):
                    continue
                differ = [(x, y) for x, y in zip(a, b) if x != y]
                if differ and all(_NUMBERS.fullmatch(x) and _NUMBERS.fullmatch(y) for x, y in differ):
                    said = ", ".join(f"'{x}' và '{y}'" for x, y in differ)
                    message = f"Văn bản số {number} được dẫn với trích yếu mâu thuẫn: {said}"
                    findings.append(_citation_finding(later, "conflicting_citation", WARNING, message))
    return findings


_ISSUED_BY = re.compile(r"\bban\s+hành\b", re.IGNORECASE)


def out_of_period(doc: Document, meta: ReportMeta, refs: list[Reference], listed: set[int]) -> list[Finding]:
    """The body's own documents, listed as the period's output, dated outside it.

    A document is the body's when its number carries the body's code, or a
    code one letter from it, or when it heads a clause of a list the body
    announces as what it issued (`listed`, by mention index)."""
    if meta.period_start is None or meta.period_end is None or not meta.issuer_code:
        return []
    own = {meta.issuer_code}
    findings = []
    for r in refs:
        if r.issued_date is None or meta.period_start <= r.issued_date <= meta.period_end:
            continue
        codes = set((r.issuer_code or "").split("-"))
        is_own = bool(codes & own) or any(_near(c, own) for c in codes if c)
        in_output = r.mention_idx in listed or (is_own and _ISSUED_BY.search(r.sentence[: max(0, r.sentence.find(r.number_raw))]))
        if not (is_own and in_output):
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
        sum_mismatches(counts)
        + percents_over_100(counts)
        + periods_outside_report(counts, meta)
        + claims_against_lists(doc, counts, references)
        + unknown_codes(references)
        + missing_years(references)
        + type_code_mismatches(doc, references)
        + conflicting_citations(references)
        + out_of_period(doc, meta, references, listed)
        + dates_after_report(meta, dates)
    )
    return sorted(findings, key=lambda f: (f.char_start, f.check))

