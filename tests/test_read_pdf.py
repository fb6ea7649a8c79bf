"""The PDF reader, on the committed sample and on small PDFs made here.

The sample (scripts/sample_pdf.py) is the TXT sample laid out like a report
printed from Word: running header, "Trang N" footer, two real footnotes,
paragraphs running over page breaks, and a ruled closing table.  Read back,
its running text must be word for word the TXT sample's.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from cchc.pipeline.model import BODY_KINDS, FOOTNOTE, HEADING, LIST_ITEM, PAGE_FOOTER, PAGE_HEADER, TABLE
from cchc.pipeline.text.normalize import normalize_document, normalize_text
from cchc.pipeline.read import read_document
from cchc.pipeline.read.layout import ends_sentence
from cchc.pipeline.read.pdf import read_pdf
from cchc.pipeline.read.pdf.lines import _join
from cchc.pipeline.read.txt import read_txt
from producers import font_file

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_PDF = ROOT / "samples" / "so-ngoai-vu-ha-tinh-2021-2023.pdf"
SAMPLE_TXT = ROOT / "samples" / "so-ngoai-vu-ha-tinh-2021-2023.txt"
RUNNING_HEADER = "Sở Ngoại vụ Hà Tĩnh – Báo cáo kết quả CCHC 2021–2023"


@pytest.fixture(scope="module")
def pdf_doc():
    return normalize_document(read_pdf(SAMPLE_PDF))


@pytest.fixture(scope="module")
def txt_doc():
    return normalize_document(read_txt(SAMPLE_TXT))


def body_words(doc) -> list[str]:
    return [w for b in doc.blocks if b.kind in BODY_KINDS for w in b.text.split()]


def page_texts(path: Path) -> list[str]:
    """Each page's raw text as pdfium gives it, normalised, one line."""
    with pdfium.PdfDocument(path) as pdf:
        out = []
        for page in pdf:
            text = page.get_textpage().get_text_range().replace("\ufffe", "-").replace("-\r\n", "-")
            out.append(" ".join(normalize_text(text).text.split()))
        return out


# --- the committed sample ------------------------------------------------------


def test_sample_is_read_through_the_format_detector(pdf_doc):
    doc = read_document(SAMPLE_PDF)
    assert doc.format == "pdf"
    assert doc.n_pages == pdf_doc.n_pages >= 15
    assert doc.warnings == []


def test_body_words_equal_the_txt_sample(pdf_doc, txt_doc):
    pdf_words, txt_words = body_words(pdf_doc), body_words(txt_doc)
    assert len(pdf_words) > 9000
    assert pdf_words == txt_words


def test_paragraphs_match_the_txt_sample(pdf_doc, txt_doc):
    """Beyond the words: every paragraph, heading and list item comes back
    whole, with the TXT's boundaries and kinds (the closing block is a
    table in the PDF)."""
    txt_blocks = [(b.kind, b.text) for b in txt_doc.body_blocks()]
    closing = txt_blocks.index(("paragraph", "Nơi nhận:"))
    pdf_blocks = [(b.kind, b.text) for b in pdf_doc.body_blocks()]
    assert pdf_blocks[:-1] == txt_blocks[:closing]
    assert pdf_blocks[-1][0] == TABLE


def test_page_furniture_is_kept_out_of_the_body(pdf_doc):
    n = pdf_doc.n_pages
    headers = [b for b in pdf_doc.blocks if b.kind == PAGE_HEADER]
    footers = [b for b in pdf_doc.blocks if b.kind == PAGE_FOOTER]
    assert [b.page for b in headers] == list(range(1, n + 1))
    assert {b.text for b in headers} == {RUNNING_HEADER}
    assert [b.text for b in footers] == [f"Trang {i}" for i in range(1, n + 1)]
    assert [b.page for b in footers] == list(range(1, n + 1))
    body = " ".join(b.text for b in pdf_doc.body_blocks())
    assert "Trang " not in body
    assert "CCHC 2021–2023" not in body


