"""One report, several files: duplicates and versions.

Departments send the same report as TXT, DOCX and PDF, or twice under two
names.  Counted as three reports, every figure and every finding would count
three times, and the comparison across reports would set a report against
itself.  So, after each run, the reports that were read are grouped:

- **duplicates**: two files are one report when their header agrees (same
  issuer, number, date and period, and their texts are not plainly
  different) or when their texts are nearly the same, whatever their headers
  say (a PDF whose date line was lost), as long as their headers do not
  name another issuer, number or period (two departments' reports written
  from one template are two reports).  The group keeps one canonical file:
  a whole read before a partial one, then the richest format (DOCX, then
  PDF, then TXT), then the first path; and every other file's `reports` row
  gets `duplicate_of`, the canonical report's `report_id`.  A duplicate's
  facts are moved out of the tables (to `OUT/_duplicates/`), so findings,
  metrics and the comparison count the report once; they come back by
  themselves if it stops being a duplicate (its canonical file changed).
- **versions**: canonical reports of the same issuer, number and period
  whose texts differ (a corrected re-issue) are both kept, and each row's
  `other_versions` lists the other versions' report_ids.

"Nearly the same text" is the similarity of the texts' sketches
(`pipeline.text.sketch`), made by the worker that read each file.
Candidates are found through an index of the sketch values, not by comparing
every pair, so the cost grows with the number of reports, not its square.
Sketches are kept in `OUT/_text_sketches.json` by report_id, so a report's
text is sketched once; a report read by an earlier cchc without a sketch in
that file is sketched from its text here.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from cchc.pipeline.patterns import compile_pattern
from cchc.pipeline.output.store import PARKED, atomic_write
from cchc.pipeline.output.tables import PARTITION, TABLES, to_arrow
from cchc.pipeline.text.sketch import SKETCH_SIZE, similarity, sketch

# Estimated Jaccard similarity above which two texts are one report.
NEAR_SAME_TEXT = 0.8
# Below this, two files with the same header are two versions, not copies.
PLAINLY_DIFFERENT = 0.5
# A sketch value shared by more reports than this is boilerplate (the
# national motto, a standard closing) and finds no candidates.
_COMMON_VALUE = 50

FORMAT_RANK = {"docx": 0, "doc": 0, "pdf": 1, "txt": 2}
_STATUS_RANK = {"ok": 0, "partial": 1, "needs_ocr": 2}
READ = tuple(_STATUS_RANK)  # statuses of reports that were read, in whole or part

SKETCHES = "_text_sketches.json"
_FACT_TABLES = [t for t in TABLES if t not in ("reports", "comparison")]


@dataclass
class Report:
    """What grouping needs of a `reports` row."""

    report_id: str
    source_path: str
    format: str | None
    status: str
    issuer: tuple | None  # (province, issuer code or name)
    doc_number: str | None
    report_date: object
    period_start: object
    period_end: object
    sketch: list[int] | None = None

    def header_key(self) -> tuple | None:
        key = (self.issuer, self.doc_number, self.report_date, self.period_start, self.period_end)
        return key if all(v is not None for v in key) else None

    def version_key(self) -> tuple | None:
        key = (self.issuer, self.doc_number, self.period_start, self.period_end)
        return key if all(v is not None for v in key) else None

    def contradicts(self, other: "Report") -> bool:
        """Whether two headers name another issuer, number or period: then
        two reports written from one template, however alike their texts."""
        pairs = ((self.issuer, other.issuer), (self.doc_number, other.doc_number),
                 ((self.period_start, self.period_end), (other.period_start, other.period_end)))
        return any(a is not None and b is not None and a != b and a != (None, None) and b != (None, None)
                   for a, b in pairs)

    def canonical_rank(self) -> tuple:
        return _STATUS_RANK.get(self.status, 9), FORMAT_RANK.get(self.format or "", 9), self.source_path


@dataclass
class Marks:
    duplicate_of: str | None = None
    other_versions: str | None = None


class _Groups:
    """Union-find over report indices."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)


