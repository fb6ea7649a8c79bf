"""Find the report files under the paths an inspector gives."""

from __future__ import annotations

import os
import stat
from pathlib import Path

# Editor lock files and hidden files are not reports.
_SKIP_PREFIXES = (".", "~$")


def discover(paths: list[str | Path], follow_links: bool = False
             ) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """Every file under `paths`, sorted, the problems met while looking, and
    the files not read on purpose, each with the reason.

    Files are given by their resolved path (symbolic links and `..` followed,
    relative paths made absolute), so the same file given two ways is found
    once.  A symbolic link whose target lies outside the given paths is not
    taken: it is returned as skipped, unless `follow_links`.  A link given by
    name is held to the same rule, so `cchc ingest in/*` does not read a link
    to /etc/shadow.

    Directory symlinks inside a folder are not followed, so a link loop cannot
    trap the walk; a file given by name is always taken, whatever it is
    called.  A name that cannot be opened (a dangling symlink, a symlink
    loop, a file that vanished or may not be read) is still taken, so that
    its `reports` row says why; a folder that cannot be listed is a problem,
    since no file in it is known.  FIFOs, sockets and devices are problems
    too: reading one could block.
    """
    roots = [os.path.realpath(p) for p in paths
             if Path(p).is_dir() or (Path(p).exists() and not Path(p).is_symlink())]
    files: set[str] = set()
    problems: list[str] = []
    skipped: dict[str, str] = {}
    take = _Taker(roots, follow_links, files, problems, skipped)
    for given in paths:
        p = Path(given)
        if p.is_dir():
            _walk(p, take, problems)
        elif p.is_symlink() or p.exists():
            take(str(p))
        else:
            problems.append(f"{p}: no such file or folder")
    return sorted(files), problems, sorted(skipped.items())


def inside(path: str, roots: list[str]) -> bool:
    """Whether a resolved path lies in one of the resolved `roots` (or is one)."""
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _as_found(path: str) -> str:
    """The path with its folder resolved but not its last name: what a link
    or a broken name is called."""
    folder, name = os.path.split(os.path.abspath(path))
    return os.path.join(os.path.realpath(folder), name)


class _Taker:
    def __init__(self, roots, follow_links, files, problems, skipped):
        self.roots, self.follow_links = roots, follow_links
        self.files, self.problems, self.skipped = files, problems, skipped

    def __call__(self, path: str) -> None:
        try:
            mode = os.stat(path).st_mode  # follows symlinks
        except OSError:
            self.files.add(_as_found(path))  # unreadable or a broken link: its row will say so
            return
        if stat.S_ISDIR(mode):
            return
        if not stat.S_ISREG(mode):
            self.problems.append(f"{path}: not a regular file (a pipe, socket or device): skipped")
            return
        real = os.path.realpath(path)
        if not self.follow_links and not inside(real, self.roots):
            self.skipped[_as_found(path)] = (
                f"a symbolic link to {real}, outside the input folders: not read "
                "(give --follow-links to read what links point to)")
            return
        self.files.add(real)


def _walk(root: Path, take: _Taker, problems: list[str]) -> None:
    def unlistable(e: OSError) -> None:
        problems.append(f"{e.filename}: folder not read: {e.strerror}")

    for folder, dirs, names in os.walk(root, onerror=unlistable):
        dirs[:] = sorted(d for d in dirs if not d.startswith(_SKIP_PREFIXES))
        for name in names:
            if not name.startswith(_SKIP_PREFIXES):
                take(os.path.join(folder, name))
