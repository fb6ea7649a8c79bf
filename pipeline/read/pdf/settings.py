"""The thresholds of the PDF layout rules that put characters on lines
(lines.py) and lines in the page's bands (furniture.py).

Lengths are in points, or shares of the font size where the name says
`_share`: a rule written for 13pt body text then holds for 9pt footers and
16pt titles alike.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LayoutSettings:
    # Characters -> fragments: a run breaks where the baseline moves by more
    # than this, or where the pen jumps back further than `fragment_back`.
    fragment_baseline: float = 0.5
    fragment_back: float = 20.0
    # A fragment is on a line whose baseline is within this share of the
    # font size; smaller print raised by up to `raised_share` of the line's
    # size stays on it too (note markers), if it is under `small_share` of it.
    same_line_share: float = 0.5
    raised_share: float = 0.7
    small_share: float = 0.9
    # A late run belongs to the line on its baseline (within this share)
    # whose extent, give or take one font size, holds it.
    late_run_baseline_share: float = 0.2
    # A letter this share of the font size left of the one before it means
    # the line is not in stream order: it is sorted by position.
    step_back_share: float = 0.25
    # In a sorted line, a blank wider than this share of the font size
    # between one letter's advance and the next letter is a word space.
    word_gap_share: float = 0.1
    # A line is cut into cells at a blank wider than both of these.
    gutter: float = 40.0
    gutter_share: float = 4.0
    # A digit raised above the baseline by more than this share (and at
    # least 1pt) and set smaller is a superscript.
    superscript_rise_share: float = 0.15
    # Running headers and footers live in the top and bottom band of the
    # page, as a share of its height.
    furniture_band: float = 0.10


LAYOUT = LayoutSettings()
