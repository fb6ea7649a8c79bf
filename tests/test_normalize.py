import unicodedata

from cchc.pipeline.model import Block, Document
from cchc.pipeline.text.normalize import canonical_tones, normalize_document, normalize_text


def test_decomposed_text_becomes_nfc_with_a_map_back_to_the_source():
    raw = unicodedata.normalize("NFD", "Quyết định số 39/QĐ-SNgV")
    norm = normalize_text(raw)
    assert norm.text == "Quyết định số 39/QĐ-SNgV"
    assert unicodedata.is_normalized("NFC", norm.text)
    # Every normalised character points at the source character it came from.
    for i, ch in enumerate(norm.text):
        src = raw[norm.source_index(i)]
        assert unicodedata.normalize("NFD", ch)[0] == src[0] or ch == src
    assert norm.source_index(len(norm.text)) == len(raw)


def test_invisible_characters_removed_and_spaces_plain():
    norm = normalize_text("32\u00a0văn\u200b bản\u00ad chỉ đạo\ufeff")
    assert norm.text == "32 văn bản chỉ đạo"
    start = norm.text.index("bản")
    assert "32\u00a0văn\u200b bản"[norm.source_index(start):].startswith("bản")


def test_eth_becomes_d_with_stroke():
    assert normalize_text("\u00d0ề án và \u00f0ơn vị").text == "Đề án và đơn vị"


def test_old_and_new_tone_placement_compare_equal():
    for old, new in [("hoà", "hòa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("Uỷ ban", "Ủy ban"), ("HOÁ", "HÓA")]:
        assert canonical_tones(old) == new
        assert canonical_tones(new) == new
    # Closed syllables and "qu" keep their tone where it is.
    for word in ["hoàn thành", "quý", "quỳ", "thuyền", "toàn"]:
        assert canonical_tones(word) == word


def test_document_blocks_get_spans_in_the_joined_normalised_text():
    doc = Document(
        source_path="x",
        format="txt",
        blocks=[
            Block("heading", unicodedata.normalize("NFD", "I. CÔNG TÁC CHỈ ĐẠO")),
            Block("paragraph", "   "),
            Block("paragraph", "văn hoá công sở"),
        ],
    )
    normalize_document(doc)
    assert len(doc.blocks) == 2  # the empty block is dropped
    for block in doc.blocks:
        assert doc.text[block.start : block.end] == block.text
    assert doc.blocks[1].text == "văn hóa công sở"
