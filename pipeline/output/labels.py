"""Vietnamese words for codes, numbers, dates and periods, for people.

The tables hold codes (`sum_mismatch`, `error`, `tthc`, `ok`), numbers and
dates, which programs read.  What a person reads (the Excel workbook, the
HTML page, what the `cchc` command prints) goes through here:

- `label(group, code)`: the Vietnamese words of a code, from
  `patterns/labels.yaml` (reform areas from `patterns/areas.yaml`, metrics
  from `patterns/metrics.yaml`); an unknown code is shown as it is.
- `vn_number`: 1.234,5 (a dot between thousands, a comma before decimals),
  rounded, so that float noise (4.099999999999998) never shows.
- `vn_date`: a date as precise as the report gave it: 05/09/2023, 09/2023, 2023.
- `period_label`: 2023, 01/2021–08/2023, or 15/12/2022–14/12/2023.
- `vn_message(error)`: what went wrong with a file; `say(key, ...)`: what
  the command says, both from `patterns/messages.yaml`.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from functools import cache

from cchc.pipeline.patterns import entries, example_checker, load

LABELS = "labels"
AREA, METRIC = "area", "metric"


@cache
def labels(group: str) -> dict[str, str]:
    """code → Vietnamese words, for one group of codes."""
    if group == AREA:
        return {e["area"]: e.get("label") or e["area"] for e in entries("areas")}
    if group == METRIC:
        return {e["key"]: e.get("label") or e["key"] for e in entries("metrics")}
    for entry in entries(LABELS):
        if entry["group"] == group:
            return dict(entry["labels"])
    raise KeyError(f"no label group {group!r} in patterns/{LABELS}.yaml")


def groups() -> list[str]:
    return [e["group"] for e in entries(LABELS)] + [AREA, METRIC]


def label(group: str, code) -> str:
    """The words for `code`; the code itself when the group does not know it,
    and "" for a null."""
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return ""
    return labels(group).get(code, str(code))


def label_rows() -> list[tuple[str, str, str]]:
    """Every (group, code, label): the `code_labels` table of `cchc query`."""
    return [(g, code, text) for g in groups() for code, text in labels(g).items()]


@example_checker(LABELS)
def _check_examples(entry: dict) -> list[str]:
    group = entry["group"]
    problems = []
    words = labels(group)
    for ex in entry.get("examples", []):
        shown = label(group, ex["code"])
        if shown != ex["label"]:
            problems.append(f"{group}: {ex['code']!r} is shown as {shown!r}, not {ex['label']!r}")
    for text in entry.get("counter_examples", []):
        if label(group, text) != text:
            problems.append(f"{group}: {text!r} is not a code of the group, yet is shown as {label(group, text)!r}")
    for code, text in words.items():
        if not str(text).strip():
            problems.append(f"{group}: {code!r} has no words")
    if len(set(words.values())) != len(words):
        problems.append(f"{group}: two codes share the same words, so a reader cannot tell them apart")
    return problems


# ------------------------------------------------------------------ numbers


def vn_number(value, percent: bool = False, decimals: int = 2) -> str:
    """A number the Vietnamese way: 4.127 for four thousand, 1.234,5 for a
    decimal, rounded to `decimals` places; "" for a null or a non-number."""
    if value is None or isinstance(value, bool):
        return ""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(value):
        return ""
    value = round(value, decimals)
    if value == int(value):
        text = f"{int(value):,}"
    else:
        text = f"{value:,.{decimals}f}".rstrip("0").rstrip(".")
    text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return text + ("%" if percent else "")


# ------------------------------------------------------------ dates, periods


def vn_date(d: date | datetime | None, precision: str | None = "day") -> str:
    """A date as precise as it was written: 05/09/2023 (day), 09/2023
    (month), 2023 (year)."""
    if d is None:
        return ""
    if precision == "year":
        return f"{d.year}"
    if precision == "month":
        return f"{d.month:02d}/{d.year}"
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _next_day(d: date) -> date:
    return date.fromordinal(d.toordinal() + 1)


def period_label(start: date | None, end: date | None) -> str:
    """A calendar year as its year (2023); whole calendar months as months
    (01/2021–08/2023, 06/2023); any other period day by day
    (15/12/2022–14/12/2023)."""
    if start is None or end is None:
        return f"{vn_date(start)}–{vn_date(end)}" if start or end else ""
    after = _next_day(end)
    if start.day == 1 and after.day == 1:
        if (start.month, after.month, after.year - start.year) == (1, 1, 1):
            return str(start.year)
        if (start.year, start.month) == (end.year, end.month):
            return vn_date(start, "month")
        return f"{vn_date(start, 'month')}–{vn_date(end, 'month')}"
    return f"{vn_date(start)}–{vn_date(end)}"


# ----------------------------------------------------------------- messages

MESSAGES = "messages"


def _message_entry(error: str) -> dict | None:
    lowered = error.lower()
    return next((e for e in entries(MESSAGES) if any(w.lower() in lowered for w in e["contains"])), None)


def vn_message(error: str | None) -> str:
    """What went wrong with a file, said in Vietnamese for a person (from
    patterns/messages.yaml); "" for no error.  The error's own words are
    kept beside it by whoever shows it."""
    if not error:
        return ""
    entry = _message_entry(error)
    return entry["say"] if entry else load(MESSAGES)["fallback"]


def explained(error: str | None) -> str:
    """An error as a person is shown it: the Vietnamese sentence, then the
    first line of the reader's own words for a maintainer; "" for none."""
    if not error:
        return ""
    return f"{vn_message(error)} ({error.splitlines()[0]})"


