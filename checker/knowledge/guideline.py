"""Guideline knowledge: guidelines and their editions, page maps, key statements, concepts.

All of it is data under ``rules/``: one file per guideline and edition in
``rules/guidelines/<id>.yaml`` (validated against
``rules/schema/guideline.schema.json``) and ``rules/concepts.yaml``.  This
module only loads it and answers questions such as "which guideline edition
applies to a request of 2017-03-02?", "which topic does page 24 of the 2009
CPMTG belong to?" or "may a carisoprodol item cite page 63?".  A page number
means nothing until the guideline and edition are known (DOMAIN.md section
3), so every question about pages is asked of one :class:`Guideline`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from checker import safe_yaml
from checker.resources import rules_path
from checker.schemas import schema_errors
from checker.text import language, stored_patterns
from checker.text.prefilter import anchored_starts, compile_searching, literal_starts, matches_at, shortest_anchors

#: The guideline whose topics name the item's topic (drugs.yaml ``topic:``), and the edition rules default to.
DEFAULT_GUIDELINE = "cpmtg-2009"


def compact_numbers(numbers: list[int], min_run: int = 2) -> str:
    """[74, 75, 76, 92] -> "74-76, 92": a page list as a guideline citation writes it.

    Runs shorter than ``min_run`` numbers stay listed ("88, 89" with min_run=3).
    """
    return _compact(tuple(numbers), min_run)


@lru_cache(maxsize=1024)
def _compact(numbers: tuple[int, ...], min_run: int) -> str:
    """``compact_numbers``, once per list: a message shows the same page list in each of its findings."""
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
    main_page: int | None = None  # the topic's main entry, preferred when topics share a page


@dataclass(frozen=True)
class Statement:
    """A guideline statement whose restatement in a rationale can be checked.

    It belongs to one guideline edition (``guideline``: its id), and says
    whether ``says`` is the guideline's own words (``wording: verbatim``) or
    ours (``paraphrase``), and how sure we are of it (``certainty``).
    """

    id: str
    topic: str
    pages: tuple[int, ...]
    says: str
    patterns: tuple[re.Pattern[str], ...]
    expected: frozenset[str]
    guideline: str = DEFAULT_GUIDELINE
    wording: str = "paraphrase"
    certainty: str = "unverified"


@dataclass(frozen=True)
class Concept:
    """A clinical concept (``rules/concepts.yaml``) and every phrasing of it, as one pattern."""

    id: str
    title: str
    pattern: re.Pattern[str]
    conflicts: bool = False  # compare the rationale's "not documented" with the summary
    #: What every mention begins with, lower case (each term's first word, each pattern's plain
    #: beginnings): a text holding none of them cannot mention the concept, and a mention starts
    #: only where one does.  None when a pattern may begin otherwise.
    anchors: tuple[str, ...] | None = None

    def finditer(self, text: str, lowered: str | None) -> Iterator[re.Match[str]]:
        """The concept's mentions in ``text``: what ``pattern.finditer`` finds.

        ``lowered`` is ``prefilter.lower_in_step(text)``, computed once per
        text by the caller.  A mention starts where one of the ``anchors``
        does, so the pattern is tried only where ``lowered`` holds one (found
        by ``str.find``), not at every character.  Where ``lowered`` is None
        (lower case does not line up with the text, or a letter folds to an
        ASCII one), the whole text is searched instead.
        """
        if self.anchors is None or lowered is None:
            yield from self.pattern.finditer(text)
            return
        yield from matches_at(self.pattern, text, anchored_starts(lowered, self.anchors) or [])


@dataclass
class Guideline:
    """One guideline edition (``rules/guidelines/<id>.yaml``): its topics, page map and statements."""

    id: str
    family: str
    edition: str | None
    title: str
    topics: dict[str, Topic]
    page_count: int | None = None
    general_pages: frozenset[int] = frozenset()
    statements: list[Statement] = field(default_factory=list)
    part_of_mtus: bool = True
    pagination: str = "pages"
    certainty: str = "unverified"
    in_force: tuple[dt.date | None, dt.date | None] | None = None  # (from, to); None: never chosen by dates
    #: allowed_pages / topic_named / topics_of_page, per argument.
    _answers: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def has_page_map(self) -> bool:
        """Cited pages can be judged: the guideline is cited by page and its page count is known."""
        return self.pagination == "pages" and self.page_count is not None

    def in_force_on(self, day: dt.date) -> bool:
        if self.in_force is None:
            return False
        start, end = self.in_force
        return (start is None or start <= day) and (end is None or day <= end)

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
        return self._answer(("allowed", topic_id), lambda: self._allowed_pages(topic_id))

    def _allowed_pages(self, topic_id: str | None) -> frozenset[int]:
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
        """Topics whose pages include ``page``: the topic whose main entry it is first, then narrowest first.

        Page 29 of the 2009 CPMTG is carisoprodol's main entry and the end of
        capsaicin (28-29): it is about carisoprodol.
        """
        # Asked once per cited page: a rationale may cite thousands.
        return list(self._answer(("page", page), lambda: self._topics_of_page(page)))

    def _topics_of_page(self, page: int) -> tuple[Topic, ...]:
        hits = [t for t in self.topics.values() if page in t.pages]
        return tuple(sorted(hits, key=lambda t: (t.main_page != page, len(t.pages), t.id)))

    def topic_named(self, text: str) -> Topic | None:
        """The topic a citation's topic or section text names, if any."""
        return self._answer(("named", text), lambda: self._topic_named(text))

    def _answer(self, key: tuple, work_out: Callable[[], Any]) -> Any:
        """The answer kept under ``key``, worked out the first time it is asked for.

        Texts named and pages cited differ from letter to letter: past
        :data:`_MOST_ANSWERS` the answers start afresh, so a batch of millions
        of letters keeps no more than a few thousand.
        """
        found = self._answers.get(key, _NONE)
        if found is _NONE:
            if len(self._answers) >= _MOST_ANSWERS:
                self._answers.clear()
            found = self._answers[key] = work_out()
        return found

    def _topic_named(self, text: str) -> Topic | None:
        key = _name_key(text)
        best: tuple[int, str] | None = None
        for topic_id, name_key in self._name_keys():
            # ``in`` first: a fast substring test spares the pattern search on most names of a long text
            if key == name_key or name_key in key and _whole_words(name_key).search(key):
                score = len(name_key)
                if best is None or score > best[0]:
                    best = (score, topic_id)
        return self.topics[best[1]] if best else None

    def _name_keys(self) -> tuple[tuple[str, str], ...]:
        """(topic id, name key) of each topic's title and names, in order: worked out once, not per text named."""
        return self._answer(_NAME_KEYS, lambda: tuple(
            (topic.id, name_key)
            for topic in self.topics.values()
            for name_key in map(_name_key, (topic.title, *topic.names))
            if name_key
        ))


