"""The heading-number grammar that the readers and the outline share."""

import pytest

from cchc.pipeline.read.layout import heading_number, looks_like_heading


@pytest.mark.parametrize(
    "line, kind, number, title",
    [
        ("II. KẾT QUẢ THỰC HIỆN", "roman", "II", "KẾT QUẢ THỰC HIỆN"),
        ("  6.1. Cải cách thủ tục hành chính", "arabic", "6.1", "Cải cách thủ tục hành chính"),
        ("6.1 Cải cách tổ chức bộ máy", "arabic", "6.1", "Cải cách tổ chức bộ máy"),
        ("3 Hiện đại hóa nền hành chính", "arabic", "3", "Hiện đại hóa nền hành chính"),
        ("đ) Về chế độ công vụ", "letter", "đ", "Về chế độ công vụ"),
    ],
)
def test_number_kind_and_title(line, kind, number, title):
    found = heading_number(line)
    assert (found.kind, found.number, line[found.end :].strip()) == (kind, number, title)


@pytest.mark.parametrize("line", ["Trong kỳ, tỉnh đã ban hành", "- Tổ chức tập huấn", "II.Kết quả", "IIX"])
def test_no_number(line):
    assert heading_number(line) is None


def test_figures_are_not_headings():
    assert heading_number("1. 000 hồ sơ") is not None
    assert not looks_like_heading("1. 000 hồ sơ")
    assert not looks_like_heading("2. 5 triệu đồng")
    assert looks_like_heading("2. Cải cách thủ tục hành chính")


@pytest.mark.parametrize(
    "line, closed",
    [
        ("II. KẾT QUẢ THỰC HIỆN", True),
        ("6.1. Cải cách thủ tục hành chính", True),
        ("đ) Về chế độ công vụ", True),
        ("6.1 Cải cách tổ chức bộ máy", False),
        # At a line start in running text, a count: the PDF reader does not
        # start a paragraph on it.
        ("01 công chức lãnh đạo Sở hoàn thành lớp bồi dưỡng", False),
    ],
)
def test_a_number_is_closed_by_its_mark(line, closed):
    assert heading_number(line).closed is closed
