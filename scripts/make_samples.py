"""Rebuild the DOCX and PDF samples from the text sample (`make samples`).

The built files are committed, so a fresh clone needs neither this script nor
its font.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sample_docx  # noqa: E402
import sample_pdf  # noqa: E402


def main() -> int:
    # Each builder writes its default sample when given no output path.
    status = sample_docx.main([sys.argv[0]])
    sample_pdf.main([sys.argv[0]])
    return status


if __name__ == "__main__":
    sys.exit(main())
