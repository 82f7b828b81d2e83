"""The words letters use, read from ``rules/language/*.yaml``: one loader for every list.

Letters say one thing many ways ("no documentation of", "lack of", "absence
of"; "twice a day", "BID"; "Sept.", "September").  Each such list lives in
one language file, so a rule author adds a phrasing without Python and every
reader of the list sees it.  Python keeps only the regex *structure* (how
cues, words and gaps combine); the words come from here.

A key names a file and a path inside it: ``"negation.necessity.before"`` is
the list under ``necessity: before:`` in ``rules/language/negation.yaml``.
Files are read with YAML's safe loader once per process, on first use, and
checked before use (:class:`LanguageError` names the file).  Nothing in them
is executed.  A list of cues holds literal phrases; a cue set may instead be
a mapping with ``phrases`` (literal), ``stems`` (word beginnings: "demonstrat"
for "demonstrated", "demonstrates" ...) and, rarely, ``patterns`` (regular
expressions, for what phrases cannot say).
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from checker import safe_yaml
from checker.resources import rules_path
from checker.text.prefilter import (
    anchored_starts, compile_searching, literal_starts, lower_in_step, matches_at, shortest_anchors,
)
from checker.text.stored_patterns import remembered

#: Keys of a mapping that is a cue set rather than a section.
_CUE_KEYS = frozenset({"phrases", "stems", "patterns"})


class LanguageError(ValueError):
    """A language file is unreadable or malformed, or lacks a key: the message names the file."""


def load_file(path: Path) -> dict[str, Any]:
    """Read and check one language file (``version: 1`` and lists of text or numbers)."""
    try:
        data = safe_yaml.load(path.read_text(encoding="utf-8")).data
    except OSError as error:
        raise LanguageError(f"{path}: cannot read language file: {error.strerror}") from None
    except safe_yaml.YamlError as error:
        raise LanguageError(f"{path}:{error.line or 1}: not valid YAML: {error}") from None
    if not isinstance(data, dict) or data.get("version") != 1:
        raise LanguageError(f"{path}: a language file is a mapping that starts with 'version: 1'")
    for where, problem in _problems(data, ""):
        raise LanguageError(f"{path}: {where or 'top level'}: {problem}")
    return data


def _problems(node: Any, where: str) -> Iterator[tuple[str, str]]:
    """What is wrong in ``node``: only text keys, and leaves of text, numbers or lists of text."""
    if isinstance(node, dict):
        for key, value in node.items():
            if not isinstance(key, str):
                yield where, f"key {key!r} is not text (quote it: YAML reads no/yes/on/off as true/false)"
                continue
            yield from _problems(value, f"{where}.{key}" if where else key)
    elif isinstance(node, list):
        if not node:
            yield where, "empty list"
        for entry in node:
            if isinstance(entry, list):
                yield from _problems(entry, where)
            elif not isinstance(entry, str) or not entry.strip():
                yield where, f"entry {entry!r} is not a phrase (quote words YAML reads otherwise, e.g. \"no\")"
    elif isinstance(node, bool) or not isinstance(node, (str, int, float)):
        yield where, f"value {node!r} is neither text, a number nor a list"


@lru_cache(maxsize=None)
def _document(name: str) -> dict[str, Any]:
    return load_file(rules_path(f"language/{name}.yaml"))


def entry(key: str) -> Any:
    """The value at a dotted key: ``entry("numbers.prose_limit")`` -> 12."""
    name, _, rest = key.partition(".")
    node: Any = _document(name)
    for part in rest.split(".") if rest else []:
        if not isinstance(node, dict) or part not in node:
            raise LanguageError(f"{rules_path(f'language/{name}.yaml')}: no entry {key!r}")
        node = node[part]
    return node


def phrases(key: str) -> tuple[str, ...]:
    """The literal phrases of a list, or of a cue set's ``phrases``."""
    return _cue_part(key, "phrases")


def stems(key: str) -> tuple[str, ...]:
    """The word beginnings of a cue set (``stems:``); none for a plain list."""
    return _cue_part(key, "stems")


def patterns(key: str) -> tuple[str, ...]:
    """The regular expressions of a cue set (``patterns:``); none for a plain list."""
    return _cue_part(key, "patterns")


