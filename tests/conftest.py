"""Shared fixtures.  Tests run offline; Prefect runs against a temporary
local database under one session-wide harness, used only by the few tests
that need its engine."""

from __future__ import annotations

import json
import os
import tempfile
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


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads(GOLD.read_text(encoding="utf-8"))


def read_normalized(path: Path):
    from pipeline.normalize import normalize_document
    from pipeline.read import read_document

    return normalize_document(read_document(path))


@pytest.fixture(scope="session")
def seed_txt():
    return read_normalized(SEED_TXT)


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield
