"""Legacy Vietnamese encodings (TCVN3, VNI): the converter, detection in
plain text, and each reader on files made here from Unicode text: a TXT in
TCVN3 and VNI bytes, a DOCX whose runs use .VnTime and VNI-Times, a PDF
drawn in fonts named .VnTime, .VnTimeH and VNI-Times.  Ordinary Unicode
reports must come out of every reader exactly as before."""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path

import docx
import pytest
import reportlab
from docx.enum.style import WD_STYLE_TYPE
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from cchc.pipeline.text.normalize import normalize_document, normalize_text
from cchc.pipeline.patterns import EXAMPLE_CHECKERS, entries
from cchc.pipeline.read.docx import text as docx_text
from cchc.pipeline.read import pdf as pdf_reader
from cchc.pipeline.read import read_document
from cchc.pipeline.read import txt as txt_reader
from cchc.pipeline.read.legacy import (
    TCVN3,
    VNI,
    decode_8bit,
    detect_legacy,
    font_encoding,
    from_unicode,
    is_syllable,
    tcvn3_to_unicode,
    unicode_to_tcvn3,
    unicode_to_vni,
    vni_to_unicode,
)

from conftest import to_cp1258

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*"))

# Every Vietnamese letter: the twelve vowels with each of the six tones, and đ.
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
LOWER = [unicodedata.normalize("NFC", v + t) for v in "aăâeêioôơuưy" for t in TONES] + ["đ"]
UPPER = [c.upper() for c in LOWER]

# A report paragraph with no capital that carries a tone: TCVN3 fonts have none.
PARAGRAPH = (
    "Sở Ngoại vụ tỉnh Hà Tĩnh báo cáo kết quả thực hiện công tác cải cách hành chính "
    "năm 2023 như sau: đã tiếp nhận 1.456 hồ sơ, giải quyết đúng hạn đạt tỷ lệ 99,71%; "
    "thường xuyên kiểm tra, đôn đốc việc khắc phục tồn tại, hạn chế của các phòng, "
    "trung tâm thuộc Sở; quỹ thời gian được bảo đảm."
)
TITLE = "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH"
# What a reader gives must be free of the mojibake's characters: the
# Latin-1 ones that are not Vietnamese letters.
MOJIBAKE = {chr(c) for c in range(0xA1, 0x100)} - set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")


def norm(text: str) -> str:
    return " ".join(normalize_text(text).text.split())


def words(doc) -> str:
    return " ".join(doc.text.split())


# --- the converter ----------------------------------------------------------------


def test_every_letter_round_trips_through_vni():
    for letter in LOWER + UPPER:
        assert vni_to_unicode(unicode_to_vni(letter)) == letter, letter
    text = " ".join(LOWER + UPPER)
    assert vni_to_unicode(unicode_to_vni(text)) == text


def test_every_letter_round_trips_through_tcvn3():
    """Lower-case letters and the seven toneless capitals are in the
    .VnTime fonts; every capital is in the upper-case .VnTimeH fonts."""
    plain = LOWER + list("ĂÂÊÔƠƯĐ")
    for letter in plain:
        assert tcvn3_to_unicode(unicode_to_tcvn3(letter)) == letter, letter
    for letter in UPPER:
        assert tcvn3_to_unicode(unicode_to_tcvn3(letter, upper=True), upper=True) == letter, letter
    text = " ".join(plain)
    assert tcvn3_to_unicode(unicode_to_tcvn3(text)) == text
    assert tcvn3_to_unicode(unicode_to_tcvn3(PARAGRAPH)) == PARAGRAPH
    assert tcvn3_to_unicode(unicode_to_tcvn3(TITLE, upper=True), upper=True) == TITLE


def test_each_letter_has_its_own_legacy_form():
    for encode in (unicode_to_vni, unicode_to_tcvn3):
        forms = [encode(c) for c in LOWER + list("ĂÂÊÔƠƯĐ")]
        assert len(set(forms)) == len(forms)


def test_paragraphs_round_trip():
    for text in (PARAGRAPH, TITLE, PARAGRAPH.upper(), " ".join(LOWER + UPPER)):
        assert vni_to_unicode(unicode_to_vni(text)) == text