def test_headings(pdf_doc):
    headings = [b.text for b in pdf_doc.blocks if b.kind == HEADING]
    starts = ("I. CÔNG TÁC CHỈ ĐẠO", "II. KẾT QUẢ THỰC HIỆN", "III. TỒN TẠI", "V. KIẾN NGHỊ", "6.1. Ứng dụng")
    for start in starts:
        assert any(h.startswith(start) for h in headings), start
    # A heading that wraps over two lines comes back as one block.
    wrapped = "1. Hệ thống các văn bản chỉ đạo, điều hành đã ban hành để thực hiện có hiệu quả công tác CCHC"
    assert wrapped in headings


def test_footnotes(pdf_doc, txt_doc):
    notes = [b for b in pdf_doc.blocks if b.kind == FOOTNOTE]
    expected = [b.text for b in txt_doc.blocks if b.kind == FOOTNOTE]
    assert [b.text for b in notes] == expected
    assert notes[0].text.startswith("¹ Kế hoạch số 82/KH-SNgV")
    assert notes[1].text.startswith("² Kế hoạch số 88/KH-SNgV")
    # Each note is on the page of its marker, and the marker sits on its word.
    pages = page_texts(SAMPLE_PDF)
    for note, marker in zip(notes, ("Kế hoạch¹ để", "Kế hoạch² để")):
        holder = next(b for b in pdf_doc.body_blocks() if marker in b.text)
        assert holder.kind == LIST_ITEM
        assert holder.page == note.page
        assert note.text[2:60] in pages[note.page - 1]


def test_closing_table(pdf_doc, txt_doc):
    tables = [b for b in pdf_doc.blocks if b.kind == TABLE]
    assert len(tables) == 1
    table = tables[0]
    assert table.page == pdf_doc.n_pages
    assert len(table.cells) == 1 and len(table.cells[0]) == 2
    left, right = table.cells[0]
    # One line per TXT line, a recipient wrapped in its cell joined again.
    closing = [b.text for b in txt_doc.body_blocks()]
    closing = closing[closing.index("Nơi nhận:") :]
    signature = closing.index("KT. GIÁM ĐỐC")
    assert left.split("\n") == closing[:signature]
    assert "- Các phòng chuyên môn, đơn vị trực thuộc;" in left.split("\n")
    assert right.split("\n") == closing[signature:] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Ngô Thị Hoài Nam"]
    assert table.text == left + "\t" + right
    # The table is the last body block, and its words are nowhere else.
    assert pdf_doc.body_blocks()[-1] is table
    assert not any("Hoài Nam" in b.text for b in pdf_doc.body_blocks()[:-1])


@pytest.mark.parametrize(
    "opening, cut_after",
    [
        # "... của thủ" | "trưởng cơ quan, ..."
        ("Hàng năm, Cấp ủy, Ban Giám đốc Sở đã chỉ đạo", "trách nhiệm của thủ"),
        # "... cấp tỉnh," | "Ủy ban nhân dân cấp huyện, ..."
        ("Sở Ngoại vụ đã xây dựng Đề án sắp xếp", "thuộc Ủy ban nhân dân cấp tỉnh,"),
    ],
)
def test_paragraph_cut_by_a_page_break_is_rejoined(pdf_doc, txt_doc, opening, cut_after):
    paragraph = next(b.text for b in txt_doc.blocks if b.text.startswith(opening))
    pages = page_texts(SAMPLE_PDF)
    # The premise: in the PDF this paragraph starts on one page and its
    # sentence goes on, mid-sentence, at the top of the next one.
    cut = paragraph.index(cut_after) + len(cut_after)
    first_part, rest = paragraph[:cut], paragraph[cut:].strip()
    k = next(i for i, text in enumerate(pages) if first_part in text)
    assert rest[:40] not in pages[k]
    assert rest[:40] in pages[k + 1]
    assert not first_part.endswith((".", ";", ":"))
    # The reader gives it back as one block, on the page where it starts.
    block = next(b for b in pdf_doc.body_blocks() if b.text.startswith(opening))
    assert block.text == paragraph
    assert block.page == k + 1


