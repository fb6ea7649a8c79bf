"""Find the report files under the paths an inspector gives."""

from __future__ import annotations

import os
from pathlib import Path

# Editor lock files and hidden files are not reports.
_SKIP_PREFIXES = (".", "~$")


def discover(paths: list[str | Path]) -> tuple[list[str], list[str]]:
    """Every file under `paths`, sorted, and the problems met while looking.

    Directory symlinks are not followed, so a link loop cannot trap the walk;
    a file given by name is always taken, whatever it is called.
    """
    files: set[str] = set()
    problems: list[str] = []
    for given in paths:
        p = Path(given)
        if p.is_file():
            files.add(str(p))
            continue
        if not p.is_dir():
            problems.append(f"{p}: no such file or folder")
            continue
        for folder, dirs, names in os.walk(p, onerror=lambda e: problems.append(f"{e.filename}: {e.strerror}")):
            dirs[:] = sorted(d for d in dirs if not d.startswith(_SKIP_PREFIXES))
            for name in names:
                if name.startswith(_SKIP_PREFIXES):
                    continue
                full = os.path.join(folder, name)
                if os.path.isfile(full):
                    files.add(full)
    return sorted(files), problems
