"""Fuzzing, within a bounded budget (a few seconds each on a 2-core machine).

1. Property tests (hypothesis) over the extractors, fed report-like text
   (numbers in the Vietnamese ways, units, dates, document numbers, headings)
   mixed with arbitrary Unicode: they never raise, every span stays inside the
   text, and every value parses back from the text it was read from.
2. A seeded corpus of mutated samples (bytes flipped, cut, spliced, repeated)
   goes through format detection and every reader, and through
   `process_file`: nothing raises, and every file gets a status.
"""

from __future__ import annotations

import random
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEED_DOCX, SEED_PDF, SEED_TXT
from cchc.pipeline.extract import extract
from cchc.pipeline.extract.counts import parse_number
from cchc.pipeline.text.dates import find_dates
from cchc.pipeline.model import Document
from cchc.pipeline.text.normalize import normalize_document
from cchc.pipeline.limits import Limits
from cchc.pipeline.model import FAILED, NEEDS_OCR, OK, PARTIAL
from cchc.pipeline.run.process import process_files
from cchc.pipeline.read import UnsupportedFormat, read_document
from cchc.pipeline.read.txt import split_blocks
from cchc.pipeline.outline.structure import build_sections, parse_header
from cchc.pipeline.run.workers import WorkerPool

FUZZ = settings(max_examples=200, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

NUMBERS = ["4.131", "99,71", "05", "1.456/1.625", "2023", "12", "0", "1.000.000", "3,5", "100", "9999999999",
           "1,234", "07", "2.5"]
UNITS = ["hồ sơ", "văn bản", "%", "cuộc", "lượt người", "thủ tục", "máy tính", "công chức", "đơn vị", "TTHC"]
DATES = ["ngày 05 tháng 3 năm 2022", "27/7/2018", "2.1.2018", "01-10-1997", "31/02/2023", "tháng 9 năm 2023",
         "năm 2021", "từ 01/01/2023 đến 31/8/2023", "6 tháng đầu năm 2023", "ngày 32/13/2020"]
NUMBERS_OF_DOCS = ["123/QĐ-UBND", "107/2021/NĐ-CP", "03-NQ/CB", "505/SNgV - VPTTr", "1800/SNV-CCHC&VTLT",
                   "112/NĐ-CP", "1567CV/TU", "Số: 12/BC-SNgV", "Kế hoạch số 262/KH-SNgV", "Nghị quyết 76/NQ-CP"]
WORDS = ["Sở", "đã", "tiếp nhận", "ban hành", "trong đó", "gồm", "cụ thể như sau:", "và", "với", "đạt",
         "tỷ lệ", "giải quyết", "đúng hạn", "trễ hạn", "I.", "II.", "1.", "6.1.", "a)", "-", "+", ";", ",", ".",
         "(", ")", "\n", "\n\n", "\f", "BÁO CÁO", "Nơi nhận:", "Hà Tĩnh,", "¹", "hoà", "Uỷ ban", "\u00a0",
         "\u200b", "e\u0301", "(cid:12)"]

figure = st.builds(lambda n, u: f"{n} {u}", st.sampled_from(NUMBERS), st.sampled_from(UNITS))
token = st.one_of(
    figure, st.sampled_from(NUMBERS), st.sampled_from(UNITS), st.sampled_from(DATES),
    st.sampled_from(NUMBERS_OF_DOCS), st.sampled_from(WORDS), st.text(max_size=6),
)
report_text = st.lists(token, min_size=10, max_size=120).map(" ".join)


def _extract(text: str):
    doc = Document(source_path="<fuzz>", format="txt", blocks=[b for i, page in enumerate(text.split("\f"))
                                                               for b in split_blocks(page, i + 1)])
    doc = normalize_document(doc)
    meta = parse_header(doc)
    sections = build_sections(doc)
    return doc, sections, extract(doc, sections, meta)


@FUZZ
@given(report_text)
def test_extractors_never_raise_and_spans_stay_inside_the_text(text):
    doc, sections, facts = _extract(text)
    n = len(doc.text)
    for s in sections:
        assert 0 <= s.start <= s.heading_end <= s.end <= n
    for row in [*facts.references, *facts.dates, *facts.counts]:
        assert 0 <= row.char_start < row.char_end <= n, row
        assert 1 <= row.page


@FUZZ
@given(report_text)
def test_values_parse_back_from_their_text(text):
    doc, _, facts = _extract(text)
    for c in facts.counts:
        # The number as written stands in the figure's evidence, and reads
        # back as its value.
        assert c.value_text in doc.text[c.char_start : c.char_end], c
        kind = "percent" if c.is_percent else None
        assert parse_number(c.value_text, kind) == c.value or parse_number(c.value_text) == c.value, c
    for d in facts.dates:
        assert doc.text[d.char_start : d.char_end] == d.text, d
        if d.date is not None and d.role not in ("period_start", "period_end"):
            mentions = [m for m in find_dates(d.text) if m.value is not None]
            assert mentions and mentions[0].value.first_day() == d.date, d
    for r in facts.references:
        assert r.number_raw in doc.text[r.char_start : r.char_end], r
        if r.serial is not None:
            assert str(r.serial) in r.number_raw, r
        if r.year is not None and not r.year_inferred:
            assert str(r.year) in r.number_raw or str(r.year)[2:] in r.number_raw, r


@FUZZ
@given(st.text(max_size=400))
def test_arbitrary_unicode_never_breaks_a_report(text):
    doc, _, facts = _extract(text)
    assert all(0 <= c.char_start < c.char_end <= len(doc.text) for c in facts.counts)


# --- mutated samples through the readers ---------------------------------------------

SEED = 20240601
N_MUTANTS = 96
STATUSES = {OK, PARTIAL, FAILED, NEEDS_OCR}


def _mutate(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    kind = rng.randrange(6)
    if kind == 0:  # flip bytes
        for _ in range(rng.randint(1, 50)):
            b[rng.randrange(len(b))] = rng.randrange(256)
    elif kind == 1:  # cut short
        del b[rng.randrange(1, len(b)) :]
    elif kind == 2:  # cut out a slice
        i = rng.randrange(len(b))
        del b[i : i + rng.randint(1, 4096)]
    elif kind == 3:  # repeat a slice
        i = rng.randrange(len(b))
        b[i:i] = b[i : i + rng.randint(1, 512)] * rng.randint(2, 20)
    elif kind == 4:  # random junk in the middle
        i = rng.randrange(len(b))
        b[i:i] = rng.randbytes(rng.randint(1, 256))
    else:  # overwrite a run with one byte
        i = rng.randrange(len(b))
        b[i : i + rng.randint(1, 256)] = bytes([rng.randrange(256)]) * rng.randint(1, 256)
    return bytes(b)


def _mutate_docx_part(data: bytes, rng: random.Random) -> bytes:
    """A DOCX whose zip is sound but one XML part is mutated: reaches the XML
    reader rather than stopping at the zip."""
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        victim = rng.choice([i.filename for i in src.infolist() if i.filename.endswith(".xml")])
        for item in src.infolist():
            part = src.read(item.filename)
            dst.writestr(item, _mutate(part, rng) if item.filename == victim else part)
    return out.getvalue()


@pytest.fixture(scope="module")
def mutants(tmp_path_factory):
    rng = random.Random(SEED)
    seeds = [(SEED_TXT, ".txt"), (SEED_DOCX, ".docx"), (SEED_PDF, ".pdf")]
    folder = tmp_path_factory.mktemp("mutants")
    paths = []
    for i in range(N_MUTANTS):
        source, ext = seeds[i % len(seeds)]
        data = source.read_bytes()
        data = _mutate_docx_part(data, rng) if ext == ".docx" and rng.random() < 0.5 else _mutate(data, rng)
        path = folder / f"mutant-{i:03d}{ext}"
        path.write_bytes(data)
        paths.append(path)
    return paths


def test_mutated_samples_through_the_readers(mutants):
    """Each reader either reads the file or raises a plain exception that
    process_file turns into a row; none hangs (the test's own time is the
    budget) or kills the interpreter."""
    for path in mutants:
        try:
            doc = read_document(path)
        except UnsupportedFormat:
            continue
        except Exception:  # noqa: BLE001 - a broken file may fail, but only by raising
            continue
        normalize_document(doc)
        for block in doc.blocks:
            assert block.start <= block.end <= len(doc.text)


def test_mutated_samples_through_process_file_in_workers(mutants):
    """As `cchc ingest` runs them: in worker processes, where even a reader
    that crashed or hung would cost only its file's row."""
    statuses = {}
    batch = [(str(p), None) for p in mutants]
    with WorkerPool(2, Limits(timeout=60)) as pool, ThreadPoolExecutor(2) as threads:
        halves = threads.map(lambda part: process_files(part, pool), [batch[0::2], batch[1::2]])
        evens, odds = list(halves)
    results = [r for pair in zip(evens, odds) for r in pair]
    assert len(results) == len(mutants)
    for path, result in zip(mutants, results):
        assert result.status in STATUSES, path
        assert result.report["source_path"] == str(path)
        if result.status != OK:
            assert result.report.get("error"), path
        for rows in result.rows.values():
            for row in rows:
                if "char_start" in row and row["char_start"] is not None:
                    assert 0 <= row["char_start"] <= row["char_end"] <= len(result.text)
        statuses[result.status] = statuses.get(result.status, 0) + 1
    # The mutations reach past detection: some files still read, some do not.
    assert statuses.get(OK, 0) + statuses.get(PARTIAL, 0) > 0 and statuses.get(FAILED, 0) > 0, statuses
