"""What a pattern needs of a text: so that places, and whole texts, it cannot match are skipped.

Python's regex engine tries a pattern at every place of a text, and skips
ahead by itself only to a case-sensitive first character; almost every
pattern here ignores case.  So three facts are read from a pattern's parse
(the ``re`` module's own parser, which ``checker.rules.patterns`` reads too):

* ``first_chars``: the characters a match can start with.  A
  :class:`Dispatch` hands out, for the character at a place, just the
  patterns of a list that can start with it (the request-line scanner tries
  twenty token patterns at every word; a layout classifies every line), and
  :func:`compile_searching` puts a lookahead for them before a pattern
  searched through whole texts.
* ``literal_starts``: plain texts one of which begins every match; a concept,
  and a language pattern searched through a long text, is tried only where
  one of them occurs (:func:`anchored_starts`, :func:`matches_at`).
* ``required_literal``: plain text every match holds; a layout's marker is
  searched for only in a letter that holds it.

Every answer, and every pattern :func:`compile_searching` rewrites, is kept
between runs by :mod:`checker.text.stored_patterns` (reading a parse costs
as much as compiling the pattern).

Exact by construction: whether an ASCII character can begin a match is
asked of the engine itself (with the pattern's flags, so case folding is
the engine's); where the parse holds anything not understood here, or the
pattern can match the empty string, the answer is "anything", and the
pattern is tried everywhere.  Characters beyond ASCII are tried against
every pattern, and texts holding a letter that folds to an ASCII one
(:data:`FOLDS_TO_ASCII`) are searched in full.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any, Generic, TypeVar

from checker.text.stored_patterns import compile_rewritten, remembered

try:  # the parser of the re module (renamed in 3.11)
    import re._parser as _sre_parse  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - Python before 3.11
    import sre_parse as _sre_parse  # type: ignore[no-redef]

T = TypeVar("T")

#: The characters answered for; any other is tried against every pattern.
ASCII = tuple(chr(code) for code in range(128))
_FLAGS = re.IGNORECASE | re.ASCII
_CATEGORIES = {
    "CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s", "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W",
}


class Dispatch(Generic[T]):
    """``entries`` (a value and its pattern), looked up by the character a match would start with."""

    def __init__(self, entries: Sequence[tuple[T, re.Pattern[str]]]) -> None:
        self.everything = tuple(entries)
        firsts = [first_chars(pattern) for _, pattern in self.everything]
        self._by_char = {
            char: tuple(entry for entry, first in zip(self.everything, firsts) if first is None or char in first)
            for char in ASCII
        }

    def at(self, char: str) -> tuple[tuple[T, re.Pattern[str]], ...]:
        """The entries, in order, whose pattern can match a text starting with ``char``."""
        return self._by_char.get(char, self.everything)


def first_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """The ASCII characters a match of ``pattern`` can start with; None: any (or it can match nothing)."""
    source, flags = pattern.pattern, pattern.flags
    found = remembered("first_chars", source, flags, lambda: _sorted(_first_of(source, flags)))
    return None if found is None else frozenset(found)


def _sorted(chars: frozenset[str] | None) -> list[str] | None:
    """A set as kept between runs (JSON has no sets)."""
    return None if chars is None else sorted(chars)


def compile_searching(source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, for a pattern searched through long texts, made quicker where it can be.

    A case-insensitive pattern is tried at every place of the text, in full:
    the engine skips ahead by itself only to a case-sensitive first
    character, or to a line start.  Where a match can start with only a few
    characters, some of them letters, and the pattern opens with an
    alternation, a group, a lookbehind or a word boundary (not with a plain
    character or a line start, which the engine handles well), a lookahead
    for them (``(?=[aAbB])``) goes first, and most places are left after one
    test.  The matches are the same: the lookahead admits every
    ASCII character a match can start with, and every character beyond
    ASCII (``é`` may start a ``\\w``).  (Measured on the language patterns:
    about twice as fast where it is used, and slower where it is not.)
    The rewrite and the compiled pattern are kept between runs
    (:mod:`checker.text.stored_patterns`).
    """
    return compile_rewritten("searching", source, flags, lambda: _searching_sources(source, flags))


def _searching_sources(source: str, flags: int) -> tuple[str, ...]:
    """The source with its lookahead, then the source alone ("(?x)" and the like must stay at the start)."""
    lookahead = _lookahead(source, flags) if flags & re.IGNORECASE else None
    return (source,) if lookahead is None else (f"{lookahead}(?:{source})", source)


