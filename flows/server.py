"""Prefect's temporary API server, started early.

With no server configured (`PREFECT_API_URL` unset), Prefect starts a
temporary API server when a flow run begins, and waits for it: it imports
its server application in this process (about 2.6 s) and then starts the
same server in a subprocess (about 3.5 s more), before the flow's first
line runs.  `TemporaryServer` starts that subprocess at the beginning of
the run instead, the way Prefect does (uvicorn on 127.0.0.1, no UI, the
same settings and database), so that it comes up while the run finds its
files and parses them (`flows.runner`); the flow then talks to it as to
any server, without importing the server in this process.

A configured server (`PREFECT_API_URL`, such as a local `prefect server
start`) is used as it is: nothing is started.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import socket
import subprocess
import sys
import time
from contextlib import closing

# Prefect itself is imported only where it is needed: `flows.runner` starts
# the server before it imports Prefect, so that the two overlap.


def needs_temporary_server() -> bool:
    """Whether Prefect would start a temporary server for a flow run."""
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    return not PREFECT_API_URL.value() and bool(PREFECT_SERVER_EPHEMERAL_ENABLED.value())


def may_need_temporary_server() -> bool:
    """A guess made before importing Prefect: no API URL in the environment.
    A server started on this guess is stopped unused if Prefect's settings
    (a profile, prefect.toml) name one after all.  Once Prefect is imported,
    its settings answer."""
    if "prefect.settings" in sys.modules:
        return needs_temporary_server()
    return not os.environ.get("PREFECT_API_URL") and os.environ.get(
        "PREFECT_SERVER_EPHEMERAL_ENABLED", "true").lower() not in ("0", "false", "no")


# One temporary server for the process, started by its first run (or by the
# command before it imports Prefect) and used by the next runs, as Prefect
# keeps its own; it stops when the process exits.
_shared: "TemporaryServer | None" = None


def shared_server() -> "TemporaryServer":
    global _shared
    if _shared is None or _shared.process is None or _shared.process.poll() is not None:
        _shared = TemporaryServer().start()
    return _shared


def stop_shared_server() -> None:
    """Stop a server started on a guess that proved wrong."""
    global _shared
    if _shared is not None:
        _shared.stop()
        _shared = None


def _free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TemporaryServer:
    """A Prefect API server subprocess for one run: `start()` returns at
    once, `wait()` blocks until it answers, `stop()` ends it."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self) -> "TemporaryServer":
        settings = {}
        if "prefect.settings" in sys.modules:  # settings changed in this process reach the server too
            from prefect.settings import get_current_settings

            settings = get_current_settings().to_environment_variables(exclude_unset=True)
        package = os.path.dirname(os.path.dirname(importlib.util.find_spec("prefect").origin))
        env = {**os.environ, **settings,
               # As Prefect runs its own temporary server: no UI, a server of this run alone.
               "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", package,
             "--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1",
             "--port", str(self.port), "--log-level", "error", "--lifespan", "on"],
            env=env, stdin=subprocess.DEVNULL)
        atexit.register(self.stop)  # after Prefect's own exit handlers, which still talk to it
        return self

    def wait(self, timeout: float | None = None) -> str:
        """Block until the server answers its health check; its API URL."""
        import httpx
        from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

        deadline = time.monotonic() + (timeout or PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())
        with httpx.Client(timeout=2) as client:
            while time.monotonic() < deadline:
                if self.process is None or self.process.poll() is not None:
                    code = None if self.process is None else self.process.returncode
                    raise RuntimeError(f"the temporary Prefect API server exited (status {code}) before answering")
                try:
                    if client.get(f"{self.api_url}/health").status_code == 200:
                        return self.api_url
                except httpx.HTTPError:
                    pass
                time.sleep(0.05)
        raise RuntimeError(f"the temporary Prefect API server did not answer on {self.api_url} in time "
                           "(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS)")

    def stop(self) -> None:
        if self.process is None:
            return
        process, self.process = self.process, None
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
