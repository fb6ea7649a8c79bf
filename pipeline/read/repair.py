"""Half-downloaded PDFs: give pdfium a trailer to rebuild the file from.

A PDF cut short loses its end: the cross-reference table and the trailer
that names the document catalog.  pdfium rebuilds a lost table by scanning
the objects, but it still needs the catalog's number from a trailer.  The
catalog usually stands early in the file, so it is looked for, and a trailer
naming it is appended to a copy in memory: the pages whose objects survived
then open, and the rest come out empty.
"""

from __future__ import annotations

from pathlib import Path

from cchc.pipeline.patterns import compile_pattern

_CATALOG = compile_pattern(rb"/Type\s*/Catalog\b")
_OBJ = compile_pattern(rb"(\d{1,10})\s+(\d{1,5})\s+obj\b")


def with_trailer(path: Path) -> bytes | None:
    """The file's bytes with a trailer naming its catalog, or None when no
    catalog can be found (a compressed object stream, or cut before it)."""
    data = Path(path).read_bytes()
    for m in _CATALOG.finditer(data):
        objects = list(_OBJ.finditer(data, max(0, m.start() - 4096), m.start()))
        if objects:
            number, generation = objects[-1].groups()
            return data + b"\ntrailer\n<< /Root " + number + b" " + generation + b" R >>\n%%EOF\n"
    return None
