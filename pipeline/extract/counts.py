"""Figures: every count and percentage a report states, with what it counts.

One figure is one row of the `metrics` table.  The grammar is data: counted
nouns, the words that make a number an identifier, and the words that open a
breakdown live in `patterns/units.yaml`; the canonical metrics in
`patterns/metrics.yaml`.  The reading is rule-based: numbers come from a
regular expression, and a blank spaCy pipeline (no model) takes the counted
noun phrase: a PhraseMatcher over the unit lexicon finds the unit right after
the number, and a Matcher chunks the words that qualify it.  `spacy.blank("vi")`
needs the external `pyvi` package for its tokenizer, and without pyvi it only
splits on white space (leaving "tính," and "(09" as tokens), so the
multi-language tokenizer `spacy.blank("xx")` is used: it splits punctuation
and keeps "4.131", "99,71" and "1.456/1.625" whole.

Choices, each for a reason:
- Numbers follow Vietnamese grammar: "." groups thousands ("4.131" is 4131),
  "," is the decimal mark ("99,71%" is 99.71), counts are zero-padded ("05" is
  5).  Three digits after a comma before a counted noun ("4,131 hồ sơ") are an
  English-style thousands group, since a dossier is never fractional.  A
  leading zero on more than three digits, or dots in any other grouping
  ("0239.3856.123"), make a phone number or a code, never a figure.
- A figure is a number followed by a counted noun (its unit) or by "%".  The
  unit is the head noun as written; its qualifiers go to the subject ("14
  máy tính để bàn": unit "máy tính", subject "máy tính để bàn").  White
  space between number and unit may be a line break, and a paragraph cut by a
  page break is read as one even when a reader left it in two blocks, with
  footnotes between ("222" / "hồ sơ").  A number with no unit after it is a
  figure only in the label form "Tổng số hồ sơ tiếp nhận: 1.625" (a unit
  after "số" in the same clause, and ":", "là", "đạt" or "=" right before the
  number).  Number words ("hai", "một số") are not read.
- Subject: the unit and the words after it, up to punctuation, a number or a
  word that opens another clause (units.yaml `phrase_breaks`), at most 12
  words, without trailing connectors ("... và").  A bare unit runs on over
  other units of its kind with no number of their own ("05 công chức, viên
  chức hoàn thành ...").  A percentage's subject is the phrase after "%", or
  else the one before the number ("tỷ lệ hồ sơ đúng hạn đạt 99,71%"), or else
  that of the figure it is a share of ("1.452 hồ sơ, đạt 99,73%").
- Not figures: numbers in the spans the caller excludes (cited documents and
  dates), numbers inside periods ("6 tháng đầu năm 2023"), numbers glued to
  "/" or "-" and letters (document numbers "39/QĐ-SNgV"), heading numbers,
  and numbers right after a marker word of units.yaml: levels ("mức độ 3"),
  ranks ("xếp thứ 5", "xếp thứ 5/63"), "đối tượng 2", "hạng 3", "Điều 9",
  "lần thứ 3", "ISO 9001:2015", "Covid-19", phone numbers.  A rank is not
  emitted at all: it is not a count of anything.
- Coordination: each number with its own unit is its own figure ("34 cuộc ...
  với 816 lượt người", "02 công chức, 02 viên chức"); coordinated figures
  share their words for the metric ("... học Trung cấp").
- Breakdowns: a figure is a part of the figure before it when "(" or a
  breakdown marker stands between them ("24 máy tính, trong đó có 14 ...",
  "12.345 hồ sơ (trực tuyến 8.120 hồ sơ, ...", "... 05 dịch vụ công. Trong đó
  01 ..."), or when that figure was introduced as a total ("Trong tổng số 71
  đơn vị ..., có 04 ..."); so is each following figure joined by "," or "và"
  (percentages between them aside), while the sentence and the parenthesis
  last and its unit fits the total's (the same unit, or a kind the total's
  unit covers: "trường hợp" covers people).  Words of comparison ("tăng 20
  hồ sơ so với") make no part.  A part's parent_idx is its total's idx; a
  total has is_total.  Percentages are never parts, and a figure has one
  parent: a total broken down twice keeps the first breakdown.
- Ratios: "1.456/1.625 hồ sơ" gives two figures: the part 1456, whose
  parent_idx points at the base 1625 (is_total, subject = the unit, metric
  null: a denominator's meaning is not stated).  A base has one part only, so
  a sum check must compare a total with two or more parts.  The part may be
  a total itself ("1.456/1.625 hồ sơ, trong đó đúng hạn 1.452 hồ sơ, ...").
- Tables: one figure per numeric cell.  Its unit comes from its column
  header, or the nearest number column's header to its left ("Tổng số hồ sơ
  | Đúng hạn | Quá hạn"), else from its row label ("Số TTHC được công bố");
  "%" in the cell or "%"/"tỷ lệ" in the header makes a percentage.  A cell
  nothing names a unit for is not read.  The subject is "<column header> -
  <row label>", the sentence the header and the row.  Cells of a total row
  ("Tổng cộng", "Tổng số") are totals: the cells of the same column in the
  rows above it, up to the header or an earlier total row, are its parts (the
  rows below it when the total row comes first); a percentage in a total row
  is a rate, not a sum, and has no parts.  Index columns ("STT"),
  column-numbering rows ("(1) (2)", "1 2 3 4") and columns of years ("Năm ban
  hành") are not figures; text cells are read as text.  A cell's span is its
  text found in the block text.
- Period: the sentence's own period when it states one (the nearest before
  the number in the sentence, across the ";" that separate list clauses, or
  one inside the figure's clause after it): period_source "sentence"; an open
  end ("từ 01/01/2021 đến nay") ends with the report's period.  A part in a
  sentence of its own inherits its total's period.  Otherwise the report's
  period: "report".  For a table cell, its column header, its row label, then
  the table's caption (the paragraph before it) stand for the sentence.
- Area: the area of the section the figure stands in, which is what the
  report's own structure says (and what the hand-checked golds say): a figure
  in a section without an area ("III. TỒN TẠI, HẠN CHẾ") has none, even when
  its metric belongs to an area; metrics.yaml gives the metric's.
- Metric: a metric of metrics.yaml fits a figure when the figure's unit (or
  its kind) is one of the metric's units, one of its `any` words is in the
  figure's own words (the clause before the number and the noun phrase after
  it) or, as weaker evidence, in its context (its total's words, those of
  figures coordinated with it, of the figure it is a share of, and the rest
  of its clause), none of its `none` words is in its own words, and its
  `sentence_any`/`sentence_none` hold on the sentence.  Of the metrics that
  fit, the one whose word stands nearest the number wins; ties go to the
  earlier entry.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date
from functools import cache


from pipeline.extract.dates import Locator, PeriodMention, find_dates, find_periods
from pipeline.extract.sentences import SentenceIndex
from pipeline.extract.spans import Spans
from pipeline.model import (
    FOOTNOTE,
    HEADING,
    LIST_ITEM,
    PARAGRAPH,
    TABLE,
    Block,
    Document,
    ReportMeta,
    Section,
)
from pipeline.normalize import normalize_document, normalize_text
from pipeline.patterns import entries, example_checker, load
from pipeline.read.layout import HEADING_NUMBER, continues

SENTENCE = "sentence"
REPORT = "report"
TEXT = "text"
TABLE_SOURCE = "table"


@dataclass
class Count:
    """One figure; the fields are the columns of the `metrics` table."""

    idx: int
    value: float
    value_text: str
    unit: str
    subject: str | None
    metric: str | None
    is_percent: bool
    area: str | None
    section_path: str | None
    section_kind: str | None
    period_start: date | None
    period_end: date | None
    period_source: str
    source: str
    parent_idx: int | None
    is_total: bool
    page: int
    char_start: int
    char_end: int
    sentence: str


# ------------------------------------------------------------ pattern data ---


@dataclass(frozen=True)
class UnitEntry:
    unit: str  # canonical name, what metrics.yaml refers to
    kind: str
    forms: tuple[str, ...]
    covers: frozenset[str]  # kinds of units that can be parts of a total in this unit


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    area: str | None
    units: frozenset[str]  # canonical unit names or unit kinds
    any: re.Pattern | None
    and_any: re.Pattern | None
    none: re.Pattern | None
    sentence_any: re.Pattern | None
    sentence_none: re.Pattern | None


def _comparable(text: str) -> str:
    return normalize_text(text).text.lower()


def _phrases(words: list[str] | None) -> re.Pattern | None:
    """One regex for a list of phrases, matched as whole words."""
    if not words:
        return None
    alternatives = sorted({re.escape(_comparable(w)) for w in words}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


@dataclass
class _Grammar:
    units: dict[str, UnitEntry]
    kinds: frozenset[str]
    marker: re.Pattern  # a marker word at the end of the text before a number
    trailing: frozenset[str]
    opens_parts: re.Pattern
    total_lead: re.Pattern  # "Trong tổng số 71 đơn vị ..., có 04 ...": a total by its lead
    comparison: re.Pattern  # words that make a figure a difference, not a part
    total_label: re.Pattern
    nlp: spacy.language.Language
    unit_matcher: PhraseMatcher  # match id -> canonical unit in unit_ids
    phrase_matcher: Matcher
    unit_ids: dict[int, str]


@cache
def _grammar() -> _Grammar:
    data = load("units")
    units: dict[str, UnitEntry] = {}
    markers: list[str] = []
    for e in data["entries"]:
        if "marker" in e:
            markers.extend(e["words"])
            continue
        forms = tuple(normalize_text(f).text for f in e["forms"])
        units[e["unit"]] = UnitEntry(e["unit"], e["kind"], forms, frozenset(e.get("covers", [])))
    # spaCy is imported here, not with the module: a process that only checks
    # or compares figures (the flow's own process) never needs the tokenizer.
    import spacy
    from spacy.matcher import Matcher, PhraseMatcher

    nlp = spacy.blank("xx")
    # spaCy caps a text at 1M characters for the memory of its parser and
    # NER; a blank tokenizer has no such cost, and a run-on "sentence" of an
    # odd file must not stop the report.
    nlp.max_length = 1 << 31
    unit_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    unit_ids = {}
    for entry in units.values():
        unit_matcher.add(entry.unit, [nlp.make_doc(f) for f in entry.forms])
        unit_ids[nlp.vocab.strings[entry.unit]] = entry.unit
    # The counted noun phrase: the unit and the run of words after it, up to
    # punctuation, a number or a word that opens another clause.  The
    # Matcher marks each word that may stand in such a run; adjacent ones
    # make a run.  (One pattern "OP": "+" with greedy="LONGEST" gives the
    # runs directly, but enumerates every sub-run first: quadratic.)
    breaks = sorted({_comparable(w) for w in data["phrase_breaks"]})
    phrase_matcher = Matcher(nlp.vocab)
    phrase_matcher.add("PHRASE_WORD", [[{"IS_ALPHA": True, "LOWER": {"NOT_IN": breaks}}]])
    marker_words = sorted({re.escape(_comparable(w)) for w in markers}, key=len, reverse=True)
    parts = sorted({re.escape(_comparable(w)).replace(r"\ ", r"\s+") for w in data["breakdown_markers"]}, key=len, reverse=True)
    totals = sorted({re.escape(_comparable(w)) for w in data["total_labels"]}, key=len, reverse=True)
    return _Grammar(
        units=units,
        kinds=frozenset(u.kind for u in units.values()),
        marker=re.compile(r"(?<!\w)(?:" + "|".join(marker_words) + r")\s*[-–:]?\s*$", re.IGNORECASE),
        trailing=frozenset(_comparable(w) for w in data["phrase_trailing"]),
        # "(", or a marker, then words that say which part ("trong đó đúng
        # hạn 12.050 hồ sơ"), but no clause or sentence break.
        opens_parts=re.compile(
            r"\s*[.,:;]?\s*(?:\(|(?:" + "|".join(parts) + r")(?!\w)\s*:?)[^.;:()\d]*", re.IGNORECASE
        ),
        comparison=_phrases(data["comparison_words"]),
        total_label=re.compile(r"^\s*(?:" + "|".join(totals) + r")(?!\w)", re.IGNORECASE),
        total_lead=re.compile(r"(?<!\w)(?:" + "|".join(totals) + r")\s*(?:là|:)?\s*$", re.IGNORECASE),
        nlp=nlp,
        unit_matcher=unit_matcher,
        phrase_matcher=phrase_matcher,
        unit_ids=unit_ids,
    )


@cache
def _metrics() -> list[Metric]:
    grammar = _grammar()
    out = []
    for e in entries("metrics"):
        units = frozenset(e["unit"])
        unknown = units - set(grammar.units) - grammar.kinds
        if unknown:
            raise ValueError(f"patterns/metrics.yaml {e['key']}: unknown unit or kind {sorted(unknown)}")
        out.append(
            Metric(
                key=e["key"],
                label=e["label"],
                area=e.get("area"),
                units=units,
                any=_phrases(e.get("any")),
                and_any=_phrases(e.get("and_any")),
                none=_phrases(e.get("none")),
                sentence_any=_phrases(e.get("sentence_any")),
                sentence_none=_phrases(e.get("sentence_none")),
            )
        )
    return out


# ----------------------------------------------------------------- numbers ---

_NUM = r"\d+(?:[.,]\d+)*"
# A number (or an x/y ratio) that is not glued to a word, a code or a date.
_CANDIDATE = re.compile(
    rf"(?<![\w.,/:\-–])(?P<num>{_NUM})(?:\s*/\s*(?P<base>{_NUM}))?(?!\w|[.,:]\d|\s*[/\-–]\s*\w)"
)
_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_COMMA_DECIMAL = re.compile(r"\d+,\d+")
_DOT_DECIMAL = re.compile(r"\d+\.\d{1,2}")
# Kinds whose figures are whole things: "4,131 hồ sơ" groups thousands.
_NOT_WHOLE = {"percent", "money", "score", "duration"}


def parse_number(text: str, kind: str | None = None) -> float | None:
    """A number written the Vietnamese way, or None when it is not one.

    `kind` is the unit's kind: for whole things a comma before exactly three
    digits groups thousands; a dot before one or two digits is an English
    decimal point only for a percentage."""
    if text.isdigit():
        if text[0] == "0" and len(text) > 3:
            return None  # a phone number or a code
        return float(text)
    if _GROUPED.fullmatch(text):
        whole, _, decimals = text.partition(",")
        return float(whole.replace(".", "") + ("." + decimals if decimals else ""))
    if _COMMA_DECIMAL.fullmatch(text):
        whole, decimals = text.split(",")
        if kind not in _NOT_WHOLE and len(decimals) == 3 and len(whole) <= 3:
            return float(whole + decimals)
        return float(whole + "." + decimals)
    if kind == "percent" and _DOT_DECIMAL.fullmatch(text):
        return float(text)
    return None


# ---------------------------------------------------------------- segments ---

# Running text and footnotes; page headers and footers hold no figures.
_TEXT_KINDS = (HEADING, PARAGRAPH, LIST_ITEM, FOOTNOTE)
_JOIN = " "


@dataclass
class _Segment:
    """A run of text read as one: a block, or a paragraph that a page break
    cut into blocks (joined by a space), or one table cell."""

    text: str
    starts: list[int]  # where each piece (block) begins in `text`
    doc_starts: list[int]  # and in Document.text
    pages: list[int]  # the page of each piece
    source: str
    skip: list[tuple[int, int]] = field(default_factory=list)  # heading numbers

    def doc_offset(self, i: int) -> int:
        k = bisect_right(self.starts, i) - 1
        return self.doc_starts[k] + (i - self.starts[k])

    def page(self, i: int) -> int:
        return self.pages[bisect_right(self.starts, i) - 1]

    def doc_span(self, start: int, end: int) -> tuple[int, int]:
        return self.doc_offset(start), self.doc_offset(max(start, end - 1)) + 1


def _text_segments(doc: Document) -> list[_Segment]:
    blocks = [b for b in doc.blocks if b.kind in _TEXT_KINDS]
    used: set[int] = set()
    segments = []
    for i, block in enumerate(blocks):
        if i in used:
            continue
        seg = _Segment(block.text, [0], [block.start], [block.page], block.source or TEXT)  # "ocr" from a scan
        if block.kind == HEADING and (m := HEADING_NUMBER.match(block.text)):
            seg.skip.append((0, m.end()))
        last = block
        j = i + 1
        while last.kind in (PARAGRAPH, LIST_ITEM):
            # Footnotes may stand between the two halves of a cut paragraph.
            while j < len(blocks) and blocks[j].kind == FOOTNOTE:
                j += 1
            if j >= len(blocks) or not continues(last, blocks[j]):
                break
            seg.starts.append(len(seg.text) + len(_JOIN))
            seg.doc_starts.append(blocks[j].start)
            seg.pages.append(blocks[j].page)
            seg.text += _JOIN + blocks[j].text
            used.add(j)
            last = blocks[j]
            j += 1
        segments.append(seg)
    return segments


# ----------------------------------------------------------------- figures ---


@dataclass
class _Figure:
    value: float
    value_text: str
    unit: str  # as written
    unit_key: str | None  # canonical
    kind: str | None
    is_percent: bool
    subject: str | None
    lead: str  # the clause before the number
    sentence: str
    start: int  # span in Document.text
    end: int
    seg_start: int  # span in the segment (for breakdowns)
    seg_end: int
    source: str
    page: int
    period: tuple[date | None, date | None] | None = None  # the sentence's own
    parent: _Figure | None = None
    is_total: bool = False
    is_ratio: bool = False
    # Weaker evidence for the metric: the words of its total, of figures
    # coordinated with it, of the figure it is a share of, the rest of its clause.
    context: list[str] = field(default_factory=list)
    metric: str | None = None


class _Window:
    """The tokens of a stretch of a segment, with the unit and phrase matches."""

    def __init__(self, grammar: _Grammar, text: str, offset: int):
        self.offset = offset
        self.doc = grammar.nlp.make_doc(text)
        self.token_at = {t.idx + offset: t.i for t in self.doc}
        self.units: dict[int, tuple[int, str]] = {}
        for match_id, s, e in grammar.unit_matcher(self.doc):
            if s not in self.units or e > self.units[s][0]:
                self.units[s] = (e, grammar.unit_ids[match_id])
        n = len(self.doc)
        self.run_start = list(range(n))
        self.run_end = list(range(n))  # exclusive end of the run holding the token; i if none
        words = sorted(s for _, s, _ in grammar.phrase_matcher(self.doc))
        i = 0
        while i < len(words):
            j = i
            while j + 1 < len(words) and words[j + 1] == words[j] + 1:
                j += 1
            start, end = words[i], words[j] + 1
            for t in range(start, end):
                self.run_start[t], self.run_end[t] = start, end
            i = j + 1

    def char(self, i: int) -> int:
        """Segment offset of token i (or the end of the window)."""
        if i >= len(self.doc):
            return self.offset + len(self.doc.text)
        return self.doc[i].idx + self.offset

    def char_end(self, i: int) -> int:
        """Segment offset where token i ends."""
        t = self.doc[i]
        return t.idx + len(t.text) + self.offset


_MAX_PHRASE = 12  # words after the unit; reports run on, a subject should not
_CLAUSE_BREAK = re.compile(r"[,;:](?=\s)|\(|\)")
_LABEL_JOIN = re.compile(r"(?:[:=]|\blà\b|\bđạt\b)\s*$", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def _trim(window: _Window, grammar: _Grammar, start: int, end: int) -> int:
    """Drop connectors left at the end of a phrase ("... và", "... với")."""
    while end > start and window.doc[end - 1].lower_ in grammar.trailing:
        end -= 1
    return end


def _phrase_after(window: _Window, grammar: _Grammar, first: int, limit: int | None) -> int:
    """Token end of the phrase that starts at token `first` (a unit's end or
    the token after "%"): the run of qualifying words, capped, cut at an
    excluded span (a cited document), trimmed."""
    if first >= len(window.doc) or window.run_end[first] == first:
        return first
    end = window.run_end[first]
    # A level or an ordinal is part of the phrase: "dịch vụ công trực tuyến
    # mức độ 4", "lớp bồi dưỡng ... đối tượng 2".
    while (
        end < len(window.doc)
        and window.doc[end].is_digit
        and grammar.marker.search(window.doc.text, 0, window.doc[end].idx)
    ):
        end += 1
        if end < len(window.doc) and window.run_end[end] > end:
            end = window.run_end[end]
    end = min(end, first + _MAX_PHRASE)
    if limit is not None:
        while end > first and window.char_end(end - 1) > limit:
            end -= 1
    return _trim(window, grammar, first, end)


def _clean(text: str, start: int, end: int) -> str:
    """text[start:end] on one line, as a subject or a sentence is shown."""
    return _SPACE.sub(" ", text[start:end]).strip()


def _text_figures(
    seg: _Segment,
    grammar: _Grammar,
    excluded: Spans,
    meta: ReportMeta,
    summaries: Spans | None = None,
) -> list[_Figure]:
    text = seg.text
    candidates = []
    for m in _CANDIDATE.finditer(text):
        if any(s <= m.start() < e for s, e in seg.skip):
            continue
        if excluded.overlaps(*seg.doc_span(m.start(), m.end())):
            continue
        if grammar.marker.search(text, max(0, m.start() - 40), m.start()):
            continue
        candidates.append(m)
    if not candidates:
        return []
    sentences = SentenceIndex.of(text)
    # A period in a cited document's summary dates the document, not a figure.
    periods = [
        p
        for p in find_periods(text)
        if not excluded.inside(*seg.doc_span(p.start, p.end))
        and not (summaries and summaries.overlaps(*seg.doc_span(p.start, p.end)))
    ]
    period_spans = [(p.start, p.end) for p in periods]
    windows: dict[tuple[int, int], _Window] = {}
    figures: list[_Figure] = []
    for m in candidates:
        if any(s < m.end() and m.start() < e for s, e in period_spans):
            continue
        s_start, s_end = sentences.span_at(m.start())
        after = m.end()
        while after < len(text) and text[after].isspace():
            after += 1
        if after < len(text):
            s_end = max(s_end, sentences.span_at(after)[1])
        key = (s_start, s_end)
        if key not in windows:
            windows[key] = _Window(grammar, text[s_start:s_end], s_start)
        window = windows[key]
        figures.extend(_read_figure(m, after, window, seg, grammar, excluded, (s_start, s_end)))
    # A figure's lead is its clause: back to a comma, colon, semicolon or
    # parenthesis, the sentence start, or the end of the previous figure.
    # (A label-form figure's lead is its label, set when it was read.)
    full_stops = [m.end() for m in _FULL_STOP.finditer(text)]
    previous_end = 0
    for fig in figures:
        s_start = sentences.span_at(fig.seg_start)[0]
        clause = before = s_start
        last_break = ""
        for b in _CLAUSE_BREAK.finditer(text, s_start, fig.seg_start):
            before, clause, last_break = clause, b.end(), b.group()
        if last_break == ":" and not text[clause : fig.seg_start].strip():
            clause = before  # "tổng số TTHC thuộc thẩm quyền: 1.850 TTHC": the label
        lead_from = max(clause, previous_end) if previous_end <= fig.seg_start else clause
        if not fig.lead and not fig.is_total:
            fig.lead = _clean(text, lead_from, fig.seg_start)
            if lead_from > clause:
                # The clause's words before an earlier figure ("03 đợt kiểm tra
                # tại 15 cơ quan"): weaker evidence.
                fig.context.append(_clean(text, clause, lead_from))
        previous_end = max(previous_end, fig.seg_end)
        fig.period = _sentence_period(fig, periods, sentences, full_stops, text, meta)
    return figures


def _read_figure(
    m: re.Match,
    after: int,
    window: _Window,
    seg: _Segment,
    grammar: _Grammar,
    excluded: Spans,
    sentence_span: tuple[int, int],
) -> list[_Figure]:
    """The figure(s) a number candidate gives: none, one, or a ratio's two."""
    text = seg.text
    tok = window.token_at.get(after)
    unit_match = window.units.get(tok) if tok is not None else None
    limit = excluded.next_start(seg.doc_offset(m.end()))
    limit = None if limit is None else _segment_offset(seg, limit)
    sentence = _clean(text, *sentence_span)
    lead = ""
    if unit_match is not None:
        unit_end, unit_key = unit_match
        entry = grammar.units[unit_key]
        unit_text = window.doc[tok:unit_end].text
        is_percent = entry.kind == "percent"
        if is_percent:
            phrase_end = _phrase_after(window, grammar, unit_end, limit)
            if phrase_end > unit_end:
                subject = window.doc[unit_end:phrase_end].text
            else:
                subject = _phrase_before(window, grammar, window.token_at.get(m.start()))
            span_end = window.char_end(unit_end - 1)
        else:
            phrase_end = _phrase_after(window, grammar, unit_end, limit)
            if phrase_end == unit_end:
                phrase_end = _coordinated_units(window, grammar, entry.kind, tok, unit_end, limit)
            subject = window.doc[tok:phrase_end].text
            span_end = window.char_end(phrase_end - 1)
        span_start = m.start()
        unit_span_end = window.char_end(unit_end - 1)
    else:
        label = _label_unit(m, window, grammar)
        if label is None:
            return []
        unit_tok, unit_end, unit_key, lead = label
        entry = grammar.units[unit_key]
        unit_text = window.doc[unit_tok:unit_end].text
        is_percent = False
        subject = lead
        span_start = window.char(unit_tok)
        span_end = unit_span_end = m.end()
    value = parse_number(m.group("num"), entry.kind)
    if value is None:
        return []
    base_text = m.group("base")
    doc_start, doc_end = seg.doc_span(span_start, unit_span_end)
    fig = _Figure(
        value=value,
        value_text=m.group("num"),
        unit=unit_text,
        unit_key=unit_key,
        kind=entry.kind,
        is_percent=is_percent,
        subject=_clean(subject, 0, len(subject)) or None if subject else None,
        lead=lead,
        sentence=sentence,
        start=doc_start,
        end=doc_end,
        seg_start=m.start(),
        seg_end=span_end,
        source=seg.source,
        page=seg.page(m.start()),
    )
    if base_text is None:
        return [fig]
    base_value = parse_number(base_text, entry.kind)
    if base_value is None or is_percent:
        return []
    fig.is_ratio = True
    base = _Figure(
        value=base_value,
        value_text=base_text,
        unit=unit_text,
        unit_key=unit_key,
        kind=entry.kind,
        is_percent=False,
        subject=unit_text,
        lead="",
        sentence=sentence,
        start=seg.doc_offset(m.start("base")),
        end=doc_end,
        seg_start=m.start("base"),
        seg_end=span_end,
        source=seg.source,
        page=fig.page,
        is_total=True,
        is_ratio=True,
    )
    fig.parent = base
    return [fig, base]


