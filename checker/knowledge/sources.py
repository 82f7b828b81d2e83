"""Guideline families and the ways letters name them (``rules/sources.yaml``).

A citation names a guideline *family* (the CPMTG, the Opioids Treatment
Guidelines, ACOEM, ODG, the acupuncture guidelines, the drug formulary) and,
in its words, sometimes the edition.  :func:`guideline_names` finds every
name in a text with what it says (family, edition, or "the MTUS as a whole"),
:func:`edition_words` the words near a name that fix its edition; the letter
step (``checker/letter/citations.py``) groups them into citations and
``checker/letter/editions.py`` decides what the words leave open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from checker import safe_yaml
from checker.resources import rules_path
from checker.text import language
from checker.text.prefilter import compile_searching
from checker.text.stored_patterns import compile_pattern

#: The guideline reviewers must apply first (8 CCR 9792.21.1); the others are "other guidelines".
MTUS = "MTUS"

#: What a name says: a family's name, the MTUS as a whole, or an unnamed source outside the MTUS.
FAMILY, WHOLE_MTUS, NON_MTUS = "family", "mtus", "non-mtus"


@dataclass(frozen=True)
class Family:
    """A guideline family of ``rules/sources.yaml``."""

    id: str
    title: str
    source: str  # MTUS, ODG, ACOEM: the source a report names
    part_of_mtus: bool = True
    attribution: tuple[str, ...] = ()


@dataclass(frozen=True)
class Name:
    """A guideline name found in a text: what it names and where."""

    start: int
    end: int
    kind: str  # FAMILY, WHOLE_MTUS or NON_MTUS
    family: str | None = None
    edition: str | None = None  # an edition the name itself fixes ("Opioids Treatment Guidelines": 2016)


@dataclass(frozen=True)
class EditionWord:
    start: int
    end: int
    edition: str
    families: frozenset[str]


@dataclass(frozen=True)
class Sources:
    """Guideline families and names (``rules/sources.yaml``)."""

    families: dict[str, Family]
    names: tuple[tuple[str, str], ...]  # (family id, or "mtus"/"non-mtus"; name) longest name first
    by_key: dict[str, tuple[str, str | None, str | None]]  # name key -> (kind, family, edition)
    record_words: frozenset[str]
    guideline_words: re.Pattern[str]
    name_pattern: re.Pattern[str]
    masked: re.Pattern[str]
    edition_pattern: re.Pattern[str]
    edition_by_key: dict[str, tuple[tuple[str, frozenset[str]], ...]]
    guideline_word_list: tuple[str, ...] = ()  # the words guideline_words matches
    attribution: tuple[tuple[str, str], ...] = ()  # (source, name a rationale attributes by)
    other_authorities: tuple[str, ...] = ()  # CDC, FDA: not guideline sources, not the MTUS either
    unnamed_sources: tuple[str, ...] = ()  # "most guidelines", "the literature": for the quote check only
    mtus_means: str | None = None  # the family "the MTUS" alone stands for
    record_verb_followers: frozenset[str] = frozenset()  # "notes that": a record word used as a verb
    not_pages_before: frozenset[str] = frozenset()  # "9-10 visits": a count after a page list, not pages

    def names_a_record(self, words: list[str], index: int) -> bool:
        """Whether ``words[index]`` is a record word used as a noun (not "notes that")."""
        if words[index].lower() not in self.record_words:
            return False
        return index + 1 >= len(words) or words[index + 1].lower() not in self.record_verb_followers

    def family(self, family_id: str | None) -> Family | None:
        return self.families.get(family_id) if family_id else None

    def source_of(self, family_id: str | None) -> str | None:
        """The source a report names for a family (``MTUS``, ``ODG``, ``ACOEM``)."""
        found = self.family(family_id)
        return found.source if found else None

    def part_of_mtus(self, family_id: str | None) -> bool:
        found = self.family(family_id)
        return found is not None and found.part_of_mtus


#: What name comparisons leave out: spaces, dashes, section signs.
_IGNORED_IN_NAMES = compile_pattern(r"[\s\u00a7\u2013\u2014-]+")
#: Where a name is cut into tokens: a dash (with any spaces), spaces, section signs.
_NAME_SEPARATOR = compile_pattern(r"(\s*[-\u2013\u2014]\s*|\s+|\u00a7+\s*)")
_DASH = compile_pattern(r"\s*[-\u2013\u2014]\s*")
#: Only punctuation (or "the") between two names.
_BETWEEN_NAMES = compile_pattern(r"[\s:;,/()-]*(?:the\s+)?", re.I)


def _key(text: str) -> str:
    """How names are compared: case, spaces, dashes and section signs do not count."""
    return _IGNORED_IN_NAMES.sub("", text.lower())


def _name_regex(name: str) -> str:
    """A name as a regular expression: any spaces, any dash (with or without spaces), optional section signs."""
    parts = []
    for token in _NAME_SEPARATOR.split(name.strip()):
        if not token:
            continue
        if _DASH.fullmatch(token):
            parts.append(r"\s*[-\u2013\u2014]\s*")
        elif token.isspace():
            parts.append(r"\s+")
        elif token.strip().startswith("\u00a7"):
            parts.append(r"\u00a7*\s*")
        else:
            parts.append(re.escape(token))
    return "".join(parts)


def _alternation(names: list[str]) -> str:
    """The names as one case-insensitive pattern, longest first, each a whole word."""
    ordered = sorted(dict.fromkeys(names), key=lambda n: (-len(n), n))
    return r"(?<![\w.-])" + _by_first_character([_name_regex(n) for n in ordered]) + r"(?![\w]|\.\d)"


def _by_first_character(regexes: list[str]) -> str:
    """``(?:r1|r2|...)`` for a case-insensitive pattern, the alternatives gathered behind their first
    letter or digit: ``(?:a(?:merican\\s+college...|coem)|c(?:hronic...)|...)``.

    At each place the engine then tries only the names that begin with the
    text's character there, not every name in turn (a few hundred
    nanoseconds a character, on names searched through whole rationales).
    Names with one first character keep their order (longest first); names
    with different ones cannot match at the same place.  Where a name may
    begin otherwise (an optional section sign), the alternatives stay as given.
    """
    if not all(r[:1].isascii() and r[:1].isalnum() for r in regexes):
        return "(?:" + "|".join(regexes) + ")"
    groups: dict[str, list[str]] = {}
    for regex in regexes:
        groups.setdefault(regex[0].lower(), []).append(regex[1:])
    return "(?:" + "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items()) + ")"


@lru_cache(maxsize=1)
def sources() -> Sources:
    data = safe_yaml.load(rules_path("sources.yaml").read_text(encoding="utf-8")).data or {}
    families: dict[str, Family] = {}
    by_key: dict[str, tuple[str, str | None, str | None]] = {}
    names: list[tuple[str, str]] = []

    def add(name: str, kind: str, family: str | None, edition: str | None) -> None:
        by_key.setdefault(_key(name), (kind, family, edition))
        names.append((family or kind, str(name)))

    for spec in data.get("families", []):
        family = Family(
            str(spec["id"]), str(spec["title"]), str(spec["source"]), bool(spec["part_of_mtus"]), tuple(spec.get("attribution") or ())
        )
        families[family.id] = family
        for edition, edition_names in (spec.get("editions") or {}).items():
            for name in edition_names:
                add(str(name), FAMILY, family.id, str(edition))
        for name in spec.get("names") or ():
            add(str(name), FAMILY, family.id, None)
    for name in data.get("mtus_names", []):
        add(str(name), WHOLE_MTUS, None, None)
    for name in data.get("non_mtus_names", []):
        add(str(name), NON_MTUS, None, None)
    names.sort(key=lambda pair: (-len(pair[1]), pair[1]))
    edition_by_key: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for word in data.get("edition_words", []):
        edition_by_key.setdefault(_key(str(word["text"])), []).append((str(word["edition"]), frozenset(word["families"])))
    words = [str(w["text"]) for w in data.get("edition_words", [])]
    guideline = "|".join(re.escape(w) for w in data.get("guideline_words", []))
    attribution = [(f.source, name) for f in families.values() for name in f.attribution]
    return Sources(
        families=families,
        names=tuple(names),
        by_key=by_key,
        record_words=frozenset(w.lower() for w in data.get("record_words", [])),
        guideline_words=compile_searching(rf"\b(?:{guideline})\b", re.I),
        name_pattern=compile_searching(_alternation([n for _, n in names]), re.I),
        masked=compile_searching(_alternation(list(data.get("not_citations", []))), re.I),
        edition_pattern=compile_searching(r"(?<![\w/.-])(?:" + "|".join(_name_regex(w) for w in sorted(words, key=len, reverse=True)) + r")(?![\w/]|\.\d)", re.I),
        edition_by_key={k: tuple(v) for k, v in edition_by_key.items()},
        guideline_word_list=tuple(str(w) for w in data.get("guideline_words", [])),
        attribution=tuple(attribution),
        other_authorities=tuple(str(a) for a in data.get("other_authorities", [])),
        unnamed_sources=tuple(str(a) for a in data.get("unnamed_sources", [])),
        mtus_means=data.get("mtus_means"),
        record_verb_followers=frozenset(str(w).lower() for w in data.get("record_verb_followers", [])),
        not_pages_before=frozenset(str(w).lower() for w in data.get("not_pages_before", [])),
    )


@lru_cache(maxsize=16)
def guideline_names(text: str) -> tuple[Name, ...]:
    """Every guideline name in ``text``, in order (phrases such as "part of the MTUS" left out).

    Remembered for the last few texts: a rationale is read for its guidelines
    once for its citations, once for its own text, and again for each
    restated guideline statement (about six reads of two texts a letter).
    """
    src = sources()
    masked = src.masked.sub(lambda m: " " * len(m.group()), text)
    found = []
    for m in src.name_pattern.finditer(masked):
        kind, family, edition = src.by_key.get(_key(m.group()), (FAMILY, None, None))
        found.append(Name(m.start(), m.end(), kind, family, edition))
    return tuple(found)


def edition_words(text: str, start: int = 0, end: int | None = None) -> list[EditionWord]:
    """The words of ``text[start:end]`` that fix an edition ("2009", "2nd Edition"), with the families they apply to."""
    src = sources()
    found = []
    for m in src.edition_pattern.finditer(text, start, len(text) if end is None else end):
        for edition, families in src.edition_by_key.get(_key(m.group()), ()):
            found.append(EditionWord(m.start(), m.end(), edition, families))
    return found


@dataclass
class Part:
    """The part of a text one guideline's name governs: from its name to the next guideline's name."""

    family: str | None
    start: int  # where its first name starts
    name_end: int  # where its last name ends
    edition: str | None = None  # an edition its name fixes
    named: bool = True  # False: only "the MTUS" (or nothing) names it
    end: int = 0  # set by _parts: where the next part starts
    region_start: int = 0  # set by _parts: where this part's text starts


def guideline_parts(text: str) -> list[Part]:
    """The guidelines ``text`` names, each with its part of the text.

    "the MTUS" right before a guideline of the MTUS ("MTUS: ACOEM Practice
    Guidelines", "MTUS Chronic Pain ...") and "Non-MTUS Citation:" right
    before a name are part of that name; "the MTUS" after a guideline of the
    MTUS means that guideline ("... The MTUS addresses carisoprodol
    directly."); alone, "the MTUS" means the family ``mtus_means`` names.
    """
    src = sources()
    parts: list[Part] = []
    pending: Name | None = None

    def flush(name: Name) -> None:
        family = src.mtus_means if name.kind == WHOLE_MTUS else None
        parts.append(Part(family, name.start, name.end, named=False))

    for name in guideline_names(text):
        if name.kind == WHOLE_MTUS:
            if pending is None and parts and src.part_of_mtus(parts[-1].family):
                parts[-1].name_end = name.end
                continue
            if pending is None:
                pending = name
            continue
        if name.kind == NON_MTUS:
            if pending is not None:
                flush(pending)
            pending = name
            continue
        start = name.start
        if pending is not None:
            joins = adjacent(text, pending.end, name.start) and (pending.kind == NON_MTUS or src.part_of_mtus(name.family))
            if joins:
                start = pending.start
            else:
                flush(pending)
            pending = None
        last = parts[-1] if parts else None
        if last is not None and last.family == name.family and last.named and start == name.start \
                and (last.edition is None or name.edition in (None, last.edition)):
            last.name_end, last.edition = name.end, last.edition or name.edition
            continue
        parts.append(Part(name.family, start, name.end, name.edition))
    if pending is not None:
        flush(pending)
    for i, part in enumerate(parts):
        part.region_start = 0 if i == 0 else part.start
        part.end = parts[i + 1].start if i + 1 < len(parts) else len(text)
    return parts


def adjacent(text: str, end: int, start: int) -> bool:
    """Only punctuation (or "the") between two names: "MTUS: ACOEM", "Non-MTUS Citation: the ODG"."""
    return _BETWEEN_NAMES.fullmatch(text[end:start]) is not None


def edition_of(text: str, part: Part, start: int, end: int) -> str | None:
    """The edition ``part``'s name fixes, else the first edition word in ``text[start:end]`` for its family."""
    if part.edition is not None:
        return part.edition
    return next((w.edition for w in edition_words(text, start, end) if part.family in w.families), None)


#: How far from a guideline's name, in prose, a word may fix its edition ("the 2016 MTUS").
EDITION_REACH = 40


def edition_near(text: str, part: Part) -> str | None:
    """The edition ``part``'s name fixes, else an edition word next to the name in prose ("Per the 2016 MTUS")."""
    start = max(part.region_start, part.start - EDITION_REACH)
    return edition_of(text, part, start, min(part.end, part.name_end + EDITION_REACH))


def part_at(parts: list[Part], position: int) -> Part | None:
    """The part whose text holds ``position``; a position before any name ("page 24 of the MTUS") belongs to the first."""
    return next((p for p in parts if p.region_start <= position < p.end), parts[0] if parts else None)


def source_id(written: str) -> str | None:
    """The source (``MTUS``, ``ODG``, ``ACOEM``) a name stands for; None for words that name no source."""
    kind, family, _ = sources().by_key.get(_key(written), (None, None, None))
    if kind == WHOLE_MTUS:
        return MTUS
    return sources().source_of(family)


# Patterns the item facts need: which guideline a rationale relies on, and
# whose a quoted figure is.


@lru_cache(maxsize=1)
def other_sources_pattern() -> re.Pattern[str]:
    """A rationale names a guideline or authority other than the MTUS: ODG, ACOEM, CDC, FDA.

    ``m.group().upper()`` is what the ``other_guidelines`` fact lists.
    """
    src = sources()
    names = [name for source, name in src.attribution if source != MTUS] + list(src.other_authorities)
    return compile_pattern(rf"\b{language.phrase_alternation(names)}\b", re.I)


@lru_cache(maxsize=1)
def attributed_pattern() -> re.Pattern[str]:
    """Every source a figure may be attributed to other than the MTUS: the other guidelines and authorities,
    and the unnamed ones ("most guidelines", "the literature").  For the quote check."""
    src = sources()
    names = [name for source, name in src.attribution if source != MTUS]
    names += [*src.other_authorities, *src.unnamed_sources]
    return compile_pattern(rf"(?<![\w]){language.phrase_alternation(names)}(?![\w])", re.I)


@lru_cache(maxsize=1)
def mtus_pattern() -> re.Pattern[str]:
    """A rationale attributes something to the MTUS ("MTUS", "CPMTG", "Chronic Pain Treatment")."""
    names = [name for source, name in sources().attribution if source == MTUS]
    return compile_pattern(rf"\b{language.phrase_alternation(names)}\b", re.I)


@lru_cache(maxsize=1)
def mtus_silent_pattern() -> re.Pattern[str]:
    """The MTUS, or "guidelines", said to be silent on the question ("the MTUS does not address ...").

    Its subject is a guideline word that names no other source (MTUS, CPMTG,
    guideline(s)); the silence phrases are ``conclusions.guideline_silent``.
    """
    subjects = [w for w in sources().guideline_word_list if source_id(w) in (None, MTUS)]
    silent = language.alternation("conclusions.guideline_silent")
    return compile_pattern(rf"\b{language.phrase_alternation(subjects)}\b[^.]{{0,60}}\b{silent}", re.I)


def own_drug_words() -> list[str]:
    """Words for the item's own drug in its rationale ("this medication"): ``context.own_drug``."""
    return list(language.phrases("context.own_drug"))
