"""Guideline knowledge: the MTUS 2009 page map, key statements and concepts.

All of it is data under ``rules/`` (see ``rules/mtus-2009/guideline.yaml``,
``statements.yaml`` and ``rules/concepts.yaml``); this module only loads it
and answers questions such as "which topic does page 24 belong to?" or "may a
carisoprodol item cite page 63?".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from checker.resources import rules_path
from checker.text import language


def compact_numbers(numbers: list[int], min_run: int = 2) -> str:
    """[74, 75, 76, 92] -> "74-76, 92": a page list as a guideline citation writes it.

    Runs shorter than ``min_run`` numbers stay listed ("88, 89" with min_run=3).
    """
    parts: list[str] = []
    run: list[int] = []
    for n in [*sorted(set(numbers)), None]:
        if n is not None and run and n == run[-1] + 1:
            run.append(n)
            continue
        if run:
            parts.append(f"{run[0]}-{run[-1]}" if len(run) >= min_run and len(run) > 1 else ", ".join(str(x) for x in run))
        run = [n] if n is not None else []
    return ", ".join(parts)


def expand_pages(values: list) -> set[int]:
    """``[29, "63-66"]`` -> {29, 63, 64, 65, 66}."""
    pages: set[int] = set()
    for value in values or []:
        text = str(value)
        m = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", text)
        if m:
            pages.update(range(int(m.group(1)), int(m.group(2)) + 1))
        elif text.strip().isdigit():
            pages.add(int(text))
    return pages


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    pages: frozenset[int]
    certainty: str
    parent: str | None = None
    related: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Statement:
    """A guideline statement whose restatement in a rationale can be checked."""

    id: str
    topic: str
    pages: tuple[int, ...]
    says: str
    patterns: tuple[re.Pattern[str], ...]
    expected: frozenset[str]


@dataclass(frozen=True)
class Concept:
    id: str
    title: str
    pattern: re.Pattern[str]
    conflicts: bool = False  # compare the rationale's "not documented" with the summary


@dataclass
class Guideline:
    """One guideline edition: its page map and statements."""

    id: str
    source: str
    edition: str
    title: str
    page_count: int
    general_pages: frozenset[int]
    topics: dict[str, Topic]
    statements: list[Statement] = field(default_factory=list)

    def topic(self, topic_id: str | None) -> Topic | None:
        return self.topics.get(topic_id) if topic_id else None

    def lineage(self, topic_id: str | None) -> list[Topic]:
        """The topic and its parents, most specific first."""
        found: list[Topic] = []
        topic = self.topic(topic_id)
        while topic is not None and topic not in found:
            found.append(topic)
            topic = self.topic(topic.parent)
        return found

    def covers(self, topic_id: str | None, topic_or_parent: str) -> bool:
        return any(t.id == topic_or_parent for t in self.lineage(topic_id))

    def allowed_pages(self, topic_id: str | None) -> frozenset[int]:
        """Pages an item of this topic may properly cite.

        Its own pages, its parents' pages, pages of related topics (and their
        children), and the general pages every treatment may cite.
        """
        pages = set(self.general_pages)
        for topic in self.lineage(topic_id):
            pages |= topic.pages
            for related in topic.related:
                for candidate in self.topics.values():
                    if self.covers(candidate.id, related):
                        pages |= candidate.pages
        for candidate in self.topics.values():  # children of the item's topic
            if topic_id and self.covers(candidate.id, topic_id):
                pages |= candidate.pages
        return frozenset(pages)

    def topics_of_page(self, page: int) -> list[Topic]:
        """Topics whose pages include ``page``, narrowest first."""
        hits = [t for t in self.topics.values() if page in t.pages]
        return sorted(hits, key=lambda t: (len(t.pages), t.id))

    def topic_named(self, text: str) -> Topic | None:
        """The topic a citation's topic or section text names, if any."""
        key = _name_key(text)
        best: tuple[int, str] | None = None
        for topic in self.topics.values():
            for name in (topic.title, *topic.names):
                name_key = _name_key(name)
                if name_key and (key == name_key or re.search(rf"\b{re.escape(name_key)}\b", key)):
                    score = len(name_key)
                    if best is None or score > best[0]:
                        best = (score, topic.id)
        return self.topics[best[1]] if best else None


def _name_key(text: str) -> str:
    return re.sub(r"[^a-z0-9/&]+", " ", text.lower()).strip()