def _cue_part(key: str, part: str) -> tuple[str, ...]:
    """One part of a cue set; a plain list is all phrases."""
    node = entry(key)
    if isinstance(node, list):
        return _strings(key, node) if part == "phrases" else ()
    if isinstance(node, dict) and node and set(node) <= _CUE_KEYS:
        return _strings(key, node.get(part, []))
    raise LanguageError(f"{_file_of(key)}: {key!r} is neither a list of phrases nor a cue set")


@lru_cache(maxsize=None)
def words(key: str) -> frozenset[str]:
    """The phrases of a list in lower case, for membership tests."""
    return frozenset(p.lower() for p in phrases(key))


def text(key: str) -> str:
    """A single word or phrase (``male: {subject: he}``)."""
    node = entry(key)
    if not isinstance(node, str):
        raise LanguageError(f"{_file_of(key)}: {key!r} is not a single phrase")
    return node


def integer(key: str) -> int:
    node = entry(key)
    if not isinstance(node, int) or isinstance(node, bool):
        raise LanguageError(f"{_file_of(key)}: {key!r} is not a whole number")
    return node


def table(key: str) -> dict[str, float]:
    """A mapping of words to numbers (number words, doses a day, days in a unit)."""
    node = entry(key)
    if not isinstance(node, dict) or not all(isinstance(v, (int, float)) for v in node.values()):
        raise LanguageError(f"{_file_of(key)}: {key!r} is not a table of numbers")
    return dict(node)


def groups(key: str) -> tuple[tuple[str, ...], ...]:
    """A list of lists of phrases (month names, in calendar order)."""
    node = entry(key)
    if not isinstance(node, list) or not all(isinstance(g, list) for g in node):
        raise LanguageError(f"{_file_of(key)}: {key!r} is not a list of lists")
    return tuple(_strings(key, g) for g in node)


def section(key: str) -> dict[str, Any]:
    """A mapping under a key (e.g. the frequency phrases, one entry a name)."""
    node = entry(key)
    if not isinstance(node, dict):
        raise LanguageError(f"{_file_of(key)}: {key!r} is not a section")
    return node


@lru_cache(maxsize=1)
def number_words() -> dict[str, int]:
    """Every number word (``numbers.words``, lower case) and its value: request lines read them all."""
    return {word.lower(): int(value) for word, value in table("numbers.words").items()}


@lru_cache(maxsize=1)
def prose_number_words() -> dict[str, int]:
    """Number words prose spells out, one to ``numbers.prose_limit``: durations, guideline statements."""
    limit = integer("numbers.prose_limit")
    return {word: value for word, value in number_words().items() if 1 <= value <= limit}


def _strings(key: str, node: Any) -> tuple[str, ...]:
    if not isinstance(node, list) or not all(isinstance(p, str) for p in node):
        raise LanguageError(f"{_file_of(key)}: {key!r} is not a list of phrases")
    return tuple(node)


def _file_of(key: str) -> Path:
    return rules_path(f"language/{key.partition('.')[0]}.yaml")


@lru_cache(maxsize=None)
def alternation(key: str, *, gap: str = r"\s+", hyphens: bool = False, stem_tail: str = r"\w*", lower: bool = False) -> str:
    """``(?:a|b|c)`` of a list or cue set: phrases escaped, longest first, spaces matched by ``gap``.

    ``hyphens`` lets a hyphen in a phrase match ``gap`` too ("right-handed");
    ``stem_tail`` is what may follow a stem; ``lower`` lower-cases phrases and
    stems for a pattern matched against lower-cased text without re.I
    (``patterns`` are kept as written).
    """
    words_ = [p.lower() for p in phrases(key)] if lower else list(phrases(key))
    extra = [re.escape(s.lower() if lower else s) + stem_tail for s in sorted(stems(key), key=len, reverse=True)]
    extra += [f"(?:{p})" for p in patterns(key)]
    return phrase_alternation(words_, gap=gap, hyphens=hyphens, extra=extra)


