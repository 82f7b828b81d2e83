"""Split prose into sentences with their offsets.

Several steps ask "which sentence is this in?" (a page reference, a
conclusion, a negation).  Letters abbreviate freely ("p. 24", "Dr. Smith",
"e.g.", "No. 3"), so a period ends a sentence only when an upper-case letter,
a digit or a quote follows and the word before it is not a known abbreviation.
"""

from __future__ import annotations

import bisect
from functools import lru_cache

from checker.text import language
from checker.text.stored_patterns import compile_pattern

#: The word a period ends, at the end of a short piece of text ("Dr." of "... seen by Dr.").
_LAST_WORD = compile_pattern(r"(?:^|[\s(])([A-Za-z][A-Za-z.]*)\.$")
#: Where one sentence ends and the next begins: after a period, "!" or "?" and the closing quotes or
#: brackets that belong to its sentence, white space before a capital, a digit or an opening quote
#: (group 1); or a run of line breaks (the whole match).  The same boundaries as
#: ``(?<=[.!?])["'\u201d\u2019)]*(\s+)(?=["'\u201c\u2018(]?[A-Z0-9])|\n+``, written to start with the
#: character a boundary follows or starts with: the engine then skips from one of them to the next
#: in C, where the lookbehind made it try every place of the text (six times as slow).
_BOUNDARY = compile_pattern(r"[\n.!?](?:(?<=[.!?])[\"'\u201d\u2019)]*(\s+)(?=[\"'\u201c\u2018(]?[A-Z0-9])|(?<=\n)\n*)")


@lru_cache(maxsize=1)
def _month_abbreviations() -> frozenset[str]:
    """Short month names (``dates.months`` past each month's full name): "Sept. 9, 2014" goes on after the period."""
    return frozenset(name.lower() for names in language.groups("dates.months") for name in names[1:])


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    """Words whose period does not end a sentence: ``sentences.abbreviations`` and every title ("Dr.")."""
    titles = {
        t.lower().rstrip(".") for group in language.section("people.titles") for t in language.phrases(f"people.titles.{group}")
    }
    return language.words("sentences.abbreviations") | titles


@lru_cache(maxsize=512)
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """[start, end) of each sentence of ``text``, leading/trailing spaces excluded (cached: texts repeat)."""
    spans = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        boundary = m.start(1) if m.group(1) is not None else m.start()  # after the period and its quotes, or the first line break
        if "\n" not in m.group() and _after_abbreviation(text, boundary, text[m.end() : m.end() + 1]):
            continue
        _append(spans, text, start, boundary)
        start = m.end()
    _append(spans, text, start, len(text))
    return tuple(spans)


def sentence_at(text: str, offset: int) -> tuple[int, int]:
    """The [start, end) of the sentence that contains ``offset``; the whole text between sentences.

    Sentences are sorted and never overlap, so only the last one starting at
    or before ``offset`` can hold it: found by bisection, since callers ask
    once per drug or page mention and a long text has many of both.
    """
    spans = sentence_spans(text)
    index = bisect.bisect_right(_sentence_starts(text), offset) - 1
    if index >= 0 and offset < spans[index][1]:
        return spans[index]
    return 0, len(text)


@lru_cache(maxsize=512)
def _sentence_starts(text: str) -> tuple[int, ...]:
    return tuple(start for start, _ in sentence_spans(text))


def _after_abbreviation(text: str, boundary: int, following: str = "") -> bool:
    """Is the period just before ``boundary`` the end of an abbreviation?

    A short month name is one only before a number ("Sept. 9, 2014", "Jan. 2012"): "seen in Dec. The
    MRI ..." ends its sentence.  ``following`` is the character the next sentence would start with.
    """
    head = text[max(0, boundary - 16) : boundary].rstrip("\"'\u201d\u2019)")
    word = _LAST_WORD.search(head)
    if not word:
        return False
    key = word.group(1).lower().rstrip(".")
    return key in _abbreviations() or (following.isdigit() and key in _month_abbreviations())


def _append(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