@pytest.mark.parametrize("indented", [False, True])
def test_page_break_before_a_capital_is_judged_by_geometry(tmp_path, font, indented):
    """A page that ends mid-sentence and a next page that opens with a capital
    ("... với các Sở" | "Ngành và ...") look like two paragraphs to the text
    rules; the layout tells: the page's last line is full and the next page
    opens flush left.  Indented, the next page's first line opens a new
    paragraph."""
    sample = _sample_pdf_module()
    text = (
        "Sở Ngoại vụ đã tham mưu cho Ủy ban nhân dân tỉnh ban hành nhiều văn bản quan trọng về công tác "
        "đối ngoại trên địa bàn tỉnh trong giai đoạn vừa qua, đồng thời phối hợp chặt chẽ với các Sở "
        "Ngành và địa phương trong việc triển khai thực hiện các nhiệm vụ được giao theo kế hoạch đã đề ra "
        "từ đầu năm."
    )
    lines = sample.body_para(text).lines
    cut = next(k for k in range(2, len(lines)) if lines[k].words[0].runs[0].text[0].isupper())
    first_part = " ".join(w.runs[0].text for ln in lines[:cut] for w in ln.words)
    assert not ends_sentence(first_part)
    path = tmp_path / "break.pdf"
    c = Canvas(str(path), pagesize=A4, invariant=1)
    for number, part in ((1, lines[:cut]), (2, lines[cut:])):
        c.setFont(font, 9)
        c.drawCentredString(300, 808, "Sở Ngoại vụ Hà Tĩnh")
        c.drawCentredString(300, 30, f"Trang {number}")
        y = 760.0
        for k, line in enumerate(part):
            if number == 2 and k == 0 and indented:
                line.indent = sample.INDENT
            last = number == 2 and k == len(part) - 1
            sample.draw_line(c, line, sample.LEFT, sample.TEXT_W, y, last)
            y -= 16
        c.showPage()
    c.save()
    doc = read_pdf(path)
    body = [b.text for b in doc.body_blocks()]
    if indented:
        assert body == [first_part, text[len(first_part) + 1 :]]
    else:
        assert body == [text]
        kinds = [b.kind for b in doc.blocks]
        assert kinds == ["page_header", "paragraph", "page_footer", "page_header", "page_footer"]


def test_block_pages_follow_the_document(pdf_doc):
    pages = [b.page for b in pdf_doc.body_blocks()]
    assert pages[0] == 1
    assert pages == sorted(pages)
    assert pages[-1] == pdf_doc.n_pages


def test_line_joining_keeps_hyphens():
    assert _join(["phát triển kinh tế -", "xã hội"]) == "phát triển kinh tế - xã hội"
    assert _join(["giai đoạn 2022-", "2025"]) == "giai đoạn 2022-2025"
    assert _join(["Văn bản số 1800/SNV-", "CCHC&VTLT"]) == "Văn bản số 1800/SNV-CCHC&VTLT"
    assert _join(["cải cách hành chính", "nhà nước"]) == "cải cách hành chính nhà nước"


# --- generated PDFs --------------------------------------------------------------