def _near_text_pairs(reports: list[Report]) -> set[tuple[int, int]]:
    """Pairs of reports whose texts are nearly the same, through an index of
    sketch values: only reports that share values are compared."""
    index: dict[int, list[int]] = {}
    for i, r in enumerate(reports):
        for v in r.sketch or ():
            index.setdefault(v, []).append(i)
    shared: dict[tuple[int, int], int] = {}
    for holders in index.values():
        if len(holders) > _COMMON_VALUE:
            continue
        for x in range(len(holders)):
            for y in range(x + 1, len(holders)):
                pair = (holders[x], holders[y])
                shared[pair] = shared.get(pair, 0) + 1
    # Two sketches of texts with similarity s share about s * SKETCH_SIZE values.
    floor = NEAR_SAME_TEXT * SKETCH_SIZE / 2
    return {
        (i, j) for (i, j), n in shared.items()
        if n >= floor and similarity(reports[i].sketch, reports[j].sketch) >= NEAR_SAME_TEXT
    }


def group_reports(reports: list[Report]) -> dict[str, Marks]:
    """The marks of each report (by source_path) that is a duplicate or one of several versions."""
    groups = _Groups(len(reports))
    by_id: dict[str, int] = {}
    by_header: dict[tuple, list[int]] = {}
    for i, r in enumerate(reports):
        if r.report_id in by_id:
            groups.join(i, by_id[r.report_id])  # the same bytes under another name
        by_id.setdefault(r.report_id, i)
        if (key := r.header_key()) is not None:
            by_header.setdefault(key, []).append(i)
    for members in by_header.values():
        for i in members[1:]:
            a, b = reports[members[0]], reports[i]
            if a.sketch is None or b.sketch is None or similarity(a.sketch, b.sketch) >= PLAINLY_DIFFERENT:
                groups.join(i, members[0])
    for i, j in _near_text_pairs(reports):
        if not reports[i].contradicts(reports[j]):
            groups.join(i, j)

    members_of: dict[int, list[int]] = {}
    for i in range(len(reports)):
        members_of.setdefault(groups.find(i), []).append(i)
    marks: dict[str, Marks] = {}
    canonicals: list[Report] = []
    for members in members_of.values():
        canonical = min((reports[i] for i in members), key=Report.canonical_rank)
        canonicals.append(canonical)
        for i in members:
            if reports[i] is not canonical:
                marks[reports[i].source_path] = Marks(duplicate_of=canonical.report_id)

    by_version: dict[tuple, list[Report]] = {}
    for r in canonicals:
        if (key := r.version_key()) is not None:
            by_version.setdefault(key, []).append(r)
    for versions in by_version.values():
        ids = sorted({r.report_id for r in versions})
        if len(ids) < 2:
            continue
        for r in versions:
            others = " ".join(i for i in ids if i != r.report_id)
            marks.setdefault(r.source_path, Marks()).other_versions = others
    return marks


@dataclass
class DuplicateRun:
    duplicates: int = 0  # files that are a duplicate of another
    versioned: int = 0  # reports that have another version
    rows_rewritten: int = 0