def _coordinated_units(window: _Window, grammar: _Grammar, kind: str, first: int, end: int, limit: int | None) -> int:
    """Extend a bare unit over units of the same kind that follow it with no
    number of their own: "05 công chức, viên chức hoàn thành ..." counts
    "công chức, viên chức".  Only a bare unit: in "01 đồng chí Phó Giám đốc
    ... và đồng chí Phó Chánh Văn phòng" the second is another person."""
    seen = {window.doc[first : window.units[first][0]].text.lower()} if first in window.units else set()
    while end + 1 < len(window.doc) and window.doc[end].lower_ in (",", "và"):
        unit = window.units.get(end + 1)
        if unit is None or grammar.units[unit[1]].kind != kind:
            break  # another kind of thing
        written = window.doc[end + 1 : unit[0]].text.lower()
        if written in seen:
            break  # the same noun again ("1.204 hồ sơ, hồ sơ ... là 1.105"): a new item
        seen.add(written)
        end = max(unit[0], _phrase_after(window, grammar, unit[0], limit))
        if end > unit[0]:
            break  # the phrase went on after this unit: it ends the list
    return end


def _segment_offset(seg: _Segment, doc_offset: int) -> int:
    k = bisect_right(seg.doc_starts, doc_offset) - 1
    return seg.starts[max(k, 0)] + (doc_offset - seg.doc_starts[max(k, 0)])