#: Where a guideline keeps its topics' name keys among its answers.
_NAME_KEYS = ("name keys",)
#: The most answers a guideline keeps (see ``Guideline._answer``).
_MOST_ANSWERS = 4_096
#: No answer yet (None is an answer: no topic is named).
_NONE = object()


def _name_key(text: str) -> str:
    return _NOT_IN_NAME_KEY.sub(" ", text.lower()).strip()


_NOT_IN_NAME_KEY = stored_patterns.compile_pattern(r"[^a-z0-9/&]+")


@lru_cache(maxsize=None)
def _whole_words(name_key: str) -> re.Pattern[str]:
    """``name_key`` as whole words (the guidelines' topic names: a set the rule files fix)."""
    return stored_patterns.compile_pattern(rf"\b{re.escape(name_key)}\b")


@lru_cache(maxsize=1)
def _macros() -> dict[str, str]:
    """``{number}`` and ``{range}`` of statement patterns: digits or number words (``numbers.yaml``)."""
    words = language.phrase_alternation(language.prose_number_words())
    return {
        "{number}": rf"(?:\d+|{words})",
        "{range}": rf"(?:(?:\d+|{words})\s*(?:-|\u2013|to)\s*(?:\d+|{words}))",
    }


def compile_pattern(text: str) -> re.Pattern[str]:
    """Compile a statement pattern from YAML, expanding the number macros.

    Searched through every rationale of its topic, case-insensitively: so
    compiled with :func:`~checker.text.prefilter.compile_searching`.
    """
    return compile_searching(compile_pattern_text(text), re.I)


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


