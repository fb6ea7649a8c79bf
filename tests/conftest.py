"""Shared fixtures.  Tests run offline; Prefect runs against a temporary
local database under one session-wide harness, used only by the few tests
that need its engine."""

from __future__ import annotations

import json
import os
import tempfile
import unicodedata
from pathlib import Path

import pytest

# Before Prefect is imported anywhere: a private home, no telemetry, and a
# generous start-up timeout for the temporary API server on a slow CI machine.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="cchc-prefect-"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "60")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SEED = "so-ngoai-vu-ha-tinh-2021-2023"
SEED_TXT = SAMPLES / f"{SEED}.txt"
SEED_DOCX = SAMPLES / f"{SEED}.docx"
SEED_PDF = SAMPLES / f"{SEED}.pdf"
GOLD = ROOT / "tests" / "fixtures" / f"{SEED}.gold.json"


def require_tool(found: bool, what: str, install: str, why: str | None = None) -> None:
    """Skip a test whose system tool is missing, with one line saying what to
    install; in CI (CI=true), where `make test` installs the tools as root,
    a missing tool fails the test instead.  `why` replaces the default
    reason, "<what> is not installed", when the caller knows better."""
    if found:
        return
    reason = f"{what}: {why}" if why else f"{what} is not installed"
    message = f"{reason}: {install} (or run `make test` as root), then run the tests again"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads(GOLD.read_text(encoding="utf-8"))


def read_normalized(path: Path):
    from cchc.pipeline.text.normalize import normalize_document
    from cchc.pipeline.read import read_document

    return normalize_document(read_document(path))


@pytest.fixture(scope="session")
def seed_txt():
    return read_normalized(SEED_TXT)


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: letters with a tone are a base letter
    (which may carry ^, breve or horn) followed by a combining tone mark."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        tone = [c for c in decomposed[1:] if c in "\u0300\u0301\u0303\u0309\u0323"]
        rest = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tone))
        out.append(rest.encode("cp1258", errors="replace") + "".join(tone).encode("cp1258"))
    return b"".join(out)


def sorted_table(folder: Path):
    """A parquet dataset with its rows in a stable order, for comparing two
    outputs row for row.  Partition columns come back as text, and a list
    column (findings.evidence_spans) as its text: arrays do not sort."""
    import pandas as pd

    frame = pd.read_parquet(folder)
    frame = frame.astype({c: str for c in frame.columns if str(frame[c].dtype) == "category"})
    for column in frame.columns:
        if frame[column].map(lambda v: hasattr(v, "tolist")).any():
            frame[column] = frame[column].map(lambda v: repr(v.tolist()) if hasattr(v, "tolist") else repr(v))
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


# The test files that take longest, longest first (measured with
# `pytest --durations=40`, see docs/performance.md).  Under pytest-xdist with
# --dist loadfile each file goes whole to one worker, in this order, so the
# two workers start on the long files and finish together on the short ones.
LONGEST_FIRST = [
    "test_pdf_producers.py",  # LibreOffice prints three PDFs first, when installed
    "test_hostile_files.py",
    "test_faults.py",
    "test_crafted_text.py",
    "test_ingest.py",
    "test_kill_and_lock.py",
    "test_batch.py",
    "test_scale_out.py",
    "test_startup.py",
    "test_fuzz.py",
    "test_reviews.py",
    "test_counts.py",
    "test_export.py",
    "test_report_html.py",
    "test_golden_output.py",
    "test_golds.py",
]


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