def _phrase_before(window: _Window, grammar: _Grammar, number_tok: int | None) -> str | None:
    """For a percentage with no noun after it ("tỷ lệ hồ sơ đúng hạn đạt
    99,71%", "Tỷ lệ hồ sơ nộp trực tuyến còn thấp, mới đạt 25,6%"): the
    phrase before the number, back over verbs and adverbs ("đạt", "mới"), a
    colon, one comma and a parenthesis ("(SIPAS) đạt 86,5%")."""
    if number_tok is None:
        return None
    t = number_tok - 1
    commas = 0
    while t >= 0:
        tok = window.doc[t]
        if tok.text == ")":
            while t >= 0 and window.doc[t].text != "(":
                t -= 1
        elif tok.text == "," and commas == 0:
            commas += 1
        elif not (
            tok.text == ":"
            or (tok.is_alpha and window.run_end[t] == t)
            or tok.lower_ in grammar.trailing
        ):
            break
        t -= 1
    if t < 0 or window.run_end[t] == t:
        return None
    start = window.run_start[t]
    return window.doc[start : min(t + 1, start + _MAX_PHRASE)].text


def _label_unit(m: re.Match, window: _Window, grammar: _Grammar) -> tuple[int, int, str, str] | None:
    """The label form "Tổng số hồ sơ tiếp nhận: 1.625": (unit token start,
    unit token end, unit key, label text), or None."""
    if m.group("base") is not None:
        return None
    number_tok = window.token_at.get(m.start())
    if number_tok is None:
        return None
    before = window.doc[:number_tok].text if number_tok else ""
    if not _LABEL_JOIN.search(before):
        return None
    # Back to the clause start: the label is in the same clause.
    best = None
    for t in range(number_tok - 1, -1, -1):
        tok = window.doc[t]
        if tok.text in ",;()" or tok.like_num:
            break
        if t in window.units and t > 0 and window.doc[t - 1].lower_ in ("số", "lượng"):
            unit_end, key = window.units[t]
            if grammar.units[key].kind != "percent":
                best = (t, unit_end, key)
                break
    if best is None:
        return None
    t, unit_end, key = best
    label_end = number_tok
    while label_end > unit_end and (window.doc[label_end - 1].is_punct or window.doc[label_end - 1].lower_ in ("là", "đạt")):
        label_end -= 1
    label = window.doc[t:label_end].text
    return t, unit_end, key, label