def load_guideline(path: Path) -> Guideline:
    """Read one guideline file (safe YAML, validated against ``rules/schema/guideline.schema.json``)."""
    data = _read_data_file(path, "guideline")
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
            main_page=t.get("main_page"),
        )
        for tid, t in (data.get("topics") or {}).items()
    }
    for topic in topics.values():
        for other in [topic.parent, *topic.related]:
            if other is not None and other not in topics:
                raise GuidelineError(f"{path}: topics.{topic.id}: unknown topic {other!r}")
    in_force = meta.get("in_force")
    edition = meta.get("edition")
    guideline = Guideline(
        id=str(meta["id"]),
        family=str(meta["family"]),
        edition=None if edition is None else str(edition),
        title=str(meta["title"]),
        topics=topics,
        page_count=meta.get("page_count"),
        general_pages=frozenset(expand_pages(meta.get("general_pages", []))),
        part_of_mtus=bool(meta["part_of_mtus"]),
        pagination=str(meta["pagination"]),
        certainty=str(meta["certainty"]),
        in_force=(_date(in_force.get("from")), _date(in_force.get("to"))) if in_force else None,
    )
    if guideline.id != path.stem:
        raise GuidelineError(f"{path}: guideline.id is {guideline.id!r}; a guideline file is named after its id")
    guideline.statements = load_statements(data, guideline.id)
    for statement in guideline.statements:
        if statement.topic not in topics:
            raise GuidelineError(f"{path}: statement {statement.id}: unknown topic {statement.topic!r}")
    return guideline


class GuidelineError(ValueError):
    """A guideline file that cannot be used: the message names the file."""


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _read_data_file(path: Path, schema: str) -> dict[str, Any]:
    """A YAML data file read safely (``checker.safe_yaml``) and checked against ``rules/schema/<schema>.schema.json``.

    Errors name the file and line.
    """
    try:
        text = path.read_text(encoding="utf-8")
        document = safe_yaml.load(text)
    except OSError as error:
        raise GuidelineError(f"{path}: cannot read ({error.strerror})") from None
    except safe_yaml.YamlError as error:
        raise GuidelineError(f"{path}:{error.line or 1}: {error}") from None
    data = _plain(document.data)
    error = next(iter(schema_errors(schema, data, text)), None)
    if error is not None:
        location = list(error.absolute_path)
        where = ".".join(str(p) for p in location) or "file"
        raise GuidelineError(f"{path}:{document.line(location)}: {where}: {error.message}")
    return data


def _plain(node: Any) -> Any:
    """YAML dates as ISO text, so the schema sees what the file says."""
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node.isoformat() if isinstance(node, dt.date) else node


def load_statements(data: dict, guideline_id: str | None = None) -> list[Statement]:
    """Statements of a guideline file (``guideline_id``) or of a rule file (each names its ``guideline``, default the 2009 CPMTG)."""
    return [
        Statement(
            id=str(s["id"]),
            topic=str(s["topic"]),
            pages=tuple(int(p) for p in s.get("pages", [])),
            says=str(s.get("says", "")),
            patterns=tuple(compile_pattern(p) for p in s.get("patterns", [])),
            expected=frozenset(normalise_value(str(v)) for v in s.get("expected", [])),
            guideline=guideline_id or str(s.get("guideline") or DEFAULT_GUIDELINE),
            wording=str(s.get("wording", "paraphrase")),
            certainty=str(s.get("certainty", "unverified")),
        )
        for s in data.get("statements") or []
    ]


