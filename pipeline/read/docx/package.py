"""The Word package: its parts, found through python-docx's package layer.

python-docx opens the zip, reads the content types and resolves every
relationship; this module asks it for the parts the reader needs (the main
document, styles, numbering, footnotes, each section's headers and footers)
and hands their XML to the rest of the reader, which walks it with lxml.

python-docx keeps every part as bytes, and a part's XML is parsed here when
the reader asks for it, with a parser that resolves no entities, loads no
DTD and uses no network.  That parser takes text nodes of any size
(`huge_tree`): a paragraph pasted whole into one <w:t> of 50 MB is read, up
to the run's character cap (`text.TextBudget`), where libxml2's default
limit of 10 MB a node would fail the file.  What bounds the parse is the
zip's size unpacked, checked before any part is loaded (`_check_zip`).
"""

from __future__ import annotations

from pathlib import Path

from docx.opc.package import Unmarshaller
from docx.opc.part import Part
from docx.opc.pkgreader import PackageReader
from docx.package import Package
from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


P, TBL, TR, TC, R, T = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("r"), _w("t")
SDT, SDT_CONTENT, SDT_PR, CUSTOM_XML = _w("sdt"), _w("sdtContent"), _w("sdtPr"), _w("customXml")
RPR, RFONTS = _w("rPr"), _w("rFonts")
PPR, PSTYLE, NUMPR, NUMID, ILVL = _w("pPr"), _w("pStyle"), _w("numPr"), _w("numId"), _w("ilvl")
OUTLINE_LVL, SECT_PR, BODY, VAL = _w("outlineLvl"), _w("sectPr"), _w("body"), _w("val")
_ON = {None, "1", "true", "on"}


def val(el: etree._Element | None, default: str | None = None) -> str | None:
    return default if el is None else el.get(VAL, default)


def to_int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def is_on(el: etree._Element | None) -> bool:
    """A boolean property such as <w:isLgl/>: on when present, unless val says off."""
    return el is not None and el.get(VAL) in _ON


def _part_name(partname: str) -> str:
    return str(partname).lstrip("/")


def _bytes_part(partname, content_type, reltype, blob, package) -> Part:
    """Every part as its bytes: python-docx's parser would refuse a large text
    node, and a part the reader never asks for is never parsed."""
    return Part.load(partname, content_type, blob, package)


def open_package(path: Path) -> Package:
    """The package with all its parts loaded, or a ValueError that says what is wrong."""
    try:
        reader = PackageReader.from_file(str(path))
        package = Package()
        Unmarshaller.unmarshal(reader, package, _bytes_part)
    except etree.XMLSyntaxError as e:
        raise ValueError(f"broken XML in the package's content types or relationships: {e}") from e
    except KeyError as e:
        # A relationship to a part the zip lacks, or a part with no content type.
        raise ValueError(f"{path}: damaged Word package: {e.args[0] if e.args else e}") from e
    return package


def related_part(source: Package | Part, reltype: str) -> Part | None:
    """The part `source` relates to by `reltype`; the first when a damaged
    package names several; None when it names none."""
    try:
        return source.part_related_by(reltype)
    except KeyError:
        return None
    except ValueError:
        return next((rel.target_part for rel in source.rels.values()
                     if rel.reltype == reltype and not rel.is_external), None)  # fmt: skip


def part_xml(part: Part) -> etree._Element:
    """The root element of a part's XML."""
    # One parser per call: lxml parsers must not be shared between threads.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    try:
        return etree.fromstring(part.blob, parser)
    except etree.XMLSyntaxError as e:
        raise ValueError(f"broken XML in {_part_name(part.partname)}: {e}") from e