# The end of a sentence, not counting the ";" between list clauses.
_FULL_STOP = re.compile(r"[.!?…]['\"”’)]*\s|\n")


def _sentence_period(
    fig: _Figure,
    periods: list[PeriodMention],
    sentences: SentenceIndex,
    full_stops: list[int],
    text: str,
    meta: ReportMeta,
) -> tuple[date | None, date | None] | None:
    """The period the figure's sentence gives it: the nearest one before the
    number, back to the full stop (a period fronted before a list of ";"
    clauses covers them all), else one in the figure's own clause after it."""
    s_start, s_end = sentences.span_at(fig.seg_start)
    k = bisect_right(full_stops, fig.seg_start) - 1
    full_start = full_stops[k] if k >= 0 else 0
    before = [p for p in periods if full_start <= p.start and p.end <= fig.seg_start]
    chosen = before[-1] if before else None
    if chosen is None:
        clause_end = s_end
        if b := _CLAUSE_BREAK.search(text, fig.seg_end, s_end):
            clause_end = b.start()
        after = [p for p in periods if fig.seg_end <= p.start < clause_end]
        chosen = after[0] if after else None
    if chosen is None:
        return None
    return chosen.start_date, chosen.end_date if chosen.end_date is not None else meta.period_end


# -------------------------------------------------------------- breakdowns ---