@dataclass
class Guidelines:
    """Every guideline edition of ``rules/guidelines/``, by id and by family."""

    by_id: dict[str, Guideline]
    #: of_family / find / editions, per question: asked for every citation, of a set that never changes.
    _answers: dict = field(default_factory=dict, repr=False, compare=False)

    def get(self, guideline_id: str | None) -> Guideline | None:
        return self.by_id.get(guideline_id) if guideline_id else None

    def of_family(self, family: str | None) -> list[Guideline]:
        key = ("family", family)
        if key not in self._answers:
            self._answers[key] = tuple(g for g in self.by_id.values() if g.family == family)
        return list(self._answers[key])

    def find(self, family: str | None, edition: str | None) -> Guideline | None:
        """The guideline of ``family`` and ``edition`` (for families cited without editions: their one file)."""
        key = ("find", family, edition)
        if key not in self._answers:
            members = self.of_family(family)
            exact = next((g for g in members if g.edition == edition), None)
            if exact is not None or edition is not None:
                self._answers[key] = exact
            else:
                self._answers[key] = members[0] if len(members) == 1 else None
        return self._answers[key]

    def editions(self, family: str | None) -> list[str]:
        """The editions of a family (empty for families cited without an edition: ODG, acupuncture, the formulary)."""
        key = ("editions", family)
        if key not in self._answers:
            self._answers[key] = tuple(sorted(g.edition for g in self.of_family(family) if g.edition is not None))
        return list(self._answers[key])

    def in_force(self, family: str | None, day: dt.date | None) -> Guideline | None:
        """The edition of ``family`` in force on ``day`` (``in_force`` of its files), if exactly one is."""
        if day is None:
            return None
        found = [g for g in self.of_family(family) if g.edition is not None and g.in_force_on(day)]
        return found[0] if len(found) == 1 else None

    @property
    def statements(self) -> list[Statement]:
        return [s for g in self.by_id.values() for s in g.statements]


def load_guidelines(directory: Path | None = None) -> Guidelines:
    folder = directory or rules_path("guidelines")
    return Guidelines({g.id: g for g in (load_guideline(p) for p in sorted(folder.glob("*.yaml")))})


def load_concepts(data: dict) -> dict[str, Concept]:
    """Concepts from a ``concepts:`` mapping (``rules/concepts.yaml`` or a rule file)."""
    concepts = {}
    for cid, spec in (data.get("concepts") or {}).items():
        terms = [str(t) for t in spec.get("terms") or []]
        alternatives = [_term_regex(t) for t in terms]
        alternatives += [f"(?:{p})" for p in spec.get("patterns") or []]
        alternatives.sort(key=len, reverse=True)
        pattern = compile_searching(r"(?<![\w])(?:" + "|".join(alternatives) + r")(?![\w])", re.I)
        anchors = _anchors(terms, [str(p) for p in spec.get("patterns") or []])
        concepts[cid] = Concept(cid, str(spec.get("title", cid)), pattern, bool(spec.get("conflicts", False)), anchors)
    return concepts


def _anchors(terms: list[str], patterns: list[str]) -> tuple[str, ...] | None:
    """What begins every mention, lower case: each term's first word, each pattern's plain beginnings
    (``literal_starts``); None when a pattern may begin otherwise."""
    anchors = {_first_word(t) for t in terms}
    for pattern in patterns:
        starts = literal_starts(pattern, re.I)
        if starts is None:
            return None
        anchors |= starts
    return shortest_anchors(anchors)


def _first_word(term: str) -> str:
    """A term's first word in lower case, as every text that holds the term holds it."""
    return re.split(r"[\s-]+", term.strip())[0].lower()


def _term_regex(term: str) -> str:
    words = [re.escape(w) for w in re.split(r"[\s-]+", str(term).strip()) if w]
    body = r"[\s-]+".join(words)
    return f"(?:{body}(?:s|es)?)"


@lru_cache(maxsize=1)
def guidelines() -> Guidelines:
    """The shipped guideline editions, loaded once per process."""
    return load_guidelines()


def default_guideline() -> Guideline:
    """The 2009 CPMTG: its topics name every item's topic (``rules/drugs.yaml``), and rules are checked against them."""
    found = guidelines().get(DEFAULT_GUIDELINE)
    assert found is not None, f"rules/guidelines/{DEFAULT_GUIDELINE}.yaml is missing"
    return found


@lru_cache(maxsize=1)
def default_concepts() -> dict[str, Concept]:
    return load_concepts(safe_yaml.load(rules_path("concepts.yaml").read_text(encoding="utf-8")).data or {})
