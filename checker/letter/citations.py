"""Read guideline citations: the page and section references of `citation.lark`, and the guideline they name.

Two kinds of text carry citations.  Guideline lines ("MAXIMUS guideline:
Decision based on MTUS ... Carisoprodol (Soma), page 29.") name guidelines,
topics and pages: one citation per guideline a line names.  Rationale prose
names pages in passing ("As stated on pages 29 and 65 of CA MTUS ..."): one
citation per page reference, which counts only when its sentence is about a
guideline, so "page 3 of the progress report" is left out.  Each citation
carries the guideline family its words name (``rules/sources.yaml``) and the
edition they fix, if any; ``checker/letter/editions.py`` decides the rest.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Callable

from functools import lru_cache

from checker.letter.grammars import grammar_path
from checker.model import Citation, PageRef, Span
from checker.knowledge.sources import Part, edition_near, edition_of, guideline_parts, sources
from checker.resources import terminal_regexps
from checker.text import language
from checker.text.sentences import sentence_at
from checker.text.stored_patterns import compile_pattern

#: Map a [start, end) range of the text being read to a Span in the file.
SpanOf = Callable[[int, int], Span]

_MAX_PAGES_IN_RANGE = 200
#: No guideline has a thousand pages; such a number in a page list is a year.
_NOT_A_PAGE = 1000


@dataclass(frozen=True)
class _RawRef:
    start: int
    end: int
    pages: tuple[int, ...]
    # (start, end, pages) of each single page or range, so a finding can point at "24" alone
    parts: tuple[tuple[int, int, tuple[int, ...]], ...] = ()


#: The terminals of ``citation.lark`` that hold the words a reference opens with; no rule uses them,
#: so they are kept by name.  The prefilters below are built from them, not from words of their own:
#: the grammar is the one place the page and section keywords are written (it is code, and a YAML
#: list could not be shared with it).
_KEYWORDS = frozenset({"PAGE_WORD", "SECTION_WORD"})


def _ref_start() -> str:
    """A page or section keyword that a number, "(s)" or a colon follows: the grammar reads from there."""
    t = _terminal_regexps()
    return rf"(?i)\b(?:{t['PAGE_WORD']}|{t['SECTION_WORD']})(?=[\s(:#]*\d|\s*\(s\)|\s*:)"


_REF_START = language.lazy(_ref_start)
#: A page reference after a section list, with the separators before it ("Section(s): ..., Page(s): 18"):
#: where the grammar would read one (PAGE_KW: any of its page keywords, then a number).
_PAGES_AFTER_SECTION = language.lazy(lambda: rf"(?i)[\s,;]*\b(?:{_terminal_regexps()['PAGE_KW']})")
#: How much text after a keyword can belong to one reference.
_WINDOW = 160
#: The most page and section references read in one text (a guideline line or a rationale).  Letters
#: make a few dozen at most; a damaged file's line of 25,000 ("page 1, page 1, ...") would make as
#: many citations and findings.
MOST_REFERENCES = 500


def page_refs(text: str) -> tuple[list[_RawRef], list[tuple[int, int, str]]]:
    """All page references and ``Section(s):`` references in ``text``.

    Rationales are long and cite pages rarely, so instead of running the
    grammar over all the prose it reads a short window after each keyword.
    The first ``MOST_REFERENCES`` references are read.
    """
    refs: list[_RawRef] = []
    sections: list[tuple[int, int, str]] = []
    covered = 0
    for m in _REF_START.finditer(text):
        if len(refs) + len(sections) >= MOST_REFERENCES:
            break
        if m.start() < covered:
            continue
        window = text[m.start() : m.start() + _WINDOW]
        try:
            first = _first_ref(window)
        except _NotAPageList:
            fallback = [_shift(r, m.start()) for r in _fallback_refs(window[:40])]
            refs.extend(fallback)
            if fallback:  # a keyword inside what it read ("pages 24/7 and page 30") is read once
                covered = fallback[-1].end
            continue
        if isinstance(first, _RawRef):
            ref = _shift(first, m.start())
            refs.append(ref)
            covered = ref.end
        elif isinstance(first, int):  # a section reference ending there
            end = m.start() + first
            pages_inside = _PAGES_AFTER_SECTION.search(text, m.start() + 10, end)
            if pages_inside:  # "Section(s): Anti-epilepsy drugs (AEDs), Page(s): 18-19": pages follow
                end = pages_inside.start()
                sections.append((m.start(), end, text[m.start() : end].rstrip(" ,;")))
                covered = end
                continue
            if first >= len(window) and len(text) > end:  # a long section list: read to its end
                stop = re.search(r"[.\n]", text[end:])
                end = end + (stop.start() if stop else len(text) - end)
            sections.append((m.start(), end, text[m.start() : end]))
            covered = end
    return refs, sections


class _NotAPageList(Exception):
    """The grammar rejects what follows a page keyword ("page 3.5", "pages 24/7")."""


def _terminal_regexps() -> dict[str, str]:
    """The regular expressions of ``citation.lark``'s terminals, the keyword terminals included."""
    return terminal_regexps(grammar_path("citation"), "citation", _KEYWORDS)