# Between two coordinated figures: words that qualify the first one (its
# phrase may have stopped early) and a comma, "và" or "hoặc"; no clause or
# sentence break.
_COORDINATED = re.compile(r"[^.;:()\d]*?(?:,|\bvà\b|\bhoặc\b)[^.;:()\d]*|\s*", re.IGNORECASE)


def _fits(total: _Figure, part: _Figure, grammar: _Grammar) -> bool:
    if part.is_percent or total.is_percent:
        return False
    if part.unit_key == total.unit_key:
        return True
    covers = grammar.units[total.unit_key].covers if total.unit_key in grammar.units else frozenset()
    return part.kind in covers


_SHARE = re.compile(r"\s*[,(]?\s*(?:đạt|chiếm|bằng|tương\s+ứng|là)?\s*", re.IGNORECASE)


def _gap(text: str, prev: _Figure, fig: _Figure, percents: list[_Figure]) -> str:
    """The words between two figures, without the percentages that stand
    between them ("1.452 hồ sơ, đạt 99,73%, trễ hạn 04 hồ sơ")."""
    pieces, at = [], prev.seg_end
    for p in percents:
        if at <= p.seg_start and p.seg_end <= fig.seg_start:
            pieces.append(text[at : p.seg_start])
            at = p.seg_end
    pieces.append(text[at : fig.seg_start])
    return "".join(pieces)