def test_text_that_cannot_be_written_is_refused():
    with pytest.raises(ValueError, match="Ủ"):
        from_unicode("Ủy ban", TCVN3)  # no toned capitals in .VnTime
    with pytest.raises(ValueError):
        unicode_to_tcvn3("Ủy ban", upper=True)  # no lower case in .VnTimeH
    with pytest.raises(ValueError):
        unicode_to_tcvn3("x¹")  # would read back as "xạ"


def test_tcvn3_table_agrees_with_glibc_tcvn5712():
    """glibc's TCVN5712-1 is the full VN1 table; its codes 0xA1-0xFE that
    TCVN3 (VN3, the ABC fonts) uses must give the same letters."""
    letters = [unicode_to_tcvn3(c) for c in LOWER + list("ĂÂÊÔƠƯĐ") if not c.isascii()]
    data = "".join(letters).encode("cp1252")
    assert len(data) == len(letters) == 74
    result = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=data, capture_output=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("utf-8") == "".join(c for c in LOWER + list("ĂÂÊÔƠƯĐ") if not c.isascii())


def test_known_legacy_texts():
    assert tcvn3_to_unicode("B¸o c¸o kÕt qu¶") == "Báo cáo kết quả"
    assert tcvn3_to_unicode("Së Ngo¹i vô") == "Sở Ngoại vụ"
    assert tcvn3_to_unicode("B¶o Th¾ng") == "Bảo Thắng"
    assert tcvn3_to_unicode("b¸o c¸o", upper=True) == "BÁO CÁO"
    assert vni_to_unicode("Baùo caùo") == "Báo cáo"
    assert vni_to_unicode("chaøo") == "chào"
    assert vni_to_unicode("ñöôïc") == "được"


def test_font_names():
    assert font_encoding(".VnTime") == (TCVN3, False)
    assert font_encoding("VnTime") == (TCVN3, False)
    assert font_encoding(".VnArial") == (TCVN3, False)
    assert font_encoding(".VnTimeH") == (TCVN3, True)
    assert font_encoding("ABCDEF+VnTimeH,Bold") == (TCVN3, True)
    assert font_encoding(".VnArialH-Bold") == (TCVN3, True)
    assert font_encoding(".VnHelvetica") == (TCVN3, False)
    assert font_encoding("VNI-Times") == (VNI, False)
    assert font_encoding("AAAAAA+VNI-Helve-Bold") == (VNI, False)
    for name in ("Times New Roman", "TimesNewRomanPSMT", "DejaVuSans", "Arial,Bold", "", None):
        assert font_encoding(name) is None


def test_syllable_shape():
    for word in ("nghiêng", "người", "khuỷu", "quốc", "giữa", "hòa", "thuở", "ĐƯỢC", "ă"):
        assert is_syllable(word), word
    for word in ("Straße", "Café", "B¸o", "caùo", "aâ", "uûy"):
        assert not is_syllable(word), word


def test_pattern_file_examples_are_checked():
    assert "legacy_encodings" in EXAMPLE_CHECKERS
    checker = EXAMPLE_CHECKERS["legacy_encodings"]
    assert [e["name"] for e in entries("legacy_encodings")] == [TCVN3, VNI]
    for entry in entries("legacy_encodings"):
        assert checker(entry) == []


# --- detection in plain text -------------------------------------------------------


def sample_texts() -> list[tuple[str, str]]:
    return [(p.name, p.read_text(encoding="utf-8-sig")) for p in SAMPLES if p.suffix == ".txt"]


def as_tcvn3(text: str) -> str:
    """A Unicode text as a .VnTime typist wrote it: capitals with a tone
    taken from the upper-case font; characters TCVN3 lacks kept."""
    out = []
    for c in unicodedata.normalize("NFC", text):
        for attempt in (lambda: unicode_to_tcvn3(c), lambda: unicode_to_tcvn3(c, upper=True)):
            try:
                out.append(attempt())
                break
            except ValueError:
                continue
        else:
            out.append(c)
    return "".join(out)


def as_vni(text: str) -> str:
    out = []
    for c in unicodedata.normalize("NFC", text):
        try:
            out.append(unicode_to_vni(c))
        except ValueError:
            out.append(c)
    return "".join(out)


