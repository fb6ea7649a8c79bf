"""Bounds on untrusted input: how big, how long, how much memory.

Inspectors' folders are not cleaned: a 2 GB video named .pdf, a 50 MB text
on one line, a zip bomb named .docx, a PDF whose parse never ends.  Each
bound turns such a file into a `reports` row that says which limit it
passed, and the batch goes on.

- `max_mb`, `max_pages`, `max_chars` are checked in the worker, by
  `pipeline.run.process` and the readers; the text reader cuts at `max_chars`
  before any pattern runs over the text;
- `max_figures` bounds the figures read from one report: a text of tens of
  thousands of numbers ("01 văn bản, " over and over) is read linearly but
  at about a millisecond a figure; the figures past the bound are not read,
  and the report is `partial` with a note that says so (`figures_cut_note`);
- `max_sentence_chars` bounds the sentence stored with each fact: a longer
  one (a "sentence" with no full stop for pages) is kept as a window around
  the fact, marked with "…"; the whole text is in `out/text/<report_id>.txt`;
- `timeout` and `memory_mb` are enforced around the worker by
  `pipeline.run.workers`: a file still parsing after `timeout` seconds has its
  worker process killed, and a worker may not map more than `memory_mb` of
  address space (RLIMIT_AS), so a runaway allocation fails inside it rather
  than on the machine;
- zip bombs are refused by the DOCX reader (`MAX_ZIP_ENTRIES`,
  `MAX_UNCOMPRESSED_BYTES` in `pipeline/read/docx/__init__.py`), and its XML is parsed
  without DTDs, entities or network access; within that bound a text node of
  any size is read, its text counted past `max_chars` but not kept.

`cchc ingest --timeout/--max-mb/--memory-mb` set the common ones; the rest
can be passed to `run_ingest(..., limits=Limits(...))`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_mb: float = 200.0  # file size; a scanned PDF of a few hundred pages fits
    max_pages: int = 2000  # PDF pages
    max_chars: int = 1_000_000  # text kept from one file (about 400 pages); the rest is cut
    max_sentence_chars: int = 2_000  # the sentence stored with a fact (a long paragraph is about 1,500)
    max_figures: int = 5_000  # figures read from one report (the longest gold report has under 200)
    timeout: float = 300.0  # seconds per file, OCR included
    memory_mb: int = 3072  # address space per worker process; 0: no limit
    tool_timeout: float = 120.0  # one call of an external tool (soffice, tesseract on one page)

    def __post_init__(self) -> None:
        for name in ("max_mb", "max_pages", "max_chars", "max_sentence_chars", "max_figures", "timeout", "tool_timeout"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
        if self.memory_mb < 0:
            raise ValueError("memory_mb must be 0 (no limit) or positive")


def cut_note(kept: int, total: int) -> str:
    """What a report's `error` says when its text was cut at `max_chars`."""
    return f"the text was cut at {kept:,} characters of {total:,}: more than a report holds (Limits.max_chars)"


def figures_cut_note(limit: int) -> str:
    """What a report's `error` says when its figures were cut at `max_figures`."""
    return f"the figures were cut at {limit:,}: the rest of the text was not read for figures (Limits.max_figures)"


DEFAULT = Limits()
_current = DEFAULT


def current() -> Limits:
    """The limits in force in this process."""
    return _current


def activate(limits: Limits | None) -> None:
    """Put `limits` in force in this process (a worker does it once, at start)."""
    global _current
    _current = limits or DEFAULT
