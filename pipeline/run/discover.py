"""Find the report files under the paths an inspector gives.

cchc never reads its own output: the output folder holds a marker file
(`OUTPUT_MARKER`, written by `mark_output` when a run starts), and a folder
that holds one is not walked, wherever it is, so `cchc ingest .` with the
default `--out out` inside `.` reads the reports and not last run's tables,
text copies or HTML page.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from cchc.pipeline import __version__

# Editor lock files and hidden files are not reports.
_SKIP_PREFIXES = (".", "~$")
OUTPUT_MARKER = ".cchc-output"


@dataclass
class Discovery:
    files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # Folders not walked because cchc wrote them (its output folders).
    own_output: list[str] = field(default_factory=list)
    # Files and folders left out by an --exclude pattern.
    excluded: int = 0
    # Files not read on purpose, with the reason: symbolic links that lead
    # out of the given paths.
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def __iter__(self):
        """`files, problems = discover(...)`"""
        return iter((self.files, self.problems))


def mark_output(root: str | Path) -> None:
    """Mark `root` as a folder cchc writes, so that no run reads it."""
    marker = Path(root) / OUTPUT_MARKER
    if not marker.exists():
        marker.write_text(f"Written by cchc {__version__}: this folder is its output, and cchc ingest "
                          "does not read it.\n", encoding="utf-8")


def output_conflict(paths: list[str | Path], out: str | Path) -> str | Path | None:
    """The input folder that is the output folder `out`, or inside it, and
    so would be left unread; None when there is none."""
    out_real = os.path.realpath(out)
    for given in paths:
        given_real = os.path.realpath(given)
        if os.path.isdir(given_real) and (given_real == out_real or given_real.startswith(out_real + os.sep)):
            return given
    return None


def discover(paths: list[str | Path], exclude: list[str] | tuple[str, ...] = (),
             follow_links: bool = False) -> Discovery:
    """Every file under `paths`, sorted, and the problems met while looking.

    Files are given by their resolved path (symbolic links and `..` followed,
    relative paths made absolute), so the same file given two ways is found
    once.  A symbolic link whose target lies outside the given paths is not
    taken: it is listed in `skipped` with the reason, unless `follow_links`.
    A link given by name is held to the same rule, so `cchc ingest in/*` does
    not read a link to /etc/shadow.

    A folder holding `OUTPUT_MARKER` is not walked (it is cchc's output), and
    neither is a file or folder whose name or path below the given folder
    matches one of the `exclude` glob patterns (`*.json`, `drafts/*`).

    Directory symlinks are not followed, so a link loop cannot trap the walk;
    a file given by name is taken whatever it is called, unless `exclude`
    matches it.  A name that cannot be opened (a dangling symlink, a symlink
    loop, a file that vanished or may not be read) is still taken, so that its
    `reports` row says why;
    a folder that cannot be listed is a problem, since no file in it is known.
    FIFOs, sockets and devices are problems too: reading one could block.
    """
    found = Discovery()
    files: set[str] = set()
    roots = [os.path.realpath(p) for p in paths
             if Path(p).is_dir() or (Path(p).exists() and not Path(p).is_symlink())]
    take = _Taker(roots, follow_links, files, found)
    for given in paths:
        p = Path(given)
        if p.is_dir():
            _walk(p, take, found, list(exclude))
        elif p.is_symlink() or p.exists():
            if _excluded(p.name, p.name, list(exclude)):
                found.excluded += 1
            else:
                take(str(p))
        else:
            found.problems.append(f"{p}: no such file or folder")
    found.files = sorted(files)
    found.skipped.sort()
    return found


def inside(path: str, roots: list[str]) -> bool:
    """Whether a resolved path lies in one of the resolved `roots` (or is one)."""
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _excluded(name: str, relative: str, exclude: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, g) or fnmatch.fnmatchcase(relative, g) for g in exclude)


def _walk(root: Path, take: "_Taker", found: Discovery, exclude: list[str]) -> None:
    problems = found.problems

    def unlistable(e: OSError) -> None:
        problems.append(f"{e.filename}: folder not read: {e.strerror}")

    def relative(folder: str, name: str) -> str:
        return Path(os.path.relpath(os.path.join(folder, name), root)).as_posix()

    for folder, dirs, names in os.walk(root, onerror=unlistable):
        if OUTPUT_MARKER in names:
            found.own_output.append(str(Path(folder)))
            dirs[:] = []
            continue
        kept = []
        for d in sorted(dirs):
            if d.startswith(_SKIP_PREFIXES):
                continue
            if exclude and _excluded(d, relative(folder, d), exclude):
                found.excluded += 1
                continue
            kept.append(d)
        dirs[:] = kept
        for name in names:
            if name.startswith(_SKIP_PREFIXES):
                continue
            if exclude and _excluded(name, relative(folder, name), exclude):
                found.excluded += 1
                continue
            take(os.path.join(folder, name))


def _as_found(path: str) -> str:
    """The path with its folder resolved but not its last name: what a link
    or a broken name is called."""
    folder, name = os.path.split(os.path.abspath(path))
    return os.path.join(os.path.realpath(folder), name)


class _Taker:
    """Takes one path found: a regular file by its resolved path, a link out
    of `roots` as skipped, anything else as a problem."""

    def __init__(self, roots: list[str], follow_links: bool, files: set[str], found: Discovery):
        self.roots, self.follow_links, self.files, self.found = roots, follow_links, files, found

    def __call__(self, path: str) -> None:
        try:
            mode = os.stat(path).st_mode  # follows symlinks
        except OSError:
            self.files.add(_as_found(path))  # unreadable or a broken link: its row will say so
            return
        if stat.S_ISDIR(mode):
            return
        if not stat.S_ISREG(mode):
            self.found.problems.append(f"{path}: not a regular file (a pipe, socket or device): skipped")
            return
        real = os.path.realpath(path)
        if not self.follow_links and not inside(real, self.roots):
            self.found.skipped.append((_as_found(path), (
                f"a symbolic link to {real}, outside the input folders: not read "
                "(give --follow-links to read what links point to)")))
            return
        self.files.add(real)
