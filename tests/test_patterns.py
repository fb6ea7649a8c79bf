"""Every pattern file's examples, run through the code that uses it, one
test per entry, so that a failure names its file and its entry.

Each file in patterns/ must follow its schema (patterns/schemas/), have a
checker registered by the module that reads it, and every entry must carry
examples and counter-examples that its checker passes.  Top-level word lists
carry examples too (`word_lists`), run through the figures extractor."""

from __future__ import annotations

import importlib
import pkgutil
import shutil

import pytest

# Importing these registers their checkers; every extractor is imported, so
# that a pattern file added with its extractor is checked without a change here.
import cchc.pipeline
import cchc.pipeline.checks  # noqa: F401
import cchc.pipeline.output.labels  # noqa: F401
import cchc.pipeline.read.legacy  # noqa: F401
from cchc.pipeline.extract.counts.examples import counts_in_text
from cchc.pipeline.patterns import (
    EXAMPLE_CHECKERS,
    PatternFileError,
    entries,
    entry_label,
    load,
    load_file,
    pattern_files,
    schema_path,
)

for _module in pkgutil.walk_packages(cchc.pipeline.__path__, "cchc.pipeline."):
    if _module.name.split(".")[2] in ("text", "outline", "extract"):
        importlib.import_module(_module.name)


def _cases(items):
    """Test cases from a function of a file; a file its schema rejects is a
    failing case of its own, with the schema's message."""
    cases = []
    for path in pattern_files():
        try:
            cases.extend(items(path))
        except PatternFileError as e:
            cases.append(pytest.param(path.stem, e, id=f"{path.name}:schema"))
    return cases


def _entries(path):
    return [
        pytest.param(path.stem, i, id=f"{path.name}:{entry_label(entry) or f'entry {i}'}")
        for i, entry in enumerate(entries(path.stem))
    ]


def _word_lists(path):
    return [pytest.param(path.stem, name, id=f"{path.name}:{name}") for name in load(path.stem).get("word_lists", {})]


def test_every_pattern_file_has_a_schema_and_a_checker():
    files = pattern_files()
    assert files, "no pattern files found"
    missing = [f"{p.name}: no schema {schema_path(p)}" for p in files if not schema_path(p).exists()]
    missing += [f"{p.name}: no example checker registered" for p in files if p.stem not in EXAMPLE_CHECKERS]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("name, index", _cases(_entries))
def test_pattern_entry(name, index):
    if isinstance(index, PatternFileError):
        pytest.fail(str(index))
    entry = entries(name)[index]
    problems = []
    if not entry.get("examples"):
        problems.append("no examples")
    if not entry.get("counter_examples"):
        problems.append("no counter_examples")
    problems.extend(EXAMPLE_CHECKERS[name](entry))
    label = entry_label(entry) or f"entry {index}"
    assert not problems, f"patterns/{name}.yaml: {label}:\n" + "\n".join(problems)


def _figure_problem(example: dict) -> str | None:
    """What is wrong with the figure a text gives, if anything."""
    got = counts_in_text(example["text"])
    match = [
        c for c in got
        if abs(c.value - example["value"]) < 1e-9 and c.unit == example.get("unit", c.unit)
    ]  # fmt: skip
    if not match:
        return f"{example['text']!r} should give {example['value']} {example.get('unit', '')}, got " + str(
            [(c.value, c.unit) for c in got]
        )
    figure = match[0]
    if "subject" in example and figure.subject != example["subject"]:
        return f"{example['text']!r}: subject {figure.subject!r}, want {example['subject']!r}"
    if "own_period" in example and (figure.period_source != "report") != example["own_period"]:
        return f"{example['text']!r}: {figure.value_text} has period {figure.period_source!r}, own period wanted: {example['own_period']}"
    if "part_of" in example:
        total = next((c.value for c in got if c.idx == figure.parent_idx), None)
        if total != example["part_of"]:
            return f"{example['text']!r}: {figure.value_text} is a part of {total}, want {example['part_of']}"
    return None


@pytest.mark.parametrize("name, word_list", _cases(_word_lists))
def test_word_list_examples(name, word_list):
    if isinstance(word_list, PatternFileError):
        pytest.fail(str(word_list))
    shown = load(name)["word_lists"][word_list]
    problems = [
        f"{kind}: {problem}"
        for kind in ("examples", "counter_examples")
        for problem in map(_figure_problem, shown[kind])
        if problem
    ]
    assert not problems, f"patterns/{name}.yaml: {word_list}:\n" + "\n".join(problems)