@pytest.mark.parametrize("name, text", sample_texts())
def test_samples_are_not_legacy_but_their_legacy_versions_are(name, text):
    assert detect_legacy(text) is None
    assert detect_legacy(unicodedata.normalize("NFD", text)) is None
    assert detect_legacy(as_tcvn3(text)) == TCVN3
    assert detect_legacy(as_vni(text)) == VNI


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Report on the administrative reform, 2021-2023. Total: 1,456 dossiers.",
        "Die Straße führt über die Brücke zum Café; l'été à Paris, façade, naïve, Ångström.",
        "Số liệu: 45°C ± 2; ¼ số hồ sơ; © 2023 Sở Ngoại vụ",
        "cã",  # too little to go on
    ],
)
def test_detection_leaves_other_text_alone(text):
    assert detect_legacy(text) is None


# --- TXT -----------------------------------------------------------------------------


def read_normalized(path: Path):
    return normalize_document(read_document(path))


def test_txt_in_tcvn3_bytes(tmp_path):
    path = tmp_path / "tcvn3.txt"
    path.write_bytes((unicode_to_tcvn3(PARAGRAPH) + "\r\n\r\n" + unicode_to_tcvn3(PARAGRAPH.upper(), upper=True)).encode("cp1252"))
    doc = read_normalized(path)
    assert doc.encoding == TCVN3
    assert doc.warnings == ["the text is in the legacy TCVN3 (ABC) encoding; converted to Unicode"]
    # Without its font, text from .VnTimeH reads as lower case.
    assert words(doc) == norm(PARAGRAPH) + " " + norm(PARAGRAPH.lower())
    assert not MOJIBAKE & set(doc.text)


