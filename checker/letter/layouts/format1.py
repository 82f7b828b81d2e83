"""Format 1: the Final Determination Letter (the seeds' layout, most letters from 2014 on).

Items are blocks headed ``<treatment request>: Upheld|Overturned`` under
``IMR ISSUES, DECISIONS AND RATIONALES``, each with a ``Claims Administrator
guideline:``, a ``MAXIMUS guideline:`` and a ``Decision rationale:`` line
(``format1.lark``).  Everything is read by the shared walker; this module
names the layout and writes example letters in it.
"""

from __future__ import annotations

from checker.letter.layouts.base import Layout

_BOILERPLATE = (
    "MAXIMUS Federal Services sent the complete case file to an expert reviewer. "
    "The expert reviewer is Board Certified in Internal Medicine and is licensed to practice in California."
)
DEFAULT_SUMMARY = (
    "The injured worker is a 45-year-old male who sustained an industrial injury on 1/15/2010. "
    "He has chronic low back pain."
)


class Format1(Layout):
    number = 1
    name = "Format 1"
    description = "final determination letter"
    grammar_file = "format1.lark"
    markers = (
        (r"^\s*IMR ISSUES?,? DECISIONS? AND RATIONALES?\s*:?\s*$", 10),
        (r"^\s*(?:Claims Administrator|MAXIMUS) guidelines?\s*:", 4),
        (r"^\s*Decision rationale\s*:", 3),
        (r":\s*(?:Upheld|Overturned)\s*\.?\s*$", 2),
        (r"^\s*CLINICAL CASE SUMMARY\s*:?\s*$", 1),
        (r"^\s*HOW THE IMR FINAL DETERMINATION WAS MADE", 1),
    )

    def compose(self, spec: dict) -> str:
        lines = []
        if spec.get("header"):
            lines += [spec["header"].strip(), ""]
        lines += ["HOW THE IMR FINAL DETERMINATION WAS MADE", _BOILERPLATE, ""]
        lines += ["CLINICAL CASE SUMMARY", (spec.get("summary") or DEFAULT_SUMMARY).strip(), ""]
        lines += ["IMR ISSUES, DECISIONS AND RATIONALES",
                  "The Final Determination was based on decisions for the disputed items/services set forth below:", ""]
        for item in spec["items"]:
            decision = str(item["decision"]).capitalize()
            lines += [f"{item['request'].strip()}: {decision}", ""]
            admin = item.get("admin") or "MTUS Chronic Pain Treatment Guidelines."
            lines += [f"Claims Administrator guideline: Decision based on {admin.strip()}", ""]
            if item.get("reviewer"):
                lines += [f"MAXIMUS guideline: Decision based on {item['reviewer'].strip()}", ""]
            lines += [f"Decision rationale: {item['rationale'].strip()}", ""]
        return "\n".join(lines)


LAYOUT = Format1(__file__)