def _sample_pdf_module():
    spec = importlib.util.spec_from_file_location("sample_pdf", ROOT / "scripts" / "sample_pdf.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def font():
    """A registered TrueType font with Vietnamese glyphs, as the sample uses."""
    module = _sample_pdf_module()
    try:
        module.register_fonts()
    except SystemExit as e:
        pytest.skip(str(e))
    return module.REGULAR


def make_pdf(path: Path, pages: list[list[str]], font: str, **canvas_kw) -> Path:
    """A PDF with the given lines on each page (an empty list: an empty page)."""
    c = Canvas(str(path), pagesize=A4, invariant=1, **canvas_kw)
    for lines in pages:
        y = 760
        for line in lines:
            c.setFont(font, 12)
            c.drawString(85, y, line)
            y -= 16
        if not lines:
            c.rect(100, 400, 200, 100)  # something on the page, but no text
        c.showPage()
    c.save()
    return path


def test_decomposed_text_is_read_and_normalised(tmp_path, font):
    nfc = "Thực hiện cải cách hành chính, nâng cao hiệu lực quản lý nhà nước."
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc
    doc = read_pdf(make_pdf(tmp_path / "nfd.pdf", [[nfd]], font))
    assert doc.blocks, doc.warnings
    assert normalize_document(doc).blocks[0].text == nfc


def test_scaled_text_and_superscript_marker(tmp_path, font):
    """Some producers set 1pt text and scale it with the text matrix; sizes
    must be the printed ones, or the raised marker is not seen as small."""
    path = tmp_path / "scaled.pdf"
    c = Canvas(str(path), invariant=1)
    t = c.beginText()
    x = 85.0
    for text, size, rise in (("Sở ban hành các Kế hoạch", 12, 0), ("1", 7, 4.5), (" để thực hiện.", 12, 0)):
        t.setTextTransform(size, 0, 0, size, x, 700 + rise)
        t.setFont(font, 1)
        t.textOut(text)
        x += stringWidth(text, font, size)
    c.drawText(t)
    c.save()
    doc = read_pdf(path)
    assert [b.text for b in doc.blocks] == ["Sở ban hành các Kế hoạch¹ để thực hiện."]


def test_page_without_text_gives_a_warning(tmp_path, font):
    path = make_pdf(tmp_path / "blank.pdf", [["Trang có chữ."], [], ["Trang có chữ nữa."]], font)
    doc = read_pdf(path)
    assert doc.n_pages == 3
    assert any(w.startswith("page 2 has no text layer") for w in doc.warnings)
    assert [b.text for b in doc.body_blocks()] == ["Trang có chữ.", "Trang có chữ nữa."]
    assert [b.page for b in doc.body_blocks()] == [1, 3]


def test_one_page_document_keeps_its_top_and_bottom_lines(tmp_path, font):
    path = tmp_path / "one.pdf"
    c = Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont(font, 12)
    c.drawString(85, 815, "UBND TỈNH HÀ TĨNH")
    c.drawString(85, 400, "Báo cáo một trang.")
    c.drawString(85, 40, "Nơi nhận: Sở Nội vụ.")
    c.drawCentredString(297, 20, "1")
    c.save()
    doc = read_pdf(path)
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("paragraph", "UBND TỈNH HÀ TĨNH"),
        ("paragraph", "Báo cáo một trang."),
        ("paragraph", "Nơi nhận: Sở Nội vụ."),
        ("page_footer", "1"),
    ]


def test_encrypted_with_empty_user_password_opens(tmp_path, font):
    enc = StandardEncryption("", ownerPassword="chủ sở hữu", canModify=0)
    doc = read_pdf(make_pdf(tmp_path / "enc.pdf", [["Báo cáo được mã hóa."]], font, encrypt=enc))
    assert [b.text for b in doc.blocks] == ["Báo cáo được mã hóa."]


def test_encrypted_with_a_password_raises(tmp_path, font):
    enc = StandardEncryption("secret", ownerPassword="owner")
    path = make_pdf(tmp_path / "locked.pdf", [["Bí mật."]], font, encrypt=enc)
    with pytest.raises(ValueError, match="encrypted PDF: needs a password"):
        read_pdf(path)


