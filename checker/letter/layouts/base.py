"""What a letter layout is, and the tree walk every layout shares.

A layout is one module in this package beside its grammar (``formatN.py`` and
``formatN.lark``).  The module owns everything that differs between layouts:
how to recognise a letter of the layout (``markers``), its section headings,
item headings and labelled lines (the grammar's terminals), where an item's
decision is read, and how to write an example letter in the layout for rule
tests (``compose``).  The rest of the program asks the layout instead of
knowing it: the normaliser asks which lines start a paragraph
(:meth:`Layout.classify`), the header reader asks for the field labels
(:meth:`Layout.field_label`), reports ask for the name.

The grammars share one tree shape, so one walker turns any of them into the
model::

    letter: preamble section* item*
    section: section_head body -> plain_section | ISSUES_HEAD issues_body item* -> issues_section

Named groups in a terminal mark the parts the walker reads: ``request`` and
``decision`` in ``ITEM_HEAD``, and the text after a label in ``ADMIN_LINE``
(``admin``), ``REVIEWER_LINE`` (``reviewer``), ``RATIONALE_LINE``
(``rationale``) and ``DETERMINATION_LINE`` (``determination``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from lark import Lark, Token, Tree

from checker.letter.citations import read_guideline_line, read_rationale_citations
from checker.letter.conclusions import decision_word
from checker.knowledge.lexicon import Lexicon
from checker.letter.request_line import parse_request
from checker.model import Item, Letter, Problem, Section, Span
from checker.resources import lark_parser, terminal_regexps
from checker.text import language
from checker.text.prefilter import Dispatch, after_line_break, required_literal
from checker.text.stored_patterns import compile_pattern
from checker.text.normalise import NormalText

#: Suffixes that mark a terminal as structural (a paragraph that must start on its own line).
STRUCTURAL_SUFFIXES = ("_HEAD", "_LINE", "_BANNER")
#: Heading terminals and the section kind each starts.
SECTION_KINDS = {
    "HOW_HEAD": "how",
    "SUMMARY_HEAD": "summary",
    "DOCUMENTS_HEAD": "documents",
    "ISSUES_HEAD": "issues",
    "ISSUE_HEAD": "issue",
    "GUIDELINES_HEAD": "guidelines",
    "RATIONALE_HEAD": "rationale",
    "QUALIFICATIONS_HEAD": "qualifications",
}
#: Labelled lines of an item, and the citation kind of the guideline lines.
LABELS = ("ADMIN_LINE", "REVIEWER_LINE", "RATIONALE_LINE")
_CITATION_KIND = {"ADMIN_LINE": "admin", "REVIEWER_LINE": "reviewer"}
#: Sections whose heading may carry text after its colon ("ISSUE AT DISPUTE: Soma 350 mg").
_INLINE_SECTIONS = ("summary", "issue", "guidelines", "rationale", "documents", "qualifications")
#: Such a heading and the text after it.
_INLINE_BODY = compile_pattern(r"^(.*?[A-Za-z)]\s*:)\s*(\S.*)$")

#: The letter-level verdicts, in the order they are tried, each with its list under
#: ``conclusions.final_determination`` (a partial overturn holds the words of an overturn).
_FINAL_VERDICTS = (("partial-overturn", "partial_overturn"), ("overturn", "overturn"), ("uphold", "uphold"))


def _final_label() -> str:
    """The label of a letter-level determination line, at its start ("Final Determination: UPHOLD")."""
    return rf"\s*{language.alternation('conclusions.final_determination.label')}"


def _heading_decision() -> str:
    """An item heading's decision word (``conclusions.item_heading``, group 1) after a colon, at the end
    of text the grammar could not read as a heading ("...:  Upheld."): the structure of Format 1's ITEM_HEAD."""
    return rf":\s*({language.alternation('conclusions.item_heading')})\s*\.?\s*$"


_FINAL_LABEL = language.lazy(_final_label, re.I)
_HEADING_DECISION = language.lazy(_heading_decision, re.I)


def final_verdict(value: str) -> str | None:
    """The verdict a "Final Determination:" line's value states: the first whose words stand in it, even glued."""
    low = value.strip().lower()
    for verdict, key in _FINAL_VERDICTS:
        if any(word in low for word in language.words(f"conclusions.final_determination.{key}")):
            return verdict
    return None


