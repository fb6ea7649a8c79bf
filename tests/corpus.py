"""A corpus of the files inspectors' folders hold besides clean reports:
broken, hostile, scanned, old and oddly named ones, made here from the
committed samples, and stand-ins for the external tools (Tesseract,
LibreOffice) that exercise the real subprocess path.

`EXPECTED` is the status each file must get, as docs/failure-modes.md says.
"""

from __future__ import annotations

import io
import os
import sys
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from conftest import SEED_DOCX, SEED_PDF, SEED_TXT

# What the stand-in Tesseract "reads" off any page: a figure, so that a
# metrics row with source = ocr comes out.
FAKE_OCR_TEXT = "Trong năm, Sở đã tiếp nhận 246 hồ sơ thủ tục hành chính.\n\nTỷ lệ giải quyết đúng hạn đạt 99,5%.\n"
FAKE_DOC_TEXT = "Báo cáo chuyển từ Word 97: Sở đã ban hành 12 văn bản chỉ đạo."

# file name -> (status, words the error must contain), without OCR or LibreOffice.
EXPECTED: dict[str, tuple[str, str | None]] = {
    "report.txt": ("ok", None),
    "báo cáo 'quý' \"3\" [bản nháp].txt": ("ok", None),  # spaces, Unicode, quotes, brackets
    "empty.txt": ("failed", "the file is empty"),
    "junk.docx": ("failed", "unrecognised binary content"),
    "xxe.docx": ("ok", None),  # the entity is not resolved; the rest is read
    "zip-bomb.docx": ("failed", "refusing to read it"),
    "html.pdf": ("failed", "HTML page"),
    "truncated.pdf": ("partial", "truncated, pages may be missing; pages 7-20 came out empty"),
    "encrypted-empty-password.pdf": ("ok", None),
    "encrypted.pdf": ("failed", "encrypted PDF: needs a password"),
    "scan.pdf": ("needs_ocr", "apt-get install tesseract-ocr tesseract-ocr-vie"),
    "cid-garbage.pdf": ("needs_ocr", "install Tesseract"),
    "scan-and-text.pdf": ("needs_ocr", "1 of 2 pages"),
    "old-word.doc": ("failed", "install LibreOffice"),
    "one-line-50mb.txt": ("partial", "cut at 1,000,000 characters"),
    "huge.pdf": ("failed", "more than the 200 MB"),
    "loop.txt": ("failed", "Too many levels of symbolic links"),
    "dangling.pdf": ("failed", "No such file or directory"),
}
# A name that is not valid UTF-8 (an old Windows folder): read, and its path
# escaped in the tables.
BAD_NAME = b"bao-cao-\xff\xfe.txt"


def _text_page(c: Canvas, lines: list[str]) -> None:
    c.setFont("Helvetica", 12)
    y = 760
    for line in lines:
        c.drawString(72, y, line)
        y -= 16
    c.showPage()


def make_pdf(path: Path, pages: list[list[str]], **canvas_kw) -> Path:
    c = Canvas(str(path), pagesize=A4, invariant=1, **canvas_kw)
    for lines in pages:
        _text_page(c, lines)
    c.save()
    return path


def page_image(pdf_path: Path = SEED_PDF, index: int = 0, dpi: int = 200):
    """A page of a PDF as a picture, as a photocopier would scan it."""
    with pdfium.PdfDocument(pdf_path) as pdf:
        return pdf[index].render(scale=dpi / 72, grayscale=True).to_pil()


def make_scan(path: Path, images: list, text_pages: list[list[str]] | None = None) -> Path:
    """A PDF of image-only pages (and, after them, pages with text)."""
    c = Canvas(str(path), pagesize=A4, invariant=1)
    for image in images:
        c.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    for lines in text_pages or []:
        _text_page(c, lines)
    c.save()
    return path