def test_truncated_pdf_fails_cleanly_and_quickly(tmp_path):
    data = SAMPLE_PDF.read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 2])
    outcome = {}

    def run():
        try:
            outcome["doc"] = read_pdf(path)
        except ValueError as e:
            outcome["error"] = e

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive(), "read_pdf hung on a truncated file"
    if "error" in outcome:
        assert "truncated" in str(outcome["error"])
    else:
        doc = outcome["doc"]
        assert any("truncated" in w for w in doc.warnings)


def test_not_a_pdf_raises_value_error(tmp_path):
    path = tmp_path / "fake.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    with pytest.raises(ValueError):
        read_pdf(path)


# --- characters placed by position ------------------------------------------------

# Letters LibreOffice takes from a fallback font when Liberation Serif 1.07
# lacks them, and writes after the rest of their line.
FALLBACK = "MatrixSans"  # the fallback font: DejaVu Sans
STACKED = set("ỈƯỚỞẾỘỦỆỊỐẨỄỸỮẶẰẲỪỬỰỒỔỖỜỢỠỞửựừữứồổỗờợỡởỉướếộủệịốẩễỹặằẳ")


def draw_in_two_passes(c: Canvas, lines: list[str], font: str, fallback: str, size: float, y: float) -> None:
    """Lines set by a program whose font lacks some letters: each line's
    runs leave holes where those letters go, and after the page's last
    line come the letters, in the fallback font, each in its hole."""
    late: list[tuple[float, float, str]] = []
    for text in lines:
        t = c.beginText()
        t.setFont(font, size)
        x = 85.0
        run, run_x = "", x
        for ch in text + "\0":
            if ch in STACKED or ch == "\0":
                if run:
                    t.setTextOrigin(run_x, y)
                    t.textOut(run)
                if ch in STACKED:
                    late.append((x, y, ch))
                run = ""
                run_x = x + stringWidth(ch, fallback, size)
            else:
                run += ch
            x += stringWidth(ch, font if ch not in STACKED else fallback, size)
        c.drawText(t)
        y -= size * 1.4
    t = c.beginText()
    t.setFont(fallback, size)
    for lx, ly, ch in late:
        t.setTextOrigin(lx, ly)
        t.textOut(ch)
    c.drawText(t)


@pytest.fixture(scope="module")
def fallback_font(font):
    sans = font_file("DejaVuSans.ttf")
    if sans is None:
        pytest.skip("DejaVu Sans is not installed (fonts-dejavu-core)")
    pdfmetrics.registerFont(TTFont(FALLBACK, str(sans)))
    return FALLBACK


def test_letters_set_in_a_second_pass_are_put_back(tmp_path, font, fallback_font):
    """pdfium puts a late letter back itself when it is a text object of its
    own right after its line; not when a line is one object with holes
    (LibreOffice, tests/test_pdf_producers.py) nor when the letters come
    after the page's last line, as here."""
    lines = ["UBND TỈNH AN PHƯỚC", "SỞ NỘI VỤ", "Số liệu tính từ ngày 15/12/2022 đến ngày 14/12/2023.",
             "Ủy ban nhân dân tỉnh đã ban hành Kế hoạch cải cách hành chính; Ở đâu cũng thế."]
    path = tmp_path / "two-passes.pdf"
    c = Canvas(str(path), pagesize=A4, invariant=1)
    draw_in_two_passes(c, lines, font, fallback_font, 12, 760)
    c.save()
    stream = pdfium.PdfDocument(path)[0].get_textpage().get_text_range()
    assert "TỈNH" not in stream and "PHƯỚC" not in stream  # the premise: the stream order breaks the words
    doc = normalize_document(read_pdf(path))
    assert [b.text for b in doc.blocks] == lines


