"""Step 3: parse the normalised letter with ``grammar/letter.lark``.

The grammar gives sections, item headings and labelled lines; this module
walks the tree into the model: one :class:`Item` per disputed treatment with
its request (read by ``grammar/request.lark``), decision, guideline citations
(read by ``grammar/citation.lark``) and rationale.  A letter that cannot be
fully read still yields every part that could be, plus ``parse`` findings that
point at the line where reading failed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lark import Token, Tree
from lark.exceptions import UnexpectedInput

from checker.letter.citations import read_guideline_line, read_rationale_pages
from checker.letter.conclusions import decision_word, read_conclusions
from checker.letter.header import read_case
from checker.letter.grammars import letter_parser
from checker.model import (
    OVERTURNED,
    UPHELD,
    Problem,
    Item,
    Letter,
    Section,
    Span,
)
from checker.text.normalise import NormalText
from checker.letter.request_line import parse_request

_SECTION_KINDS = {
    "HOW_HEAD": "how",
    "SUMMARY_HEAD": "summary",
    "DOCUMENTS_HEAD": "documents",
    "ISSUES_HEAD": "issues",
    "ISSUE_HEAD": "issue",
    "GUIDELINES_HEAD": "guidelines",
    "RATIONALE_HEAD": "rationale",
    "QUALIFICATIONS_HEAD": "qualifications",
}

# Where the label of a labelled line ends ("Decision rationale:", "The Claims
# Administrator based its decision on").
_LABEL_END = re.compile(
    r"^[^\n]*?(?:guidelines?\s*:|decision\s+on|decision\s+rationale\s*:?|determination\s*:)\s*", re.I
)
_F1_DECISION = re.compile(r":\s*(Upheld|Overturned)\s*\.?\s*$", re.I)
_F2_DECISION = re.compile(
    r"\s+(?:is|are|was|were)\s+(not\s+)?medically\s+necessary(?:\s+and\s+appropriate)?\s*\.?\s*$", re.I
)
_F2_NUMBER = re.compile(r"^\s*\d{1,2}[.)]\s+")
_LABELS = ("ADMIN_LINE", "REVIEWER_LINE", "RATIONALE_LINE")


def _split_at_repeated_label(parts: list[Token]) -> tuple[list[Token], list[Token]]:
    """Split an item's lines where a second item's labelled lines begin.

    A guideline line after the rationale, or a label seen twice, means the
    next item's heading was not recognised; the paragraphs just before that
    label (up to two: a wrapped heading and its decision) stand for it.
    """
    seen: set[str] = set()
    for index, token in enumerate(parts):
        kind = token.type
        if kind not in _LABELS:
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


@dataclass
class Parsed:
    """The outcome of parsing one letter."""

    letter: Letter
    tree: Tree | None


def parse_letter(path: str, normal: NormalText) -> Parsed:
    """Parse normalised text into a :class:`Letter`; what cannot be read goes to ``letter.problems``."""
    letter = Letter(path=path, encoding=normal.source.encoding, normal=normal)
    problems = letter.problems
    errors: list[UnexpectedInput] = []

    def on_error(error: UnexpectedInput) -> bool:
        errors.append(error)
        return len(errors) < 50

    try:
        tree = letter_parser().parse(normal.text, on_error=on_error)
    except UnexpectedInput as error:  # gave up: report it, keep what we have
        errors.append(error)
        tree = None
    for error in errors[:1]:
        problems.append(_syntax_problem(normal, error))
    walker = _Walker(letter, normal, problems)
    if tree is not None:
        walker.walk(tree)
    letter.format = _detect_format(letter, tree, walker.numbered_items)
    problems.extend(_missing_parts(letter, normal))
    read_case(letter)
    read_conclusions(letter)
    problems.extend(_undecided(letter))
    return Parsed(letter, tree)


def _undecided(letter: Letter) -> list[Problem]:
    """Items that end up with no decision, unless their heading was already reported unreadable."""
    reported = {p.item for p in letter.problems if p.kind == "item-heading"}
    return [
        Problem("no-decision", item.heading_span, item.index)
        for item in letter.items
        if item.decision is None and item.index not in reported
    ]


def _missing_parts(letter: Letter, normal: NormalText) -> list[Problem]:
    """Required parts the letter lacks: any structure at all, the case summary."""
    if not letter.sections:
        return [Problem("no-structure", normal.span(0, max(1, normal.text.find("\n"))))]
    if letter.section("summary") is None:
        anchor = letter.section("issues") or letter.section("issue") or letter.sections[0]
        return [
            Problem(
                "no-summary",
                anchor.span if anchor.span.line == anchor.span.end_line else Span(
                    anchor.span.line,
                    anchor.span.column,
                    anchor.span.line,
                    len(normal.source.line_text(anchor.span.line)) + 1,
                ),
            )
        ]
    return []


def _syntax_problem(normal: NormalText, error: UnexpectedInput) -> Problem:
    pos = getattr(error, "pos_in_stream", None) or 0
    end = normal.text.find("\n", pos)
    line = normal.text[pos : end if end != -1 else len(normal.text)]
    return Problem("syntax", normal.span(pos, max(pos + 1, end if end != -1 else pos + 1)), text=line[:80])


def _detect_format(letter: Letter, tree: Tree | None, numbered_items: int) -> int | None:
    """Which of the three layouts (DOMAIN.md section 2) the letter follows."""
    if tree is None:
        return None
    kinds = {s.kind for s in letter.sections}
    banners = {t.type for t in tree.scan_values(lambda v: isinstance(v, Token)) if t.type.endswith("_BANNER")}
    if "F3_BANNER" in banners or (kinds & {"issue", "rationale"} and not letter.section("issues")):
        return 3
    if "F2_BANNER" in banners or letter.final_determination or (numbered_items and numbered_items == len(letter.items)):
        return 2
    if kinds & {"how", "summary", "issues"}:
        return 1
    return None


class _Walker:
    """Turns the parse tree into sections and items."""

    def __init__(self, letter: Letter, normal: NormalText, problems: list[Problem]) -> None:
        self.letter = letter
        self.normal = normal
        self.problems = problems
        self.numbered_items = 0  # Format 2 headings seen

    # ----------------------------------------------------------------- helpers
    def span(self, start: int, end: int):
        return self.normal.span(start, end)

    def token_span(self, token: Token):
        return self.span(token.start_pos, token.end_pos - 1 if str(token).endswith("\n") else token.end_pos)

    @staticmethod
    def content(token: Token) -> str:
        return str(token).rstrip("\n")

    def after_label(self, token: Token) -> tuple[str, int]:
        """Text of a labelled line after its label, and its start offset."""
        text = self.content(token)
        m = _LABEL_END.match(text)
        cut = m.end() if m else 0
        return text[cut:], token.start_pos + cut

    # ----------------------------------------------------------------- walk
    def walk(self, tree: Tree) -> None:
        for child in tree.children:
            if not isinstance(child, Tree):
                continue
            if child.data == "preamble":
                self.preamble(child)
            elif child.data == "plain_section":
                self.section(child)
            elif child.data == "issues_section":
                self.issues_section(child)
        if self.letter.section("issue") is not None or self.letter.section("rationale") is not None:
            self.single_issue()

    def preamble(self, node: Tree) -> None:
        for token in node.children:
            if isinstance(token, Token) and token.type == "DETERMINATION_LINE":
                self.final_determination(token)

    def final_determination(self, token: Token) -> None:
        """Format 2's letter-level "Final Determination: UPHOLD" (not an item's "DETERMINATION:")."""
        if not re.match(r"\s*final\s+determination", self.content(token), re.I):
            return
        value = self.content(token).split(":", 1)[1].strip().lower()
        if "partial" in value:
            self.letter.final_determination = "partial-overturn"
        elif "overturn" in value:
            self.letter.final_determination = "overturn"
        elif "uphold" in value or "upheld" in value:
            self.letter.final_determination = "uphold"

    def section(self, node: Tree) -> Section:
        head_tree = node.children[0]
        assert isinstance(head_tree, Tree)
        head = head_tree.children[0]
        assert isinstance(head, Token)
        body = node.children[1]
        assert isinstance(body, Tree)
        return self.add_section(_SECTION_KINDS.get(head.type, "other"), head, body)

    def add_section(self, kind: str, head: Token, body: Tree, last: Token | None = None) -> Section:
        tokens = [t for t in body.children if isinstance(t, Token)]
        for token in tokens:
            if token.type == "DETERMINATION_LINE":
                self.final_determination(token)
        title = self.content(head).strip()
        # Format 3 headings can carry text after the colon: keep it as body.
        inline = ""
        body_start = tokens[0].start_pos if tokens else head.end_pos
        if kind in ("summary", "issue", "guidelines", "rationale", "documents", "qualifications"):
            m = re.match(r"^(.*?[A-Z)]\s*:)\s*(\S.*)$", self.content(head))
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
            last = [t for t in items[-1].scan_values(lambda v: isinstance(v, Token))][-1]
        self.add_section("issues", head, body, last)
        if any(isinstance(t, Token) and t.type in _LABELS for t in body.children):
            self.orphan_item(body)
        for item in items:
            self.item(item)
        if not self.letter.items:
            self.problems.append(Problem("no-items", self.token_span(head)))

    def orphan_item(self, body: Tree) -> None:
        """Labelled lines before any readable item heading: an item whose heading was not read."""
        tokens = [t for t in body.children if isinstance(t, Token)]
        first_label = next(i for i, t in enumerate(tokens) if t.type in _LABELS)
        start = first_label - 1 if first_label > 0 and tokens[first_label - 1].type == "TEXT" else first_label
        self.unreadable_heading_item(tokens[start:])

    def item(self, node: Tree) -> None:
        head = node.children[0]
        assert isinstance(head, Token)
        text = self.content(head)
        parts = [t for t in node.children[1:] if isinstance(t, Token)]
        f1 = _F1_DECISION.search(text)
        if f1:
            request_text = text[: f1.start()].strip()
            decision = UPHELD if f1.group(1).lower() == "upheld" else OVERTURNED
            decision_range = (head.start_pos + f1.start(1), head.start_pos + f1.end(1))
            start = head.start_pos + (len(text) - len(text.lstrip()))
        else:
            number = _F2_NUMBER.match(text)
            f2 = _F2_DECISION.search(text)
            self.numbered_items += 1
            begin = number.end() if number else 0
            end = f2.start() if f2 else len(text)
            request_text = text[begin:end].strip()
            decision = (UPHELD if f2.group(1) else OVERTURNED) if f2 else None
            decision_range = (head.start_pos + f2.start(), head.start_pos + f2.end()) if f2 else None
            start = head.start_pos + begin
        parts, rest = _split_at_repeated_label(parts)
        self.build_item(head, request_text, start, decision, decision_range, parts)
        if rest:
            self.unreadable_heading_item(rest)

    def unreadable_heading_item(self, tokens: list[Token]) -> None:
        """Lines of an item whose heading the grammar could not read (e.g. ":  Upheld" alone).

        ``tokens`` start with the paragraphs that stand where the heading should
        be, then the item's labelled lines.  The item is still built, with
        whatever request and decision those paragraphs give, and a parse finding
        points at them.
        """
        first_label = next(i for i, t in enumerate(tokens) if t.type in _LABELS)
        heading = tokens[:first_label]
        text = " ".join(self.content(t).strip() for t in heading)
        m = _F1_DECISION.search(text)
        decision = None
        if m:
            decision = UPHELD if m.group(1).lower() == "upheld" else OVERTURNED
            text = text[: m.start()]
        anchor = heading[0] if heading else tokens[first_label]
        self.problems.append(Problem("item-heading", self.token_span(anchor), len(self.letter.items) + 1))
        self.build_item(anchor, text.strip(), anchor.start_pos, decision, None, tokens[first_label:])

    def build_item(
        self,
        heading: Token,
        request_text: str,
        request_start: int,
        decision: str | None,
        decision_range: tuple[int, int] | None,
        parts: list[Token],
    ) -> Item:
        index = len(self.letter.items) + 1
        request_text = request_text.rstrip(" .")
        item = Item(
            index=index,
            request_text=request_text,
            request_span=self.span(request_start, request_start + max(1, len(request_text))),
            request=parse_request(request_text),
            heading_span=self.token_span(heading),
            request_start=request_start,
            decision=decision,
            decision_span=self.span(*decision_range) if decision_range else None,
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
        for token in parts:
            kind = token.type
            if kind in ("ADMIN_LINE", "REVIEWER_LINE"):
                _, start = self.after_label(token)
                citation_lines.append(("admin" if kind == "ADMIN_LINE" else "reviewer", token, start))
                current = "citation"
            elif kind == "RATIONALE_LINE":
                _, start = self.after_label(token)
                rationale = [token]
                rationale_start = start
                current = "rationale"
            elif kind == "DETERMINATION_LINE":
                continue
            elif current == "rationale":
                rationale.append(token)
            elif current == "citation" and self._continues_citation(citation_lines[-1][1], token):
                kind_, first, start = citation_lines[-1]
                citation_lines[-1] = (kind_, Token("TEXT", "", start_pos=first.start_pos, end_pos=token.end_pos), start)
            elif not rationale:
                # Prose with no "Decision rationale:" label: take it as the rationale.
                rationale = [token]
                rationale_start = token.start_pos
                current = "rationale"
        for kind, token, start in citation_lines:
            end = token.end_pos - 1
            text = self.normal.text[start:end]
            item.citations.append(read_guideline_line(kind, text, lambda a, b, s=start: self.span(s + a, s + b)))
        if rationale and rationale_start is not None:
            end = rationale[-1].end_pos - 1
            item.rationale_text = self.normal.text[rationale_start:end]
            item.rationale_start = rationale_start
            item.rationale_span = self.span(rationale_start, max(end, rationale_start + 1))
            cited = read_rationale_pages(
                item.rationale_text, lambda a, b, s=rationale_start: self.span(s + a, s + b)
            )
            if cited is not None:
                item.citations.append(cited)
        if not item.rationale_text.strip():
            self.problems.append(Problem("no-rationale", item.heading_span, item.index))

    def _continues_citation(self, citation: Token, token: Token) -> bool:
        """A short line right after a guideline line that reads as its continuation."""
        text = self.content(token).strip()
        previous = self.normal.text[citation.start_pos : citation.end_pos].rstrip()
        return len(text) < 120 and (not previous.endswith(".") or text[:1].islower())

    # ----------------------------------------------------------------- Format 3
    def single_issue(self) -> None:
        """Format 3: one issue spread over its own sections."""
        if self.letter.items:
            return
        issue = self.letter.section("issue")
        rationale = self.letter.section("rationale")
        guidelines = self.letter.section("guidelines")
        if issue is None:
            return
        lines = [ln for ln in issue.text.split("\n") if ln.strip()]
        request_text = lines[0].strip().rstrip(".") if lines else ""
        start = issue.body_start + (issue.text.find(request_text) if request_text else 0)
        item = Item(
            index=1,
            request_text=request_text,
            request_span=self.span(start, start + max(1, len(request_text))),
            request=parse_request(request_text),
            heading_span=issue.span,
            request_start=start,
        )
        if guidelines is not None and guidelines.text.strip():
            s = guidelines.body_start
            item.citations.append(
                read_guideline_line("reviewer", guidelines.text, lambda a, b, s=s: self.span(s + a, s + b))
            )
        if rationale is not None and rationale.text.strip():
            s = rationale.body_start
            item.rationale_text = rationale.text
            item.rationale_start = s
            item.rationale_span = self.span(s, s + len(rationale.text))
            cited = read_rationale_pages(rationale.text, lambda a, b, s=s: self.span(s + a, s + b))
            if cited is not None:
                item.citations.append(cited)
        else:
            self.problems.append(Problem("no-rationale", issue.span, 1))
        self._format3_decision(item, issue)
        self.letter.items.append(item)

    def _format3_decision(self, item: Item, issue: Section) -> None:
        """Find the determination: an explicit line, else a sentence in the issue section."""
        for section in self.letter.sections:
            for m in re.finditer(r"(?im)^(?:final\s+)?determination\s*:\s*(.+)$", section.text):
                decision = decision_word(m.group(1))
                if decision:
                    item.decision = decision
                    start = section.body_start + m.start(1)
                    item.decision_span = self.span(start, section.body_start + m.end(1))
                    return
        rest = issue.text.split("\n", 1)[1] if "\n" in issue.text else ""
        offset = issue.body_start + (len(issue.text) - len(rest))
        for m in re.finditer(r"[^.\n]*\b(?:upheld|overturned|medically necessary)\b[^.\n]*", rest, re.I):
            decision = decision_word(m.group())
            if decision:
                item.decision = decision
                item.decision_span = self.span(offset + m.start(), offset + m.end())
                return