@lru_cache(maxsize=1)
def _terminals() -> dict[str, re.Pattern[str]]:
    """The terminals of ``citation.lark``, compiled: the grammar file stays the one definition of the syntax."""
    return {name: compile_pattern(regexp) for name, regexp in _terminal_regexps().items()}


def _first_ref(window: str) -> _RawRef | int | None:
    """The reference ``window`` starts with: a page list, the end of a section reference, or None.

    Reads ``page_ref`` and ``section_ref`` of ``citation.lark`` with its own
    terminals, as its LALR parser would at the window's start, without
    tokenising the prose after the reference.
    """
    t = _terminals()
    section = t["SECTION_REF"].match(window)
    if section:
        return section.end()
    keyword = t["PAGE_KW"].match(window)
    if keyword is None:
        return None
    ranges: list[list[re.Match[str]]] = [[_number(window, keyword.end())]]
    pos = ranges[0][0].end()
    while True:
        if len(ranges[-1]) == 1:
            sep = _separator(t["RANGE_SEP"], window, pos)
            if sep is not None:
                ranges[-1].append(_number(window, sep))
                pos = ranges[-1][-1].end()
                continue
        sep = _separator(t["LIST_SEP"], window, pos)
        if sep is None:
            break
        ranges.append([_number(window, sep)])
        pos = ranges[-1][0].end()
    return _page_ref(keyword.start(), keyword.end(), _pages_only(window, ranges))


#: The word right after a number: "9-10 visits", "12-visit".
_WORD_AFTER = re.compile(r"[ \t]*-?[ \t]*([A-Za-z]+)")


def _pages_only(window: str, ranges: list[list[re.Match[str]]]) -> list[list[re.Match[str]]]:
    """The list's ranges up to one that counts something else ("pages 98-99, 9-10 visits": 98-99).

    The first range follows the page keyword and is always pages.
    """
    counted = sources().not_pages_before
    for index in range(1, len(ranges)):
        word = _WORD_AFTER.match(window, ranges[index][-1].end())
        if word and word.group(1).lower() in counted:
            return ranges[:index]
    return ranges


def _separator(pattern: re.Pattern[str], window: str, pos: int) -> int | None:
    """Where the number after a separator at ``pos`` starts (whitespace before it is ignored, as in the grammar)."""
    m = pattern.match(window, pos)
    if m is None:
        space = _SPACE.match(window, pos)
        m = pattern.match(window, space.end()) if space else None
    return m.end() if m else None


def _number(window: str, pos: int) -> re.Match[str]:
    m = _terminals()["NUMBER"].match(window, pos)
    if m is None:
        raise _NotAPageList
    return m


_SPACE = re.compile(r"\s+")


def _shift(ref: _RawRef, offset: int) -> _RawRef:
    parts = tuple((a + offset, b + offset, pages) for a, b, pages in ref.parts)
    return _RawRef(ref.start + offset, ref.end + offset, ref.pages, parts)


