"""Load the pattern files in `patterns/`.

Patterns are data an analyst can edit without touching Python: each YAML file
holds `entries`, and each entry carries `examples` (text it must match, with
what it must give) and `counter_examples` (text it must leave alone).  The
module that uses a file registers a checker for its examples, and one test
runs every checker over every file.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable

import yaml



def _patterns_dir() -> Path:
    """The pattern files: `$CCHC_PATTERNS` when set, else the package data
    `cchc.patterns` (the folder `patterns/`, installed under that name by
    setup.py, in a wheel as in an editable install)."""
    if "CCHC_PATTERNS" in os.environ:
        return Path(os.environ["CCHC_PATTERNS"])
    return Path(str(resources.files("cchc.patterns")))


PATTERNS_DIR = _patterns_dir()

# libyaml's loader is an order of magnitude faster, where it is built in.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# file stem -> function(entry) -> list of failure messages
ExampleChecker = Callable[[dict[str, Any]], list[str]]
EXAMPLE_CHECKERS: dict[str, ExampleChecker] = {}


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed pattern file `patterns/<name>.yaml`."""
    path = PATTERNS_DIR / f"{name}.yaml"
    with open(path, encoding="utf-8") as f:
        data = yaml.load(f, Loader=_LOADER)
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise ValueError(f"{path}: a pattern file needs a list of `entries`")
    return data


def entries(name: str) -> list[dict[str, Any]]:
    return load(name)["entries"]


def example_checker(name: str) -> Callable[[ExampleChecker], ExampleChecker]:
    """Register the function that checks one entry's examples of `name`.yaml."""

    def register(fn: ExampleChecker) -> ExampleChecker:
        EXAMPLE_CHECKERS[name] = fn
        return fn

    return register


def pattern_files() -> list[Path]:
    return sorted(PATTERNS_DIR.glob("*.yaml"))