#: More first characters than this (letters in both cases count twice) and a lookahead saves little.
_MOST_FIRST_CHARS = 30
#: Anchors the engine already searches by (it tries only the start, or only line starts).
_STARTS = frozenset({"AT_BEGINNING", "AT_BEGINNING_LINE", "AT_BEGINNING_STRING"})


def _lookahead(source: str, flags: int) -> str | None:
    """The lookahead :func:`compile_searching` puts first, or None where it would not help."""
    parsed = _parse(source, flags)
    if parsed is None or not parsed.data:
        return None
    op, arg = parsed.data[0]
    if (str(op) == "AT" and str(arg) in _STARTS) or str(op) in ("LITERAL", "NOT_LITERAL"):
        return None  # the engine searches for these quickly: a lookahead would only add a step
    chars, empty = _sequence(parsed, (flags | parsed.state.flags) & _FLAGS)
    if chars is None or empty or len(chars) > _MOST_FIRST_CHARS or not any(c.isalpha() for c in chars):
        return None  # anything may start a match, or the engine skips to a non-letter by itself
    # Written as the ASCII characters that cannot start a match, compared case-sensitively: every
    # other character, and every one beyond ASCII, is let through for the pattern to judge.  (A class
    # up to U+10FFFF would cost the engine a case-folding pass over all of Unicode when compiled.)
    excluded = "".join(re.escape(c) for c in ASCII if c not in chars)
    return f"(?=(?-i:[^{excluded}]))"


def _first_of(source: str, flags: int) -> frozenset[str] | None:
    parsed = _parse(source, flags)
    if parsed is None:
        return None
    chars, empty = _sequence(parsed, (flags | parsed.state.flags) & _FLAGS)
    return None if chars is None or empty else frozenset(chars)


def _parse(source: str, flags: int) -> Any:
    try:
        return _sre_parse.parse(source, flags)
    except Exception:  # noqa: BLE001 - a parser of another Python: no dispatch, never a wrong one
        return None


def _parse_plain(source: str, flags: int) -> Any:
    """The parse, for reading plain text from it; None for a verbose pattern (its spaces are not text)."""
    parsed = _parse(source, flags)
    return None if parsed is None or (flags | parsed.state.flags) & re.VERBOSE else parsed


def _sequence(items: Any, flags: int) -> tuple[set[str] | None, bool]:
    """(first characters, can match empty) of a sequence of parsed items."""
    chars: set[str] = set()
    for op, arg in items:
        first, empty = _item(str(op), arg, flags)
        if first is None:
            return None, False
        chars |= first
        if not empty:
            return chars, False
    return chars, True


def _item(name: str, arg: Any, flags: int) -> tuple[set[str] | None, bool]:
    if name == "LITERAL":
        return set(_literal(arg, flags)), False
    if name == "NOT_LITERAL":
        return set(ASCII) - _literal(arg, flags), False
    if name == "IN":
        chars = _class(arg, flags)
        return (None, False) if chars is None else (chars, False)
    if name == "SUBPATTERN":
        _group, add, delete, body = arg
        return _sequence(body, (flags | (add & _FLAGS)) & ~(delete & _FLAGS))
    if name == "ATOMIC_GROUP":
        return _sequence(arg, flags)
    if name == "BRANCH":
        chars: set[str] = set()
        empty = False
        for branch in arg[1]:
            first, branch_empty = _sequence(branch, flags)
            if first is None:
                return None, False
            chars |= first
            empty = empty or branch_empty
        return chars, empty
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, high, body = arg
        if high == 0:
            return set(), True
        first, empty = _sequence(body, flags)
        return first, empty or low == 0
    if name in ("AT", "ASSERT", "ASSERT_NOT"):
        return set(), True  # zero width: what follows decides
    return None, False  # any character, a back reference, a conditional


def _class(items: Any, flags: int) -> set[str] | None:
    """The ASCII members of a character class ``[...]``; None for a part not understood."""
    chars: set[str] = set()
    negate = False
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            chars |= _literal(arg, flags)
        elif name == "RANGE":
            chars |= _members(f"[{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}]", flags)
        elif name == "CATEGORY" and str(arg) in _CATEGORIES:
            chars |= _members(_CATEGORIES[str(arg)], flags)
        else:
            return None
    return set(ASCII) - chars if negate else chars