def _page_ref(start: int, keyword_end: int, ranges: list[list[re.Match[str]]]) -> _RawRef:
    """The pages of a page list: each range expanded, a year ending the list."""
    pages: list[int] = []
    parts: list[tuple[int, int, tuple[int, ...]]] = []
    end = keyword_end
    for numbers in ranges:
        first, last = int(numbers[0].group()), int(numbers[-1].group())
        if first >= _NOT_A_PAGE:  # "page 24, 2009": a year, not a page; the list ends here
            break
        if first <= last <= first + _MAX_PAGES_IN_RANGE:
            these = tuple(range(first, last + 1))
        else:  # "page 80-79" or a runaway range: keep what is written
            these = tuple(int(n.group()) for n in numbers)
        pages.extend(these)
        parts.append((numbers[0].start(), numbers[-1].end(), these))
        end = max(end, numbers[-1].end())
    return _RawRef(start, end, tuple(sorted(set(pages))), tuple(sorted(parts)))


#: The fallback's page keywords are narrower than the grammar's PAGE_WORD on purpose, and so written
#: here rather than built from it: the fallback reads only what the grammar rejected, a number it does not
#: take for a page ("page 3.5", "pages 24/7"), and there only a spelled-out "page(s)" or a dotted "p."/"pp."
#: makes that number a page.  Built from PAGE_WORD it would also read "pp 24/7" or "pg 3.5" as page 24 or 3.
_FALLBACK_PAGES = re.compile(r"(?i)\bp(?:ages?|p?\.)\s*(?:\(s\))?\s*:?\s*(\d+)(?:\s*-\s*(\d+))?")


def _fallback_refs(text: str) -> list[_RawRef]:
    """Regex reading for text the grammar rejects after a page keyword (no example or fixture letter has any)."""
    refs = []
    for m in _FALLBACK_PAGES.finditer(text):
        first = int(m.group(1))
        last = int(m.group(2) or first)
        pages = range(first, last + 1) if first <= last <= first + _MAX_PAGES_IN_RANGE else [first]
        refs.append(_RawRef(m.start(), m.end(), tuple(pages), ((m.start(1), m.end(), tuple(pages)),)))
    return refs


def read_guideline_line(kind: str, text: str, span_of: SpanOf) -> list[Citation]:
    """Read a claims administrator / reviewer guideline line (label already removed): one citation per guideline.

    A line that names several guidelines ("ACOEM ..., Chapter 12, page 303,
    which is part of the MTUS, and on the Official Disability Guidelines")
    gives one citation for each, with the pages and sections of its part of
    the line; parts of the same guideline (and edition) are one citation.
    """
    return [
        Citation(
            kind=kind,
            text=text[read.first : read.last],
            span=span_of(read.first, read.last),
            source=read.source,
            edition=read.edition,
            guideline=read.guideline,
            decided_by="citation" if read.edition else "unknown",
            named=read.named,
            sections=list(read.sections),
            page_refs=[_page_ref_model(text, ref, span_of) for ref in read.refs],
            topics=list(read.topics),
        )
        for read in (_remembered_line(text) if len(text) <= _LONGEST_REMEMBERED_LINE else _guideline_line(text))
    ]


@dataclass(frozen=True)
class _LineCitation:
    """What a guideline line says of one guideline, at offsets into the line (:func:`_guideline_line`)."""

    first: int
    last: int
    source: str | None
    edition: str | None
    guideline: str | None
    named: bool
    sections: tuple[str, ...]
    refs: tuple[_RawRef, ...]
    topics: tuple[str, ...]


