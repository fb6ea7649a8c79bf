"""The `cchc` command: a thin face over the flows and the library."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cchc.pipeline.limits import DEFAULT as DEFAULT_LIMITS

# Quiet, offline defaults for Prefect's local mode; a user's own settings win.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "60")

app = typer.Typer(
    help="Read Vietnamese administrative-reform reports (PDF, DOCX, TXT) into comparable parquet tables.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)


def _out() -> Console:
    """Where tables go: the terminal's width, or a wide page when piped."""
    import sys

    return Console() if sys.stdout.isatty() else Console(width=180)


def _print_version(value: bool) -> None:
    if value:
        from cchc.pipeline import __version__

        typer.echo(f"cchc {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                 help="Print the version of cchc and exit."),
) -> None:
    """cchc turns báo cáo cải cách hành chính into data."""


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="Report files or folders to read (folders are walked recursively)."),
    out: Path = typer.Option(Path("out"), "--out", "-o", help="Output folder for the parquet tables."),
    workers: int = typer.Option(0, "--workers", "-w", min=0, help="Parsing processes; 0 means one per CPU core."),
    force: bool = typer.Option(False, "--force", help="Re-read every file, even the unchanged ones."),
    exclude: list[str] = typer.Option(
        [], "--exclude", metavar="GLOB",
        help="Leave out files and folders whose name or path below the given folder matches, e.g. "
             "'*.json' or 'drafts/*'; may be given several times."),
    as_json: bool = typer.Option(False, "--json", help="Print the run's per-file rows as JSON on standard output."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary; only what failed."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="One line per file in the summary, however many."),
    timeout: float = typer.Option(
        DEFAULT_LIMITS.timeout, "--timeout", min=1, metavar="SECONDS",
        help="Time one file may take; past it its worker is killed and the file gets a failed row."),
    max_mb: float = typer.Option(
        DEFAULT_LIMITS.max_mb, "--max-mb", min=0.001, help="Files larger than this many MB are not read."),
    memory_mb: int = typer.Option(
        DEFAULT_LIMITS.memory_mb, "--memory-mb", min=0,
        help="Address space each parsing process may use, in MB; 0 for no limit."),
    dask: str = typer.Option(
        None, "--dask", metavar="ADDRESS",
        help="Parse on an existing Dask cluster, e.g. tcp://scheduler:8786 (inputs on shared storage); "
             "--workers then sets how many batches (times two) are in flight, 32 by default."),
    follow_links: bool = typer.Option(
        False, "--follow-links",
        help="Read what symbolic links point to even outside the given folders (not read by default)."),
    prune: bool = typer.Option(
        False, "--prune", help="Remove the rows of files that are gone from the folders read (kept as missing)."),
    record: bool = typer.Option(
        False, "--record",
        help="Record a Prefect flow run even when nothing changed (otherwise such a run is answered from the "
             "manifest, without Prefect)."),
) -> None:
    """Read every report under PATHS and write the tables to OUT.

    Unchanged files (same bytes, same cchc version) are skipped, and so are
    OUT itself and any other folder cchc writes.  Each run lists its files in
    OUT/runs/<time>.csv (--json prints the same rows).

    \b
    Exit status:
      0  every file was read, or there was nothing to do
      1  some file of the run is failed in the output, read this time or
         before, or a folder could not be read (they are listed)
      2  usage error: a path that does not exist, a bad option
      3  the run could not start or go on: another cchc run is writing to
         OUT, the output cannot be written (a full disk, no permission), the
         worker pool cannot start; nothing of the files it was writing is
         recorded, and the next run reads them again
      4  no report found in PATHS (nothing there, or nothing but non-reports)

    Reports read only in part (partial, needs_ocr) are listed with what to do
    and do not change the exit status; nor do files that are not reports
    (not_a_report) or duplicates of another file.
    """
    import json
    from dataclasses import replace

    from cchc.pipeline.run.show import print_failures, print_summary, shown
    from cchc.pipeline.run.summary import EXIT_NO_REPORT, process_started

    started = process_started()
    # A pipe or a log file gets whole lines: never wrapped at 80 columns.
    console.soft_wrap = not console.is_terminal
    _check_paths(paths, out)
    limits = replace(DEFAULT_LIMITS, timeout=timeout, max_mb=max_mb, memory_mb=memory_mb)
    summary = _run_with_progress(paths, quiet, dict(
        out=out, workers=workers, force=force, record=record, limits=limits, dask=dask, exclude=exclude,
        follow_links=follow_links, prune=prune, started=started))
    if as_json:
        typer.echo(json.dumps(summary.files, ensure_ascii=False, indent=1, default=str))
    if quiet:
        print_failures(summary, console)
    else:
        print_summary(summary, out, verbose, to=console if as_json else _out(), console=console)
    if summary.exit_code == EXIT_NO_REPORT and not quiet:
        console.print(f"[yellow]{_say('ingest.no_report', paths=shown(' '.join(map(str, paths))))}[/yellow]")
    raise typer.Exit(summary.exit_code)


