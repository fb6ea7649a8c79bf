"""Every hand-checked gold report in the repository, and how the pipeline is
scored against them.

The registry:
- the older golds, `tests/fixtures/<name>.gold.json`, whose reports are
  `samples/<name>.txt`; the shared report is also read as its DOCX and PDF
  twins (`samples/<name>.docx`, `.pdf`), which say the same words;
- every `tests/fixtures/golds/<name>.gold.json`, whose report is the `file`
  it names, beside it.

Each report is read by `pipeline.run.process.process_file`, the very function
`cchc ingest` runs on a file, so the DOCX and PDF layouts go through their
readers, and the figures, citations and findings are the rows the tables get.

The measures (docs/accuracy.md says the same in prose):
- header: of the gold's issuer, number, place, date, period and signer, the
  fields the `reports` row gets right;
- figures: precision and recall of `match_gold`, one-to-one on value, section
  and unit (an optional gold figure may be missed without cost);
- nouns: of the matched figures, the share whose counted noun is the gold's
  to the letter (matching lets one be the other's first words);
- area and kind: of the matched figures, the share whose area and section
  kind are the gold's;
- targets: of the matched figures, precision and recall of `is_target`
  against the gold's `target`;
- sub-periods: of the matched figures for which the gold states a period of
  their own or the pipeline gives one that is not the report's, the share
  whose period is the gold's (a gold period of null is the report's);
- cited-document dates: of the gold's citations whose number the pipeline
  found, the share with the gold's date (null included);
- planted mismatches: the gold's `checks` found (same check, section and
  stated total), and the `sum_mismatch` / `table_total` findings that are
  not planted;
- findings: precision and recall at severity warning and error against the
  gold's `findings`, matched one-to-one by `finding_matches`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
GOLD_DIR = FIXTURES / "golds"
SAMPLES = ROOT / "samples"
SHARED = "so-ngoai-vu-ha-tinh-2021-2023"

GOLD_KEYS = ("file", "report", "references", "counts", "not_counts", "checks", "consistent_breakdowns", "optional_findings")
COUNT_KEYS = ("value", "unit", "section", "area", "kind", "target", "period_start", "period_end")
FINDING_KEYS = ("check", "severity", "section", "value_stated", "value_computed", "evidence")
SERIOUS = ("error", "warning")
PLANTED_CHECKS = ("sum_mismatch", "table_total")
# An appendix is a section of its own, its path its heading as written:
# "PHỤ LỤC", "Phụ lục II"; a "Biểu số 01" under it is "PHỤ LỤC.Biểu số 01"
# (and "Biểu số 01" with no appendix heading above it).
APPENDIX_PATH = re.compile(r"^(?:(?:PHỤ LỤC|Phụ lục)(?: [\w]+)?)?(?:\.?Biểu số \d+)?$")


@dataclass
class Gold:
    """One gold: its name, its annotations, and the report file it annotates."""

    name: str
    gold_path: Path
    report_path: Path
    data: dict = field(repr=False)

    @property
    def format(self) -> str:
        return self.report_path.suffix.lstrip(".")


def registry() -> list[Gold]:
    golds = []
    for path in sorted(FIXTURES.glob("*.gold.json")):
        name = path.name.removesuffix(".gold.json")
        data = json.loads(path.read_text(encoding="utf-8"))
        golds.append(Gold(name, path, SAMPLES / f"{name}.txt", data))
        if name == SHARED:
            for suffix in (".docx", ".pdf"):
                golds.append(Gold(f"{name} ({suffix[1:]})", path, SAMPLES / f"{name}{suffix}", data))
    for path in sorted(GOLD_DIR.glob("*.gold.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        golds.append(Gold(path.name.removesuffix(".gold.json"), path, path.parent / data["file"], data))
    return golds


# ------------------------------------------------------------- reading ---


@dataclass
class Reading:
    """What the pipeline gives for one report: the rows of its tables, as
    objects with the columns as attributes."""

    report: dict
    text: str
    sections: list
    references: list
    counts: list
    findings: list


@cache
def process(report_path: Path):
    """The pipeline's result for one report, read once per test run."""
    from cchc.pipeline.run.process import process_file

    return process_file(report_path)


