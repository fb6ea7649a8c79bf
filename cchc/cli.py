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


def _say(key: str, **values) -> str:
    """What the command says to a person, in Vietnamese (patterns/messages.yaml, `cli`):
    its messages, and the help of every command and option."""
    from cchc.pipeline.output.labels import say

    return say(key, **values)


app = typer.Typer(
    help=_say("help.cchc"),
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
                                 help=_say("help.version")),
) -> None:
    """cchc turns báo cáo cải cách hành chính into data."""


@app.command(help=_say("help.ingest"))
def ingest(
    paths: list[Path] = typer.Argument(..., help=_say("help.ingest.paths")),
    out: Path = typer.Option(Path("out"), "--out", "-o", help=_say("help.out_new")),
    workers: int = typer.Option(0, "--workers", "-w", min=0, help=_say("help.workers")),
    force: bool = typer.Option(False, "--force", help=_say("help.ingest.force")),
    exclude: list[str] = typer.Option(
        [], "--exclude", metavar="GLOB",
        help=_say("help.ingest.exclude")),
    as_json: bool = typer.Option(False, "--json", help=_say("help.ingest.json")),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=_say("help.ingest.quiet")),
    verbose: bool = typer.Option(False, "--verbose", "-v", help=_say("help.ingest.verbose")),
    timeout: float = typer.Option(
        DEFAULT_LIMITS.timeout, "--timeout", min=1, metavar="SECONDS",
        help=_say("help.ingest.timeout")),
    max_mb: float = typer.Option(
        DEFAULT_LIMITS.max_mb, "--max-mb", min=0.001, help=_say("help.ingest.max_mb")),
    memory_mb: int = typer.Option(
        DEFAULT_LIMITS.memory_mb, "--memory-mb", min=0,
        help=_say("help.ingest.memory_mb")),
    dask: str = typer.Option(
        None, "--dask", metavar="ADDRESS",
        help=_say("help.ingest.dask")),
    follow_links: bool = typer.Option(
        False, "--follow-links",
        help=_say("help.ingest.follow_links")),
    prune: bool = typer.Option(
        False, "--prune", help=_say("help.ingest.prune")),
    record: bool = typer.Option(
        False, "--record",
        help=_say("help.ingest.record")),
) -> None:
    """Read every report under PATHS and write the tables to OUT."""
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
    even imported), otherwise the ingest flow, its start-up overlapped with
    the reading (`flows.runner`)."""
    from cchc.flows.runner import run_ingest

    return run_ingest([str(p) for p in paths], out=str(out), workers=workers or None, force=force,
                      progress=on_progress, limits=limits, dask_address=dask, exclude=exclude,
                      follow_links=follow_links, prune=prune, record=record, started=started)


def _tell_stopped(stopped) -> None:
    """Why the run stopped, and its exit status."""
    from cchc.pipeline.output.labels import explained
    from cchc.pipeline.output.store import OutputLocked
    from cchc.pipeline.run.show import shown

    for warning in stopped.summary.warnings:
        console.print(f"[yellow]{_say('ingest.warning')}[/yellow] {shown(warning)}", soft_wrap=True)
    if isinstance(stopped.cause, OutputLocked):
        # The cause's own words name the folder and the other run.
        console.print(f"[red]{_say('ingest.locked')}[/red] ({shown(str(stopped.cause))})", soft_wrap=True)
    else:
        console.print(f"[red]{_say('ingest.stopped')}[/red] {shown(explained(str(stopped.cause)))}", soft_wrap=True)
    raise typer.Exit(stopped.summary.exit_code)


@app.command(help=_say("help.query"))
def query(
    out: Path = typer.Argument(..., help=_say("help.out_written")),
    sql: str = typer.Argument(..., help=_say("help.query.sql")),
    csv: bool = typer.Option(False, "--csv", help=_say("help.query.csv")),
    max_rows: int = typer.Option(40, "--max-rows", min=1, help=_say("help.query.max_rows")),
) -> None:
    """Run SQL over the output tables with DuckDB."""
    import duckdb

    from cchc.pipeline.output.query import connect

    try:
        result = connect(out).sql(sql)
    except duckdb.Error as exc:
        from rich.markup import escape

        console.print(f"[red]{escape(str(exc))}[/red]")
        from cchc.pipeline.patterns import IGNORECASE, compile_pattern

        if compile_pattern(r'at or near "(check|references)"', IGNORECASE).search(str(exc)):
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


@app.command(help=_say("help.compare"))
def compare(
    out: Path = typer.Argument(..., help=_say("help.out_written")),
    issuer: str = typer.Option(None, "--issuer", help=_say("help.compare.issuer")),
    metric: str = typer.Option(None, "--metric", help=_say("help.compare.metric")),
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


@app.command(help=_say("help.metrics"))
def metrics(
    out: Path = typer.Argument(None, help=_say("help.metrics.out")),
    area: str = typer.Option(None, "--area", help=_say("help.metrics.area")),
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


@app.command(help=_say("help.export"))
def export(
    out: Path = typer.Argument(..., exists=True, file_okay=False, help=_say("help.out_written")),
    xlsx: Path = typer.Option(..., "--xlsx", help=_say("help.export.xlsx")),
) -> None:
    """Write every table to one Excel workbook, with Vietnamese headers."""
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


@app.command(help=_say("help.report"))
def report(
    out: Path = typer.Argument(..., exists=True, file_okay=False, help=_say("help.out_written")),
    html: Path = typer.Option(..., "--html", help=_say("help.report.html")),
) -> None:
    """Write one self-contained HTML page in Vietnamese: the run, the findings, the charts."""
    from cchc.pipeline.output.report_html import write_html

    path = write_html(out, html)
    console.print(_say("report.wrote", path=path, size=f"{path.stat().st_size / 1024:.0f}"))


@app.command(help=_say("help.serve"))
def serve(
    inbox: Path = typer.Option(..., "--inbox", exists=True, file_okay=False, help=_say("help.serve.inbox")),
    out: Path = typer.Option(Path("out"), "--out", "-o", help=_say("help.out_new")),
    every: int = typer.Option(300, "--every", min=10, metavar="SECONDS", help=_say("help.serve.every")),
    workers: int = typer.Option(0, "--workers", "-w", help=_say("help.workers")),
) -> None:
    """Register the ingest flow as a Prefect deployment that reads new files
    in INBOX on an interval schedule, and serve it until stopped (Ctrl-C)."""
    from prefect import serve as prefect_serve

    from cchc.flows.inbox import inbox_deployment

    console.print(_say("serve.serving", inbox=inbox, out=out, every=every))
    prefect_serve(inbox_deployment(str(inbox), str(out), every, workers))


@app.command(help=_say("help.review"))
def review(
    out: Path = typer.Argument(..., exists=True, file_okay=False, help=_say("help.out_written")),
    finding_id: str = typer.Argument(None, help=_say("help.review.finding_id")),
    confirm: bool = typer.Option(False, "--confirm", help=_say("help.review.confirm")),
    dismiss: bool = typer.Option(False, "--dismiss", help=_say("help.review.dismiss")),
    note: str = typer.Option(None, "--note", help=_say("help.review.note")),
    by: str = typer.Option(None, "--by", help=_say("help.review.by")),
    show: bool = typer.Option(False, "--list", help=_say("help.review.list")),
    status: str = typer.Option(None, "--status", help=_say("help.review.status")),
    from_xlsx: Path = typer.Option(
        None, "--from-xlsx", exists=True, dir_okay=False,
        help=_say("help.review.from_xlsx")),
) -> None:
    """Record an auditor's verdict on a finding, list findings by review
    status, or read the verdicts back from an exported workbook."""
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
