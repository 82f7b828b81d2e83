"""Step 2: turn PDF-extracted letter text into one paragraph per line.

Real letters are text pulled out of PDFs.  That text has a blank line after
every line, lines wrapped at about 95 characters (item headings included),
words hyphenated across breaks, running page headers and footers ("Page 2 of
4", the case number) dropped into the middle of paragraphs, form feeds and odd
whitespace.  The grammar wants clean paragraphs, but every finding must still
point at the original file.  So we build the normalised text piece by
piece and record, for each character, the offset it came from (as runs of
characters that come from consecutive offsets).

The decisions, in order:

1. Split the source into physical lines; classify each as blank, page
   furniture (running header/footer) or content.
2. Decide whether the text is "double spaced" (a blank line after every line):
   then a single blank line is an extraction artefact and only a run of two or
   more marks a paragraph break.
3. Between two content lines, join them into one paragraph when the first was
   soft-wrapped: it is nearly as wide as the page, the next line is not the
   start of a heading or labelled line (the grammar's structural terminals say
   which), and no paragraph break lies between.  Page furniture between two
   lines joins them when the sentence obviously runs on.
4. Re-join words hyphenated across a break, collapse runs of spaces.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from typing import Callable

from checker.model import Span
from checker.input.source import SourceText
from checker.text import language
from checker.text.stored_patterns import compile_pattern

# Running page furniture.  A page number line, or a line made only of case
# numbers, page numbers and the labels that go with them.  The words are
# language data (``rules/language/furniture.yaml``); the patterns here say how
# they combine.


def _alt(key: str) -> str:
    return language.alternation(key)


def _page_words() -> str:
    """A page number in words: "Page 3", "Page 3 of 7"."""
    page, of = _alt("furniture.page_number.page"), _alt("furniture.page_number.of")
    return rf"\b{page}\s+\d+(?:\s+{of}\s+\d+)?\b"


def _pages_alone() -> tuple[str, str]:
    """A line that is a page number alone: "- 3 -", "3 of 7" (each matched at the line's start)."""
    return r"\s*-\s*\d+\s*-\s*$", rf"\s*\d+\s+{_alt('furniture.page_number.of')}\s+\d+\s*$"


def _page_phrase() -> str:
    """A page number ("Page 3", "Page 3 of 7"), or a line that is one alone ("- 3 -", "3 of 7")."""
    return "|".join([_page_words(), *(f"^{alone}" for alone in _pages_alone())])


def _case_label(kind: str) -> str:
    """An optional program name, the word "case", then ``kind`` with no space needed before it ("CaseNumber")."""
    return rf"(?:{_alt('furniture.case_label.program')}\s+)?{_alt('furniture.case_label.case')}\s*{kind}"


def _furniture_labels() -> str:
    """Every word of a running header or footer that is not a page or case number, and its punctuation."""
    kinds = language.phrase_alternation(
        [*language.phrases("furniture.case_label.kinds"), *language.phrases("furniture.case_label.signs")]
    )
    organisation = rf"{_alt('furniture.organisation.names')}(?:,?\s*{_alt('furniture.organisation.legal_forms')})?"
    return rf"{_case_label(kinds + '?')}\s*:?|{_alt('furniture.labels')}|{organisation}|{_FURNITURE_PUNCTUATION}"


#: Punctuation between the parts of a running header or footer ("Page 2 of 4 | CM15-...").
_FURNITURE_PUNCTUATION = r"[|:\-\u2013\u2014\u00b7,./]"
_PAGE_PHRASE = language.lazy(_page_phrase, re.I)
#: Its two halves, for telling whether a line holds one: searched as one pattern, its line-start
#: alternatives were tried at every place of the line (half as fast).
_PAGE_WORDS = language.lazy(_page_words, re.I)
_PAGE_ALONE = language.lazy(lambda: "|".join(_pages_alone()), re.I)
_CASE_NUMBER = language.lazy(lambda: rf"\b{_alt('furniture.case_number.prefixes')}\d{{2}}-\d{{4,8}}\b", re.I)
_FURNITURE_LABELS = language.lazy(_furniture_labels, re.I)
#: "Case Number: CM15-..." spelt out, a header field the first time ("Case #" never is).
_LABELLED_CASE = language.lazy(lambda: rf"^\s*{_case_label(_alt('furniture.case_label.kinds'))}\s*:", re.I)
#: The tool's own marker (``imr-check: ignore ...``), not letter language.
_SUPPRESSION = compile_pattern(r"^imr-check\s*:\s*ignore\b", re.I)

_TERMINAL_PUNCT = (".", "!", "?", ":", ";")
_WORDS = compile_pattern(r"[^ ]+")
_WS_CHARS = "\t\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
#: Control characters that are no line break (NUL to backspace, vertical tab, shift out to unit separator, DEL).
_CONTROL_CHARS = "".join(map(chr, [*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F]))
#: Odd white space and control characters, each to one space: one ``str.translate`` (a regex
#: substitution after it took longer than the translation itself).
_SPACE_TABLE = {ord(c): " " for c in _WS_CHARS + _CONTROL_CHARS}

#: A paragraph never starts inside these: list items and bullets begin a line.
_LIST_START = compile_pattern(r"^\s*(?:\d{1,2}[.)]\s+[A-Z(]|[-\u2022*\u25cf]\s+\S)")

#: A line ending in part of a word and a hyphen ("medi-").
_SPLIT_WORD = compile_pattern(r"(?<![\s-])[A-Za-z]{2,}-$")
#: The letters and digits before a hyphen that ends a line ("medi-"), matched on the reversed line.
_HYPHENATED_REVERSED = compile_pattern(r"-([A-Za-z0-9]+)")

#: Soft-wrap test: the line plus the next word would exceed this share of the width.
_WRAP_FILL = 0.86
#: A line shorter than this that ends in a colon is a label (or a salutation), never the rest of a sentence.
_LABEL_MAX = 40
#: A document whose lines are this wide was never hard-wrapped.
_UNWRAPPED_WIDTH = 150


@dataclass
class _Line:
    start: int  # offset of the first character in the source text
    text: str  # the line with whitespace oddities replaced, same length
    kind: str = "content"  # content | blank | furniture


@dataclass
class NormalText:
    """Normalised text plus the map from each character back to the source.

    The map is kept as runs: normalised characters ``starts[i]`` onwards come
    from source offsets ``origins[i]`` onwards, one for one, up to the next
    run.  A letter has a few hundred runs (one per joined line, hyphen or
    squeezed space) against thousands of characters.
    """

    text: str
    starts: array
    origins: array
    source: SourceText

    def offset(self, index: int) -> int:
        """Source offset of normalised character ``index``."""
        if not self.text:
            return 0
        index = max(0, min(index, len(self.text) - 1))
        run = bisect_right(self.starts, index) - 1
        return self.origins[run] + index - self.starts[run]

    def span(self, start: int, end: int) -> Span:
        """Map the normalised range [start, end) to a Span in the original file.

        The two ends are mapped as :meth:`offset` maps them, written out here:
        a letter's every item, citation and header field asks for a span.
        """
        if end <= start:
            end = start + 1
        size = len(self.text)
        if not size:
            return self.source.span(0, 0)
        starts, origins = self.starts, self.origins
        start = max(0, min(start, size - 1))
        end = max(0, min(end - 1, size - 1))
        run = bisect_right(starts, start) - 1
        end_run = bisect_right(starts, end) - 1
        return self.source.span(origins[run] + start - starts[run], origins[end_run] + end - starts[end_run])


class _Builder:
    """Accumulates normalised text and its origin map (as runs, see :class:`NormalText`)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.starts = array("l")
        self.origins = array("l")
        self.length = 0  # characters written
        self.next_origin = -1  # the source offset that would continue the last run
        self.last_char = "\n"

    def _map(self, start: int, count: int) -> None:
        """The next ``count`` characters come from source offsets ``start`` onwards."""
        if start != self.next_origin or not self.length:
            self.starts.append(self.length)
            self.origins.append(start)
        self.length += count
        self.next_origin = start + count

    def _unmap_last(self) -> None:
        """Forget the last character's origin."""
        self.length -= 1
        if self.starts[-1] == self.length:
            self.starts.pop()
            self.origins.pop()
        self.next_origin = self.origins[-1] + self.length - self.starts[-1] if self.starts else -1

    def add(self, text: str, start: int) -> None:
        """Append source text that begins at source offset ``start``, squeezing spaces."""
        if "  " not in text and not text.startswith(" "):
            if text:
                self.parts.append(text)
                self._map(start, len(text))
                self.last_char = text[-1]
            return
        for m in _WORDS.finditer(text):
            if m.start() > 0 and self.last_char not in (" ", "\n"):
                self.parts.append(" ")
                self._map(start + m.start() - 1, 1)
            self.parts.append(m.group())
            self._map(start + m.start(), m.end() - m.start())
            self.last_char = m.group()[-1]

    def add_synthetic(self, ch: str, at: int) -> None:
        """Append a character that has no source of its own (a joining space)."""
        if ch == " " and self.last_char in (" ", "\n"):
            return
        self.parts.append(ch)
        self._map(at, 1)
        self.last_char = ch

    def drop_last_char(self) -> None:
        """Remove the last character written (a hyphen that joined a split word)."""
        last = self.parts.pop()
        self._unmap_last()
        if len(last) > 1:
            self.parts.append(last[:-1])
        self.last_char = self.parts[-1][-1] if self.parts else "\n"

    def drop_trailing_space(self) -> None:
        while self.parts and self.parts[-1] == " ":
            self.parts.pop()
            self._unmap_last()
        self.last_char = self.parts[-1][-1] if self.parts else "\n"

    def build(self, source: SourceText) -> NormalText:
        return NormalText("".join(self.parts), self.starts, self.origins, source)


def normalise(source: SourceText, classify: Callable[[str], str | None]) -> NormalText:
    """Normalise ``source`` into paragraphs, one per line, each ending in a newline.

    ``classify`` names the structural terminal a line starts with (see
    :meth:`checker.letter.layouts.base.Layout.classify`); such lines always start a new
    paragraph.
    """
    lines = _split_glued_headings(_physical_lines(source), classify)
    _mark_furniture(lines)
    content = [ln for ln in lines if ln.kind == "content"]
    width = _wrap_width(content)
    double = _is_double_spaced(lines)
    vocabulary = _Vocabulary(content)
    kinds = {id(ln): classify(ln.text) for ln in content}

    out = _Builder()
    prev: _Line | None = None
    gap: list[_Line] = []
    for ln in lines:
        if ln.kind != "content":
            gap.append(ln)
            continue
        if prev is not None:
            join = _should_join(prev, ln, kinds[id(prev)], kinds[id(ln)], _gap_kind(gap, double), width)
            if join:
                _join(out, prev, ln, vocabulary)
            else:
                out.drop_trailing_space()
                out.add_synthetic("\n", prev.start + len(prev.text.rstrip()))
        out.add(ln.text.strip(), ln.start + _leading(ln.text))
        prev = ln
        gap = []
    if prev is not None:
        out.drop_trailing_space()
        out.add_synthetic("\n", prev.start + len(prev.text.rstrip()))
    return out.build(source)


def _physical_lines(source: SourceText) -> list[_Line]:
    """The lines of the source (without their breaks: ``\r\n``, ``\r`` or ``\n``) and where each starts.

    The lines are those of the source's line index (``SourceText.line_starts``
    and ``line_lengths``), which every position is reported by: they are not
    found a second time.
    """
    # Odd white space and control characters become spaces first, all at once: each is one
    # character for one, and none is a line break, so the lines and their offsets stay.
    cleaned = source.text.translate(_SPACE_TABLE)
    lines = []
    for start, length in zip(source.line_starts, source.line_lengths):
        body = cleaned[start : start + length]
        lines.append(_Line(start, body, "content" if body.strip() else "blank"))
    if lines[-1].start == len(cleaned):
        lines.pop()  # nothing after the last line break is no line
    return lines


#: Where a heading glued to the end of a sentence may begin ("...appropriate.INDEPENDENT MEDICAL ...").
_SENTENCE_END = compile_pattern(r"[.!?:;)](?=\s*[A-Z])\s*")
#: A glued heading is short; longer tails are prose.
_GLUED_HEADING_MAX = 120


def _split_glued_headings(lines: list[_Line], classify: Callable[[str], str | None]) -> list[_Line]:
    """Split a line whose tail, after a sentence's end, is a heading of the letter's layout.

    PDF extraction sometimes glues a heading to the end of the previous
    sentence's line ("... the UR denial. Case Summary:").  Only headings and
    banners (terminals ending in _HEAD or _BANNER) are split off, and only
    when the whole tail is the heading.
    """
    out: list[_Line] = []
    for ln in lines:
        out.append(ln)
        if ln.kind != "content" or len(ln.text) < 8:
            continue
        # Lengths come from offsets, not slices: a long line of short sentences
        # would otherwise copy its rest once per sentence (quadratic).
        content_end = len(ln.text.rstrip())
        indent = _leading(ln.text)
        for m in _SENTENCE_END.finditer(ln.text, 0, len(ln.text) - 3):
            # The match ends at the capital that starts the tail, so the tail's stripped length is:
            if content_end - m.end() > _GLUED_HEADING_MAX or m.start() <= indent:
                continue
            tail = ln.text[m.end() :]
            kind = classify(tail)
            if kind is not None and kind.endswith(("_HEAD", "_BANNER")):
                out[-1] = _Line(ln.start, ln.text[: m.start() + 1])  # up to and with the punctuation
                out.append(_Line(ln.start + m.end(), tail))
                break
    return out


def _leading(text: str) -> int:
    return len(text) - len(text.lstrip())


def _mark_furniture(lines: list[_Line]) -> None:
    """Mark running headers/footers (page numbers, repeated case numbers) and
    suppression markers (``imr-check: ignore ...``), none of which is letter text."""
    seen_labelled: set[str] = set()
    for ln in lines:
        if ln.kind != "content":
            continue
        text = ln.text.strip()
        if _SUPPRESSION.match(text):
            ln.kind = "blank"  # a paragraph break, never content
            continue
        if len(text) > 120 or not _DIGIT.search(text):  # a page or case number has digits
            continue
        has_page = _PAGE_ALONE.match(text) is not None or _PAGE_WORDS.search(text) is not None
        has_case = bool(_CASE_NUMBER.search(text))
        if not (has_page or has_case):
            continue
        rest = _FURNITURE_LABELS.sub(" ", _CASE_NUMBER.sub(" ", _PAGE_PHRASE.sub(" ", text)))
        if rest.strip():
            continue
        if has_case and not has_page and _LABELLED_CASE.match(text):
            # "Case Number: CM15-..." is a header field the first time.
            key = _CASE_NUMBER.search(text).group().upper()
            if key not in seen_labelled:
                seen_labelled.add(key)
                continue
        ln.kind = "furniture"


#: Every page number and case number pattern above holds a ``\d``: a line without one is not furniture.
_DIGIT = compile_pattern(r"\d")
_UPPER = compile_pattern(r"[A-Z]")


def _visual_width(text: str) -> float:
    """Approximate printed width: capitals (A to Z) are wider in proportional fonts.

    Every line is measured, some twice: an ASCII line's capitals are counted
    by deleting them from its bytes (in C, several times faster than finding them).
    """
    if text.isascii():
        capitals = len(text) - len(text.encode("ascii").translate(None, _CAPITAL_BYTES))
    else:
        capitals = len(_UPPER.findall(text))
    return len(text) + 0.25 * capitals


_CAPITAL_BYTES = bytes(range(ord("A"), ord("Z") + 1))


def _wrap_width(content: list[_Line]) -> float:
    widths = sorted(_visual_width(ln.text.rstrip()) for ln in content)
    if not widths:
        return 0.0
    return widths[int(0.9 * (len(widths) - 1))] if len(widths) >= 10 else widths[-1]


def _is_double_spaced(lines: list[_Line]) -> bool:
    """True when most content lines are followed by exactly one blank line."""
    content = followed = 0
    for i, ln in enumerate(lines[:-1]):
        if ln.kind != "content":
            continue
        content += 1
        if lines[i + 1].kind == "blank" and (i + 2 >= len(lines) or lines[i + 2].kind != "blank"):
            followed += 1
    return content >= 4 and followed / content > 0.6


class _Vocabulary:
    """The letter's word counts (:func:`_vocabulary`), counted when a word split across lines first needs them."""

    def __init__(self, content: list[_Line]) -> None:
        self._content = content
        self._counts: Counter[str] | None = None

    def __getitem__(self, word: str) -> int:
        if self._counts is None:
            self._counts = _vocabulary(self._content)
        return self._counts[word]


def _vocabulary(content: list[_Line]) -> Counter[str]:
    """Word counts of the letter, used to tell "medi-cally" from "long-term"."""
    # One search over the lines joined by line breaks (no word spans two lines); lower case after, so
    # only ASCII letters ever make a word.
    return Counter(map(str.lower, _WORD_OF_THREE.findall("\n".join(ln.text for ln in content))))


_WORD_OF_THREE = compile_pattern(r"[A-Za-z]{3,}")


def _gap_kind(gap: list[_Line], double: bool) -> str:
    """Classify what lies between two content lines.

    ``soft``: nothing, or one artefact blank line of double-spaced text.
    ``page``: a page break: furniture, or (double spaced) a run of truly empty
    lines with no whitespace-only line; real extractions mark a paragraph
    break with a line holding a space, and a page break with empty lines.
    ``hard``: a paragraph break.
    """
    blanks = [ln for ln in gap if ln.kind == "blank"]
    if any(ln.kind == "furniture" for ln in gap):
        return "page"
    if not double:
        return "hard" if blanks else "soft"
    if len(blanks) <= 1:
        return "soft"
    if any(ln.text for ln in blanks):
        return "hard"
    return "page"


def _should_join(
    prev: _Line,
    nxt: _Line,
    prev_kind: str | None,
    next_kind: str | None,
    gap: str,
    width: float,
) -> bool:
    """Decide whether ``nxt`` continues the paragraph that ``prev`` ends."""
    prev_text = prev.text.strip()
    next_text = nxt.text.strip()
    ends_sentence = prev_text.endswith(_TERMINAL_PUNCT)

    if next_kind is not None:
        # A heading or labelled line starts a paragraph; the one exception is a
        # wrapped Format 1 item heading whose decision sits on the next line.
        return (
            next_kind == "ITEM_HEAD"
            and gap != "hard"
            and prev_kind is None
            and not ends_sentence
            and not _LIST_START.match(next_text)
            and _visual_width(prev_text) > 0.4 * width
        )
    if gap == "hard":
        return False
    if prev_kind == "ITEM_HEAD":
        return False
    if prev_kind is not None and prev_kind.endswith(("_HEAD", "_BANNER")) and not _has_lower(prev_text):
        # A heading alone on its line stands alone, unless the heading itself
        # wraps ("... IS/WAS NOT MEDICALLY" / "NECESSARY:").
        return not _has_lower(next_text) and next_text.endswith(":") and len(next_text) < 40
    if _ends_in_split_word(prev_text) and next_text[:1].islower():
        return True  # "medi-" / "cally": a word split across the break
    if width >= _UNWRAPPED_WIDTH:
        return False
    first_word = next_text.split(" ", 1)[0]
    wrapped = _visual_width(prev_text) + 1 + _visual_width(first_word) >= _WRAP_FILL * width
    if _LIST_START.match(next_text) and (ends_sentence or not wrapped):
        return False
    if gap == "page":
        # A colon does not end a paragraph at a page break ("... Page(s):" / "24, 29.").
        if prev_text.endswith(":") and (next_text[:1].isdigit() or next_text[:1].islower()):
            return True
        if next_text.endswith(":") and len(next_text) < _LABEL_MAX and not next_text[:1].islower():
            return False  # a short line ending in a colon after a page break is a label or a salutation ("Dear ...:")
        return wrapped and (not ends_sentence or next_text[:1].islower())
    return wrapped


def _ends_in_split_word(text: str) -> bool:
    """Does ``text`` end in part of a word and a hyphen ("medi-")?

    A match, if there is one, can start three characters before the end
    (the lookbehind then sees a letter), so the search starts there: searched
    from the start, a long run of letters is re-read from every position
    (quadratic).
    """
    return _SPLIT_WORD.search(text, max(0, len(text) - 4)) is not None


def _hyphenated_head(text: str) -> str | None:
    """The letters and digits a hyphen ends ``text`` with ("medi" of "... medi-"); None without.

    The same as ``re.search(r"([A-Za-z0-9]+)-$", text).group(1)``, but read
    backwards from the hyphen: searched forwards, a long run of letters
    without the hyphen is re-read from every position (quadratic).
    """
    if not text.endswith("-"):
        return None
    match = _HYPHENATED_REVERSED.match(text[::-1])
    return match.group(1)[::-1] if match else None


def _has_lower(text: str) -> bool:
    return any(c.islower() for c in text)


#: The word a line starts with (the rest of a word split at the line before).
_LEADING_WORD = compile_pattern(r"[A-Za-z0-9]+")


def _join(out: _Builder, prev: _Line, nxt: _Line, vocabulary: _Vocabulary) -> None:
    """Join two physical lines of one paragraph, re-joining hyphenated words."""
    prev_text = prev.text.rstrip()
    next_text = nxt.text.strip()
    break_at = prev.start + len(prev_text)
    head = _hyphenated_head(prev_text)
    if head and not prev_text.endswith(" -") and next_text[:1].isalnum():
        out.drop_trailing_space()
        tail = _LEADING_WORD.match(next_text)
        tail_word = tail.group() if tail else ""
        if head[-1:].isalpha() and tail_word[:1].islower() and _drop_hyphen(head, tail_word, vocabulary):
            out.drop_last_char()  # the hyphen we already copied
        return
    if prev_text.endswith("/"):
        out.drop_trailing_space()
        return
    out.drop_trailing_space()
    out.add_synthetic(" ", break_at)


def _drop_hyphen(head: str, tail: str, vocabulary: _Vocabulary) -> bool:
    """Was ``head-`` + ``tail`` one word split by the typesetter?

    Yes when the whole word occurs elsewhere in the letter; no when the head is
    a usual compound prefix or both halves occur as words of their own (each
    half occurs once as the fragment itself, so it must occur twice).
    """
    head_l, tail_l = head.lower(), tail.lower()
    if vocabulary[head_l + tail_l] > 0:
        return True
    if head_l in language.words("sentences.compound_prefixes"):  # usual compounds ("long-term")
        return False
    return not (vocabulary[head_l] >= 2 and vocabulary[tail_l] >= 2)