def _guideline_line(text: str) -> tuple[_LineCitation, ...]:
    """The citations of a guideline line, read from its text alone; :func:`read_guideline_line` places them."""
    refs, sections = page_refs(text)
    parts = guideline_parts(text) or [Part(None, 0, 0, named=False, end=len(text))]
    groups: list[tuple[Part, str | None, list[tuple[int, int]]]] = []
    previous_name_end = 0
    for part in parts:
        edition = edition_of(text, part, max(previous_name_end, part.region_start), part.end)
        previous_name_end = part.name_end
        same = next(
            (g for g in groups if g[0].family == part.family and (g[1] is None or edition in (None, g[1]))), None
        )
        if same is None:
            groups.append((part, edition, [(part.region_start, part.end)]))
        else:
            groups[groups.index(same)] = (same[0], same[1] or edition, [*same[2], (part.region_start, part.end)])
    read = []
    for part, edition, regions in groups:
        inside = lambda start: any(a <= start < b for a, b in regions)  # noqa: E731
        own_refs = [r for r in refs if inside(r.start)]
        own_sections = [s for s in sections if inside(s[0])]
        topics = []
        for a, b in regions:
            region_refs = [_shift(r, -a) for r in own_refs if a <= r.start < b]
            region_sections = [(s - a, e - a, body) for s, e, body in own_sections if a <= s < b]
            topics += _topics(text[a:b], region_refs, region_sections)
        read.append(
            _LineCitation(
                first=regions[0][0],
                last=regions[-1][1],
                source=sources().source_of(part.family),
                edition=edition,
                guideline=part.family,
                named=part.named,
                sections=tuple(_clean_section(s) for _, _, body in own_sections for s in _split_sections(body)),
                refs=tuple(own_refs),
                topics=tuple(dict.fromkeys(topics)),
            )
        )
    return tuple(read)


#: Readings of the last thousand guideline lines, by text: an organisation's or a reviewer's lines repeat
#: from letter to letter (a letter has about three, and reading one takes about 0.4 ms), and only where a
#: line sits differs.  Lines are a few hundred characters; a longer one (a damaged file) is not kept.
_remembered_line = lru_cache(maxsize=1024)(_guideline_line)
_LONGEST_REMEMBERED_LINE = 2_000


def read_rationale_citations(text: str, span_of: SpanOf) -> list[Citation]:
    """One citation per page reference the rationale prose makes to a guideline ("page 78 of the MTUS").

    The guideline is the one its sentence names next to it, with the edition
    words next to that name ("Per the 2016 MTUS, page 29"); a page whose
    sentence names no guideline of its own ("Page 80 recommends ...", "page 63
    of the MTUS") is ``named=False``: the item's guideline lines decide
    (``checker/letter/editions.py``).
    """
    refs, _ = page_refs(text)
    sentences: dict[tuple[int, int], _Sentence] = {}
    citations = []
    for ref in refs:
        bounds = sentence_at(text, ref.start)
        if bounds not in sentences:
            sentences[bounds] = _Sentence(text, *bounds)
        sentence = sentences[bounds]
        if not _is_guideline_page(text, ref, sentence):
            continue
        part = sentence.part_at(ref.start - sentence.start)
        family, edition, named = None, None, False
        if part is not None:
            family, named = part.family, part.named
            edition = sentence.edition_near(part)
        page_ref = _page_ref_model(text, ref, span_of, sources().source_of(family))
        citations.append(
            Citation(
                kind="rationale",
                text=page_ref.text,
                span=page_ref.span,
                source=page_ref.source,
                edition=edition,
                guideline=family,
                decided_by="citation" if edition else "unknown",
                named=named,
                page_refs=[page_ref],
            )
        )
    return citations


class _Sentence:
    """One sentence of a rationale, read once for all the page references in it.

    A sentence may hold thousands of references ("page 1, page 1, ..."):
    searching it again for each one made reading a long one quadratic.
    """

    def __init__(self, text: str, start: int, end: int) -> None:
        self.start, self.end = start, end
        self.text = text[start:end]
        src = sources()
        #: It names a guideline ("the MTUS", "ODG", "guidelines"): its pages are the guideline's.
        self.names_guideline = bool(src.guideline_words.search(self.text) or src.name_pattern.search(self.text))
        self.parts = guideline_parts(self.text)
        self._part_starts = [part.region_start for part in self.parts]
        self._editions: dict[int, str | None] = {}

    def part_at(self, position: int) -> Part | None:
        """As ``sources.part_at``, by bisection: the parts cover the sentence in order."""
        index = bisect.bisect_right(self._part_starts, position) - 1
        if index >= 0 and position < self.parts[index].end:
            return self.parts[index]
        return self.parts[0] if self.parts else None

    def edition_near(self, part: Part) -> str | None:
        """``sources.edition_near`` of one of this sentence's parts, worked out once."""
        key = id(part)
        if key not in self._editions:
            self._editions[key] = edition_near(self.text, part)
        return self._editions[key]


