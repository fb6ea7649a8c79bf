"""Output to an fsspec URL (s3://, gs://, abfs://, memory:// …).

Object stores have no atomic rename and no locks, which the store relies on,
so a run writes into a local mirror of the remote folder and then pushes what
changed.  The mirror is pulled from the remote the first time a machine
writes there, so a run on another machine still skips unchanged files.
Readers see the remote datasets as they were before the push, or after it,
file by file: each report's files are whole.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import fsspec

CACHE = Path(os.environ.get("CCHC_CACHE", Path.home() / ".cache" / "cchc"))
# Written by the local run only: the lock and temporary files stay local.
_LOCAL_ONLY = (".lock",)
# Kept on the remote whatever the mirror holds: not a run's to delete.
_NOT_A_RUNS = ("reviews/",)


def is_remote(out: str) -> bool:
    return "://" in str(out) and not str(out).startswith("file://")


def mirror_of(url: str) -> Path:
    """The local folder a remote output is written through."""
    return CACHE / "mirrors" / hashlib.sha1(url.rstrip("/").encode()).hexdigest()[:16]


def _remote(url: str) -> tuple[fsspec.AbstractFileSystem, str]:
    fs, root = fsspec.core.url_to_fs(url.rstrip("/"))
    return fs, root


def _listing(fs: fsspec.AbstractFileSystem, root: str) -> dict[str, int]:
    """Relative path → size of every file under `root` ({} when there is none)."""
    if not fs.exists(root):
        return {}
    found = fs.find(root, detail=True)
    prefix = root.rstrip("/") + "/"
    return {path[len(prefix):] if path.startswith(prefix) else path: info.get("size", -1) for path, info in found.items()}


def pull(url: str) -> Path:
    """The local mirror of `url`, filled from the remote when it is new."""
    local = mirror_of(url)
    if local.exists() and any(local.iterdir()):
        return local
    local.mkdir(parents=True, exist_ok=True)
    fs, root = _remote(url)
    for rel in _listing(fs, root):
        target = local / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        fs.get(f"{root}/{rel}", str(target))
    return local


def push(local: Path, url: str) -> int:
    """Make the remote folder equal the mirror: upload what is new or changed,
    delete what the mirror no longer has.  Returns the files uploaded."""
    fs, root = _remote(url)
    remote = _listing(fs, root)
    ours = {
        str(p.relative_to(local)): p
        for p in local.rglob("*")
        if p.is_file() and p.name not in _LOCAL_ONLY and not p.name.startswith(".")
    }
    uploaded = 0
    # The manifest goes last, so that it never names files the remote lacks.
    for rel in sorted(ours, key=lambda r: r == "_manifest.json"):
        path = ours[rel]
        if remote.get(rel) == path.stat().st_size and path.stat().st_mtime < _pushed_at(local):
            continue
        fs.makedirs(f"{root}/{os.path.dirname(rel)}".rstrip("/"), exist_ok=True)
        fs.put_file(str(path), f"{root}/{rel}")
        uploaded += 1
    for rel in set(remote) - set(ours):
        # Auditors' verdicts are written by `cchc review`, never by a run.
        if Path(rel).name not in _LOCAL_ONLY and not rel.startswith(_NOT_A_RUNS):
            fs.rm_file(f"{root}/{rel}")
    (local / ".pushed").touch()
    return uploaded


def _pushed_at(local: Path) -> float:
    marker = local / ".pushed"
    return marker.stat().st_mtime if marker.exists() else 0.0