def test_txt_in_vni_bytes(tmp_path):
    path = tmp_path / "vni.txt"
    path.write_bytes(unicode_to_vni(f"{TITLE}\n\n{PARAGRAPH}\n").encode("cp1252"))
    doc = read_normalized(path)
    assert doc.encoding == VNI
    assert doc.warnings == ["the text is in the legacy VNI encoding; converted to Unicode"]
    assert [b.text for b in doc.blocks] == [norm(TITLE), norm(PARAGRAPH)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_txt_with_legacy_characters_saved_as_unicode(tmp_path, encoding):
    """Text copied out of a .VnTime document into a Unicode file."""
    path = tmp_path / "pasted.txt"
    path.write_bytes(unicode_to_tcvn3(PARAGRAPH).encode(encoding))
    doc = read_normalized(path)
    assert doc.encoding == encoding
    assert words(doc) == norm(PARAGRAPH)
    assert doc.warnings == ["the text is in the legacy TCVN3 (ABC) encoding; converted to Unicode"]


def test_decode_8bit_reads_every_byte():
    data = bytes(range(256))
    text = decode_8bit(data)
    assert len(text) == 256
    assert text[0xB8] == "¸" and text[0xAD] == "\xad" and text[0x93] == "“" and text[0x81] == "\x81"


@pytest.mark.parametrize("path", [p for p in SAMPLES if p.suffix == ".txt"], ids=lambda p: p.name)
def test_txt_samples_read_as_before(path, monkeypatch):
    doc = read_normalized(path)
    assert not any("legacy" in w for w in doc.warnings)
    monkeypatch.setattr(txt_reader, "detect_legacy", lambda text: None)
    before = read_normalized(path)
    assert [(b.kind, b.text) for b in doc.blocks] == [(b.kind, b.text) for b in before.blocks]
    assert doc.encoding == before.encoding


def test_cp1258_samples_are_not_taken_for_legacy(tmp_path):
    for name, text in sample_texts():
        path = tmp_path / name
        path.write_bytes(to_cp1258(text))
        doc = read_normalized(path)
        assert doc.encoding == "cp1258", name
        assert not any("legacy" in w for w in doc.warnings), name


# --- DOCX ----------------------------------------------------------------------------


def font_run(paragraph, text: str, font: str | None):
    run = paragraph.add_run(text)
    if font is not None:
        run.font.name = font
    return run


def test_docx_runs_in_legacy_fonts(tmp_path):
    d = docx.Document()
    # Run fonts set on the runs themselves.
    font_run(d.add_paragraph(), unicode_to_tcvn3(PARAGRAPH), ".VnTime")
    font_run(d.add_paragraph(), unicode_to_vni(TITLE), "VNI-Times")
    # Fonts from styles: a paragraph style in the upper-case font, and a
    # character style in VNI.
    title = d.styles.add_style("Legacy Title", WD_STYLE_TYPE.PARAGRAPH)
    title.font.name = ".VnTimeH"
    d.add_paragraph(unicode_to_tcvn3("báo cáo kết quả", upper=False), style="Legacy Title")
    vni_style = d.styles.add_style("VNI Text", WD_STYLE_TYPE.CHARACTER)
    vni_style.font.name = "VNI-Times"
    mixed = d.add_paragraph()
    font_run(mixed, "Kết quả: ", "Times New Roman")
    mixed.add_run(unicode_to_vni("đạt tỷ lệ 99,71%"), style="VNI Text")
    # A VNI letter and its mark split over two runs.
    split = d.add_paragraph()
    font_run(split, "Ba", "VNI-Times")
    font_run(split, "ùo caùo", "VNI-Times")
    # Unicode text set in a legacy font: already Unicode, left alone.
    font_run(d.add_paragraph(), "Người dân được phục vụ tốt hơn", ".VnTime")
    # A table cell.
    cell = d.add_table(rows=1, cols=2).rows[0].cells
    font_run(cell[0].paragraphs[0], unicode_to_tcvn3("Hồ sơ tiếp nhận"), ".VnTime")
    font_run(cell[1].paragraphs[0], "1.456", ".VnTime")
    path = tmp_path / "legacy.docx"
    d.save(path)

    doc = read_normalized(path)
    texts = [b.text for b in doc.blocks]
    assert texts == [
        norm(PARAGRAPH),
        norm(TITLE),
        "BÁO CÁO KẾT QUẢ",
        "Kết quả: đạt tỷ lệ 99,71%",
        "Báo cáo",
        "Người dân được phục vụ tốt hơn",
        "Hồ sơ tiếp nhận\t1.456",
    ]
    assert doc.blocks[-1].cells == [["Hồ sơ tiếp nhận", "1.456"]]
    assert sorted(doc.warnings) == [
        "text in the TCVN3 (ABC) font .VnTime was converted to Unicode",
        "text in the TCVN3 (ABC) font .VnTimeH was converted to Unicode",
        "text in the VNI font VNI-Times was converted to Unicode",
    ]


def test_docx_default_paragraph_style_in_a_legacy_font(tmp_path):
    d = docx.Document()
    d.styles["Normal"].font.name = ".VnTime"
    d.add_paragraph(unicode_to_tcvn3(PARAGRAPH))
    font_run(d.add_paragraph(), "Báo cáo kết quả", "Times New Roman")
    path = tmp_path / "normal.docx"
    d.save(path)
    doc = read_normalized(path)
    assert [b.text for b in doc.blocks] == [norm(PARAGRAPH), "Báo cáo kết quả"]


@pytest.mark.parametrize("path", [p for p in SAMPLES if p.suffix == ".docx"], ids=lambda p: p.name)
def test_docx_samples_read_as_before(path, monkeypatch):
    doc = read_normalized(path)
    assert doc.warnings == []
    monkeypatch.setattr(docx_text, "font_encoding", lambda name: None)
    before = read_normalized(path)
    assert [(b.kind, b.text) for b in doc.blocks] == [(b.kind, b.text) for b in before.blocks]


# --- PDF -----------------------------------------------------------------------------

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
# Legacy text needs only Latin-1 glyphs, which reportlab's own Vera has.
TTF = _DEJAVU if _DEJAVU.exists() else Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"


def register(name: str) -> str:
    """A TrueType font registered under a legacy font's name.  reportlab
    writes the face's own name as the PDF's BaseFont, so that is renamed
    too: the PDF then says "AAAAAA+.VnTime", as a real one would."""
    font = TTFont(name, str(TTF))
    font.face.name = name.encode()
    pdfmetrics.registerFont(font)
    return name


def draw_lines(canvas: Canvas, lines: list[tuple[str, str]], top: float = 780) -> None:
    y = top
    for font, text in lines:
        if font:
            canvas.setFont(font, 11)
        canvas.drawString(60, y, text)
        y -= 15 if text else 30


def test_pdf_text_in_legacy_fonts(tmp_path):
    tcvn3, tcvn3_upper, vni, unicode_font = (
        register(".VnTime"), register(".VnTimeH"), register("VNI-Times"), register(".VnArial")
    )
    path = tmp_path / "legacy.pdf"
    canvas = Canvas(str(path))
    draw_lines(
        canvas,
        [
            # A title in the upper-case font, from lower-case codes.
            (tcvn3_upper, unicode_to_tcvn3("báo cáo kết quả cải cách hành chính")),
            ("", ""),
            # A paragraph whose line ends in ư (byte 0xAD, which pdfium takes
            # for a soft hyphen), and one that ends in a real hyphen.
            (tcvn3, unicode_to_tcvn3("Sở Ngoại vụ tỉnh Hà Tĩnh báo cáo kết quả thực hiện công tác năm 2023 như")),
            (tcvn3, unicode_to_tcvn3("sau: thường xuyên kiểm tra, đôn đốc việc khắc phục trong giai đoạn 2021-")),
            (tcvn3, unicode_to_tcvn3("2023; quỹ thời gian được bảo đảm.")),
            ("", ""),
            (vni, unicode_to_vni(TITLE)),
            ("", ""),
            (vni, unicode_to_vni("Người dân được phục vụ tốt hơn.")),
            ("", ""),
            # Unicode text in a font with a legacy name: the PDF maps it to
            # Unicode already.  (Vera, the fallback font, has đ but not ơ.)
            (unicode_font, "Đã đi đúng: 1.456 lần."),
        ],
    )
    canvas.save()

    doc = read_normalized(path)
    assert [b.text for b in doc.blocks] == [
        "BÁO CÁO KẾT QUẢ CẢI CÁCH HÀNH CHÍNH",
        "Sở Ngoại vụ tỉnh Hà Tĩnh báo cáo kết quả thực hiện công tác năm 2023 như sau: thường xuyên "
        "kiểm tra, đôn đốc việc khắc phục trong giai đoạn 2021-2023; quỹ thời gian được bảo đảm.",
        norm(TITLE),
        "Người dân được phục vụ tốt hơn.",
        "Đã đi đúng: 1.456 lần.",
    ]
    assert sorted(doc.warnings) == [
        "text in the TCVN3 (ABC) font .VnTime was converted to Unicode",
        "text in the TCVN3 (ABC) font .VnTimeH was converted to Unicode",
        "text in the VNI font VNI-Times was converted to Unicode",
    ]


def test_pdf_paragraph_in_tcvn3_and_vni(tmp_path):
    """A long paragraph, wrapped over lines, in each encoding."""
    path = tmp_path / "paragraphs.pdf"
    canvas = Canvas(str(path))
    tcvn3, vni = register(".VnTime"), register("VNI-Times")
    for font, encode in ((tcvn3, unicode_to_tcvn3), (vni, unicode_to_vni)):
        lines, line = [], []
        for word in PARAGRAPH.split():
            if len(" ".join(line + [word])) > 80:
                lines.append((font, encode(" ".join(line))))
                line = []
            line.append(word)
        lines.append((font, encode(" ".join(line))))
        draw_lines(canvas, lines)
        canvas.showPage()
    canvas.save()
    doc = read_normalized(path)
    assert words(doc) == norm(PARAGRAPH) + " " + norm(PARAGRAPH)
    assert not MOJIBAKE & set(doc.text)


@pytest.mark.parametrize("path", [p for p in SAMPLES if p.suffix == ".pdf"], ids=lambda p: p.name)
def test_pdf_samples_read_as_before(path, monkeypatch):
    doc = read_normalized(path)
    assert doc.warnings == []
    monkeypatch.setattr(pdf_reader.chars, "font_encoding", lambda name: None)
    before = read_normalized(path)
    assert [(b.kind, b.text) for b in doc.blocks] == [(b.kind, b.text) for b in before.blocks]
