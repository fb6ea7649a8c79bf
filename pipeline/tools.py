"""External programs cchc uses when they are installed: Tesseract (OCR of
scanned pages, with its Vietnamese model) and LibreOffice (old Word files).

Neither is required.  They are looked up on PATH when a file needs them, and
a file that needs a missing one says so in its `reports` row, with the
command that installs it.  A tool runs in a session of its own with a
timeout: on timeout its whole process group is killed, and it is killed too
if the worker that started it dies.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
from functools import lru_cache

TESSERACT = "tesseract"
SOFFICE = "soffice"

INSTALL = {
    TESSERACT: "apt-get install tesseract-ocr tesseract-ocr-vie",
    SOFFICE: "apt-get install libreoffice-writer",
}


class ToolError(RuntimeError):
    """An external tool failed or ran out of time; the message says which."""


def _libc_prctl():
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux
        return None


_PRCTL = _libc_prctl()
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (a no-op elsewhere)."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def tesseract() -> str | None:
    """Path of a Tesseract that has the Vietnamese model, or None."""
    path = shutil.which(TESSERACT)
    return path if path and _has_vietnamese(path) else None


@lru_cache(maxsize=8)
def _has_vietnamese(path: str) -> bool:
    try:
        out = run([path, "--list-langs"], timeout=30)
    except (ToolError, OSError):
        return False
    langs = (out.stdout + out.stderr).decode("utf-8", "replace").split()
    return "vie" in langs


def soffice() -> str | None:
    """Path of LibreOffice's `soffice` (or its `libreoffice` wrapper), or None."""
    return shutil.which(SOFFICE) or shutil.which("libreoffice")


def available(tool: str) -> bool:
    return (tesseract() if tool == TESSERACT else soffice()) is not None


def run(args: list[str], *, input: bytes | None = None, timeout: float, cwd: str | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run a tool and return its completed process (stdout and stderr as
    bytes); raise ToolError when it cannot start or runs past `timeout`."""
    try:
        proc = subprocess.Popen(
            args,
            stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
            start_new_session=True,  # its own process group, killed as one
            preexec_fn=die_with_parent,
        )
    except OSError as exc:
        raise ToolError(f"{os.path.basename(args[0])} could not be started: {exc}") from exc
    try:
        stdout, stderr = proc.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise ToolError(f"{os.path.basename(args[0])} did not finish within {timeout:g} s and was stopped") from None
    except BaseException:
        _kill_group(proc)
        raise
    return subprocess.CompletedProcess(args, proc.returncode, stdout, stderr)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
