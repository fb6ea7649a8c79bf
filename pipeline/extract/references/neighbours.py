"""What a mention learns from the mentions around it: where its summary
stops, the type word of the list it continues, the date it shares.

Without a type word of its own, a number that continues a list ("Kế hoạch
số 41/KH-SNgV …; số 70/KH-SNgV") takes the list's type word when it has no
type code of its own.
"""

from __future__ import annotations

from cchc.pipeline.extract.references.grammar import doc_type_of_code, grammar
from cchc.pipeline.extract.references.reading import Mention, find_numbers, read_number
from cchc.pipeline.patterns import IGNORECASE, compile_pattern
from cchc.pipeline.text.sentences import SENTENCE_BREAK, SentenceIndex, enclosed_clause_end

_TRAILING = " \t\n.;,:…"


def _close_subjects(text: str, mentions: list[Mention], sentences: SentenceIndex) -> None:
    g = grammar()
    for i, mention in enumerate(mentions):
        if mention.subject_span is None:
            continue
        s = mention.subject_span[0]
        sentence_start, sentence_end = sentences.span_at(s)
        e = enclosed_clause_end(text, s, sentence_end)
        if m := g.subject_end.search(text, s, e):
            e = m.start()
        if g.adverbial_opener.match(text, sentence_start) and (m := g.main_clause.search(text, s, e)):
            e = m.start()
        # The first document inside the summary is a sibling when a list
        # connector leads to it (", Kế hoạch số 31/…"): the summary stops there.
        # Otherwise it is part of the summary ("triển khai Chỉ thị số 05/…").
        if i + 1 < len(mentions) and s < mentions[i + 1].start < e:
            nxt = mentions[i + 1].start
            if c := g.list_connector.search(text, s, nxt):
                e = c.start()
        while e > s and text[e - 1] in _TRAILING:
            e -= 1
        if e > s:
            mention.subject_span = (s, e)
            mention.subject = " ".join(text[s:e].split())
        else:
            mention.subject_span = None


def _share_list_words(text: str, mentions: list[Mention]) -> None:
    """"Kế hoạch số 41/KH-SNgV …; số 70/KH-SNgV …": the second shares the
    first's type word.  The first is the nearest earlier mention not nested in
    another's summary, with no sentence break between them."""
    g = grammar()
    top: list[Mention] = []
    for mention in mentions:
        nested = any(o.subject_span and o.subject_span[0] <= mention.start < o.subject_span[1] for o in top[-3:])
        if (
            mention.word_name is None
            and doc_type_of_code(mention.type_code) is None
            and top
            and g.list_connector.search(text, max(0, mention.start - 12), mention.start)
        ):
            head = top[-1]
            if head.word_name and not SENTENCE_BREAK.search(text, head.end, mention.start):
                mention.word_name = head.word_name
                mention.doc_type = head.word_name
        if not nested:
            top.append(mention)


# Between two coordinated numbers that share a date: ", ", " và ", ", số ".
_COORDINATED_NUMBERS = compile_pattern(r"\s*(?:[,;]\s*)?(?:(?:và|hoặc)\s+)?", IGNORECASE)
_SAME_DAY = compile_pattern(r"\bcùng\s+ngày", IGNORECASE)


def _share_dates(text: str, mentions: list[Mention]) -> None:
    """"số A và số B cùng ngày D", "các Kế hoạch số A, số B ngày D", "số A,
    B, C ngày D": the date written after the last number belongs to every
    number of the list before it that has no date of its own.  A number
    with a type word of its own ("Kế hoạch số A và Quyết định số B ngày D")
    starts another list, unless the date says "cùng ngày"."""
    waiting: list[Mention] = []
    for mention in mentions:
        own_word = not (text[mention.start].isdigit() or text.startswith(("số", "Số"), mention.start))
        shared = mention.date_text is not None and _SAME_DAY.search(text, max(0, mention.number_end), mention.end)
        if waiting and (
            not _COORDINATED_NUMBERS.fullmatch(text, waiting[-1].end, mention.start) or (own_word and not shared)
        ):
            waiting = []
        if mention.date_text is not None:
            for earlier in waiting:
                earlier.date_text, earlier.date_value = mention.date_text, mention.date_value
            waiting = []
        elif mention.subject_span is None and mention.issuer_text is None:
            waiting.append(mention)
        else:
            waiting = []


def scan(text: str, sentences: SentenceIndex | None = None) -> list[Mention]:
    """Every reference mention in `text`, in order, fully read."""
    sentences = sentences or SentenceIndex.of(text)
    mentions = [m for form, match in find_numbers(text) if (m := read_number(text, form, match))]
    _close_subjects(text, mentions, sentences)
    _share_list_words(text, mentions)
    _share_dates(text, mentions)
    return mentions