def test_tone_marks_drawn_after_the_line(tmp_path, font):
    """A producer that draws tone marks as glyphs of their own, after the
    line's letters, each over its letter: the mark goes after its letter,
    and NFC makes one character of the two."""
    text = "Thực hiện cải cách hành chính"
    path = tmp_path / "marks.pdf"
    c = Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont(font, 12)
    x = 85.0
    marks = []
    for letter in text:
        base, *rest = unicodedata.normalize("NFD", letter)
        width = stringWidth(base, font, 12)
        marks += [(x + width, m) for m in rest]  # where the mark stands after its letter
        c.drawString(x, 700, base)
        x += width
    for mx, mark in marks:
        c.drawString(mx, 700, mark)
    c.save()
    stream = pdfium.PdfDocument(path)[0].get_textpage().get_text_range()
    assert unicodedata.normalize("NFC", stream) != text  # the premise
    doc = normalize_document(read_pdf(path))
    assert [b.text for b in doc.blocks] == [text]


# --- a text layer that lies ------------------------------------------------------

VIETNAMESE = (
    "Sở Nội vụ đã tham mưu Ủy ban nhân dân tỉnh ban hành Kế hoạch số 05/KH-UBND ngày 06/01/2023 về cải "
    "cách hành chính năm 2023, trong đó xác định 48 nhiệm vụ trọng tâm, phân công rõ cơ quan chủ trì, cơ "
    "quan phối hợp, thời hạn hoàn thành và sản phẩm cụ thể; kết quả thực hiện là một tiêu chí để đánh giá."
)
ENGLISH = (
    "The Department of Home Affairs reports on the results of public administration reform in 2023. In the "
    "reporting period the department received 4,131 applications, of which 3,962 were submitted online, and "
    "resolved most of them on time. The main shortcomings are the slow exchange of documents between agencies."
)


def _bare(text: str) -> str:
    """Vietnamese typed without diacritics, as on an old typewriter."""
    nfd = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in nfd if not unicodedata.combining(c))


def _shifted(text: str) -> str:
    """Each letter three on in the alphabet: what a font whose codes map to
    the wrong glyph names gives."""
    return "".join(chr((ord(c) - 97 + 3) % 26 + 97) if "a" <= c <= "z" else c for c in _bare(text).lower())


@pytest.mark.parametrize(
    "text, reason",
    [
        (VIETNAMESE, None),
        (_bare(VIETNAMESE), None),
        (ENGLISH, None),  # an English annex is text, not a scan
        (_shifted(VIETNAMESE), "not Vietnamese"),
        ("".join(chr(0xE000 + ord(c) % 200) if c.isalpha() else c for c in VIETNAMESE), "unmapped glyph codes"),
        ("".join("\ufffd" if c.isalpha() else c for c in VIETNAMESE), "unmapped glyph codes"),
        ("".join(chr(0x4E00 + ord(c) % 500) if c.isalpha() else c for c in VIETNAMESE), "unmapped glyph codes"),
        ("".join(chr(ord(c) % 31 + 1) if not c.isascii() else c for c in VIETNAMESE), "where the Vietnamese letters"),
    ],
    ids=["vietnamese", "without-diacritics", "english", "shifted-letters", "private-use", "replacement",
         "cjk-codes", "codes-for-vietnamese-letters"],
)
def test_scan_reason(text, reason):
    from cchc.pipeline.read.ocr import scan_reason

    got = scan_reason(text, has_images=False)
    if reason is None:
        assert got is None
    else:
        assert got is not None and reason in got


@pytest.fixture
def no_tesseract(tmp_path, monkeypatch):
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    return empty


def _pdf_without_tounicode(path: Path, font: str) -> Path:
    """Vietnamese text in an embedded subset font whose ToUnicode map is
    gone: pdfium keeps the ASCII letters and gives codes for the others."""
    c = Canvas(str(path), pagesize=A4, invariant=1, pageCompression=0)
    c.setFont(font, 12)
    y = 760
    for k in range(0, len(VIETNAMESE), 80):
        c.drawString(85, y, VIETNAMESE[k : k + 80])
        y -= 16
    c.save()
    data = path.read_bytes()
    assert data.count(b"/ToUnicode") == 1
    path.write_bytes(data.replace(b"/ToUnicode", b"/ToUnicodX"))  # same length: offsets stay right
    return path