def _page_ref_model(text: str, ref: _RawRef, span_of: SpanOf, source: str | None = None) -> PageRef:
    return PageRef(
        text[ref.start : ref.end],
        list(ref.pages),
        span_of(ref.start, ref.end),
        source,
        [(list(pages), span_of(a, b)) for a, b, pages in ref.parts],
    )


#: What a page belongs to: "of the progress report" (``citations.page_owner``); group 1 its words.
_PAGE_OWNER = language.lazy(
    lambda: rf"\s*{language.alternation('citations.page_owner.prepositions')}\s+"
    rf"(?:{language.alternation('citations.page_owner.determiners')}\s+)?([\w\s/-]{{0,40}})"
)


def _is_guideline_page(text: str, ref: _RawRef, sentence: _Sentence) -> bool:
    """Keep "page 78 of the MTUS" and "Page 80 recommends ...", drop "page 3 of the progress report".

    A rationale names pages of two things: the guideline and the medical
    records.  A page counts as a guideline page unless the words right after
    it name a record, or its sentence names no guideline and a record word
    stands near the page (``_RECORD_REACH`` words either side: "the progress
    report, page 3, describes").  A record word further off is another
    clause's ("The general section on muscle relaxants, page 63, recommends
    ... and notes that their efficacy diminishes"); a record word followed by
    "that" is a verb ("Page 66 notes that ...").  ``sentence`` is the one that holds ``ref``.
    """
    src = sources()
    after = text[ref.end : ref.end + 60]
    owner = _PAGE_OWNER.match(after)
    if owner:
        phrase = owner.group(1)
        found = list(_WORD_RUN.finditer(phrase))
        words = [m.group() for m in found]
        record = next((found[i].start() for i in range(min(3, len(words))) if src.names_a_record(words, i)), None)
        named = src.guideline_words.search(phrase) or src.name_pattern.search(phrase)
        if record is not None and (named is None or record < named.start()):
            return False
        if named:
            return True
    if sentence.names_guideline:
        return True
    before, after = _words_around(text, ref, sentence.start, sentence.end)
    near = [(before, i) for i in range(len(before))] + [(after, i) for i in range(min(len(after), _RECORD_REACH))]
    return not any(src.names_a_record(words, i) for words, i in near)


#: Words on each side of a page reference, in its sentence, that tie the page to a medical record.
_RECORD_REACH = 8
_WORD_RUN = re.compile(r"[A-Za-z]+")


def _words_around(text: str, ref: _RawRef, start: int, end: int) -> tuple[list[str], list[str]]:
    """The ``_RECORD_REACH`` words before and after ``ref`` within [start, end), read from bounded slices.

    The words after keep one more, so the last one's next word is known ("notes that").
    """
    low = max(start, ref.start - 30 * _RECORD_REACH)
    before = _WORD_RUN.findall(text, low, ref.start)
    if low > start and before and text[low - 1].isalpha() and text[low].isalpha():
        before = before[1:]  # the slice cut a word in two
    high = min(end, ref.end + 30 * _RECORD_REACH)
    after = _WORD_RUN.findall(text, ref.end, high)
    if high < end and after and text[high - 1].isalpha() and text[high].isalpha():
        after = after[:-1]
    return before[-_RECORD_REACH:], after[: _RECORD_REACH + 1]


#: The label a section reference opens with ("Section(s):", "Sections:"), its word the grammar's.
_SECTION_LABEL = language.lazy(lambda: rf"(?i)^{_terminal_regexps()['SECTION_WORD']}(?:\s*\(s\))?\s*:\s*")