@lru_cache(maxsize=1)
def _macros() -> dict[str, str]:
    """``{number}`` and ``{range}`` of statement patterns: digits or number words (``numbers.yaml``)."""
    words = language.phrase_alternation(language.prose_number_words())
    return {
        "{number}": rf"(?:\d+|{words})",
        "{range}": rf"(?:(?:\d+|{words})\s*(?:-|\u2013|to)\s*(?:\d+|{words}))",
    }


def compile_pattern(text: str) -> re.Pattern[str]:
    """Compile a statement pattern from YAML, expanding the number macros."""
    text = compile_pattern_text(text)
    return re.compile(text, re.I)


def compile_pattern_text(text: str) -> str:
    """A statement pattern as a regular expression: number macros expanded, value groups numbered."""
    for macro, regex in _macros().items():
        text = text.replace(macro, regex)
    # A pattern may name the value group more than once (alternatives); keep the first.
    seen = 0

    def rename(m: re.Match[str]) -> str:
        nonlocal seen
        seen += 1
        return "(?P<value>" if seen == 1 else f"(?P<value{seen}>"

    return re.sub(r"\(\?P<value>", rename, text)


_NUMBER_WORD = language.lazy(lambda: rf"\b({language.phrase_alternation(language.prose_number_words())})\b")


def normalise_value(text: str) -> str:
    """Normalise a quoted value: lower case, number words to digits, "2 to 3" -> "2-3"."""
    words = {word: str(n) for word, n in language.prose_number_words().items()}
    value = re.sub(r"\s+", " ", text.strip().lower())
    value = _NUMBER_WORD.sub(lambda m: words[m.group(1)], value)
    value = re.sub(r"\s*(?:\u2013|-|\bto\b)\s*", "-", value)
    return value


def load_guideline(path: Path | None = None, statements_path: Path | None = None) -> Guideline:
    data = yaml.safe_load((path or rules_path("mtus-2009/guideline.yaml")).read_text(encoding="utf-8"))
    meta = data["guideline"]
    topics = {
        tid: Topic(
            id=tid,
            title=str(t.get("title", tid)),
            pages=frozenset(expand_pages(t.get("pages", []))),
            certainty=str(t.get("certainty", "unverified")),
            parent=t.get("parent"),
            related=tuple(t.get("related") or ()),
            names=tuple(str(n) for n in t.get("names") or ()),
        )
        for tid, t in (data.get("topics") or {}).items()
    }
    guideline = Guideline(
        id=str(meta["id"]),
        source=str(meta["source"]),
        edition=str(meta["edition"]),
        title=str(meta.get("title", meta["id"])),
        page_count=int(meta["page_count"]),
        general_pages=frozenset(expand_pages(meta.get("general_pages", []))),
        topics=topics,
    )
    st_path = statements_path or rules_path("mtus-2009/statements.yaml")
    guideline.statements = load_statements(yaml.safe_load(st_path.read_text(encoding="utf-8")) or {})
    return guideline


def load_statements(data: dict) -> list[Statement]:
    return [
        Statement(
            id=str(s["id"]),
            topic=str(s["topic"]),
            pages=tuple(int(p) for p in s.get("pages", [])),
            says=str(s.get("says", "")),
            patterns=tuple(compile_pattern(p) for p in s.get("patterns", [])),
            expected=frozenset(normalise_value(str(v)) for v in s.get("expected", [])),
        )
        for s in data.get("statements") or []
    ]


def load_concepts(data: dict) -> dict[str, Concept]:
    """Concepts from a ``concepts:`` mapping (``rules/concepts.yaml`` or a rule file)."""
    concepts = {}
    for cid, spec in (data.get("concepts") or {}).items():
        alternatives = [_term_regex(t) for t in spec.get("terms") or []]
        alternatives += [f"(?:{p})" for p in spec.get("patterns") or []]
        alternatives.sort(key=len, reverse=True)
        pattern = re.compile(r"(?<![\w])(?:" + "|".join(alternatives) + r")(?![\w])", re.I)
        concepts[cid] = Concept(cid, str(spec.get("title", cid)), pattern, bool(spec.get("conflicts", False)))
    return concepts


def _term_regex(term: str) -> str:
    words = [re.escape(w) for w in re.split(r"[\s-]+", str(term).strip()) if w]
    body = r"[\s-]+".join(words)
    return f"(?:{body}(?:s|es)?)"


@lru_cache(maxsize=1)
def default_guideline() -> Guideline:
    return load_guideline()


@lru_cache(maxsize=1)
def default_concepts() -> dict[str, Concept]:
    return load_concepts(yaml.safe_load(rules_path("concepts.yaml").read_text(encoding="utf-8")) or {})
