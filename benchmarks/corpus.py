"""Write a corpus of N realistic reports in the three formats, from the samples.

Each report is one of the text samples with its figures, serial numbers and
issuing department varied (seeded, so a corpus is the same every time), then
written as TXT, DOCX or PDF in turn, with the same builders that make the
committed samples.  Every file has different bytes, so nothing is skipped as
unchanged on a first run.

Usage:  .venv/bin/python benchmarks/corpus.py OUT_DIR N [--seed S] [--formats txt,docx,pdf]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import sample_docx  # noqa: E402
import sample_pdf  # noqa: E402

from cchc.pipeline.read.txt import read_txt  # noqa: E402

TEXT_SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
DEPARTMENTS = [
    ("SỞ NGOẠI VỤ", "Sở Ngoại vụ", "SNgV"),
    ("SỞ TƯ PHÁP", "Sở Tư pháp", "STP"),
    ("SỞ Y TẾ", "Sở Y tế", "SYT"),
    ("SỞ TÀI CHÍNH", "Sở Tài chính", "STC"),
    ("SỞ NỘI VỤ", "Sở Nội vụ", "SNV"),
    ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Sở Giáo dục và Đào tạo", "SGDĐT"),
]
# A figure: a number before a lower-case word ("246 hồ sơ", "05 thủ tục").
_FIGURE = re.compile(r"(?<![\d/.,\-])(\d{1,4})(?= [a-zđà-ỹ])")


def vary(text: str, rng: random.Random) -> str:
    """The same report, told by another department with other figures."""
    upper, name, code = rng.choice(DEPARTMENTS)
    text = text.replace("SỞ NGOẠI VỤ", upper).replace("Sở Ngoại vụ", name).replace("SNgV", code)

    def new_figure(m: re.Match) -> str:
        value = int(m.group(1))
        if 1900 <= value <= 2100:
            return m.group(1)  # a year
        varied = max(0, round(value * rng.uniform(0.7, 1.3)))
        return str(varied).zfill(len(m.group(1))) if m.group(1).startswith("0") else str(varied)

    return _FIGURE.sub(new_figure, text)


def write_corpus(out: Path, n: int, seed: int = 7, formats: tuple[str, ...] = ("txt", "docx", "pdf")) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    sources = [p.read_text(encoding="utf-8") for p in TEXT_SAMPLES]
    written = []
    for i in range(n):
        fmt = formats[i % len(formats)]
        text = vary(sources[i % len(sources)], rng)
        target = out / f"report-{i:05d}.{fmt}"
        if fmt == "txt":
            target.write_text(text, encoding="utf-8")
        else:
            source = out / f".report-{i:05d}.src.txt"
            source.write_text(text, encoding="utf-8")
            if fmt == "docx":
                sample_docx.build(source, target)
            else:
                sample_pdf.build(target, read_txt(source).blocks)
            source.unlink()
        written.append(target)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--formats", default="txt,docx,pdf")
    args = parser.parse_args()
    files = write_corpus(args.out, args.n, args.seed, tuple(args.formats.split(",")))
    size = sum(f.stat().st_size for f in files)
    print(f"wrote {len(files)} reports, {size / 1e6:.1f} MB, to {args.out}")


if __name__ == "__main__":
    main()