@dataclass(frozen=True)
class Heading:
    """What an item heading says: the request as written, where, and the decision."""

    request: str
    request_start: int  # offset in the normalised text
    decision: str | None = None
    decision_range: tuple[int, int] | None = None
    number: int | None = None


class Layout:
    """One letter layout.  Subclasses set the class attributes and may override the hooks."""

    number: int = 0
    name: str = ""
    #: What the layout is, for people ("final determination letter, 2014 on").
    description: str = ""
    grammar_file: str = ""
    #: (regex, weight): lines of the raw text that point to this layout; the
    #: layout whose markers weigh most reads the letter.
    markers: tuple[tuple[str, int], ...] = ()
    #: An item with no decision of its own takes it from its rationale's conclusion.
    decision_from_conclusion: bool = False

    def __init__(self, module_file: str) -> None:
        self.grammar_path = Path(module_file).resolve().parent / self.grammar_file

    # ------------------------------------------------------------ grammar
    @property
    def parser(self) -> Lark:
        return lark_parser(self.grammar_path, "letter")

    @cached_property
    def _patterns(self) -> dict[str, re.Pattern[str]]:
        """Every terminal of the grammar as a compiled pattern (for its named groups)."""
        return {name: compile_pattern(regexp) for name, regexp in terminal_regexps(self.grammar_path, "letter").items()}

    @cached_property
    def structural(self) -> tuple[tuple[str, re.Pattern[str]], ...]:
        """The structural line patterns of the grammar, highest priority first."""
        found = sorted(
            (-t.priority, t.name, self._patterns[t.name])
            for t in self.parser.terminals
            if t.name.endswith(STRUCTURAL_SUFFIXES)
        )
        return tuple((name, pattern) for _, name, pattern in found)

    @cached_property
    def _structural_by_char(self) -> Dispatch[str]:
        return Dispatch(self.structural)

    def classify(self, line: str) -> str | None:
        """Name of the structural terminal a paragraph-line starts with, or None.

        Only the patterns that can start with the line's first character are
        tried (every line of a letter is classified, most by none of them).
        """
        probe = line.strip() + "\n"
        for name, pattern in self._structural_by_char.at(probe[0]):
            if pattern.match(probe):
                return name
        return None

    @cached_property
    def field_label(self) -> re.Pattern[str] | None:
        """The grammar's header field labels (terminal ``FIELD_LABEL``), to split lines holding several fields."""
        label = terminal_regexps(self.grammar_path, "letter", frozenset({"FIELD_LABEL"})).get("FIELD_LABEL")
        if label is None:
            return None
        return compile_pattern(rf"(?<![\w(])({label})[^\S\n]*:")

    def groups(self, token: Token) -> dict[str, Any]:
        """The named groups of ``token``'s own terminal, as offsets into the normalised text.

        Returns ``{name: (start, end, text)}`` for each group that matched.
        """
        m = self._patterns[token.type].match(str(token))
        if m is None:
            return {}
        return {
            name: (token.start_pos + m.start(name), token.start_pos + m.end(name), value)
            for name, value in m.groupdict().items()
            if value is not None
        }

    # ------------------------------------------------------------ detection
    @cached_property
    def _markers(self) -> tuple[tuple[re.Pattern[str], int, str | None, bool], ...]:
        """(pattern, weight, the plain text every match holds, whether the pattern is searched in the text
        after a line break) of each marker: a marker at a line start is searched as one after a line break
        (``prefilter.after_line_break``), which is quicker."""
        found = []
        for marker, weight in self.markers:
            source = _within_line(marker)
            flags = re.I | re.M
            rewrite = after_line_break(source, flags)
            pattern = compile_pattern(rewrite or source, flags)
            found.append((pattern, weight, required_literal(source, flags), rewrite is not None))
        return tuple(found)

    def score(self, text: str, lowered: str | None = None) -> int:
        """How strongly the raw text points to this layout (each marker found counts once).

        ``lowered`` is ``prefilter.lower_in_step(text)``, when the caller has
        it: a marker is searched for only in a text that holds its plain part.
        """
        after_break = "\n" + text
        return sum(
            weight for pattern, weight, needs, in_after_break in self._markers
            if (lowered is None or needs is None or needs in lowered)
            and pattern.search(after_break if in_after_break else text)
        )

    # ------------------------------------------------------------ reading
    def read(self, letter: Letter, normal: NormalText, tree: Tree, lexicon: Lexicon | None = None) -> None:
        """Fill ``letter`` from the parse tree (sections, items, final determination).

        ``lexicon`` names the drugs request lines are read with: the shipped
        one, plus what the user's rule files add.
        """
        walker = Walker(self, letter, normal, lexicon)
        walker.walk(tree)
        self.finish(walker)

    def heading(self, token: Token) -> Heading:
        """Read an item heading token through its terminal's named groups."""
        groups = self.groups(token)
        request = groups.get("request")
        if request is None:
            return Heading("", token.start_pos)
        start, _, text = request
        lead = len(text) - len(text.lstrip())
        decision = groups.get("decision")
        number = groups.get("number")
        return Heading(
            request=text.strip(),
            request_start=start + lead,
            decision=decision_word(decision[2]) if decision else None,
            decision_range=decision[:2] if decision else None,
            number=int(number[2]) if number else None,
        )

    def finish(self, walker: Walker) -> None:
        """Hook: what the layout does after the walk (single-issue letters, decision lists)."""

    def compose(self, spec: dict) -> str:
        """A letter of this layout from a rule test's ``letter:`` example (see docs/rules.md)."""
        raise NotImplementedError(f"{self.name} cannot compose example letters")