def _say(key: str, **values) -> str:
    from cchc.pipeline.output.labels import say

    return say(key, **values)


def _check_paths(paths: list[Path], out: Path) -> None:
    """Usage errors before anything starts: a path that is not there, an
    output folder among the inputs."""
    from cchc.pipeline.run.discover import output_conflict
    from cchc.pipeline.run.show import shown
    from cchc.pipeline.run.summary import EXIT_USAGE

    missing = [p for p in paths if not (p.exists() or p.is_symlink())]
    for p in missing:
        console.print(f"[red]{_say('ingest.no_such_path')}[/red] {shown(str(p))}")
    if missing:
        raise typer.Exit(EXIT_USAGE)
    if conflict := output_conflict(paths, out):
        console.print(f"[red]{_say('ingest.output_conflict', out=shown(str(out)), given=shown(str(conflict)))}[/red]")
        raise typer.Exit(EXIT_USAGE)


def _run_with_progress(paths: list[Path], quiet: bool, run: dict):
    """The run under a progress bar; a run that stopped is told and exits."""
    from cchc.pipeline.run.summary import RunStopped

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        disable=quiet,
    ) as progress:
        bar = progress.add_task(_say("ingest.reading"), total=None)

        def on_progress(event: str, done: int, total: int) -> None:
            progress.update(bar, completed=done, total=total)

        try:
            return _run(paths, on_progress, **run)
        except RunStopped as exc:
            stopped = exc
    _tell_stopped(stopped)


def _run(paths: list[Path], on_progress, out: Path, workers: int, force: bool, record: bool, limits, dask,
         exclude, follow_links: bool, prune: bool, started: float):
    """Answered from the manifest when nothing changed (Prefect is then not
    even imported), otherwise the ingest flow."""
    from cchc.pipeline.output.store import OutputLocked
    from cchc.pipeline.run.remote import is_remote
    from cchc.pipeline.run.rerun import answer_unchanged
    from cchc.pipeline.run.summary import RunStopped, RunSummary

    names = [str(p) for p in paths]
    if not (force or record or is_remote(str(out))):
        try:
            summary = answer_unchanged(names, out, exclude, follow_links, prune, started)
        except (OSError, OutputLocked) as exc:
            raise RunStopped(exc, RunSummary(stopped=exc)) from exc
        if summary is not None:
            return summary
    from cchc.flows import server

    if server.may_need_temporary_server():
        server.shared_server()  # comes up while Prefect and the flow are imported
    from cchc.flows.ingest import run_ingest

    return run_ingest(names, out=str(out), workers=workers or None, force=force, progress=on_progress,
                      limits=limits, dask_address=dask, exclude=exclude, follow_links=follow_links, prune=prune,
                      record=True, started=started)


def _tell_stopped(stopped) -> None:
    """Why the run stopped, and its exit status."""
    from cchc.pipeline.output.store import OutputLocked
    from cchc.pipeline.run.show import shown

    for warning in stopped.summary.warnings:
        console.print(f"[yellow]{_say('ingest.warning')}[/yellow] {shown(warning)}", soft_wrap=True)
    if isinstance(stopped.cause, OutputLocked):
        # The cause's own words name the folder and the other run.
        console.print(f"[red]{_say('ingest.locked')}[/red] ({shown(str(stopped.cause))})", soft_wrap=True)
    else:
        console.print(f"[red]{_say('ingest.stopped')}[/red] {shown(str(stopped.cause))}", soft_wrap=True)
    raise typer.Exit(stopped.summary.exit_code)


