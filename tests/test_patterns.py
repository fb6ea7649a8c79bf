"""Every pattern file's examples, run through the code that uses it.

Each file in patterns/ must have a checker registered by the module that
reads it, every entry must carry examples and counter-examples, and every
checker must pass on every entry."""

from __future__ import annotations

import importlib
import pkgutil

# Importing these registers their checkers; every extractor is imported, so
# that a pattern file added with its extractor is checked without a change here.
import pipeline.checks  # noqa: F401
import pipeline.extract
import pipeline.extract.dates  # noqa: F401
import pipeline.extract.references  # noqa: F401
import pipeline.read.legacy  # noqa: F401
import pipeline.structure  # noqa: F401
from pipeline.patterns import EXAMPLE_CHECKERS, entries, pattern_files

for _module in pkgutil.iter_modules(pipeline.extract.__path__):
    importlib.import_module(f"pipeline.extract.{_module.name}")


def test_every_pattern_file_has_checked_examples():
    files = pattern_files()
    assert files, "no pattern files found"
    problems: list[str] = []
    for path in files:
        name = path.stem
        checker = EXAMPLE_CHECKERS.get(name)
        if checker is None:
            problems.append(f"{path.name}: no example checker registered")
            continue
        for i, entry in enumerate(entries(name)):
            label = entry.get("name") or entry.get("code") or entry.get("area") or entry.get("kind") or f"entry {i}"
            if not entry.get("examples"):
                problems.append(f"{path.name}: {label}: no examples")
            if not entry.get("counter_examples"):
                problems.append(f"{path.name}: {label}: no counter_examples")
            problems.extend(f"{path.name}: {message}" for message in checker(entry))
    assert not problems, "\n".join(problems)