def _link_parts(figures: list[_Figure], text: str, grammar: _Grammar) -> None:
    """Set the parent of each part of a breakdown, and share the words of
    coordinated figures, within one segment."""
    percents = [f for f in figures if f.is_percent]
    # A percentage right after a figure is its share: "1.452 hồ sơ, đạt
    # 99,73%"; after a ratio, the share of the ratio's part.
    for prev, fig in zip(figures, figures[1:]):
        if fig.is_percent and not prev.is_percent and _SHARE.fullmatch(text[prev.seg_end : fig.seg_start]):
            of = next((f for f in figures if f.parent is prev and f.is_ratio), prev)
            fig.context.append(_own_words(of))
            fig.subject = fig.subject or of.subject
    # A ratio's base is not a total of what follows; its part may be.
    chain = [f for f in figures if not f.is_percent and not (f.is_ratio and f.parent is None)]
    total: _Figure | None = None
    in_parens = False
    for prev, fig in zip(chain, chain[1:]):
        gap = _gap(text, prev, fig, percents)
        if grammar.comparison.search(_comparable(gap)):
            total = None  # "150 hồ sơ (tăng 20 hồ sơ so với cùng kỳ)"
        elif (
            grammar.opens_parts.fullmatch(gap)
            or (grammar.total_lead.search(prev.lead) and _COORDINATED.fullmatch(gap))
        ) and _fits(prev, fig, grammar):
            total, in_parens = prev, "(" in gap
            fig.parent = total
        elif (
            total is not None
            and _COORDINATED.fullmatch(gap)
            and not (in_parens and ")" in gap)
            and _fits(total, fig, grammar)
        ):
            fig.parent = total
        else:
            total = None
        if _COORDINATED.fullmatch(gap):
            # Coordinated figures share a predicate: "02 công chức, 02 viên
            # chức học Trung cấp"; "03 đợt kiểm tra tại 15 cơ quan và 10 xã".
            prev.context.append(_own_words(fig))
            fig.context.extend([_own_words(prev), *prev.context])
    for fig in figures:
        if fig.parent is not None:
            fig.parent.is_total = True
            fig.context.append(_own_words(fig.parent))
            if fig.period is None and fig.parent.period is not None:
                fig.period = fig.parent.period


def _own_words(fig: _Figure) -> str:
    return f"{fig.lead} {fig.subject or ''}"


# ---------------------------------------------------------------- metrics ---

_FAR = 1000  # a word found only in the context: weaker than any own word


def _nearest(pattern: re.Pattern, text: str, at: int) -> int | None:
    best = None
    for m in pattern.finditer(text):
        d = at - m.end() if m.end() <= at else m.start() - at
        best = d if best is None else min(best, max(d, 0))
    return best


def classify(fig: _Figure) -> str | None:
    """The canonical metric of a figure, or None."""
    lead = _comparable(fig.lead)
    own = f"{lead} \u2016 {_comparable(fig.subject or '')}"
    at = len(lead) + 1
    context = _comparable(" ".join(fig.context))
    sentence = _comparable(fig.sentence)
    best: tuple[int, int, str] | None = None
    for order, metric in enumerate(_metrics()):
        if fig.unit_key not in metric.units and fig.kind not in metric.units:
            continue
        if metric.none is not None and metric.none.search(own):
            continue
        if metric.sentence_none is not None and metric.sentence_none.search(sentence):
            continue
        if metric.sentence_any is not None and not metric.sentence_any.search(sentence):
            continue
        if metric.and_any is not None and not (metric.and_any.search(own) or metric.and_any.search(context)):
            continue
        if metric.any is None:
            distance = _FAR // 2
        else:
            distance = _nearest(metric.any, own, at)
            if distance is None:
                distance = _FAR if metric.any.search(context) else None
            if distance is None:
                continue
        if best is None or (distance, order) < best[:2]:
            best = (distance, order, metric.key)
    return best[2] if best else None


# ------------------------------------------------------------------ tables ---

_CELL_NUMBER = re.compile(rf"\s*(?P<num>{_NUM})\s*(?P<pct>%)?\s*")
_INDEX_HEADER = re.compile(r"^\s*(?:s\.?\s*tt|tt|số\s+tt|số\s+thứ\s+tự)\s*$", re.IGNORECASE)
_COLUMN_NUMBER = re.compile(r"^\s*\(\s*\d+\s*\)(?:\s*=.*)?\s*$")
_PERCENT_HEADER = re.compile(r"%|tỷ\s+lệ|tỉ\s+lệ", re.IGNORECASE)
_YEAR_HEADER = re.compile(r"\b(?:năm|ngày|thời\s+gian)\b", re.IGNORECASE)
_YEAR = re.compile(r"(?:19|20)\d{2}")


def _is_numeric(cell: str) -> bool:
    return bool(_CELL_NUMBER.fullmatch(cell))


def _consecutive(values: list[str]) -> bool:
    """"1 2 3 4": row numbers, or a row that numbers the columns."""
    if len(values) < 2 or not all(v.isdigit() for v in values):
        return False
    first = int(values[0])
    return [int(v) for v in values] == list(range(first, first + len(values)))


def _cell_spans(block: Block, rows: list[list[str]]) -> list[list[tuple[int, int] | None]]:
    """Where each cell's text stands in the block text (rows joined by
    "\\n", cells by "\\t"), as Document offsets; None when it is not found."""
    spans = []
    cursor = 0
    for row in rows:
        row_spans: list[tuple[int, int] | None] = []
        for cell in row:
            text = cell.strip()
            at = block.text.find(text, cursor) if text else -1
            if at < 0:
                row_spans.append(None)
                continue
            row_spans.append((block.start + at, block.start + at + len(text)))
            cursor = at + len(text)
        spans.append(row_spans)
    return spans