def phrase_alternation(items: Iterable[str], *, gap: str = r"\s+", hyphens: bool = False, extra: Iterable[str] = ()) -> str:
    """``(?:...)`` of literal phrases, longest first (ties keep their order), then ``extra`` regexes.

    Written as a trie of the phrases where that matches exactly as the plain
    alternation does (:func:`_phrase_trie`): the engine then decides a list
    of a hundred cues in a few steps at each place it is tried.
    """
    split = r"[\s-]+" if hyphens else r"\s+"
    ordered = sorted(dict.fromkeys(items), key=len, reverse=True)
    words = [[w for w in re.split(split, p.strip()) if w] for p in ordered]
    trie = _kept_phrase_trie(words, gap) if len(words) > 1 else None
    parts = [trie] if trie is not None else [gap.join(re.escape(w) for w in phrase) for phrase in words]
    parts += extra
    if not parts:
        raise LanguageError("an alternation needs at least one phrase")
    return "(?:" + "|".join(parts) + ")"


#: Gaps between words a phrase trie may use, with the characters each can match besides white space.
_TRIE_GAPS = {r"\s+": "", r"[\s-]+": "-", r"[\s-]": "-"}
#: The gap between two words, as one token of a phrase in a trie.
_GAP = "\0"


def _kept_phrase_trie(phrases: list[list[str]], gap: str) -> str | None:
    """:func:`_phrase_trie`, kept between runs (building the tries of every cue list is a start-up cost)."""
    key = "\x1e".join("\x1f".join(phrase) for phrase in phrases)
    return remembered(f"phrase_trie {gap}", key, 0, lambda: _phrase_trie(phrases, gap))


def _phrase_trie(phrases: list[list[str]], gap: str) -> str | None:
    """The phrases (lists of words, in the alternation's order) as one trie, or None where it could match otherwise.

    At a place in a text, the phrases that can match there are each the
    beginning of the next (two phrases that part on a letter, or on a letter
    against a gap, cannot both match), and the trie tries them longest first
    as the alternation does, provided: the gap matches no character a word
    holds, words are ASCII (re.IGNORECASE pairs "s" with "\u017f"), no two
    phrases differ only in case, and the alternation lists a phrase before
    every phrase that begins it.  Otherwise the plain alternation is kept.
    """
    if gap not in _TRIE_GAPS or not all(phrases):
        return None
    gap_chars = _TRIE_GAPS[gap]
    joined = []  # each phrase as one string, a gap written as _GAP
    for phrase in phrases:
        if any(not word.isascii() or any(c in gap_chars or c == _GAP for c in word) for word in phrase):
            return None
        joined.append(_GAP.join(phrase))
    first: dict[str, tuple[int, str]] = {}  # phrase in lower case -> (its first index, as written)
    for index, exact in enumerate(joined):
        if first.setdefault(exact.lower(), (index, exact))[1] != exact:
            return None  # two phrases differ only in case
    for index, exact in enumerate(joined):
        for end in range(1, len(exact)):
            shorter = first.get(exact[:end].lower())
            if shorter is not None and (shorter[1] != exact[:end] or shorter[0] < index):
                return None
    return literal_trie(joined, escape=lambda c: gap if c == _GAP else re.escape(c))


def literal_trie(words: Iterable[str], *, escape: Callable[[str], str] = re.escape) -> str:
    """A regex matching exactly the literal ``words``, with shared beginnings factored out: ``(?:ab(?:c|d)|e)``.

    Python's regex engine tries an alternation branch by branch at every
    place it is tried; a trie of several hundred words is decided there in a
    few steps.  Matches as the words do; which word matches where a word is
    another's beginning is for the caller to settle (a lookahead after it).
    """
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    if not trie:
        raise LanguageError("a trie needs at least one word")
    return _trie_regex(trie, escape)


def kept_literal_trie(words: list[str]) -> str:
    """:func:`literal_trie` of ``words``, kept between runs (the trie of a few hundred names is a start-up cost)."""
    return remembered("literal_trie", "\x1f".join(words), 0, lambda: literal_trie(words))


