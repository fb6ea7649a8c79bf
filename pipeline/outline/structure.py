"""Recover what a report says about itself and how it is organised.

`parse_header` (outline/header.py) reads the front matter (number, place and
date, title, period, issuer) and the closing block (signer, recipients);
`build_sections` (outline/sections.py) turns the numbered headings into a
section tree with a reform area and a kind for each section.  The words of
patterns/report_parts.yaml feed both, and their examples are read here as a
report would be.
"""

from __future__ import annotations

from cchc.pipeline.model import PARAGRAPH, Document, section_at
from cchc.pipeline.outline.header import admin_levels, parse_header, tier_words
from cchc.pipeline.outline.sections import area_of_heading, build_sections, kind_of_heading
from cchc.pipeline.patterns import example_checker

__all__ = ["admin_levels", "area_of_heading", "build_sections", "kind_of_heading", "parse_header", "section_at",
           "tier_words"]


def _read_lines(name: str, text: str):
    """What the lines `text` give, read as a report: the value an entry of
    patterns/report_parts.yaml feeds."""
    from cchc.pipeline.model import Block
    from cchc.pipeline.text.normalize import normalize_document

    doc = normalize_document(Document("example.txt", "txt", [Block(PARAGRAPH, ln) for ln in text.split("\n")]))
    if name in ("appendix", "form", "attached_to"):
        sections = build_sections(doc)
        if name == "attached_to":
            return sections[0].title if sections else None
        return [s.section_path for s in sections]
    meta = parse_header(doc)
    field = {"title": "title", "signing_for": "signer_role", "roles": "signer_role", "recipients": "recipients"}
    return getattr(meta, field.get(name, "issuer"))


@example_checker("report_parts")
def _check_report_part(entry: dict) -> list[str]:
    return [
        f"{kind}: {example['text']!r} should give {example['value']!r}, got {got!r}"
        for kind in ("examples", "counter_examples")
        for example in entry[kind]
        if (got := _read_lines(entry["name"], example["text"])) != example["value"]
    ]