@app.command()
def query(
    out: Path = typer.Argument(..., help="Output folder written by `cchc ingest`."),
    sql: str = typer.Argument(..., help="DuckDB SQL; every table is a view by its name (reports, sections, ...), "
                                        "and metrics_v, findings_v, references_v carry each fact's report and labels."),
    csv: bool = typer.Option(False, "--csv", help="Print CSV instead of a table."),
    max_rows: int = typer.Option(40, "--max-rows", min=1, help="Rows shown in the table (all of them with --csv)."),
) -> None:
    """Run SQL over the output tables with DuckDB.

    The table is drawn by DuckDB itself, so every type shows, NULLs included;
    a long result shows its first and last rows (--max-rows), and --csv
    prints all of it."""
    import duckdb

    from cchc.pipeline.output.query import connect

    try:
        result = connect(out).sql(sql)
    except duckdb.Error as exc:
        from rich.markup import escape

        console.print(f"[red]{escape(str(exc))}[/red]")
        import regex

        if regex.search(r'at or near "(check|references)"', str(exc), regex.IGNORECASE):
            console.print(_say("query.keyword_hint"))
        raise typer.Exit(1)
    if result is None:
        return
    if csv:
        frame = _printable(result.df())
        typer.echo(_neutralised(frame).to_csv(index=False), nl=False)
        return
    result.show(max_rows=max_rows, max_width=_out().width, null_value="NULL")


# A spreadsheet takes a cell that starts with one of these for a formula
# (OWASP, "CSV injection"): such cells get a leading apostrophe.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _neutralised(frame):
    """Text cells that a spreadsheet would run as formulas, made plain text."""
    frame = frame.copy()
    for name in frame.columns:
        if frame[name].dtype == object or str(frame[name].dtype).startswith("str"):
            frame[name] = [f"'{v}" if isinstance(v, str) and v.startswith(_FORMULA_STARTS) else v
                           for v in frame[name]]
    return frame


def _printable(frame):
    """Dates as dates: DuckDB hands DATE columns to pandas as timestamps."""
    import pandas as pd

    for name in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[name]):
            frame[name] = frame[name].dt.date
    return frame


@app.command()
def compare(
    out: Path = typer.Argument(..., help="Output folder written by `cchc ingest`."),
    issuer: str = typer.Option(None, "--issuer", help="Issuer code (e.g. SNgV) or words of its name."),
    metric: str = typer.Option(None, "--metric", help="Canonical metric key (see `cchc metrics`)."),
) -> None:
    """One row per issuer and metric, one column per period: how each metric
    moved across reports, with the metric's Vietnamese name and unit and the
    numbers written the Vietnamese way (1.234,5).  A value marked * has a
    period of a different length from the one it is compared with; a period
    that contains others (a review of several years) is marked ⊃ and compared
    with none of them.  The monthly rates are in the `comparison` table."""
    from cchc.pipeline.output.catalogue import series_unit
    from cchc.pipeline.output.labels import label, period_label, vn_number
    from cchc.pipeline.output.query import connect

    con = connect(out)
    units = dict(con.execute("SELECT key, unit FROM metric_catalogue").fetchall())
    frame = con.execute("SELECT * FROM comparison ORDER BY issuer, metric, period_end, period_start").df()
    if issuer:
        frame = frame[(frame.issuer_code == issuer) | frame.issuer.str.contains(issuer, case=False, regex=False)]
    if metric:
        frame = frame[frame.metric == metric]
    if frame.empty:
        console.print("Không có dòng so sánh nào: hãy nạp các báo cáo nêu cùng một chỉ tiêu trong nhiều kỳ.")
        raise typer.Exit(0)
    frame = frame.assign(period=[period_label(a.date(), b.date()) for a, b in zip(frame.period_start, frame.period_end)])
    for (name, code), group in frame.groupby(["issuer", "issuer_code"], sort=True, dropna=False):
        periods = list(dict.fromkeys(group.sort_values(["period_end", "period_start"]).period))
        rows = []
        for key, stated in group.groupby("metric", sort=True):
            cells = {
                r.period: vn_number(r.value, bool(r.is_percent)) + ("*" if _not_comparable(r.comparable) else "")
                + (" ⊃" if r.contains_other_periods else "")
                for r in stated.itertuples()
            }
            unit = series_unit(key, list(stated.unit.dropna()), units)
            if len(cells) > 1 or metric:
                rows.append([label("metric", key), unit, *(cells.get(p, "") for p in periods)])
        if not rows:
            continue  # one period only: nothing to compare yet
        table = Table(title=f"{name}{f' ({code})' if isinstance(code, str) else ''}: so sánh qua các kỳ",
                      caption="* độ dài kỳ khác kỳ so sánh; ⊃ kỳ bao trùm các kỳ khác, không so với kỳ nào")
        table.add_column("Chỉ tiêu")
        table.add_column("Đơn vị")
        for period in periods:
            table.add_column(period, justify="right")
        for row in rows:
            table.add_row(*row)
        _out().print(table)