class Walker:
    """Turns a parse tree of any layout into sections and items."""

    def __init__(self, layout: Layout, letter: Letter, normal: NormalText, lexicon: Lexicon | None = None) -> None:
        self.layout = layout
        self.lexicon = lexicon
        self.letter = letter
        self.normal = normal
        self.problems = letter.problems
        #: Lines outside items, by terminal, in letter order (for the layout's ``finish``).
        self.seen: dict[str, list[Token]] = {}

    # ----------------------------------------------------------------- helpers
    def span(self, start: int, end: int) -> Span:
        return self.normal.span(start, end)

    def token_span(self, token: Token) -> Span:
        return self.span(token.start_pos, token.end_pos - 1 if str(token).endswith("\n") else token.end_pos)

    @staticmethod
    def content(token: Token) -> str:
        return str(token).rstrip("\n")

    def after_label(self, token: Token) -> tuple[str, int]:
        """Text of a labelled line after its label, and its start offset."""
        name = token.type.removesuffix("_LINE").lower()
        found = self.layout.groups(token).get(name)
        if found is None:
            return self.content(token), token.start_pos
        start, _, text = found
        return text, start

    # ----------------------------------------------------------------- walk
    def walk(self, tree: Tree) -> None:
        for child in tree.children:
            if not isinstance(child, Tree):
                continue
            if child.data == "preamble":
                self.lines(child)
            elif child.data == "plain_section":
                self.section(child)
            elif child.data == "issues_section":
                self.issues_section(child)
            elif child.data == "item":
                self.item(child)

    def lines(self, node: Tree) -> None:
        """Lines outside any section: the letter-level determination, and layout-specific lines."""
        for token in node.children:
            if isinstance(token, Token):
                self.line(token)

    def line(self, token: Token) -> None:
        """A line outside items: kept by terminal for the layout; "Final Determination: ..." read at once."""
        if token.type != "TEXT":
            self.seen.setdefault(token.type, []).append(token)
        if token.type == "DETERMINATION_LINE":
            self.final_determination(token)

    def final_determination(self, token: Token) -> None:
        """A letter-level "Final Determination: UPHOLD" (not an item's "DETERMINATION:")."""
        if not _FINAL_LABEL.match(self.content(token)):
            return
        value, start = self.after_label(token)
        verdict = final_verdict(value)
        if verdict is None:
            return
        self.letter.final_determination = verdict
        self.letter.final_determination_span = self.span(start, start + len(value.rstrip()))

    def section(self, node: Tree) -> Section:
        head_tree = node.children[0]
        assert isinstance(head_tree, Tree)
        head = head_tree.children[0]
        body = node.children[1]
        assert isinstance(head, Token) and isinstance(body, Tree)
        return self.add_section(SECTION_KINDS.get(head.type, "other"), head, body)

    def add_section(self, kind: str, head: Token, body: Tree, last: Token | None = None) -> Section:
        tokens = [t for t in body.children if isinstance(t, Token)]
        for token in tokens:
            self.line(token)
        title = self.content(head).strip()
        # Headings can carry text after the colon: keep it as body.
        inline = ""
        body_start = tokens[0].start_pos if tokens else head.end_pos
        if kind in _INLINE_SECTIONS:
            m = _INLINE_BODY.match(self.content(head))
            if m:
                title, inline = m.group(1).strip(), m.group(2)
                body_start = head.start_pos + m.start(2)
        end_token = last or (tokens[-1] if tokens else head)
        end = end_token.end_pos - 1
        text = self.normal.text[body_start:end] if end > body_start else inline
        section = Section(kind, title, self.span(head.start_pos, max(end, head.end_pos - 1)), text, body_start)
        self.letter.sections.append(section)
        return section

    def issues_section(self, node: Tree) -> None:
        head = node.children[0]
        body = node.children[1]
        assert isinstance(head, Token) and isinstance(body, Tree)
        items = [c for c in node.children[2:] if isinstance(c, Tree) and c.data == "item"]
        last = None
        if items:
            last = list(items[-1].scan_values(lambda v: isinstance(v, Token)))[-1]
        self.add_section("issues", head, body, last)
        if any(isinstance(t, Token) and t.type in LABELS for t in body.children):
            self.orphan_item(body)
        for item in items:
            self.item(item)
        if not self.letter.items:
            self.problems.append(Problem("no-items", self.token_span(head)))

    def orphan_item(self, body: Tree) -> None:
        """Labelled lines before any readable item heading: an item whose heading was not read."""
        tokens = [t for t in body.children if isinstance(t, Token)]
        first_label = next(i for i, t in enumerate(tokens) if t.type in LABELS)
        start = first_label - 1 if first_label > 0 and tokens[first_label - 1].type == "TEXT" else first_label
        self.unreadable_heading_item(tokens[start:])

    def item(self, node: Tree) -> None:
        head = node.children[0]
        assert isinstance(head, Token)
        parts = [t for t in node.children[1:] if isinstance(t, Token)]
        heading = self.layout.heading(head)
        parts, rest = _split_at_repeated_label(parts)
        self.build_item(head, heading, parts)
        if rest:
            self.unreadable_heading_item(rest)

    def unreadable_heading_item(self, tokens: list[Token]) -> None:
        """Lines of an item whose heading the grammar could not read (e.g. ":  Upheld" alone).

        ``tokens`` start with the paragraphs that stand where the heading should
        be, then the item's labelled lines.  The item is still built, with
        whatever request and decision those paragraphs give, and a problem
        points at them.
        """
        first_label = next(i for i, t in enumerate(tokens) if t.type in LABELS)
        heading = tokens[:first_label]
        text = " ".join(self.content(t).strip() for t in heading)
        m = _HEADING_DECISION.search(text)
        decision = None
        if m:
            decision = decision_word(m.group(1))
            text = text[: m.start()]
        anchor = heading[0] if heading else tokens[first_label]
        self.problems.append(Problem("item-heading", self.token_span(anchor), len(self.letter.items) + 1))
        self.build_item(anchor, Heading(text.strip(), anchor.start_pos, decision), tokens[first_label:])

    def build_item(self, token: Token, heading: Heading, parts: list[Token]) -> Item:
        request_text = heading.request.rstrip(" .")
        start = heading.request_start
        item = Item(
            index=len(self.letter.items) + 1,
            request_text=request_text,
            request_span=self.span(start, start + max(1, len(request_text))),
            request=parse_request(request_text, self.lexicon),
            heading_span=self.token_span(token),
            request_start=start,
            decision=heading.decision,
            decision_span=self.span(*heading.decision_range) if heading.decision_range else None,
            number=heading.number,
        )
        self.fill_parts(item, parts)
        self.letter.items.append(item)
        return item

    def fill_parts(self, item: Item, parts: list[Token]) -> None:
        """Assign the item's lines to citations and rationale."""
        rationale: list[Token] = []
        rationale_start: int | None = None
        current: str | None = None
        citation_lines: list[tuple[str, Token, int]] = []
        alone = False  # the last label stood alone: its text is in the paragraphs after it
        for token in parts:
            kind = token.type
            if kind in _CITATION_KIND:
                text, start = self.after_label(token)
                alone = not text.strip()
                citation_lines.append((_CITATION_KIND[kind], token, start))
                current = "citation"
            elif kind == "RATIONALE_LINE":
                text, start = self.after_label(token)
                rationale = [token]
                rationale_start = start if text.strip() else None
                current = "rationale"
            elif kind == "DETERMINATION_LINE":
                continue
            elif current == "rationale":
                rationale.append(token)
                if rationale_start is None:
                    rationale_start = token.start_pos
            elif current == "citation" and alone:
                kind_, _, _ = citation_lines[-1]
                citation_lines[-1] = (kind_, token, token.start_pos)
                alone = False
            elif current == "citation" and self._continues_citation(citation_lines[-1][1], token):
                kind_, first, start = citation_lines[-1]
                citation_lines[-1] = (kind_, Token("TEXT", "", start_pos=first.start_pos, end_pos=token.end_pos), start)
            elif not rationale:
                # Prose with no rationale label: take it as the rationale.
                rationale = [token]
                rationale_start = token.start_pos
                current = "rationale"
        for kind, token, start in citation_lines:
            if start < token.end_pos - 1:  # a label with no text at all cites nothing
                self.add_citation(item, kind, start, token.end_pos - 1)
        if rationale and rationale_start is not None:
            self.set_rationale(item, rationale_start, rationale[-1].end_pos - 1)
        if not item.rationale_text.strip():
            self.problems.append(Problem("no-rationale", item.heading_span, item.index))

    def add_citation(self, item: Item, kind: str, start: int, end: int) -> None:
        """A guideline line of ``kind`` (admin / reviewer) over normalised text [start, end)."""
        text = self.normal.text[start:end]
        item.citations.extend(read_guideline_line(kind, text, lambda a, b, s=start: self.span(s + a, s + b)))

    def set_rationale(self, item: Item, start: int, end: int) -> None:
        """The rationale over normalised text [start, end), with the pages it cites."""
        item.rationale_text = self.normal.text[start:end]
        item.rationale_start = start
        item.rationale_span = self.span(start, max(end, start + 1))
        item.citations.extend(read_rationale_citations(item.rationale_text, lambda a, b, s=start: self.span(s + a, s + b)))

    def _continues_citation(self, citation: Token, token: Token) -> bool:
        """A short line right after a guideline line that reads as its continuation."""
        text = self.content(token).strip()
        previous = self.normal.text[citation.start_pos : citation.end_pos].rstrip()
        return len(text) < 120 and (not previous.endswith(".") or text[:1].islower())