def _literal(code: int, flags: int) -> frozenset[str]:
    """The ASCII characters a literal matches: itself, and its other case when case is ignored."""
    char = chr(code)
    if not char.isascii():
        return _members(re.escape(char), flags)  # "\u212a" (Kelvin) matches "k": the engine knows
    return frozenset({char.lower(), char.upper()}) if flags & re.IGNORECASE else frozenset(char)


@lru_cache(maxsize=4096)
def _members(regex: str, flags: int) -> frozenset[str]:
    """The ASCII characters ``regex`` (one character's worth) matches, asked of the engine."""
    compiled = re.compile(regex, flags)
    return frozenset(char for char in ASCII if compiled.fullmatch(char))


def literal_starts(source: str, flags: int = 0) -> frozenset[str] | None:
    """Plain texts (lower case) one of which begins every match of ``source``; None when some match may not.

    ``(?:cannot|unable\\s+to)\\s+tolerate`` -> {"cannot", "unable"}.  A text
    that holds none of them (in lower case) holds no match, and a match can
    only start where one of them does.  Only ASCII letters, digits and
    punctuation count (a letter beyond ASCII may match otherwise in a
    case-insensitive pattern).
    """
    found = remembered("literal_starts", source, flags, lambda: _sorted(_literal_starts(source, flags)))
    return None if found is None else frozenset(found)


def _literal_starts(source: str, flags: int) -> frozenset[str] | None:
    """What :func:`literal_starts` answers, read from the parse (the answer is kept between runs)."""
    parsed = _parse_plain(source, flags)
    if parsed is None:
        return None
    starts = _starts(list(parsed.data))
    if starts is None or "" in starts:
        return None
    return frozenset(start.lower() for start in starts)


def _starts(items: list[Any]) -> set[str] | None:
    """The plain texts one of which begins every match of the sequence ``items``; None when unknown.

    Its first plain characters, and what the item after them begins with
    ("d(?:id|o)" -> "did", "do": the parser takes a common beginning out of
    alternatives, "pages?|pp" -> "p(?:ages?|p)").
    """
    prefix = ""
    for op, arg in items:
        name = str(op)
        if name == "LITERAL" and chr(arg).isascii():
            prefix += chr(arg)
            continue
        if name in ("AT", "ASSERT", "ASSERT_NOT") and not prefix:
            continue  # zero width, before anything is matched
        inner = _item_starts(name, arg)
        if inner is None:
            return {prefix} if prefix else None
        return {prefix + start for start in inner}
    return {prefix}


#: Flags a group may set or clear and still begin with its plain text (case is searched in lower case).
_PLAIN_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE


def _item_starts(name: str, arg: Any) -> set[str] | None:
    """What one item of a sequence begins with: a group, alternatives, or a repeat of at least one."""
    if name == "SUBPATTERN" and not (arg[1] | arg[2]) & ~_PLAIN_FLAGS:
        return _starts(list(arg[3]))
    if name == "BRANCH":
        found: set[str] = set()
        for branch in arg[1]:
            starts = _starts(list(branch))
            if starts is None:
                return None
            found |= starts
        return found
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and arg[0] >= 1:
        return _starts(list(arg[2]))
    return None


def anchored_starts(lowered: str, anchors: Iterable[str], pos: int = 0, endpos: int | None = None,
                    most: int | None = None) -> list[int] | None:
    """Every offset of ``lowered[pos:endpos]`` where one of ``anchors`` begins (overlapping ones too), in order.

    ``lowered`` is a text's lower case that lines up with it
    (:func:`lower_in_step`), ``anchors`` what :func:`literal_starts` gives
    (best reduced by :func:`shortest_anchors`): a match of the pattern can
    start only at these offsets.  ``str.find`` goes through the text in C,
    where the engine would try the pattern at every place.  None when there
    are more than ``most`` of them.
    """
    end = len(lowered) if endpos is None else endpos
    find = lowered.find
    starts: list[int] = []
    searched = 0
    for anchor in anchors:
        searched += 1
        at = find(anchor, pos, end)
        while at >= 0:
            starts.append(at)
            if most is not None and len(starts) > most:
                return None
            at = find(anchor, at + 1, end)
    return sorted(set(starts)) if searched > 1 else starts


