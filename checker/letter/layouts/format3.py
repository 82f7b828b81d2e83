"""Format 3: the Medical Professional Review, one issue per letter.

The issue is spread over sections (``format3.lark``): the request is the
first line of ``ISSUE AT DISPUTE``, the reviewer's guideline line is the
``MEDICAL TREATMENT GUIDELINE(S) RELIED UPON`` section, the rationale the
``RATIONALE FOR WHY`` section.  The decision is read from a
``DETERMINATION:`` line, else from a determination sentence in the issue
section, else (by the conclusion reader) from the rationale's conclusion.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from checker.letter.conclusions import decision_word
from checker.letter.layouts.base import Heading, Layout, Walker
from checker.letter.layouts.format1 import DEFAULT_SUMMARY
from checker.letter.request_line import parse_request
from checker.model import Item, Problem, Section
from checker.text import language
from checker.text.stored_patterns import compile_pattern


class Format3(Layout):
    number = 3
    name = "Format 3"
    description = "medical professional review"
    grammar_file = "format3.lark"
    #: The conclusion reader takes an undecided item's decision from its conclusion.
    decision_from_conclusion = True
    markers = (
        (r"^\s*ISSUES? (?:AT|IN) DISPUTE\b", 8),
        (r"^\s*RATIONALE FOR WHY\b", 8),
        (r"^\s*MEDICAL TREATMENT GUIDELINE(?:\(S\)|S)? RELIED UPON", 6),
        (r"^\s*MEDICAL PROFESSIONAL REVIEW\s*$", 5),
        (r"^\s*MEDICAL REVIEWER QUALIFICATIONS?", 3),
    )

    def finish(self, walker: Walker) -> None:
        """Build the one item from its sections."""
        letter = walker.letter
        issue = letter.section("issue")
        if letter.items or issue is None:
            return
        lines = [ln for ln in issue.text.split("\n") if ln.strip()]
        request_text = lines[0].strip().rstrip(".") if lines else ""
        start = issue.body_start + (issue.text.find(request_text) if request_text else 0)
        item = Item(
            index=1,
            request_text=request_text,
            request_span=walker.span(start, start + max(1, len(request_text))),
            request=parse_request(request_text, walker.lexicon),
            heading_span=issue.span,
            request_start=start,
        )
        guidelines = letter.section("guidelines")
        if guidelines is not None and guidelines.text.strip():
            walker.add_citation(item, "reviewer", guidelines.body_start, guidelines.body_start + len(guidelines.text))
        rationale = letter.section("rationale")
        if rationale is not None and rationale.text.strip():
            end = rationale.body_start + len(rationale.text)
            # A DETERMINATION: line inside the section states the decision; the rationale ends before it.
            lines = [t.start_pos for t in walker.seen.get("DETERMINATION_LINE", []) if rationale.body_start < t.start_pos < end]
            walker.set_rationale(item, rationale.body_start, min([end, *lines]))
        else:
            walker.problems.append(Problem("no-rationale", issue.span, 1))
        _decision(walker, item, issue)
        letter.items.append(item)

    def heading(self, token):  # pragma: no cover - this layout has no item headings
        return Heading("", token.start_pos)

    def compose(self, spec: dict) -> str:
        if len(spec["items"]) != 1:
            raise ValueError(f"{self.name} letters hold one issue: give one item")
        (item,) = spec["items"]
        decision = "Upheld" if str(item["decision"]).lower() == "upheld" else "Overturned"
        lines = ["MEDICAL PROFESSIONAL REVIEW", ""]
        if spec.get("header"):
            lines += [spec["header"].strip(), ""]
        lines += [f"ISSUE AT DISPUTE: {item['request'].strip()}", ""]
        lines += ["CASE SUMMARY:", (spec.get("summary") or DEFAULT_SUMMARY).strip(), ""]
        reviewer = item.get("reviewer") or "MTUS Chronic Pain Treatment Guidelines."
        lines += ["MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL REVIEWER AND WHY:", reviewer.strip(), ""]
        lines += ["RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:",
                  item["rationale"].strip(), ""]
        lines += [f"DETERMINATION: {decision}", ""]
        lines += ["MEDICAL REVIEWER QUALIFICATIONS:", "The reviewer is board certified in Internal Medicine and licensed in California.", ""]
        return "\n".join(lines)


def _decision(walker: Walker, item: Item, issue: Section) -> None:
    """The determination: an explicit line, else a sentence in the issue section."""
    for token in walker.seen.get("DETERMINATION_LINE", []):
        value, start = walker.after_label(token)
        decision = decision_word(value)
        if decision:
            item.decision = decision
            item.decision_span = walker.span(start, start + len(value.rstrip()))
            return
    rest = issue.text.split("\n", 1)[1] if "\n" in issue.text else ""
    offset = issue.body_start + (len(issue.text) - len(rest))
    for start, end in decision_sentences(rest):
        decision = decision_word(rest[start:end])
        if decision:
            item.decision = decision
            item.decision_span = walker.span(offset + start, offset + end)
            return


def _ruling_word() -> str:
    """A word that rules on the request (``conclusions.determination_sentence``): a whole word, or a
    phrase that may be glued to the word before it and lose the spaces between its own words."""
    words = language.alternation("conclusions.determination_sentence.words")
    glued = language.alternation("conclusions.determination_sentence.glued", gap=r"\s*")
    return rf"(?:\b{words}|{glued})\b"


_RULING_WORD = language.lazy(_ruling_word, re.I)
_NO_BREAK = compile_pattern(r"[^.\n]*")


def decision_sentences(text: str) -> Iterator[tuple[int, int]]:
    """[start, end) of each stretch of ``text`` between breaks (".", a line end) that holds a ruling word.

    What ``re.finditer(r"[^.\\n]*(?:upheld|...)\\b[^.\\n]*", text)`` finds
    (tests/test_linear.py holds the two together), found from the ruling words:
    that pattern tries every start in a long line without one (quadratic).
    """
    pos = 0
    while (first := _RULING_WORD.search(text, pos)) is not None:
        start = max(pos, text.rfind(".", pos, first.start()) + 1, text.rfind("\n", pos, first.start()) + 1)
        stretch_end = _NO_BREAK.match(text, start).end()
        last = first  # the pattern's greedy start reaches the stretch's last ruling word
        for m in _RULING_WORD.finditer(text, first.end()):
            if m.start() >= stretch_end:
                break
            last = m
        end = _NO_BREAK.match(text, last.end()).end()
        yield start, end
        pos = end if end > start else end + 1


LAYOUT = Format3(__file__)
