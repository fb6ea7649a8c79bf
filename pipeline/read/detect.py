"""Tell a file's format from its first bytes, never from its name.

Inspectors' folders hold PDFs named .doc, Word files named .pdf and HTML pages
saved as anything; the name is only a hint that the bytes overrule.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

PDF = "pdf"
DOCX = "docx"
DOC = "doc"  # Word 97-2003, an OLE2 compound file
RTF = "rtf"
HTML = "html"
TXT = "txt"
ZIP = "zip"  # a zip that is not a Word document
EMPTY = "empty"
BINARY = "binary"  # nothing we can read


def sniff(head: bytes) -> str:
    """Format from the first bytes of a file (a few KiB are enough)."""
    if not head:
        return EMPTY
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return ZIP  # refined by `detect_format`, which can look inside
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return DOC
    if head.lstrip().startswith(b"{\\rtf"):
        return RTF
    lowered = head[:512].lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return HTML
    if _looks_like_text(head):
        return TXT
    return BINARY


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = head[:4096]
    zeros = sample.count(0)
    if zeros:
        # UTF-16 without a BOM puts a zero in every other byte of ASCII text.
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        return max(even, odd) > len(sample) // 4 and min(even, odd) == 0
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control <= len(sample) // 100


def detect_format(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(8192)
    fmt = sniff(head)
    if fmt == ZIP:
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            return BINARY
        return DOCX if "word/document.xml" in names else ZIP
    return fmt