def _pdf_in_shifted_letters(path: Path) -> Path:
    c = Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Helvetica", 12)
    text = _shifted(VIETNAMESE)
    y = 760
    for k in range(0, len(text), 80):
        c.drawString(85, y, text[k : k + 80])
        y -= 16
    c.save()
    return path


@pytest.mark.parametrize("kind", ["no-tounicode", "shifted-letters"])
def test_a_text_layer_that_lies_is_needs_ocr_without_tesseract(tmp_path, font, no_tesseract, kind):
    from cchc.pipeline.run.process import process_file

    if kind == "no-tounicode":
        path = _pdf_without_tounicode(tmp_path / "lies.pdf", font)
        said = "a font without a usable ToUnicode map"
    else:
        path = _pdf_in_shifted_letters(tmp_path / "lies.pdf")
        said = "not Vietnamese"
    doc = read_pdf(path)
    assert doc.scanned_pages == [1]
    assert doc.body_blocks() == []  # nothing of the garbage is passed on as text
    result = process_file(path)
    assert result.status == "needs_ocr", result.report["error"]
    assert "install Tesseract" in result.report["error"]
    assert said in result.report["warnings"]


def test_a_text_layer_that_lies_is_read_by_ocr(tmp_path, font, no_tesseract):
    from corpus import FAKE_OCR_TEXT, fake_tesseract
    from cchc.pipeline.run.process import process_file

    fake_tesseract(no_tesseract)
    result = process_file(_pdf_without_tounicode(tmp_path / "lies.pdf", font))
    assert result.status == "ok", result.report["error"]
    assert "read by OCR" in result.report["warnings"]
    assert " ".join(FAKE_OCR_TEXT.split()) in " ".join(result.text.split())
    assert {row["source"] for row in result.rows["metrics"]} == {"ocr"}


def test_an_invisible_ocr_layer_over_a_scan_is_read(tmp_path, font, no_tesseract):
    """A scanner's searchable PDF: the page is a picture, and the OCR text
    lies over it unseen (text render mode 3).  It is read as text, without
    running OCR again."""
    from corpus import fake_tesseract, page_image
    from reportlab.lib.utils import ImageReader

    fake_tesseract(no_tesseract)
    path = tmp_path / "searchable.pdf"
    c = Canvas(str(path), pagesize=A4, invariant=1)
    c.drawImage(ImageReader(page_image()), 0, 0, width=A4[0], height=A4[1])
    t = c.beginText()
    t.setTextRenderMode(3)
    t.setFont(font, 12)
    t.setTextOrigin(85, 760)
    lines = [VIETNAMESE[k : k + 80] for k in range(0, len(VIETNAMESE), 80)]
    for line in lines:
        t.textLine(line)
    c.drawText(t)
    c.save()
    doc = normalize_document(read_pdf(path))
    assert doc.scanned_pages == [] and doc.warnings == []
    assert " ".join(b.text for b in doc.body_blocks()) == " ".join(" ".join(lines).split())
    assert not (no_tesseract / "tesseract.log").exists()  # no OCR was run


def test_zero_width_spaces_are_word_breaks(tmp_path, font):
    """Words a producer separated by U+200B alone, with no gap: the
    normaliser removes zero-width characters, so the reader keeps them as
    spaces or the words would run together."""
    path = tmp_path / "zwsp.pdf"
    c = Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont(font, 12)
    c.drawString(85, 700, "Cải\u200bcách\u200bhành\u200bchính nhà nước.")
    c.save()
    stream = pdfium.PdfDocument(path)[0].get_textpage().get_text_range()
    assert "\u200b" in stream  # the premise: pdfium passes them on
    doc = normalize_document(read_pdf(path))
    assert [b.text for b in doc.blocks] == ["Cải cách hành chính nhà nước."]
