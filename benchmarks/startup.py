"""What a run costs before and around its work: the figures `make bench`
prints for the start-up, all measured in one run, each as the wall time of
the `cchc ingest` command (a fresh process, start-up included).

- one short TXT report, no Prefect server configured (Prefect's temporary
  API server is started for the run), against the same with a local
  `prefect server start` already running;
- an unchanged re-run of the samples (answered from the manifest);
- 100 distinct 5-page PDFs, `cchc ingest` end to end, against a pdfplumber
  `extract_text` loop over the same files in this process: the ratio, with
  no server configured and with a local server running;
- where a run's start-up goes: importing Prefect, importing Prefect's server
  application (what Prefect's own temporary server costs this process), the
  server subprocess until it answers, and an empty flow run against it.

Every run has a Prefect home of its own whose database was created by a
first, unmeasured run, as on a machine where cchc has run before.

Usage:  .venv/bin/python benchmarks/startup.py [--pdfs 100] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

BIN = Path(sys.executable).parent
SHORT_TXT = ROOT / "samples" / "ubnd-huyen-can-loc-2023-6thang.txt"
PAGES = 5


def _env(home: Path, api_url: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_LOGGING_LEVEL="ERROR")
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def cchc_ingest(inputs: Path, out: Path, env: dict, *extra: str) -> float:
    """Wall time of one `cchc ingest` command, in seconds."""
    started = time.perf_counter()
    done = subprocess.run([str(BIN / "cchc"), "ingest", str(inputs), "--out", str(out), *extra],
                          env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"cchc ingest failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return seconds


def _free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_health(url: str, process: subprocess.Popen, timeout: float = 300) -> float:
    import httpx

    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise SystemExit(f"the Prefect server exited with status {process.returncode}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"the Prefect server did not answer on {url} within {timeout:.0f} s")


def five_page_pdfs(folder: Path, n: int) -> list[Path]:
    """n PDFs of exactly five pages with different text (written once)."""
    import pypdfium2 as pdfium

    from corpus import write_corpus

    done = sorted(folder.glob("five-*.pdf"))
    if len(done) >= n:
        return done[:n]
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for i, source in enumerate(write_corpus(folder / "src", n, seed=11, formats=("pdf",))):
        target = folder / f"five-{i:04d}.pdf"
        with pdfium.PdfDocument(source) as src, pdfium.PdfDocument.new() as dst:
            while len(dst) < PAGES:
                dst.import_pages(src, list(range(min(len(src), PAGES - len(dst)))))
            dst.save(target)
        written.append(target)
    shutil.rmtree(folder / "src", ignore_errors=True)
    return written


def plumber_loop(files: list[Path]) -> float:
    from pdf_reading import with_plumber

    started = time.perf_counter()
    for path in files:
        with_plumber(path)
    return time.perf_counter() - started


def _python(code: str, env: dict) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def startup_parts(home: Path) -> dict[str, float]:
    """Where the start-up of a run with no server goes, each part alone."""
    env = _env(home)
    bare = _python("pass", env)
    parts = {
        "python itself": bare,
        "import prefect": _python("import prefect", env) - bare,
        "import cchc.flows.ingest (Prefect, the flow, the library without readers)":
            _python("import cchc.flows.ingest", env) - bare,
        "import prefect.server.api.server (Prefect's temporary server, client side)":
            _python("import prefect; import prefect.server.api.server", env) - _python("import prefect", env),
    }
    sys.path.insert(0, str(ROOT))
    from cchc.flows.server import TemporaryServer

    os.environ.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    server = TemporaryServer().start()
    started = time.perf_counter()
    try:
        server.wait(timeout=300)
        parts["server subprocess until it answers"] = time.perf_counter() - started
        code = ("from prefect import flow\n@flow\ndef empty():\n    return 1\nempty()\n")
        with_server = _env(home, server.api_url)
        parts["an empty flow run against a running server (process included)"] = _python(code, with_server) - bare
    finally:
        server.stop()
    return parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pdfs", type=int, default=100)
    parser.add_argument("--corpus", type=Path, default=Path(tempfile.gettempdir()) / "cchc-bench-five-page-pdfs")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="cchc-bench-startup-"))
    home = work / "prefect-home"
    one = work / "one"
    one.mkdir()
    shutil.copy(SHORT_TXT, one / SHORT_TXT.name)
    print(f"cchc start-up benchmark, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")

    cchc_ingest(one, work / "warm-up", _env(home))  # creates the Prefect database, as any earlier run has
    no_server = cchc_ingest(one, work / "o1", _env(home))
    print(f"one short TXT, no server configured:        {no_server:6.2f} s   (target: at most 4 s)")

    samples = ROOT / "samples"
    cchc_ingest(samples, work / "samples", _env(home))
    rerun = cchc_ingest(samples, work / "samples", _env(home))

    files = five_page_pdfs(args.corpus, args.pdfs)
    pdfs = work / "pdfs"
    pdfs.mkdir()
    for f in files:
        shutil.copy(f, pdfs / f.name)
    ingest = cchc_ingest(pdfs, work / "o3", _env(home))

    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env={**_env(home), "PREFECT_UI_ENABLED": "false"}, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_health(url, server)
        cchc_ingest(one, work / "warm-up-2", _env(home, url))
        with_server = cchc_ingest(one, work / "o2", _env(home, url))
        ingest_with_server = cchc_ingest(pdfs, work / "o4", _env(home, url))
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    print(f"one short TXT, local prefect server running: {with_server:6.2f} s   (target: at most 1.5 s)")
    print(f"unchanged re-run of the samples:             {rerun:6.2f} s   (target: at most 1 s)")

    plumber = plumber_loop(files)
    print(f"{len(files)} distinct {PAGES}-page PDFs: cchc ingest {ingest:.2f} s, pdfplumber extract_text loop "
          f"{plumber:.2f} s: {plumber / ingest:.1f}x   (target: at least 5x)")
    print(f"  the same with a local prefect server running: cchc ingest {ingest_with_server:.2f} s: "
          f"{plumber / ingest_with_server:.1f}x")

    print("where the start-up of a run with no server goes, each part measured alone:")
    for what, seconds in startup_parts(home).items():
        print(f"  {seconds:6.2f} s  {what}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
