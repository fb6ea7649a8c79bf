"""Find the report files under the paths an inspector gives."""

from __future__ import annotations

import os
import stat
from pathlib import Path

# Editor lock files and hidden files are not reports.
_SKIP_PREFIXES = (".", "~$")


def discover(paths: list[str | Path]) -> tuple[list[str], list[str]]:
    """Every file under `paths`, sorted, and the problems met while looking.

    Directory symlinks are not followed, so a link loop cannot trap the walk;
    a file given by name is always taken, whatever it is called.  A name that
    cannot be opened (a dangling symlink, a symlink loop, a file that vanished
    or may not be read) is still taken, so that its `reports` row says why;
    a folder that cannot be listed is a problem, since no file in it is known.
    FIFOs, sockets and devices are problems too: reading one could block.
    """
    files: set[str] = set()
    problems: list[str] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            _walk(p, files, problems)
        elif p.is_symlink() or p.exists():
            _take(str(p), files, problems)
        else:
            problems.append(f"{p}: no such file or folder")
    return sorted(files), problems


def _walk(root: Path, files: set[str], problems: list[str]) -> None:
    def unlistable(e: OSError) -> None:
        problems.append(f"{e.filename}: folder not read: {e.strerror}")

    for folder, dirs, names in os.walk(root, onerror=unlistable):
        dirs[:] = sorted(d for d in dirs if not d.startswith(_SKIP_PREFIXES))
        for name in names:
            if not name.startswith(_SKIP_PREFIXES):
                _take(os.path.join(folder, name), files, problems)


def _take(path: str, files: set[str], problems: list[str]) -> None:
    try:
        mode = os.stat(path).st_mode  # follows symlinks
    except OSError:
        files.add(path)  # unreadable or a broken link: its row will say so
        return
    if stat.S_ISREG(mode):
        files.add(path)
    elif not stat.S_ISDIR(mode):
        problems.append(f"{path}: not a regular file (a pipe, socket or device): skipped")