def shortest_anchors(anchors: Iterable[str]) -> tuple[str, ...]:
    """``anchors`` less those that begin with another of them, sorted: the same places begin one.

    A text holds "functional" only where it holds "function", so searching
    for "functional" as well finds no place more (concepts list a term and
    its plural, "exacerbation" and "exacerbations").
    """
    kept: list[str] = []
    for anchor in sorted(set(anchors)):  # a prefix sorts before every text it begins
        if not any(anchor.startswith(shorter) for shorter in kept):
            kept.append(anchor)
    return tuple(kept)


def matches_at(pattern: re.Pattern[str], text: str, starts: list[int], endpos: int | None = None) -> Iterator[re.Match[str]]:
    """What ``pattern.finditer(text, starts[0], endpos)`` finds, trying the pattern only at ``starts``.

    The same matches when every match starts at one of ``starts`` and none
    is empty (:func:`literal_starts` never answers an empty text): each next
    match is looked for from where the last one ended, as the engine does.
    """
    end = len(text) if endpos is None else endpos
    after = 0
    for at in starts:
        if at < after:
            continue
        found = pattern.match(text, at, end)
        if found is not None:
            yield found
            after = found.end()


def after_line_break(source: str, flags: int) -> str | None:
    """For a line-start pattern (``^X``, multiline): ``\\nX``, which finds a match in ``"\\n" + text``
    exactly when the pattern finds one in ``text``; None where that is not sure.

    The engine tries ``^`` at every place of a text, but skips straight to
    a literal first character, so the rewrite is searched about four times
    as fast.  Sure when the rest of the pattern is one sequence (no
    alternative at its top that could start at the added line break) and
    looks behind nowhere (the added line break would be seen).
    """
    return remembered("after_line_break", source, flags, lambda: _after_line_break(source, flags))


def _after_line_break(source: str, flags: int) -> str | None:
    if not flags & re.MULTILINE or not source.startswith("^") or "(?<" in source or _parse(source, flags) is None:
        return None
    return None if _alternative_at_top(source) else r"\n" + source[1:]


def _alternative_at_top(source: str) -> bool:
    """Whether ``source`` has a ``|`` outside every group and character class.

    Read from the text: the parse merges alternatives ("a|b" becomes a
    class), so it cannot tell.
    """
    depth, i, in_class = 0, 0, False
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if source[i + 1 : i + 2] == "^":
                i += 1
            if source[i + 1 : i + 2] == "]":
                i += 1  # a "]" first in a class is a character of it
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return True
        i += 1
    return False


def required_literal(source: str, flags: int = 0) -> str | None:
    """The longest plain text (lower case, ASCII) every match of ``source`` holds; None when there is none.

    ``^\\s*IMR ISSUES?`` -> "imr issue".  Read from the pattern's top-level
    sequence and the groups in it that are not optional or alternatives.
    """
    return remembered("required_literal", source, flags, lambda: _required_literal(source, flags))


def _required_literal(source: str, flags: int) -> str | None:
    """What :func:`required_literal` answers, read from the parse (the answer is kept between runs)."""
    parsed = _parse_plain(source, flags)
    if parsed is None:
        return None
    best = max(_literal_runs(list(parsed.data)), key=len)
    return best.lower() or None


def _literal_runs(items: list[Any]) -> list[str]:
    """Runs of plain characters a sequence always holds, in order, each two parted by something else.

    The first run is the one the sequence starts with, the last the one it
    ends with (either may be empty), so a group's runs join those around it.
    """
    runs, current = [], ""
    for op, arg in items:
        name = str(op)
        if name == "LITERAL" and chr(arg).isascii():
            current += chr(arg)
        elif name == "SUBPATTERN" and not arg[1] and not arg[2]:
            inner = _literal_runs(list(arg[3]))
            if len(inner) == 1:
                current += inner[0]
            else:
                runs += [current + inner[0], *inner[1:-1]]
                current = inner[-1]
        else:
            runs.append(current)
            current = ""
    runs.append(current)
    return runs


#: Characters beyond ASCII that a case-insensitive pattern matches to an ASCII letter.
FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


def lower_in_step(text: str) -> str | None:
    """``text.lower()`` when it lines up with ``text`` character by character and folds as the engine does.

    Then a case-insensitive match of plain ASCII text in ``text`` is a
    plain occurrence in the result, at the same offset.  None otherwise.
    """
    if text.isascii():  # most letters: ASCII lowers one for one, and no ASCII character folds
        return text.lower()  # (searching a 6 KB text for the folding characters took 0.1 ms)
    lowered = text.lower()
    if len(lowered) != len(text) or FOLDS_TO_ASCII.search(text):
        return None
    return lowered