def _not_comparable(flag) -> bool:
    import pandas as pd

    return not pd.isna(flag) and not flag


@app.command()
def metrics(
    out: Path = typer.Argument(None, help="Output folder written by `cchc ingest`; without it, the catalogue "
                                          "of patterns/metrics.yaml with no counts."),
    area: str = typer.Option(None, "--area", help="Only the metrics of one reform area (e.g. tthc)."),
) -> None:
    """List the canonical metrics: key, Vietnamese name, unit, area, and, for
    an output folder, how many figures, targets and reports state each (the
    `metric_catalogue` table)."""
    from cchc.pipeline.output.catalogue import catalogue_rows
    from cchc.pipeline.output.labels import label
    from cchc.pipeline.output.query import connect

    con = connect(out if out is not None else Path(os.devnull))
    rows = catalogue_rows(con) if out is None else con.execute("SELECT * FROM metric_catalogue").df().to_dict("records")
    if area:
        rows = [r for r in rows if r["area"] == area]
    table = Table(title=f"Danh mục chỉ tiêu ({len(rows)})")
    for heading in ("Mã chỉ tiêu", "Tên chỉ tiêu", "Đơn vị", "Lĩnh vực"):
        table.add_column(heading)
    if out is not None:
        for heading in ("Số liệu", "Kế hoạch", "Báo cáo", "Dòng so sánh"):
            table.add_column(heading, justify="right")
    for r in rows:
        counts = [str(r[k]) for k in ("figures", "targets", "reports", "comparison_rows")] if out is not None else []
        table.add_row(r["key"], r["label"], r["unit"], label("area", r["area"]), *counts)
    _out().print(table)


@app.command()
def export(
    out: Path = typer.Argument(..., exists=True, file_okay=False, help="Output folder written by `cchc ingest`."),
    xlsx: Path = typer.Option(..., "--xlsx", help="Excel workbook to write (.xlsx)."),
) -> None:
    """Write every table to one Excel workbook, with Vietnamese headers.

    A sheet per table, named as the table, header only when it has no rows;
    the header row is frozen and filtered, dates are dates.  Excel holds
    1,048,576 rows a sheet: a larger table is cut there, a last sheet
    'Ghi chú' says so, and the exit status is 1.
    """
    from cchc.pipeline.output.export import export_xlsx

    result = export_xlsx(out, xlsx)
    table = Table(title=_say("export.title", path=xlsx))
    table.add_column(_say("export.column_sheet"))
    table.add_column(_say("export.column_rows"), justify="right")
    for sheet in result.sheets:
        cut = f" [red]{_say('export.cut', rows=sheet.rows_in_table)}[/red]" if sheet.truncated else ""
        table.add_row(sheet.sheet, f"{sheet.rows_written}{cut}")
    _out().print(table)
    if result.truncated:
        names = ", ".join(s.table for s in result.truncated)
        console.print(_say("export.row_limit", tables=names))
        raise typer.Exit(1)


@app.command()
def report(
    out: Path = typer.Argument(..., exists=True, file_okay=False, help="Output folder written by `cchc ingest`."),
    html: Path = typer.Option(..., "--html", help="HTML page to write."),
) -> None:
    """Write one self-contained HTML page in Vietnamese: the run, the findings, the charts.

    The page works offline and fetches nothing.  It shows the files by status
    and the failed ones with their error, each report's findings quoting
    their sentences, and a chart of every metric stated for two or more
    periods.
    """
    from cchc.pipeline.output.report_html import write_html

    path = write_html(out, html)
    console.print(_say("report.wrote", path=path, size=f"{path.stat().st_size / 1024:.0f}"))