def say(key: str, **values) -> str:
    """What the `cchc` command says to a person, in Vietnamese: the `cli`
    text of patterns/messages.yaml under `key`, with `{name}` filled from
    `values` (already made safe to print by the caller)."""
    return load(MESSAGES)["cli"][key].format(**values)


def said_keys() -> set[str]:
    return set(load(MESSAGES)["cli"])


@example_checker(MESSAGES)
def _check_messages(entry: dict) -> list[str]:
    problems = []
    for text in entry["examples"]:
        found = _message_entry(text)
        if found is not entry:
            problems.append(f"{entry['name']}: {text!r} is read as {found['name'] if found else None!r}")
    for text in entry["counter_examples"]:
        if _message_entry(text) is entry:
            problems.append(f"{entry['name']}: {text!r} must not be this case")
    return problems


# ------------------------------------------------------------------- quotes


def evidence_texts(finding: dict) -> list[str]:
    """The words of every span a finding rests on (a total and each of its
    parts, both citations); its `evidence` alone when it lists no spans."""
    spans = [s.get("text") for s in finding.get("evidence_spans") or [] if isinstance(s, dict)]
    return [t for t in spans if t] or ([finding["evidence"]] if finding.get("evidence") else [])


def evidence_marks(sentence: str, pieces: list[str]) -> list[tuple[int, int]]:
    """Where each piece of evidence stands in the sentence, in order, each
    found after the one before where it can be, none overlapping another;
    a piece not in the sentence is left out."""
    marked: list[tuple[int, int]] = []
    after = 0
    for piece in pieces:
        clashes = lambda at: any(a < at + len(piece) and at < b for a, b in marked)  # noqa: E731
        at = sentence.find(piece, after)
        while at >= 0 and clashes(at):
            at = sentence.find(piece, at + 1)
        if at < 0:
            at = sentence.find(piece)
            if at < 0 or clashes(at):
                continue
        marked.append((at, at + len(piece)))
        after = at + len(piece)
    return sorted(marked)


# Excel allows sheet names of at most 31 characters.
SHEET_NAME_MAX = 31


def sheet_name(table: str) -> str:
    """The table's Vietnamese name as a valid sheet name (at most 31
    characters, none of []:*?/\\)."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in label("table", table))
    return cleaned[:SHEET_NAME_MAX]