def docx_with_entity(path: Path) -> Path:
    """The seed DOCX with an external entity declared and used in its body."""
    with zipfile.ZipFile(SEED_DOCX) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                head, rest = data.split(b"?>", 1)
                data = (head + b'?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                        + rest.replace(b"<w:t>", b"<w:t>&xxe;", 1))
            dst.writestr(item, data)
    return path


def zip_bomb(path: Path) -> Path:
    """A Word-looking zip whose document unpacks to far more than any report."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        chunk = b"<w:p/>" * (1 << 20)  # 6 MB that deflates to a few KB
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            for _ in range(40):  # 240 MB unpacked
                f.write(chunk)
    return path


def build(root: Path) -> Path:
    """Write the corpus under `root`; return the folder an inspector would give."""
    d = root / "inbox"
    d.mkdir(parents=True)
    (d / "report.txt").write_bytes(SEED_TXT.read_bytes())
    (d / "báo cáo 'quý' \"3\" [bản nháp].txt").write_text(
        "Số: 5/BC-STP\n\nNinh Bình, ngày 02 tháng 01 năm 2022\n\nBÁO CÁO\n\nĐã ban hành 3 văn bản.\n", encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "junk.docx").write_bytes(bytes(range(256)) * 64)
    docx_with_entity(d / "xxe.docx")
    zip_bomb(d / "zip-bomb.docx")
    (d / "html.pdf").write_bytes(b"<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>")
    data = SEED_PDF.read_bytes()
    (d / "truncated.pdf").write_bytes(data[: len(data) // 2])
    make_pdf(d / "encrypted-empty-password.pdf", [["Bao cao duoc ma hoa theo Ke hoach so 12/KH-UBND ngay 05/01/2023."]],
             encrypt=StandardEncryption("", ownerPassword="chu so huu", canModify=0))
    make_pdf(d / "encrypted.pdf", [["Bi mat."]], encrypt=StandardEncryption("secret", ownerPassword="owner"))
    make_scan(d / "scan.pdf", [page_image()])
    make_pdf(d / "cid-garbage.pdf", [["(cid:12)(cid:57)(cid:3)(cid:88)(cid:41)(cid:7)"] * 20])
    make_scan(d / "scan-and-text.pdf", [page_image()], [["Trang nay co chu: 12 van ban."]])
    (d / "old-word.doc").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 4096)
    # The seed report on one line, over and over, to 50 MB.
    line = " ".join(SEED_TXT.read_text(encoding="utf-8").split()).encode("utf-8") + b" "
    with open(d / "one-line-50mb.txt", "wb") as f:
        for _ in range(50 * 2**20 // len(line) + 1):
            f.write(line)
    with open(d / "huge.pdf", "wb") as f:  # sparse: 201 MB of nothing
        f.write(b"%PDF-1.7\n")
        f.truncate(201 * 2**20)
    os.symlink("loop.txt", d / "loop.txt")
    os.symlink(d / "gone.pdf", d / "dangling.pdf")
    (d / "sub").mkdir()
    os.symlink("..", d / "sub" / "up")  # a folder loop: never followed
    os.mkfifo(d / "pipe.txt")  # would block a reader: skipped, as a problem
    (d / "~$report.docx").write_bytes(b"lock")  # Word's lock file: not a report
    with open(os.path.join(os.fsencode(d), BAD_NAME), "wb") as f:
        f.write("Báo cáo có tên tệp lạ: đã tiếp nhận 7 hồ sơ thủ tục hành chính.\n".encode("utf-8"))
    return d


# --- stand-ins for the external tools ------------------------------------------------


def _script(path: Path, body: str) -> Path:
    path.write_text(f"#!{sys.executable}\n" + body, encoding="utf-8")
    path.chmod(0o755)
    return path


def fake_tesseract(bin_dir: Path) -> Path:
    """A `tesseract` that checks it was handed a PNG on stdin, as cchc's OCR
    hook does, logs its arguments, and prints known Vietnamese text."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    return _script(bin_dir / "tesseract", f'''
import sys
args = sys.argv[1:]
with open({str(bin_dir / "tesseract.log")!r}, "a", encoding="utf-8") as log:
    log.write(" ".join(args) + "\\n")
if args == ["--list-langs"]:
    print("List of available languages in \\"/fake\\" (2):\\neng\\nvie")
    sys.exit(0)
if sys.stdin.buffer.read(8) != b"\\x89PNG\\r\\n\\x1a\\n":
    sys.exit("tesseract: stdin is not a PNG image")
sys.stdout.write({FAKE_OCR_TEXT!r})
''')


def fake_soffice(bin_dir: Path, sleep: float = 0) -> Path:
    """A `soffice` that checks the isolated profile and the named import
    filter, and writes a .docx (made by python-docx) where LibreOffice would."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    return _script(bin_dir / "soffice", f'''
import sys, time
from pathlib import Path
args = sys.argv[1:]
time.sleep({sleep})
assert any(a.startswith("-env:UserInstallation=file://") for a in args), args
assert "--headless" in args and any(a.startswith("--infilter=") for a in args), args
outdir = Path(args[args.index("--outdir") + 1])
source = Path(args[-1])
import docx
d = docx.Document()
d.add_paragraph({FAKE_DOC_TEXT!r})
outdir.mkdir(parents=True, exist_ok=True)
d.save(outdir / (source.stem + ".docx"))
''')


def png_bytes(image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


# --- crafted text ----------------------------------------------------------------------

# About this many characters each: a full report's worth (Limits.max_chars).
CRAFTED_CHARS = 1_000_000


def _repeat(unit: str, chars: int = CRAFTED_CHARS) -> str:
    return (unit * (chars // len(unit) + 1))[:chars]


# A report's header, so that a crafted text is taken for a report and goes
# through every step, extraction included.
CRAFTED_HEADER = ("UBND TỈNH HÀ TĨNH\nSỞ NỘI VỤ\n\nSố: 12/BC-SNV\n\nHà Tĩnh, ngày 15 tháng 12 năm 2023\n\n"
                  "BÁO CÁO\n\nKết quả công tác cải cách hành chính năm 2023\n\n")


def crafted_texts(chars: int = CRAFTED_CHARS) -> dict[str, str]:
    """Texts shaped to make a pattern backtrack, a join copy, or a scanner
    rescan: long runs of what the grammars look at (digits, dots, slashes,
    dashes, "số", brackets, unclosed markup), each about `chars` long after
    a report's header."""
    nest = chars // 2
    return {name: CRAFTED_HEADER + body for name, body in _crafted_bodies(chars, nest).items()}


def _crafted_bodies(chars: int, nest: int) -> dict[str, str]:
    return {
        "ones-one-line": _repeat("1 ", chars),
        "unclosed-bold": _repeat("**x ", chars),
        "wrapped-va-lines": _repeat("và và và và và và và và và và và và và và và và và và và\n", chars),
        "so-dotted-numbers": _repeat("số 1.1.1.1. ", chars),
        "digits": _repeat("1234567890", chars),
        "dots": _repeat(".", chars),
        "slashes": _repeat("/", chars),
        "dashes": _repeat("-", chars),
        "so-repeated": _repeat("số ", chars),
        "nested-parentheses": "(" * nest + "1 hồ sơ" + ")" * nest,
        "dotted-digits": _repeat("1.", chars),
        "slashed-digits": _repeat("1/", chars),
        "number-words": _repeat("01 văn bản, ", chars),
        "paragraph-per-line": _repeat("và\n\n", chars),
    }


def write_crafted(folder: Path, chars: int = CRAFTED_CHARS) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in crafted_texts(chars).items():
        path = folder / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
