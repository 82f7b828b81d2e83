"""Format 4: the early-2013 notice, the first IMR letters (mid to late 2013).

The decisions are a numbered list before any heading, each "MAXIMUS Federal
Services, Inc. has determined the request for <treatment> is [not] medically
necessary and appropriate."; the list is repeated under the heading
``INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE``.  Items come after the
qualifications and case summary, each headed ``1) Regarding the request for
<treatment>:`` with mixed-case labels (``format4.lark``).  An item takes its
decision from the list entry of the same number (the repeated list under the
heading when there is one, so a finding points at the decision as the
rationale part of the letter states it).
"""

from __future__ import annotations

from lark import Token

from checker.letter.conclusions import decision_word
from checker.letter.layouts.base import Layout, Walker
from checker.letter.layouts.format1 import DEFAULT_SUMMARY
from checker.model import Problem


class Format4(Layout):
    number = 4
    name = "Format 4"
    description = "early-2013 notice of IMR determination"
    grammar_file = "format4.lark"
    markers = (
        (r"INDEPENDENT MEDICAL REVIEW DECISIONS? AND RATIONALES?\s*:?\s*$", 10),
        (r"has\s*determined\s+(?:that\s+)?the\s+request\s+for\b", 5),
        (r"^\s*\d{1,2}\)\s*Regarding the request for\b", 5),
        (r"^\s*Rationale Used by the Expert Reviewer\s*:", 4),
        (r"^\s*Medical Treatment Guidelines?(?:\(s\))? Used by the", 3),
        (r"^\s*Medical Qualifications of the Expert Reviewer", 2),
    )

    def finish(self, walker: Walker) -> None:
        """Give each item the decision of its number in the decision list."""
        decisions = _decisions(walker, walker.seen.get("DECISION_LINE", []))
        letter = walker.letter
        for position, item in enumerate(letter.items, start=1):
            found = decisions.get(item.number or position)
            if item.decision is None and found is not None:
                item.decision, item.decision_span = found
        if not letter.items and letter.sections:
            walker.problems.append(Problem("no-items", letter.sections[0].span))

    def compose(self, spec: dict) -> str:
        items = spec["items"]
        decisions = []
        for number, item in enumerate(items, start=1):
            verdict = "is not" if str(item["decision"]).lower() == "upheld" else "is"
            decisions += [
                f"{number}) MAXIMUS Federal Services, Inc. has determined the request for "
                f"{item['request'].strip()} {verdict} medically necessary and appropriate.",
                "",
            ]
        lines = ["MAXIMUS Federal Services, Inc.", "Independent Medical Review", "P.O. Box 138009",
                 "Sacramento, CA 95813-8009", "", "Notice of Independent Medical Review Determination", ""]
        if spec.get("header"):
            lines += [spec["header"].strip(), ""]
        lines += ["Dear Injured Worker:", "",
                  "MAXIMUS Federal Services, Inc. has completed the Independent Medical Review of your case.", ""]
        lines += decisions
        lines += ["INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE",
                  "The Application for Independent Medical Review disputes the Utilization Review denial.", ""]
        lines += decisions
        lines += ["Medical Qualifications of the Expert Reviewer:",
                  "The Expert Reviewer is Board Certified in Internal Medicine and is licensed to practice in California.", ""]
        lines += ["Case Summary:", (spec.get("summary") or DEFAULT_SUMMARY).strip(), ""]
        for number, item in enumerate(items, start=1):
            lines += [f"{number}) Regarding the request for {item['request'].strip()}:"]
            admin = item.get("admin") or "MTUS Chronic Pain Treatment Guidelines."
            lines += ["Medical Treatment Guideline(s) Used by the Claims Administrator:",
                      f"The Claims Administrator based its decision on {admin.strip()}"]
            if item.get("reviewer"):
                lines += ["Medical Treatment Guideline(s) Used by the Expert Reviewer:",
                          f"The Expert Reviewer based his/her decision on {item['reviewer'].strip()}"]
            lines += ["Rationale Used by the Expert Reviewer:", item["rationale"].strip(), ""]
        return "\n".join(lines)


def _decisions(walker: Walker, tokens: list[Token]) -> dict[int, tuple[str | None, object]]:
    """Decision list entries by number; a later list (under the heading) wins over the notice's."""
    found = {}
    for token in tokens:
        groups = walker.layout.groups(token)
        number = int(groups["decision_number"][2])
        start, end, words = groups["verdict"]
        found[number] = (decision_word(words), walker.span(start, end))
    return found


LAYOUT = Format4(__file__)