def _first_unit(text: str, grammar: _Grammar) -> tuple[str, str] | None:
    """(unit as written, unit key) of the first counted noun in a label."""
    if not text.strip():
        return None
    doc = grammar.nlp.make_doc(text)
    found = sorted((s, -e, grammar.unit_ids[mid]) for mid, s, e in grammar.unit_matcher(doc))
    for s, neg_e, key in found:
        if grammar.units[key].kind != "percent":
            return doc[s:-neg_e].text, key
    return None


def _headers(rows: list[list[str]], n_header: int) -> list[str]:
    """Each column's header, the header rows joined top to bottom.  A group
    header merged over several columns is written in its first column only:
    it is carried right over the columns whose lower header cells are set."""
    width = len(rows[0]) if rows else 0
    grid = [[c.strip() for c in row] for row in rows[:n_header]]
    for r in range(n_header - 1):
        for j in range(1, width):
            if not grid[r][j] and grid[r][j - 1] and grid[-1][j] and grid[-1][j - 1]:
                grid[r][j] = grid[r][j - 1]
    headers = []
    for j in range(width):
        parts: list[str] = []
        for r in range(n_header):
            cell = grid[r][j]
            if cell and not _COLUMN_NUMBER.match(cell) and cell not in parts:
                parts.append(cell)
        headers.append(" ".join(" ".join(parts).split()))
    return headers


def _table_figures(
    block: Block, caption: str, doc: Document, grammar: _Grammar, excluded: Spans, meta: ReportMeta
) -> list[_Figure]:
    """The figures of a statistics table.  `caption` is the text just before
    it ("Kết quả giải quyết hồ sơ năm 2023 như sau:"), a last source of the
    period."""
    rows = [list(r) for r in block.cells or [] if any(c.strip() for c in r)]
    if not rows:
        return []
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    spans = _cell_spans(block, rows)
    # Header rows: the leading rows without a number (at most four).
    n_header = 0
    while n_header < min(len(rows), 4) and not any(_is_numeric(c) for c in rows[n_header]):
        n_header += 1
    if n_header == len(rows):
        n_header = 0  # no numbers at all: a layout table, text cells only
    headers = _headers(rows, n_header) if n_header else [""] * width
    header_units = [_first_unit(h, grammar) for h in headers]
    body = list(range(n_header, len(rows)))
    # A column of row numbers ("STT") is not data.
    index_cols = {j for j, h in enumerate(headers) if _INDEX_HEADER.match(h)}
    if not index_cols and _consecutive([rows[i][0].strip() for i in body if rows[i][0].strip()]):
        index_cols.add(0)
    text_cols = {j for j in range(width) if sum(_is_numeric(rows[i][j]) for i in body) * 2 < len(body)} | index_cols
    figures: list[_Figure] = []
    text_cells: list[_Segment] = []
    by_cell: dict[tuple[int, int], _Figure] = {}
    total_rows: list[int] = []
    for i in body:
        row = [c.strip() for c in rows[i]]
        numbers = [j for j in range(width) if j not in index_cols and _is_numeric(row[j])]
        # The row label: its text cells ("Tổng cộng" may stand in the STT column).
        label = " ".join(row[j] for j in sorted(text_cols) if row[j] and not _is_numeric(row[j]))
        if not label and len(numbers) >= 3 and _consecutive([row[j] for j in numbers]):
            continue  # a row "1 2 3 4 ..." that numbers the columns
        is_total_row = bool(grammar.total_label.match(label))
        if is_total_row:
            total_rows.append(i)
        row_text = " | ".join(c for c in row if c)
        for j in range(width):
            if not row[j] or j in index_cols:
                continue
            if not _is_numeric(row[j]):
                if spans[i][j] is not None:
                    start, end = spans[i][j]
                    text_cells.append(_Segment(doc.text[start:end], [0], [start], [block.page], TABLE_SOURCE))
                continue
            unit = _cell_unit(header_units, text_cols, j, label, headers[j], row[j], grammar)
            if unit is None:
                continue  # nothing says what the number counts
            span = spans[i][j] or (block.start, block.end)
            fig = _cell_figure(row[j], unit, headers[j], label, caption, row_text, span, block.page, grammar, meta)
            if fig is not None and not excluded.overlaps(fig.start, fig.end):
                figures.append(fig)
                by_cell[(i, j)] = fig
                # A rate is not a sum: a total row's percentage has no parts.
                fig.is_total = is_total_row and not fig.is_percent
    # The cells of a total row are the totals of their column: of the rows
    # above it up to the header or an earlier total row, or of the rows below
    # it when it comes first.
    for t in total_rows:
        if t == body[0]:
            later = [k for k in total_rows if k > t]
            part_rows = range(t + 1, later[0] if later else len(rows))
        else:
            earlier = [k for k in total_rows if k < t]
            part_rows = range(earlier[-1] + 1 if earlier else n_header, t)
        for (i, j), fig in by_cell.items():
            total = by_cell.get((t, j))
            if i in part_rows and i not in total_rows and total is not None and total.is_total:
                fig.parent = total
    for seg in text_cells:
        found = _text_figures(seg, grammar, excluded, meta)
        _link_parts(found, seg.text, grammar)
        figures.extend(found)
    return figures


def _cell_unit(
    header_units: list[tuple[str, str] | None],
    text_cols: set[int],
    j: int,
    label: str,
    header: str,
    cell: str,
    grammar: _Grammar,
) -> tuple[str, str] | None:
    """(unit as written, unit key) of a numeric cell: "%" when the cell or
    its header says so; else the unit its column header names, or the
    nearest number column's header to its left ("Tổng số hồ sơ | Đúng hạn |
    Quá hạn"), else the unit its row label names ("Số TTHC được công bố").
    The header of a label column ("Chỉ tiêu", "Tên văn bản") names the
    labels, not the numbers."""
    if cell.endswith("%") or _PERCENT_HEADER.search(header):
        return "%", _percent_key(grammar)
    for k in range(j, -1, -1):
        if k in text_cols:
            break
        if header_units[k] is not None:
            return header_units[k]
    return _first_unit(label, grammar)