def read(report_path: Path) -> Reading:
    result = process(report_path)
    if result.status not in ("ok", "partial"):
        raise RuntimeError(f"{report_path}: {result.status}: {result.report.get('error')}")

    def rows(table: str) -> list:
        return [SimpleNamespace(**row) for row in result.rows.get(table, [])]

    return Reading(result.report, result.text, rows("sections"), rows("references"), rows("metrics"), rows("findings"))


# ------------------------------------------------------------- figures ---


def _words(unit: str | None) -> list[str]:
    return (unit or "").casefold().split()


def units_agree(gold_unit: str, unit: str | None) -> bool:
    """The same counted noun: equal, or one the other's first words ("người"
    and "người dân", "trường" and "trường mầm non").  Where a head noun ends
    is a judgement a gold cannot make to the syllable."""
    a, b = _words(gold_unit), _words(unit)
    if not a or not b:
        return a == b
    shorter = min(len(a), len(b))
    return a[:shorter] == b[:shorter]


def match_gold(gold_counts: list[dict], counts: list) -> tuple[list[tuple[dict, object]], list[dict], list]:
    """One-to-one matching on value + section + unit, in report order:
    (matched pairs, gold items not found, figures not in the gold).  A figure
    with the very unit of the gold is taken before one whose unit only agrees."""
    by_key: dict[tuple, list] = {}
    for c in counts:
        by_key.setdefault((round(float(c.value), 6), c.section_path), []).append(c)
    used: set[int] = set()
    pairs, missed = [], []
    for g in gold_counts:
        candidates = [c for c in by_key.get((round(float(g["value"]), 6), g["section"]), []) if id(c) not in used]
        exact = [c for c in candidates if _words(c.unit) == _words(g["unit"])]
        agreeing = exact or [c for c in candidates if units_agree(g["unit"], c.unit)]
        if agreeing:
            used.add(id(agreeing[0]))
            pairs.append((g, agreeing[0]))
        else:
            missed.append(g)
    extra = [c for c in counts if id(c) not in used]
    return pairs, missed, extra


def precision_recall(gold_counts: list[dict], counts: list) -> tuple[float, float]:
    """Precision and recall of counts.  A gold item marked "optional" may be
    found or not: found, it is a true positive; missed, it is no false
    negative.  Every figure not in the gold is a false positive."""
    pairs, missed, extra = match_gold(gold_counts, counts)
    true_positives = len(pairs)
    false_negatives = sum(1 for g in missed if not g.get("optional"))
    false_positives = len(extra)
    precision = true_positives / (true_positives + false_positives) if counts else 0.0
    required = true_positives + false_negatives
    recall = true_positives / required if required else 1.0
    return precision, recall


def nouns(pairs: list[tuple[dict, object]]) -> tuple[int, int]:
    """(right, of) matched figures whose counted noun is the gold's to the letter."""
    return sum(1 for g, c in pairs if _words(c.unit) == _words(g["unit"])), len(pairs)


def area_and_kind(pairs: list[tuple[dict, object]]) -> tuple[int, int]:
    """(right, of) matched figures whose area and section kind are the gold's."""
    right = sum(1 for g, c in pairs if c.area == g["area"] and c.section_kind == g["kind"])
    return right, len(pairs)


def targets(pairs: list[tuple[dict, object]]) -> tuple[int, int, int]:
    """(right, marked, of): matched figures that the gold and the pipeline
    both call targets, those the pipeline marks, those the gold calls so."""
    right = sum(1 for g, c in pairs if g["target"] and c.is_target)
    return right, sum(1 for _, c in pairs if c.is_target), sum(1 for g, _ in pairs if g["target"])


def _iso(value) -> str | None:
    return None if value is None else str(value)[:10]


def sub_periods(gold: dict, pairs: list[tuple[dict, object]]) -> tuple[int, int]:
    """(right, of) matched figures whose period is in question: the gold
    states one of their own, or the pipeline gives one that is not the
    report's.  A null gold period is the report's."""
    report = (gold["report"]["period_start"], gold["report"]["period_end"])
    right = of = 0
    for g, c in pairs:
        want = (g["period_start"], g["period_end"]) if g["period_start"] is not None else report
        got = (_iso(c.period_start), _iso(c.period_end))
        if g["period_start"] is None and got == report:
            continue
        of += 1
        right += got == want
    return right, of


