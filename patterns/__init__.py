"""The pattern files, installed as the package data `cchc.patterns` (see
setup.py): this file only makes the folder a package that
importlib.resources can find.  The patterns themselves are the YAML files."""
