"""Checks on cited documents: codes, years, type words, dates."""

from __future__ import annotations

from datetime import date

from cchc.pipeline.checks.base import INFO, WARNING, Finding, _vn_date, finding_at
from cchc.pipeline.extract.dates import DateRow
from cchc.pipeline.extract.references import Reference, doc_type_of_code
from cchc.pipeline.model import Document, ReportMeta
from cchc.pipeline.outline.structure import tier_words
from cchc.pipeline.patterns import IGNORECASE, any_of, compile_pattern, entries


def _known_codes() -> set[str]:
    return {e["code"] for e in entries("issuers")}


def _one_letter_apart(a: str, b: str) -> bool:
    """One letter added, dropped or changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        differ = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        swapped = len(differ) == 2 and differ[1] == differ[0] + 1 and a[differ[0]] == b[differ[1]] and a[differ[1]] == b[differ[0]]
        return len(differ) == 1 or swapped
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def _citation_finding(ref: Reference, check: str, severity: str, message: str, also: list[Reference] = ()) -> Finding:
    return finding_at(ref, check, severity, message, evidence=ref.number_raw,
                      others=[(r, r.number_raw) for r in also])


def _by_fault(refs: list[Reference], key) -> list[list[Reference]]:
    """Mentions grouped by the fault they share (`key(ref)`, None for none):
    one number written wrong, however often it is cited, is one finding, on
    its first mention, with every mention as evidence."""
    groups: dict[object, list[Reference]] = {}
    for r in refs:
        k = key(r)
        if k is not None:
            groups.setdefault(k, []).append(r)
    return list(groups.values())


def _slip_of(code: str, known: set[str], used: dict[str, int], own: str | None) -> str | None:
    """The known code an unknown one is a slip for: one letter off the
    body's own code; a letter dropped from a code the report cites elsewhere
    ("SNg" where it writes "SNgV"), or two of its letters swapped ("UBDN");
    or, for a long code, a letter dropped, added or swapped against any known
    code ("SNNPTN" for "SNNPTNT").  A changed letter in another body's code
    is left alone: real codes differ by one letter ("BNCTU", "BTCTU"), and
    the catalogue cannot hold them all.  Short codes (two letters) are left
    alone for the same reason ("VP", "CP")."""
    if len(code) < 3:
        return None
    for k in sorted(known):
        if not _one_letter_apart(code, k):
            continue
        dropped = len(k) == len(code) + 1
        added = len(k) == len(code) - 1
        swapped = len(k) == len(code) and sorted(k) == sorted(code)
        if k == own or (used.get(k) and (dropped or swapped)) or (len(code) >= 4 and (dropped or added or swapped)):
            return k
    return None


def unknown_codes(refs: list[Reference], own: str | None = None) -> list[Finding]:
    """A code not in the catalogue: a warning when it is a likely slip,
    context otherwise (the catalogue may lack a real code).  One finding per
    code, on its first mention, with every mention as evidence."""
    known = _known_codes()
    pairs = [(r, code) for r in refs for code in dict.fromkeys(c for c in (r.issuer_code or "").split("-") if c)]
    used: dict[str, int] = {}
    for _, code in pairs:
        used[code] = used.get(code, 0) + 1
    groups: dict[str, list[Reference]] = {}
    for r, code in pairs:
        if code not in known:
            groups.setdefault(code, []).append(r)
    findings = []
    for code, group in groups.items():
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


def _lacks_year(r: Reference) -> bool:
    """A normative number (Nghị định, Thông tư) written without its year,
    whether or not its date is given."""
    if r.year_inferred:
        return True
    by_code = doc_type_of_code(r.type_code)
    return r.year is None and not r.is_party_doc and by_code is not None and by_code.normative


def missing_years(refs: list[Reference]) -> list[Finding]:
    findings = []
    for group in _by_fault(refs, lambda r: r.number if _lacks_year(r) else None):
        r = group[0]
        if r.year is not None:
            serial, _, rest = r.number.partition("/")
            fixed = f" (đúng dạng: {serial}/{r.year}/{rest})"
        else:
            fixed = ""
        message = f"{r.doc_type or 'Văn bản'} số {r.number} thiếu năm ban hành trong số hiệu{fixed}"
        findings.append(_citation_finding(r, "missing_year", WARNING, message, group[1:]))
    return findings


def type_code_mismatches(doc: Document, refs: list[Reference]) -> list[Finding]:
    def fault(r: Reference):
        by_code = doc_type_of_code(r.type_code)
        # "Văn bản" is any document: it cannot disagree with a code.
        if by_code is None or r.doc_type in (None, "Văn bản") or by_code.name == r.doc_type:
            return None
        # The type word must stand right before the number ("Quyết định số
        # 12/KH-STP"), not name another document ("Quyết định ban hành Kế
        # hoạch số 12/KH-STP").
        at = doc.text.find(r.number_raw, r.char_start, r.char_end + 1)
        written = compile_pattern(rf"{any_of([r.doc_type])}\s*(?:số\s*)?:?\s*", IGNORECASE)
        if at < 0 or not written.fullmatch(doc.text[r.char_start : at]):
            return None
        return r.number, by_code.name

    findings = []
    for group in _by_fault(refs, fault):
        r = group[0]
        message = (f"Loại văn bản '{r.doc_type}' không khớp với mã loại '{r.type_code}' "
                   f"({doc_type_of_code(r.type_code).name}) trong số {r.number}")
        findings.append(_citation_finding(r, "type_code_mismatch", WARNING, message, group[1:]))
    return findings


_NUMBERS = compile_pattern(r"\d+")
_WORD = compile_pattern(r"\w+")
_HYPHEN = compile_pattern(r"\s*[-–]\s*")
_YEAR = compile_pattern(r"(?:19|20)\d\d")
_YEAR_IN_NUMBER = compile_pattern(r"/(?:19|20)\d\d/")


def _words(subject: str) -> list[str]:
    return _WORD.findall(_HYPHEN.sub("-", subject.lower()))


def _same_document(a: Reference, b: Reference) -> bool:
    """Whether two mentions of one number can be one document.  Serials start
    again every year, so "Kế hoạch số 15/KH-UBND" of 2022 and of 2023 (or of
    the province and of a district) are two documents unless the number
    carries its year, the two dates differ only in the year (a slip of the
    year: 15/3/2022 and 15/3/2023), or the summaries are the same."""
    da, db = a.issued_date, b.issued_date
    if da and db and da.year != db.year and not _YEAR_IN_NUMBER.search(a.number):
        same_summary = bool(a.subject) and _words(a.subject) == _words(b.subject or "")
        if (da.month, da.day) != (db.month, db.day) and not same_summary:
            return False
    levels = [set(_words(r.issuer_text or "")) & tier_words() for r in (a, b)]
    return not (levels[0] and levels[1] and levels[0] != levels[1])


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
            a, b = _words(first.subject), _words(later.subject)
            if a == b or len(a) != len(b):
                continue
            differ = [(x, y) for x, y in zip(a, b) if x != y]
            # "Kế hoạch số 01/KH-UBND về CCHC năm 2022" and "… năm 2023" are
            # each year's plan number 1, unless one date ties them together.
            years = all(_YEAR.fullmatch(x) and _YEAR.fullmatch(y) for x, y in differ)
            if years and not _YEAR_IN_NUMBER.search(number) and not (
                    first.issued_date and first.issued_date == later.issued_date):
                continue
            if differ and all(_NUMBERS.fullmatch(x) and _NUMBERS.fullmatch(y) for x, y in differ):
                said = ", ".join(f"'{x}' và '{y}'" for x, y in differ)
                message = f"Văn bản số {number} được dẫn với trích yếu mâu thuẫn: {said}"
                findings.append(_citation_finding(later, "conflicting_citation", WARNING, message, [first]))
                break
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


