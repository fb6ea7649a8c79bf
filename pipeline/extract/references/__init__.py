"""Cited documents: one row per mention of a numbered document.

The grammar is data (grammar.py reads it from the pattern files).  A mention
is read from its number outwards (reading.py): the codes of the number say
its type, issuer and unit (codes.py); the mentions around it close its
summary and lend it a list's type word or date (neighbours.py); and the
rows of the table keep where it is in the report (rows.py).
"""

from cchc.pipeline.extract.references import examples  # noqa: F401  (registers the example checkers)
from cchc.pipeline.extract.references.grammar import DocType, doc_type_of_code
from cchc.pipeline.extract.references.rows import Reference, find_references, references_in_text

__all__ = ["DocType", "Reference", "doc_type_of_code", "find_references", "references_in_text"]
