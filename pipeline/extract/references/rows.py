"""The `references` table: one row per mention of a cited document, with
where it is (section, page, sentence).

The report's own number in its front matter is not a reference, nor is
anything in a running page header or footer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cchc.pipeline.extract.references.neighbours import scan
from cchc.pipeline.extract.references.reading import Mention, compact
from cchc.pipeline.model import PAGE_FOOTER, PAGE_HEADER, PARAGRAPH, Block, Document, ReportMeta, Section
from cchc.pipeline.text.locator import Locator
from cchc.pipeline.text.normalize import normalize_document
from cchc.pipeline.text.spans import Spans


@dataclass
class Reference:
    mention_idx: int
    doc_type: str | None
    type_code: str | None
    number_raw: str
    number: str
    serial: int | None
    serial_suffix: str | None
    year: int | None
    year_inferred: bool
    issuer_code: str | None
    unit_code: str | None
    is_party_doc: bool
    issued_date: date | None
    issued_date_text: str | None
    issuer_text: str | None
    subject: str | None
    section_path: str | None
    area: str | None
    page: int
    char_start: int
    char_end: int
    sentence: str



def _is_own_number(mention: Mention, meta: ReportMeta, front_end: int, text: str) -> bool:
    """The report's number in its header ("Số: 123/BC-UBND")."""
    if mention.start >= front_end:
        return False
    if meta.doc_number and mention.number == compact(meta.doc_number):
        return True
    # "Số: …" opening a line of the front matter, with no type word.
    line_start = text.rfind("\n", 0, mention.start) + 1
    return mention.word_name is None and mention.has_so and not text[line_start : mention.start].strip()


def read_references(
    doc: Document, sections: list[Section], meta: ReportMeta | None, locator: Locator | None = None
) -> list[tuple[Reference, Mention]]:
    """References with the mentions they were read from; `meta` None reads a
    snippet, which has no front matter."""
    text = doc.text
    loc = locator or Locator(doc, sections)
    front_end = loc.front_end(meta) if meta is not None else 0
    furniture = Spans([(b.start, b.end) for b in doc.blocks if b.kind in (PAGE_HEADER, PAGE_FOOTER)])
    out: list[tuple[Reference, Mention]] = []
    for m in scan(text, loc.sentences):
        if furniture.overlaps(m.start, m.end):
            continue
        if meta is not None and _is_own_number(m, meta, front_end, text):
            continue
        section = loc.section_at(m.start)
        ref = Reference(
            mention_idx=len(out),
            doc_type=m.doc_type,
            type_code=m.type_code,
            number_raw=m.number_raw,
            number=m.number,
            serial=m.serial,
            serial_suffix=m.suffix,
            year=m.year,
            year_inferred=m.year_inferred,
            issuer_code=m.issuer_code,
            unit_code=m.unit_code,
            is_party_doc=m.is_party,
            issued_date=m.issued_date,
            issued_date_text=m.date_text,
            issuer_text=m.issuer_text,
            subject=m.subject,
            section_path=section.section_path if section else None,
            area=section.area if section else None,
            page=loc.page_at(m.start),
            char_start=m.start,
            char_end=m.end,
            sentence=loc.sentence_at(m.start),
        )
        out.append((ref, m))
    return out


def find_references(
    doc: Document, sections: list[Section], meta: ReportMeta, locator: Locator | None = None
) -> list[Reference]:
    """One Reference per cited-document mention of a normalised document.

    `locator` may be shared with `dates.date_rows` to index the text once."""
    return [ref for ref, _ in read_references(doc, sections, meta, locator)]


def snippet(text: str) -> Document:
    return normalize_document(Document("<text>", "txt", [Block(PARAGRAPH, text)]))


def references_in_text(text: str) -> list[Reference]:
    """References of a bare snippet, read as a one-paragraph document."""
    return [ref for ref, _ in read_references(snippet(text), [], None)]