def test_every_top_level_word_list_has_examples():
    problems = []
    for path in pattern_files():
        data = load(path.stem)
        shown = data.get("word_lists", {})
        for key, value in data.items():
            if key not in ("entries", "word_lists") and isinstance(value, list) and key not in shown:
                problems.append(f"{path.name}: {key}: no examples under word_lists")
    assert not problems, "\n".join(problems)


# --- the schema check itself --------------------------------------------------------


@pytest.fixture
def patterns_copy(tmp_path):
    """A copy of the pattern folder to break."""
    source = pattern_files()[0].parent
    shutil.copytree(source, tmp_path / "patterns")
    return tmp_path / "patterns"


def test_a_misspelt_key_is_named_with_its_file_and_entry(patterns_copy):
    path = patterns_copy / "issuers.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("{code: BNV, name: Bộ Nội vụ, level: central,", "{code: BNV, nam: Bộ Nội vụ, level: central,"),
                    encoding="utf-8")
    with pytest.raises(PatternFileError) as caught:
        load_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: does not follow {patterns_copy / 'schemas' / 'issuers.yaml'}")
    assert "entries[3] (code: BNV): 'name' is a required property" in message
    assert "entries[3] (code: BNV): Additional properties are not allowed ('nam' was unexpected)" in message


def test_a_wrong_type_deep_in_an_entry_is_named_with_its_path(patterns_copy):
    path = patterns_copy / "units.yaml"
    text = path.read_text(encoding="utf-8")
    broken = text.replace("phrase_breaks: [trong,", "phrase_breaks: [12,", 1)
    assert broken != text
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(PatternFileError, match=r"phrase_breaks\[0\]: 12 is not of type 'string'"):
        load_file(path)


def test_a_file_without_a_schema_is_refused(patterns_copy):
    path = patterns_copy / "signers.yaml"
    path.write_text("entries:\n  - {role: Giám đốc, examples: [GIÁM ĐỐC], counter_examples: [Phó]}\n", encoding="utf-8")
    with pytest.raises(PatternFileError, match="no schema declared for this pattern file: write .*schemas/signers.yaml"):
        load_file(path)


# --- the regex dialect ----------------------------------------------------------------


def test_the_dialect_has_unicode_classes_and_named_lists():
    from cchc.pipeline.patterns import IGNORECASE, compile_pattern

    capitals = compile_pattern(r"\b\p{Lu}\p{L}*")
    assert capitals.findall("Sở Ngoại vụ tỉnh Hà Tĩnh, ĐẮK LẮK") == ["Sở", "Ngoại", "Hà", "Tĩnh", "ĐẮK", "LẮK"]
    markers = next(e["words"] for e in entries("breakdowns") if e["role"] == "opens_parts")
    opens_parts = compile_pattern(r"(?<!\w)\L<markers>(?!\w)", IGNORECASE, markers=markers)
    # The longer word of the list wins where two start at one place.
    assert opens_parts.search("Có 24 máy tính, trong số đó 14 máy tính để bàn").group() == "trong số đó"
    assert opens_parts.search("Trong tháng, Sở tiếp nhận 20 hồ sơ") is None


def test_a_pattern_that_runs_away_gives_up_and_says_which():
    from cchc.pipeline.patterns import PatternTimeout, compile_pattern

    # Nested quantifiers over the same letter: exponential backtracking.
    runaway = compile_pattern(r"(?:x+x+)+y", timeout=0.05)
    with pytest.raises(PatternTimeout, match=r"the pattern '\(\?:x\+x\+\)\+y' gave up after 0.05 s on a text of 3,000"):
        runaway.search("x" * 3000)
    with pytest.raises(PatternTimeout):
        list(runaway.finditer("x" * 3000))


def test_a_window_longer_than_the_untimed_one_is_timed():
    """Only a call confined to a short window runs without a timer: the
    window counts, not the text around it."""
    from cchc.pipeline.patterns import UNTIMED_WINDOW, PatternTimeout, compile_pattern

    runaway = compile_pattern(r"(?:x+x+)+y", timeout=0.05)
    text = "a" * 10 + "x" * (UNTIMED_WINDOW + 1) + "a" * 10_000
    with pytest.raises(PatternTimeout):
        runaway.search(text, 10, 11 + UNTIMED_WINDOW)
    with pytest.raises(PatternTimeout):
        # Without an end, the window runs to the end of the text.
        runaway.match("a" * (len(text) - 3000) + "x" * 3000, len(text) - 3000)
    with pytest.raises(PatternTimeout):
        list(runaway.finditer(text, 10, 11 + UNTIMED_WINDOW))
