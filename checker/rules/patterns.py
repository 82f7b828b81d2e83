"""Refuse regular expressions from rule files that could take exponential time.

Python's ``re`` backtracks.  A pattern such as ``(a+)+$`` is harmless to
compile and then spends minutes on a 40-character line that almost matches.
Rule files (concept and statement patterns) are data written by people, so
every pattern is checked when the file is loaded and refused, with its file
and line, when it has the shapes that cause catastrophic backtracking:

* an unbounded repetition that itself holds an unbounded repetition
  (``(a+)+``, ``(\\w*\\s?)*``, ``(?:x+y?)+``): nested quantifiers;
* an unbounded repetition of alternatives that can start with the same
  character (``(a|ab)+``, ``(\\w|\\d)*``): overlapping alternation.

Bounded repetitions (``{0,80}``), unbounded ones inside bounded ones
(``(?:\\w+\\s+){0,2}``, at worst polynomial) and lookarounds are allowed:
the shipped patterns use them.  The check is conservative: it
may refuse a pattern that would in fact be fine; rewriting it (an explicit
bound, a possessive shape such as ``[^.]*``) always gets it through.
"""

from __future__ import annotations

import re

try:  # the parser of the re module (renamed in 3.11)
    import re._parser as _sre_parse  # type: ignore[import-not-found]
    from re._constants import MAXREPEAT  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - Python before 3.11
    import sre_parse as _sre_parse  # type: ignore[no-redef]
    from sre_constants import MAXREPEAT  # type: ignore[no-redef]

#: A repetition allowing more than this many rounds counts as unbounded.
_BIG = 100


class UnsafePattern(ValueError):
    """A pattern refused because it can backtrack for exponentially long."""


def check_pattern(pattern: str, flags: int = re.I) -> None:
    """Raise :class:`UnsafePattern` (or ``re.error``) for a pattern that is invalid or can blow up."""
    re.compile(pattern, flags)
    parsed = _sre_parse.parse(pattern, flags)
    fold = bool((flags | parsed.state.flags) & re.I)
    _walk(parsed, inside_unbounded=False, fold=fold)


def _walk(items, inside_unbounded: bool, fold: bool) -> None:
    _no_adjacent_overlap(items, fold)
    for op, arg in items:
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT"):
            _low, high, body = arg
            unbounded = high == MAXREPEAT or high > _BIG
            if unbounded and inside_unbounded:
                raise UnsafePattern("nested quantifiers (an unbounded repetition inside an unbounded repetition)")
            _walk(body, inside_unbounded or unbounded, fold)
        elif name == "SUBPATTERN":
            _walk(arg[-1], inside_unbounded, fold)
        elif name == "BRANCH":
            if inside_unbounded:
                _no_overlap(arg[1], fold)
            for branch in arg[1]:
                _walk(branch, inside_unbounded, fold)
        elif name in ("ASSERT", "ASSERT_NOT"):
            _walk(arg[1], False, fold)
        # ATOMIC_GROUP and POSSESSIVE_REPEAT never backtrack into themselves


def _no_adjacent_overlap(items, fold: bool) -> None:
    """Two unbounded repetitions that can match the same characters, with nothing required between
    (``\\w+\\s*\\w+``), split a run of those characters every possible way: polynomial, and slow
    on a long line."""
    previous: frozenset[str] | None = None
    for op, arg in items:
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, high, body = arg
            if high == MAXREPEAT or high > _BIG:
                chars = _first(body, fold)
                if chars <= _SPACES:
                    continue  # rules read normalised text, where a run of spaces is one space
                if previous is not None and previous & chars:
                    raise UnsafePattern("adjacent repetitions that can match the same text")
                previous = chars if previous is None else previous | chars
                continue
            if low == 0:
                continue  # optional: it may match nothing, so it separates nothing
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        previous = None


def _no_overlap(branches, fold: bool) -> None:
    """Alternatives repeated without bound must start differently, or the engine tries every split."""
    firsts = [_first(branch, fold) for branch in branches]
    for i, a in enumerate(firsts):
        for b in firsts[i + 1 :]:
            if a & b:
                raise UnsafePattern("alternatives that can match the same text inside a repetition")


#: The characters first-character sets are taken over: ASCII and a few beyond.
_UNIVERSE = frozenset(chr(c) for c in range(128)) | {"\u00a0", "\u00e9", "\u2019", "\u201c"}
_SPACES = frozenset(c for c in _UNIVERSE if c.isspace())
_CATEGORIES = {
    "CATEGORY_DIGIT": lambda c: c.isdigit(),
    "CATEGORY_SPACE": lambda c: c.isspace(),
    "CATEGORY_WORD": lambda c: c.isalnum() or c == "_",
}


def _first(items, fold: bool) -> frozenset[str]:
    """The characters a sequence can start with (over :data:`_UNIVERSE`); everything when unsure."""
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            return _folded({chr(arg)}, fold)
        if name == "NOT_LITERAL":
            return _UNIVERSE - _folded({chr(arg)}, fold)
        if name == "IN":
            return _class(arg, fold)
        if name == "SUBPATTERN":
            return _first(arg[-1], fold)
        if name == "BRANCH":
            return frozenset().union(*(_first(branch, fold) for branch in arg[1]))
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue  # zero-width: look at what follows
        return _UNIVERSE  # any character, a repetition (possibly empty), a backreference
    return _UNIVERSE  # the empty alternative overlaps with everything


def _class(items, fold: bool) -> frozenset[str]:
    chars: set[str] = set()
    negate = False
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            chars.add(chr(arg))
        elif name == "RANGE":
            chars.update(c for c in _UNIVERSE if arg[0] <= ord(c) <= arg[1])
        elif name == "CATEGORY":
            category = str(arg)
            test = _CATEGORIES.get(category.replace("NOT_", ""))
            if test is None:
                return _UNIVERSE
            inverse = "NOT_" in category
            chars.update(c for c in _UNIVERSE if test(c) != inverse)
        else:
            return _UNIVERSE
    found = _folded(chars, fold)
    return _UNIVERSE - found if negate else found


def _folded(chars: set[str], fold: bool) -> frozenset[str]:
    return frozenset(chars | {c.swapcase() for c in chars}) if fold else frozenset(chars)