@app.command()
def serve(
    inbox: Path = typer.Option(..., "--inbox", exists=True, file_okay=False, help="Folder where new reports arrive."),
    out: Path = typer.Option(Path("out"), "--out", "-o", help="Output folder for the parquet tables."),
    every: int = typer.Option(300, "--every", min=10, metavar="SECONDS", help="How often to look for new files."),
    workers: int = typer.Option(0, "--workers", "-w", help="Parsing processes; 0 means one per CPU core."),
) -> None:
    """Register the ingest flow as a Prefect deployment that reads new files
    in INBOX on an interval schedule, and serve it until stopped (Ctrl-C).

    Runs and their summaries show in the Prefect UI of the server that
    PREFECT_API_URL names (start one with `prefect server start`)."""
    from prefect import serve as prefect_serve

    from cchc.flows.ingest import inbox_deployment

    console.print(_say("serve.serving", inbox=inbox, out=out, every=every))
    prefect_serve(inbox_deployment(str(inbox), str(out), every, workers))


@app.command()
def review(
    out: Path = typer.Argument(..., exists=True, file_okay=False, help="Output folder written by `cchc ingest`."),
    finding_id: str = typer.Argument(None, help="The finding to give a verdict on (its `finding_id`)."),
    confirm: bool = typer.Option(False, "--confirm", help="The finding is a real fault."),
    dismiss: bool = typer.Option(False, "--dismiss", help="The finding is not a fault."),
    note: str = typer.Option(None, "--note", help="Why: kept with the verdict."),
    by: str = typer.Option(None, "--by", help="Who gives the verdict (default: the login name)."),
    show: bool = typer.Option(False, "--list", help="List the findings with their review status."),
    status: str = typer.Option(None, "--status", help="With --list: only open, confirmed or dismissed findings."),
    from_xlsx: Path = typer.Option(
        None, "--from-xlsx", exists=True, dir_okay=False,
        help="Read the verdicts written in the 'Trạng thái xem xét' column of a workbook from `cchc export`."),
) -> None:
    """Record an auditor's verdict on a finding, list findings by review
    status, or read the verdicts back from an exported workbook.

    Verdicts are kept in OUT/reviews/ and never touched by `cchc ingest`: a
    finding keeps its id across re-runs, so a dismissed finding stays
    dismissed; a finding whose evidence changed is new.  Exit status 1 when
    a verdict (or a workbook row) is refused.
    """
    import getpass

    from rich.markup import escape

    from cchc.pipeline.output import reviews

    who = by or getpass.getuser()
    try:
        if from_xlsx is not None:
            result = reviews.read_xlsx(out, from_xlsx, by=who)
            console.print(_say("review.read_back", recorded=len(result.recorded), unchanged=result.unchanged,
                               refused=len(result.refused)))
            for row, finding, why in result.refused:
                console.print(f"[red]{_say('review.row', row=row)}[/red] {escape(finding)}: {escape(why)}")
            raise typer.Exit(1 if result.refused else 0)
        if show or finding_id is None:
            rows = reviews.listing(out, status)
            table = Table(title=_say("review.title", out=escape(str(out))) + (f" ({status})" if status else ""))
            for name in ("finding_id", "status", "severity", "check", "section", "file", "message", "note"):
                table.add_column(name, overflow="fold")
            for r in rows:
                table.add_row(r["finding_id"] or "", r["review_status"], r["severity"] or "", r["check"] or "",
                              r["section_path"] or "", r["source_path"] or "", r["message"] or "",
                              r["review_note"] or "")
            _out().print(table)
            gone = reviews.orphans(out)
            if gone:
                console.print(f"[dim]{_say('review.orphans', count=len(gone), out=escape(str(out)))}[/dim]")
            return
        if confirm == dismiss:
            console.print(f"[red]{_say('review.one_verdict')}[/red]")
            raise typer.Exit(2)
        verdict = reviews.CONFIRMED if confirm else reviews.DISMISSED
        reviews.record(out, [(finding_id, verdict, note)], by=who)
    except reviews.ReviewError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1)
    console.print(_say("review.recorded", finding=escape(finding_id), verdict=verdict,
                       who=escape(who)))