def reference_dates(gold: dict, references: list) -> tuple[int, int]:
    """(right, of) gold citations whose number was found, matched in report
    order per number, with the gold's issue date."""
    by_number: dict[str, list] = {}
    for r in references:
        by_number.setdefault(r.number, []).append(r)
    right = of = 0
    for g in gold["references"]:
        found = by_number.get(g["number"])
        if not found:
            continue
        r = found.pop(0)
        of += 1
        right += _iso(r.issued_date) == g["date"]
    return right, of


def header(gold: dict, report: dict) -> tuple[int, int]:
    """(right, of) the gold's header fields as the `reports` row gives them."""
    want = gold["report"]
    issuer, province = report.get("issuer"), report.get("province")
    # "Sở Y tế" of "Quảng Bình" is the gold's "Sở Y tế Quảng Bình"; a
    # commune's or district's name is whole without its province.
    if issuer and province and province not in issuer and issuer != want.get("issuer"):
        issuer = f"{issuer} {province}"
    when = report.get("report_date")
    precision = report.get("report_date_precision")
    date_text = None if when is None else str(when)[: {"day": 10, "month": 7, "year": 4}.get(precision, 10)]
    got = {
        "issuer": issuer, "number": report.get("doc_number"), "place": report.get("place"), "date": date_text,
        "period_start": _iso(report.get("period_start")), "period_end": _iso(report.get("period_end")),
        "signer": report.get("signer"),
    }  # fmt: skip
    return sum(got[k] == want.get(k) for k in got), len(got)


# ------------------------------------------------------------- findings ---


def _same_value(stated, value) -> bool:
    return stated is None or (value is not None and abs(float(value) - float(stated)) < 1e-6)


def planted(gold: dict, findings: list) -> tuple[int, int, int]:
    """(planted found, planted, other sum_mismatch / table_total findings)."""
    candidates = [f for f in findings if f.check in PLANTED_CHECKS]
    used: set[int] = set()
    found = 0
    for check in gold["checks"]:
        hit = next(
            (f for f in candidates if id(f) not in used and f.check == check["kind"]
             and f.section_path == check["section"] and _same_value(check["total"], f.value_stated)),
            None,
        )
        if hit is not None:
            used.add(id(hit))
            found += 1
    return found, len(gold["checks"]), len(candidates) - len(used)


def finding_matches(want: dict, f) -> bool:
    """Same check and section, the same stated value when the gold gives one,
    and the gold's evidence inside the finding's evidence or sentence."""
    return (
        f.check == want["check"]
        and f.section_path == want["section"]
        and _same_value(want["value_stated"], f.value_stated)
        and (want["evidence"] in (f.evidence or "") or want["evidence"] in (f.sentence or ""))
    )


def findings_precision_recall(gold: dict, findings: list) -> tuple[int, int, int] | None:
    """(matched, gold findings at warning+, pipeline findings at warning+),
    or None for a gold with no findings list."""
    if "findings" not in gold:
        return None
    wanted = [w for w in gold["findings"] if w["severity"] in SERIOUS]
    got = [f for f in findings if f.severity in SERIOUS]
    used: set[int] = set()
    matched = 0
    for w in wanted:
        hit = next((f for f in got if id(f) not in used and finding_matches(w, f)), None)
        if hit is not None:
            used.add(id(hit))
            matched += 1
    return matched, len(wanted), len(got)


# ------------------------------------------------------------- summary ---


@dataclass
class Score:
    name: str
    format: str
    header: tuple[int, int]
    precision: float
    recall: float
    nouns: tuple[int, int]
    area_kind: tuple[int, int]
    targets: tuple[int, int, int]
    periods: tuple[int, int]
    dates: tuple[int, int]
    planted: tuple[int, int, int]
    findings: tuple[int, int, int] | None


def score(gold: Gold) -> Score:
    reading = read(gold.report_path)
    data = gold.data
    pairs, _, _ = match_gold(data["counts"], reading.counts)
    precision, recall = precision_recall(data["counts"], reading.counts)
    return Score(
        name=gold.name,
        format=gold.format,
        header=header(data, reading.report),
        precision=precision,
        recall=recall,
        nouns=nouns(pairs),
        area_kind=area_and_kind(pairs),
        targets=targets(pairs),
        periods=sub_periods(data, pairs),
        dates=reference_dates(data, reading.references),
        planted=planted(data, reading.findings),
        findings=findings_precision_recall(data, reading.findings),
    )
