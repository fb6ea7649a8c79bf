"""Tell a file's format from its first bytes, never from its name.

Inspectors' folders hold PDFs named .doc, Word files named .pdf and HTML pages
saved as anything; the name is only a hint that the bytes overrule.
"""

from __future__ import annotations

import hashlib

import json
import os
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

# Files that are plainly something other than a report: named by what they
# are, so that the `reports` row says "PNG image" rather than "binary".
JSON = "json"
IMAGES = {"png": "PNG image", "jpeg": "JPEG image", "gif": "GIF image", "tiff": "TIFF image",
          "bmp": "BMP image", "webp": "WebP image"}
SPREADSHEETS = {"xlsx": "Excel workbook (.xlsx)", "xls": "Excel 97-2003 workbook (.xls)",
                "ods": "OpenDocument spreadsheet (.ods)"}
ARCHIVES = {ZIP: "zip archive", "gzip": "gzip archive", "bzip2": "bzip2 archive", "xz": "xz archive",
            "7z": "7-Zip archive", "rar": "RAR archive", "tar": "tar archive"}
# The page `cchc report` writes carries this tag in its head: a page cchc
# wrote is its own output, wherever the user saved it.
CCHC_PAGE_MARK = '<meta name="generator" content="cchc">'
CCHC_PAGE = "cchc_page"
NOT_REPORT_FORMATS = {JSON: "JSON data", CCHC_PAGE: "HTML page written by cchc report", **IMAGES, **SPREADSHEETS,
                      **ARCHIVES}

_MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"GIF87a", "gif"), (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"), (b"BM", "bmp"),
    (b"\x1f\x8b", "gzip"), (b"BZh", "bzip2"), (b"\xfd7zXZ\x00", "xz"), (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "rar"),
]


def sniff(head: bytes) -> str:
    """Format from the first bytes of a file (a few KiB are enough)."""
    if not head:
        return EMPTY
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return ZIP  # refined by `detect_format`, which can look inside
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return DOC  # or an .xls: `detect_format` reads the directory
    for magic, fmt in _MAGIC:
        if head.startswith(magic):
            if fmt == "bmp" and not _looks_like_bmp(head):
                continue
            return fmt
    if head[:12].startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head[257:262] == b"ustar":
        return "tar"
    if head.lstrip().startswith(b"{\\rtf"):
        return RTF
    lowered = head[:512].lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return CCHC_PAGE if CCHC_PAGE_MARK.encode() in head[:2048] else HTML
    if _looks_like_text(head):
        return TXT
    return BINARY


def _looks_like_bmp(head: bytes) -> bool:
    """"BM" opens many texts too: a bitmap's header gives its own size and a
    pixel offset inside the file."""
    return len(head) >= 26 and 14 <= int.from_bytes(head[10:14], "little") < 1 << 20 and head[6:10] == b"\0\0\0\0"


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
                mimetype = z.read("mimetype")[:100] if "mimetype" in names else b""
        except (zipfile.BadZipFile, OSError, RuntimeError):
            return BINARY
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return "xlsx"
        if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
            return "ods"
        return ZIP
    if fmt == DOC and _ole_streams(path) & {"Workbook", "Book"}:
        return "xls"
    if fmt == TXT and _is_json(path, head):
        return JSON
    return fmt


def _ole_streams(path: Path) -> set[str]:
    """Names in the first sector of an OLE2 compound file's directory, where
    Word puts "WordDocument" and Excel "Workbook" (a best effort: a name
    further on is not seen, and the file is then taken for a .doc)."""
    with open(path, "rb") as f:
        header = f.read(512)
        if len(header) < 512:
            return set()
        sector = 1 << int.from_bytes(header[30:32], "little")
        first = int.from_bytes(header[48:52], "little")
        if not 128 <= sector <= 4096 or first >= 0xFFFFFFFA:
            return set()
        f.seek((first + 1) * sector)
        directory = f.read(sector)
    names = set()
    for at in range(0, len(directory) - 127, 128):
        size = int.from_bytes(directory[at + 64:at + 66], "little")
        if 2 <= size <= 64:
            names.add(directory[at:at + size - 2].decode("utf-16-le", "replace"))
    return names


# Larger text is not parsed whole to tell: it is read as text, and a JSON
# file that big is still found not to be a report by its content.
_JSON_PARSE_LIMIT = 8 << 20


def _is_json(path: Path, head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start not in (b"{", b"["):
        return False
    if os.path.getsize(path) > _JSON_PARSE_LIMIT:
        return False
    try:
        with open(path, "rb") as f:
            json.loads(f.read())
    except (ValueError, UnicodeDecodeError):
        return False
    return True


# A file is known by its content: the hash of its bytes, and its report id.
def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def report_id_of(sha256: str) -> str:
    return sha256[:16]
