"""Old Word files (.doc) and RTF, read through LibreOffice when it is installed.

`soffice --headless --convert-to docx` turns the file into a .docx, which the
DOCX reader then reads as any other.  Each conversion runs in a temporary
folder of its own, on a copy of the file with a plain name (so quotes and
spaces in the inspector's file name never reach a command line), with a
LibreOffice profile of its own (`-env:UserInstallation`: two conversions at
once never share a profile, and the user's own LibreOffice is left alone),
and within `Limits.tool_timeout` seconds, after which LibreOffice is killed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from cchc.pipeline import limits, tools
from cchc.pipeline.model import Document

LABELS = {"doc": "Word 97-2003 (.doc)", "rtf": "RTF"}
# The import filter is named, so that a damaged file fails instead of being
# opened as plain text (LibreOffice's fallback, which reads junk as words).
_FILTERS = {"doc": "MS Word 97", "rtf": "Rich Text Format"}


def read_with_libreoffice(path: Path, fmt: str, soffice: str) -> Document:
    """Convert `path` (a .doc or RTF file) to .docx with LibreOffice and read that."""
    from cchc.pipeline.read.docx import read_docx

    label = LABELS.get(fmt, fmt)
    with tempfile.TemporaryDirectory(prefix="cchc-soffice-") as tmp:
        work = Path(tmp)
        source = work / f"input.{fmt}"
        shutil.copyfile(path, source)
        outdir = work / "out"
        args = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            f"--infilter={_FILTERS[fmt]}", "--convert-to", "docx", "--outdir", str(outdir), str(source),
        ]
        env = {**os.environ, "HOME": str(work)}
        try:
            done = tools.run(args, timeout=limits.current().tool_timeout, cwd=str(work), env=env)
        except tools.ToolError as e:
            raise ValueError(f"{label} file: LibreOffice could not convert it: {e}") from None
        converted = outdir / "input.docx"
        if not converted.is_file():
            said = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
            detail = said[-1] if said else f"exit status {done.returncode}, no output"
            raise ValueError(f"{label} file: LibreOffice could not convert it ({detail}); "
                             "the file may be damaged: open it in Word or LibreOffice and save it as .docx")
        doc = read_docx(converted)
    doc.source_path = str(path)
    doc.format = fmt
    doc.warnings.insert(0, f"{label} file converted to .docx by LibreOffice")
    return doc
