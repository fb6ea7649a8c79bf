"""The same flow on a Dask cluster gives the same tables as a local run."""

import shutil

import pandas as pd
from distributed import LocalCluster

from cchc.flows.runner import run_ingest

from conftest import SAMPLES

TABLES = ("reports", "sections", "references", "dates", "metrics", "findings", "comparison")


def table(out, name):
    frame = pd.read_parquet(out / name)
    return frame.sort_values(list(frame.columns[:6])).reset_index(drop=True)


def test_a_dask_cluster_gives_the_output_of_a_local_run(prefect_harness, tmp_path):
    inputs = tmp_path / "in"
    shutil.copytree(SAMPLES, inputs)
    local = run_ingest([str(inputs)], out=str(tmp_path / "local"), workers=2, batch_size=2)
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        on_dask = run_ingest([str(inputs)], out=str(tmp_path / "dask"), batch_size=2, dask_address=cluster.scheduler_address)
    assert on_dask.parsed == local.parsed == len(list(inputs.iterdir()))
    assert on_dask.exit_code == local.exit_code == 0
    for name in TABLES:
        pd.testing.assert_frame_equal(table(tmp_path / "dask", name), table(tmp_path / "local", name), check_like=True)


def test_the_inbox_deployment_reads_what_arrives(prefect_harness, tmp_path):
    from datetime import timedelta

    from cchc.flows.inbox import inbox_deployment, ingest_inbox

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    deployment = inbox_deployment(str(inbox), str(out), every_seconds=120)
    assert deployment.name == "cchc-inbox"
    assert deployment.schedules[0].schedule.interval == timedelta(seconds=120)
    assert deployment.parameters == {"inbox": str(inbox), "out": str(out), "workers": 0}

    shutil.copy(SAMPLES / "so-ngoai-vu-ha-tinh-2021.txt", inbox)
    first = ingest_inbox(str(inbox), str(out), workers=1)
    shutil.copy(SAMPLES / "so-ngoai-vu-ha-tinh-2022.txt", inbox)
    second = ingest_inbox(str(inbox), str(out), workers=1)
    assert (first.parsed, second.parsed, second.unchanged) == (1, 1, 1)
    assert len(pd.read_parquet(out / "reports")) == 2


def test_output_to_an_fsspec_url_goes_through_a_local_mirror(prefect_harness, tmp_path, monkeypatch):
    import fsspec

    import cchc.pipeline.run.remote as remote

    monkeypatch.setattr(remote, "CACHE", tmp_path / "cache")
    url = f"memory://cchc-{tmp_path.name}/out"
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SAMPLES / "so-ngoai-vu-ha-tinh-2021.txt", inputs)
    first = run_ingest([str(inputs)], out=url, workers=1)
    fs = fsspec.filesystem("memory")
    names = [p.split("/out/", 1)[1] for p in fs.find(f"/cchc-{tmp_path.name}/out")]
    assert "_manifest.json" in names and any(n.startswith("metrics/report_year=2021/") for n in names)
    assert not any(n.endswith(".lock") for n in names)
    assert len(pd.read_parquet(f"{url}/reports")) == 1

    # Another machine (an empty mirror) still skips what the remote holds.
    shutil.rmtree(tmp_path / "cache")
    shutil.copy(SAMPLES / "so-ngoai-vu-ha-tinh-2022.txt", inputs)
    second = run_ingest([str(inputs)], out=url, workers=1)
    assert (first.parsed, second.parsed, second.unchanged) == (1, 1, 1)
    assert sorted(pd.read_parquet(f"{url}/reports").report_year.astype(int)) == [2021, 2022]