def _split_at_repeated_label(parts: list[Token]) -> tuple[list[Token], list[Token]]:
    """Split an item's lines where a second item's labelled lines begin.

    A guideline line after the rationale, or a label seen twice, means the
    next item's heading was not recognised; the paragraphs just before that
    label (up to two: a wrapped heading and its decision) stand for it.
    """
    seen: set[str] = set()
    for index, token in enumerate(parts):
        kind = token.type
        if kind not in LABELS:
            continue
        if kind in seen or (kind != "RATIONALE_LINE" and "RATIONALE_LINE" in seen):
            start = index
            while start > 0 and index - start < 2 and parts[start - 1].type == "TEXT" and len(str(parts[start - 1])) < 200:
                start -= 1
            if start == index:  # no paragraph stands for the heading
                return parts[:index], parts[index:]
            return parts[:start], parts[start:]
        seen.add(kind)
    return parts, []


def _within_line(marker: str) -> str:
    """A marker ``^\\s*X`` with its leading white space kept on X's line: ``^[^\\S\\n]*X``.

    ``\\s*`` after ``^`` also crosses line breaks, so in a run of blank lines
    every line start re-reads the whole run: quadratic (4,096 blank lines took
    2 s).  Whether the marker is found does not change: where ``\\s*`` crossed
    line breaks, the line X starts on begins with white space only, and the
    marker matches from there.
    """
    if marker.startswith(r"^\s*"):
        return r"^[^\S\n]*" + marker[len(r"^\s*") :]
    return marker