def _cell_figure(
    cell: str,
    unit: tuple[str, str],
    header: str,
    label: str,
    caption: str,
    row_text: str,
    span: tuple[int, int],
    page: int,
    grammar: _Grammar,
    meta: ReportMeta,
) -> _Figure | None:
    number = _CELL_NUMBER.fullmatch(cell).group("num")
    if _YEAR.fullmatch(number) and _YEAR_HEADER.search(header) and not find_periods(header):
        return None  # a column of years ("Năm ban hành")
    unit_text, unit_key = unit
    entry = grammar.units[unit_key]
    value = parse_number(number, entry.kind)
    if value is None:
        return None
    if span[1] - span[0] == len(cell):  # the cell was found in the block text
        span = (span[0] + cell.find(number), span[0] + cell.find(number) + len(number))
    period = None
    for where in (header, label, caption):
        if found := find_periods(where):
            period = (found[0].start_date, found[0].end_date or meta.period_end)
            break
    return _Figure(
        value=value,
        value_text=number,
        unit=unit_text,
        unit_key=unit_key,
        kind=entry.kind,
        is_percent=entry.kind == "percent",
        subject=" - ".join(x for x in (header, label) if x) or None,
        lead=header,
        sentence=" | ".join(x for x in (header, row_text) if x),
        start=span[0],
        end=span[1],
        seg_start=0,
        seg_end=0,
        source=TABLE_SOURCE,
        page=page,
        period=period,
    )


def _percent_key(grammar: _Grammar) -> str:
    return next(u.unit for u in grammar.units.values() if u.kind == "percent")


# -------------------------------------------------------------- find_counts ---


def find_counts(
    doc: Document,
    sections: list[Section],
    meta: ReportMeta,
    excluded_spans: list[tuple[int, int]],
    locator: Locator | None = None,
    cited_summaries: list[tuple[int, int]] = (),
) -> list[Count]:
    """Every figure of a normalised document, in reading order.

    `excluded_spans` are spans of `doc.text` that hold no figure: the cited
    documents and the dates found by the other extractors.  `cited_summaries`
    are the summaries of cited documents ("về … giai đoạn 2020 - 2023"): their
    figures count, but their periods are the document's own.  `locator` may be
    shared with the other extractors to index the text once."""
    grammar = _grammar()
    locator = locator or Locator(doc, sections)
    excluded = Spans(list(excluded_spans))
    summaries = Spans(list(cited_summaries))
    figures: list[_Figure] = []
    for seg in _text_segments(doc):
        found = _text_figures(seg, grammar, excluded, meta, summaries)
        _link_parts(found, seg.text, grammar)
        figures.extend(found)
    body = [b for b in doc.blocks if b.kind in (HEADING, PARAGRAPH, LIST_ITEM, TABLE)]
    for k, block in enumerate(body):
        if block.kind == TABLE and block.cells:
            caption = body[k - 1].text if k and body[k - 1].kind != TABLE and len(body[k - 1].text) < 300 else ""
            figures.extend(_table_figures(block, caption, doc, grammar, excluded, meta))
    figures.sort(key=lambda f: (f.start, f.seg_start))
    index = {id(f): i for i, f in enumerate(figures)}
    counts = []
    for i, fig in enumerate(figures):
        fig.metric = classify(fig)
        section = locator.section_at(fig.start)
        if fig.period is not None:
            (p_start, p_end), p_source = fig.period, SENTENCE
        else:
            p_start, p_end, p_source = meta.period_start, meta.period_end, REPORT
        counts.append(
            Count(
                idx=i,
                value=fig.value,
                value_text=fig.value_text,
                unit=fig.unit,
                subject=fig.subject,
                metric=fig.metric,
                is_percent=fig.is_percent,
                area=section.area if section else None,
                section_path=section.section_path if section else None,
                section_kind=section.kind if section else None,
                period_start=p_start,
                period_end=p_end,
                period_source=p_source,
                source=fig.source,
                parent_idx=index[id(fig.parent)] if fig.parent is not None else None,
                is_total=fig.is_total,
                page=fig.page,
                char_start=fig.start,
                char_end=fig.end,
                sentence=fig.sentence,
            )
        )
    return counts


# ---------------------------------------------------------- example checks ---


def counts_in_text(text: str) -> list[Count]:
    """The figures of one paragraph of text, dates excluded: what the pattern
    examples are checked with."""
    doc = normalize_document(Document(source_path="<example>", format="txt", blocks=[Block(PARAGRAPH, text)]))
    spans = [(d.start, d.end) for d in find_dates(doc.text)]
    return find_counts(doc, [], ReportMeta(), spans)


def _same(a: float, b: float) -> bool:
    return abs(a - b) < 1e-9


@example_checker("units")
def check_unit_examples(entry: dict) -> list[str]:
    failures = []
    if "marker" in entry:
        for text in entry.get("examples", []):
            got = counts_in_text(text)
            if got:
                failures.append(f"marker {entry['marker']}: {text!r} should give no figure, got {got[0].value_text} {got[0].unit}")
        for text in entry.get("counter_examples", []):
            if not counts_in_text(text):
                failures.append(f"marker {entry['marker']}: {text!r} should still give a figure")
        return failures
    forms = {f.lower() for f in entry["forms"]}
    for ex in entry.get("examples", []):
        got = counts_in_text(ex["text"])
        want_unit = ex.get("unit", entry["forms"][0])
        match = [c for c in got if _same(c.value, ex["value"]) and c.unit == want_unit]
        if not match:
            failures.append(
                f"{entry['unit']}: {ex['text']!r} should give {ex['value']} {want_unit}, got "
                f"{[(c.value, c.unit) for c in got]}"
            )
        elif "subject" in ex and match[0].subject != ex["subject"]:
            failures.append(f"{entry['unit']}: {ex['text']!r} subject {match[0].subject!r}, want {ex['subject']!r}")
    for text in entry.get("counter_examples", []):
        bad = [c for c in counts_in_text(text) if c.unit.lower() in forms]
        if bad:
            failures.append(f"{entry['unit']}: counter-example {text!r} gave {bad[0].value_text} {bad[0].unit}")
    return failures


@example_checker("metrics")
def check_metric_examples(entry: dict) -> list[str]:
    failures = []
    key = entry["key"]
    for ex in entry.get("examples", []):
        got = [c for c in counts_in_text(ex["text"]) if _same(c.value, ex["value"])]
        if "unit" in ex:
            got = [c for c in got if c.unit == ex["unit"]]
        if not got:
            failures.append(f"{key}: no figure {ex['value']} in {ex['text']!r}")
        elif got[0].metric != key:
            failures.append(f"{key}: {ex['text']!r} gave {got[0].value_text} {got[0].unit} metric {got[0].metric}")
    for text in entry.get("counter_examples", []):
        bad = [c for c in counts_in_text(text) if c.metric == key]
        if bad:
            failures.append(f"{key}: counter-example {text!r} gave {bad[0].value_text} {bad[0].unit} as {key}")
    return failures
