"""cchc: Vietnamese administrative-reform reports in, comparable tables out.

The library is plain functions over plain data; `flows/` orchestrates it and
`cchc/` is its command line.
"""

__version__ = "0.2.0"
