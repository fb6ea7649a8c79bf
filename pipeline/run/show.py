"""What `cchc ingest` prints for a person: the summary table and one line a
file, in Vietnamese (`say`, `label`), with text from files and file names
made safe to print (`shown`)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cchc.pipeline.output.labels import explained, label, say

# Up to this many files, the summary lists each one without --verbose.
FILES_SHOWN = 20
_STATUS_STYLE = {"ok": "green", "partial": "yellow", "needs_ocr": "yellow", "failed": "red",
                 "not_a_report": "dim", "skipped": "yellow", "missing": "yellow"}

# Characters that would act on the terminal rather than show: C0 and C1
# controls (escape sequences start with ESC) and the bidirectional
# overrides and isolates that reorder what follows them.
_CONTROLS = {c for c in range(0x20)} | {0x7F} | set(range(0x80, 0xA0)) | {
    0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def shown(text: str) -> str:
    """Text from files and file names as it may be printed: controls escaped
    (`\\x1b`, `\\u202e`), Rich markup escaped, undecodable bytes shown."""
    out = []
    for ch in text:
        code = ord(ch)
        if code in _CONTROLS and ch != "\n":
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        elif 0xDC80 <= code <= 0xDCFF:  # a byte of a name that is not UTF-8
            out.append(f"\\x{code - 0xDC00:02x}")
        else:
            out.append(ch)
    return escape("".join(out))


def print_summary(summary, out, verbose: bool, to: Console, console: Console) -> None:
    """The counts as a table on `to`, then what a person must know on `console`."""
    for warning in summary.warnings:
        console.print(f"[yellow]{say('ingest.warning')}[/yellow] {shown(warning)}", soft_wrap=True)
    to.print(_counts(summary, out))
    if summary.answered_from_manifest:
        console.print(f"[dim]{say('ingest.from_manifest')}[/dim]")
    for folder in summary.own_output:
        console.print(f"[dim]{say('ingest.own_output', folder=shown(folder))}[/dim]")
    if summary.excluded:
        console.print(f"[dim]{say('ingest.excluded', count=summary.excluded)}[/dim]")
    every_file = verbose or len(summary.files) <= FILES_SHOWN
    if every_file:
        for row in summary.files:
            console.print(file_line(row))
    else:
        _print_problems(summary, console)
    for path in summary.missing:
        console.print(f"[yellow]{label('status', 'missing')}[/yellow] {say('ingest.missing', path=shown(path))}",
                      soft_wrap=True)
    if summary.files and summary.run_csv and every_file:
        console.print(f"[dim]{say('ingest.run_files', csv=shown(summary.run_csv))}[/dim]")
    if summary.pruned:
        console.print(say("ingest.pruned", count=summary.pruned))


def print_failures(summary, console: Console) -> None:
    """What --quiet leaves: only what failed."""
    for path, error in summary.failed:
        console.print(f"[red]{label('status', 'failed')}[/red] {shown(path)}: {shown(explained(error))}")
    for problem in summary.problems:
        console.print(f"[red]{shown(explained(problem))}[/red]")


def _counts(summary, out) -> Table:
    table = Table(title=say("ingest.summary_title", out=shown(str(out))))
    table.add_column(say("ingest.column_status"))
    table.add_column(say("ingest.column_files"), justify="right")
    for status, n in sorted(summary.by_status.items()):
        table.add_row(label("status", status), str(n))
    table.add_row(f"[dim]{say('ingest.unchanged')}[/dim]", f"[dim]{summary.unchanged}[/dim]")
    if summary.duplicates:
        table.add_row(f"[dim]{say('ingest.duplicates')}[/dim]", f"[dim]{summary.duplicates}[/dim]")
    table.add_row(say("ingest.rows_written"), str(summary.rows_written))
    table.add_row(say("ingest.time"), f"{summary.seconds:.1f} s")
    if not summary.answered_from_manifest:
        table.add_row(f"[dim]{say('ingest.startup')}[/dim]", f"[dim]{summary.startup:.1f} s[/dim]")
    return table


def _print_problems(summary, console: Console) -> None:
    """Only the files that need a person, when there are too many to list."""
    for path, error in summary.failed:
        console.print(f"[red]{label('status', 'failed')}[/red] {shown(path)}: {shown(explained(error))}",
                      soft_wrap=True)
    for path, status, error in summary.incomplete:
        console.print(f"[yellow]{label('status', status)}[/yellow] {shown(path)}: {shown(explained(error))}",
                      soft_wrap=True)
    for path, reason in summary.skipped:
        console.print(f"[yellow]{label('status', 'skipped')}[/yellow] {shown(path)}: {shown(explained(reason))}",
                      soft_wrap=True)
    for problem in summary.problems:
        console.print(f"[red]{shown(explained(problem))}[/red]", soft_wrap=True)
    console.print(f"[dim]{say('ingest.one_line_per_file', csv=escape(summary.run_csv or ''))}[/dim]")


def file_line(row: dict) -> str:
    """`status  path  what it gave`, one line."""
    status = row["status"] or "?"
    style = _STATUS_STYLE.get(status, "")
    words = f"{label('status', status):<16}"
    parts = [f"[{style}]{words}[/{style}]" if style else words, shown(row["file"])]
    if row.get("duplicate_of"):
        parts.append(f"[dim]{say('ingest.duplicate_of', path=shown(row['duplicate_of']))}[/dim]")
    elif status in ("ok", "partial", "needs_ocr"):
        facts = say("ingest.facts", figures=row["figures"], references=row["references"], findings=row["findings"])
        parts.append(f"[dim]{shown(' · '.join(x for x in (row['issuer'], row['period'], facts) if x))}[/dim]")
    if row.get("other_versions"):
        parts.append(f"[yellow]{say('ingest.other_version', path=shown(str(row['other_versions'])))}[/yellow]")
    if row.get("error") and status != "ok":
        # The Vietnamese sentence for a person, then the reader's own words for a maintainer.
        parts.append(shown(explained(row["error"])))
    return "  ".join(parts)
