"""The inbox flow: what is new in a folder, read on a schedule
(`cchc serve`)."""

from __future__ import annotations

import os
from datetime import timedelta

from prefect import flow, get_run_logger
from prefect.states import State

from cchc.flows.ingest import final_state
from cchc.flows.runner import run_ingest
from cchc.pipeline.run.summary import RunSummary


@flow(name="cchc-inbox")
def ingest_inbox(inbox: str, out: str = "out", workers: int = 0) -> RunSummary | State:
    """Read what is new in an inbox folder: the ingest flow, as a subflow,
    with its worker pool; unchanged files are skipped as always.  Each run
    writes one line with its counts to the output of `cchc serve` (and to
    the run's log), and ends as the ingest flow does."""
    summary = run_ingest([inbox], out=out, workers=workers or None)
    line = f"cchc-inbox {os.path.abspath(inbox)} → {os.path.abspath(out)}: {summary.line()}"
    print(line, flush=True)
    get_run_logger().info(line)
    return final_state(summary)


def inbox_deployment(inbox: str, out: str, every_seconds: int = 300, workers: int = 0):
    """A Prefect deployment that runs `ingest_inbox` on an interval schedule;
    `prefect.serve(inbox_deployment(...))` serves it until stopped."""
    return ingest_inbox.to_deployment(
        name="cchc-inbox",
        interval=timedelta(seconds=every_seconds),
        parameters={"inbox": str(inbox), "out": str(out), "workers": workers},
        description=f"Read new reports in {inbox} into {out} every {every_seconds} s",
    )