def mark_duplicates(out: str | Path, sketched: dict[str, list[int]] | None = None) -> DuplicateRun:
    """Group the reports of an output folder, write `duplicate_of` and
    `other_versions` into the `reports` rows whose marks changed, and move
    the duplicates' facts out of the tables (back in, for a report that is
    no longer a duplicate).  `sketched` has the sketches made by this run's
    workers, by report_id."""
    out = Path(out)
    if not any((out / "reports").rglob("*.parquet")):
        return DuplicateRun()
    pattern = str(out / "reports" / "**" / "*.parquet").replace("'", "''")
    cursor = duckdb.connect().execute(
        f"SELECT *, filename FROM read_parquet('{pattern}', hive_partitioning = true, union_by_name = true, "
        "filename = true)")
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, values)) for values in cursor.fetchall()]
    sketches = _sketches(out, {r["report_id"] for r in rows if r["status"] in READ}, sketched or {})
    read = [
        Report(r["report_id"], r["source_path"], r["format"], r["status"],
               (r["province"], r["issuer_code"] or r["issuer"]) if r["issuer"] or r["issuer_code"] else None,
               r["doc_number"], r["report_date"], r["period_start"], r["period_end"], sketches.get(r["report_id"]))
        for r in rows if r["status"] in READ
    ]
    marks = group_reports(read)
    run = DuplicateRun()
    columns = {c.name for c in TABLES["reports"]}
    for row in rows:
        mark = marks.get(row["source_path"], Marks())
        run.duplicates += mark.duplicate_of is not None
        run.versioned += mark.other_versions is not None
        if (row.get("duplicate_of"), row.get("other_versions")) == (mark.duplicate_of, mark.other_versions):
            continue
        fragment = Path(row["filename"])
        new = {k: v for k, v in row.items() if k in columns}
        new.update(duplicate_of=mark.duplicate_of, other_versions=mark.other_versions)
        arrow = to_arrow("reports", [new])
        atomic_write(fragment, lambda tmp, a=arrow: pq.write_table(a, tmp))
        run.rows_rewritten += 1
    canonical_ids = {r.report_id for r in read if r.source_path not in marks or marks[r.source_path].duplicate_of is None}
    parked = {r.report_id for r in read if marks.get(r.source_path, Marks()).duplicate_of} - canonical_ids
    _park(out, parked, {r["report_id"] for r in rows})
    return run


def _park(out: Path, parked: set[str], current: set[str]) -> None:
    """Facts of `parked` reports go to OUT/_duplicates/<table>/…; parked
    facts of any other report come back when the report is current and has
    none in the table, and are dropped otherwise."""
    for table in _FACT_TABLES:
        in_table = _fragments(out / table)
        for report_id in parked:
            for fragment in in_table.get(report_id, ()):
                target = out / PARKED / fragment.relative_to(out)
                target.parent.mkdir(parents=True, exist_ok=True)
                fragment.replace(target)
        for report_id, kept_files in _fragments(out / PARKED / table).items():
            if report_id in parked:
                continue
            for kept in kept_files:
                back = out / kept.relative_to(out / PARKED)
                if report_id in current and not in_table.get(report_id):
                    back.parent.mkdir(parents=True, exist_ok=True)
                    kept.replace(back)
                    in_table[report_id] = [back]  # one file back; any other is dropped
                else:
                    kept.unlink()
    if (out / PARKED).exists() and not any((out / PARKED).rglob("*.parquet")):
        shutil.rmtree(out / PARKED, ignore_errors=True)


# A fact file's name starts with its report's id (`<report_id>.parquet`).
_REPORT_ID = compile_pattern(r"[0-9a-f]*+", timeout=None)


def _fragments(folder: Path) -> dict[str, list[Path]]:
    """The files of a fact table's folder, by report_id: listed once, since a
    run may park hundreds of reports."""
    by_report: dict[str, list[Path]] = {}
    for path in folder.glob(f"{PARTITION.name}=*/*.parquet"):
        by_report.setdefault(_REPORT_ID.match(path.name).group(), []).append(path)
    return by_report


def _sketches(out: Path, report_ids: set[str], sketched: dict[str, list[int]]) -> dict[str, list[int]]:
    """The text sketch of each report: from the cache, from this run's
    workers, or from its text."""
    path = out / SKETCHES
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cached = {}
    kept = {i: s for i, s in cached.items() if i in report_ids}
    for report_id in report_ids - kept.keys():
        text_path = out / "text" / f"{report_id}.txt"
        if report_id in sketched:
            kept[report_id] = sketched[report_id]
        elif text_path.exists():
            kept[report_id] = sketch(text_path.read_text(encoding="utf-8", errors="replace"))
    if kept != cached:
        text = json.dumps(kept, sort_keys=True)
        atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return kept