def _trie_regex(node: dict[str, dict], escape: Callable[[str], str]) -> str:
    branches = [escape(char) + _trie_regex(child, escape) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" not in node:
        return body
    return f"(?:{body})?"


class LazyRegex:
    """A regular expression built from language data, compiled on first use.

    Module-level patterns are declared with it so that importing a module
    reads no language file: ``imr-check --version`` stays fast.  Patterns
    are searched through whole texts, so they are compiled with
    :func:`~checker.text.prefilter.compile_searching`; ``pattern`` is the
    source as built, for embedding in other patterns.
    """

    __slots__ = ("_build", "_flags", "_compiled", "_source", "_anchors")

    def __init__(self, build: Callable[[], str], flags: int = 0) -> None:
        self._build = build
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None
        self._source: str | None = None
        self._anchors: tuple[str, ...] | None | bool = False  # False: not read yet

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = compile_searching(self.pattern, self._flags)
        return self._compiled

    @property
    def pattern(self) -> str:
        """The source as built (embedding it in another pattern compiles nothing)."""
        if self._source is None:
            self._source = self._build()
        return self._source

    @property
    def flags(self) -> int:
        return self.compiled.flags

    @property
    def anchors(self) -> tuple[str, ...] | None:
        """The plain texts (lower case) one of which begins every match (``prefilter.literal_starts``),
        when there are a few and none is shorter than two characters; else None."""
        if self._anchors is False:
            starts = literal_starts(self.pattern, self._flags)
            anchors = None if starts is None else shortest_anchors(starts)
            usable = anchors is not None and len(anchors) <= _MOST_ANCHORS and min(map(len, anchors)) >= 2
            self._anchors = anchors if usable else None
        return self._anchors  # type: ignore[return-value]

    def _anchored(self, string: str, pos: int, endpos: int) -> tuple[list[int], int] | None:
        """Where a match may start in ``string[pos:endpos]`` (where an anchor does, in order), and where
        the search ends.

        None (search the ordinary way) for a short text, a pattern without
        anchors, a text whose lower case does not line up with it, or anchors
        so frequent that trying each place would be slower than the engine's scan.
        """
        if self.anchors is None:
            return None
        pos, end = _bounds(string, pos, endpos)
        lowered = _lowered(string) if end - pos >= _ANCHORED_MIN_LENGTH else None
        starts = None if lowered is None else anchored_starts(lowered, self.anchors, pos, end, most=_MOST_ANCHORED_STARTS)
        return None if starts is None else (starts, end)

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        """``Pattern.search``; in a long text, a match is tried only where an anchor starts (:meth:`_anchored`)."""
        # Most calls search a sentence or a line: the engine's scan, with no call on the way.
        anchored = None if len(string) < _ANCHORED_MIN_LENGTH else self._anchored(string, pos, endpos)
        if anchored is None:
            return self.compiled.search(string, pos, endpos)
        return next(matches_at(self.compiled, string, *anchored), None)

    def match(self, string: str, *args: int) -> re.Match[str] | None:
        return self.compiled.match(string, *args)

    def fullmatch(self, string: str, *args: int) -> re.Match[str] | None:
        return self.compiled.fullmatch(string, *args)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        """``Pattern.finditer``; in a long text, matches are tried only where an anchor starts (:meth:`_anchored`)."""
        anchored = None if len(string) < _ANCHORED_MIN_LENGTH else self._anchored(string, pos, endpos)
        if anchored is None:
            return self.compiled.finditer(string, pos, endpos)
        return matches_at(self.compiled, string, *anchored)

    def sub(self, repl: Any, string: str, count: int = 0) -> str:
        return self.compiled.sub(repl, string, count)

    def split(self, string: str, maxsplit: int = 0) -> list[str]:
        return self.compiled.split(string, maxsplit)


#: A pattern with more anchors than this is searched the ordinary way.
_MOST_ANCHORS = 12
#: Texts shorter than this are searched the ordinary way (the engine's scan is quick there).
_ANCHORED_MIN_LENGTH = 400
#: More places to try than this, and the engine's own scan is quicker.
_MOST_ANCHORED_STARTS = 40


def _bounds(string: str, pos: int, endpos: int) -> tuple[int, int]:
    """``pos`` and ``endpos`` as the engine reads them: within the text (not counted from its end, as ``str.find`` would)."""
    return max(0, min(pos, len(string))), max(0, min(endpos, len(string)))


def _lowered(string: str) -> str | None:
    """``prefilter.lower_in_step(string)``, remembered for the last text (patterns search one text in turn)."""
    if _LAST_LOWERED[0] is not string:
        _LAST_LOWERED[:] = [string, lower_in_step(string)]
    return _LAST_LOWERED[1]


_LAST_LOWERED: list[Any] = [None, None]


def lazy(build: Callable[[], str], flags: int = 0) -> LazyRegex:
    """Declare a pattern whose source ``build`` makes from language data (compiled on first use)."""
    return LazyRegex(build, flags)