def _split_sections(body: str) -> list[str]:
    body = _SECTION_LABEL.sub("", body)
    return [part for part in body.split(";") if part.strip()]


def _clean_section(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" .,;")


def _boilerplate() -> str:
    """The form's words of a guideline line (``citations.guideline_line``), a page keyword left without
    its number, a year and a colon: none of them is a topic.

    The page keywords are the grammar's ``PAGE_WORD`` that end in punctuation ("Page(s)", "pp.", "p.",
    "pg."): one that ends in a letter may begin a topic's word ("PPIs", "Paget's").
    """
    dropped = language.alternation("citations.guideline_line.dropped", gap=" ")
    to_end = language.alternation("citations.guideline_line.dropped_to_end", gap=" ")
    page = rf"\b{_terminal_regexps()['PAGE_WORD']}(?<=[.)])"
    return rf"(?i)\b{dropped}\b|\b{to_end}\b.*$|{page}|\b(?:19|20)\d{{2}}\b|:"


_BOILERPLATE = language.lazy(_boilerplate)


#: The characters :func:`topic_parts` looks at: only they are visited, not every character of the text.
_TOPIC_MARKS = compile_pattern(r"[;.,()]")


def topic_parts(text: str) -> list[str]:
    """``text`` cut at every ";" and "." and at each comma outside parentheses, in one pass over those marks.

    The same cuts as ``re.split(r"[;.]|,(?![^(]*\\))", text)`` (a comma whose next
    parenthesis closes one is inside it), without that pattern's look-ahead
    from every comma, which made a list of 100,000 pages quadratic.
    """
    cuts = []
    closes_next = False  # the nearest parenthesis to the right is ")"
    for mark in reversed(list(_TOPIC_MARKS.finditer(text))):
        i, char = mark.start(), mark.group()
        if char == ")":
            closes_next = True
        elif char == "(":
            closes_next = False
        elif char in ";." or (char == "," and not closes_next):
            cuts.append(i)
    parts, start = [], 0
    for cut in reversed(cuts):
        parts.append(text[start:cut])
        start = cut + 1
    parts.append(text[start:])
    return parts


def _topics(text: str, refs: list[_RawRef], sections: list[tuple[int, int, str]]) -> list[str]:
    """Topic phrases left once source names, page references and boilerplate are gone."""
    cut = _cut_out(text, [(r.start, r.end) for r in refs] + [(s, e) for s, e, _ in sections])
    rest = sources().name_pattern.sub(";", cut)
    rest = _BOILERPLATE.sub(" ", rest)
    topics = []
    for part in topic_parts(rest):
        if len(part.strip()) < 3:
            continue  # cleaning only shortens a part: it can never make a topic
        part = _balanced(_SPACE.sub(" ", part).strip(" -"))
        if len(part) >= 3 and _THREE_LETTERS.search(part) and part.lower() not in language.words("citations.guideline_line.not_topics"):
            topics.append(part)
    for _, _, body in sections:
        topics.extend(_clean_section(s) for s in _split_sections(body))
    return list(dict.fromkeys(topics))


def _cut_out(text: str, ranges: list[tuple[int, int]]) -> str:
    """``text`` with each range (ranges that overlap: together) replaced by one ";", where topics are cut.

    One ";" for the whole range, not one per character: every character
    would make an empty topic to be cleaned and thrown away.
    """
    pieces, at = [], 0
    for start, end in sorted(ranges):
        end = min(end, len(text))
        if end <= start:
            continue
        if start >= at:
            pieces += [text[at:start], ";"]
        at = max(at, end)
    pieces.append(text[at:])
    return "".join(pieces)


_THREE_LETTERS = re.compile(r"[A-Za-z]{3}")


def _balanced(text: str) -> str:
    """Drop a parenthesis left unpaired by cutting the text apart."""
    if text.count(")") > text.count("(") and text.endswith(")"):
        text = text[:-1]
    if text.count("(") > text.count(")") and text.startswith("("):
        text = text[1:]
    return text.strip()
