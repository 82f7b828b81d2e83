"""Format 2: the 2013 Final Determination letter.

Items are numbered sentences under ``IMR DECISION(S) AND RATIONALE(S)``
("1. Soma 350mg #120 is not medically necessary and appropriate."), the
decision living in that sentence, followed by "The Claims Administrator based
its decision on ...", "The Expert Reviewer based his/her decision on ..." and
"The Expert Reviewer's decision rationale:" (``format2.lark``).  A letter-level
"Final Determination: UPHOLD | OVERTURN | PARTIAL OVERTURN" must agree with the
items (rules/mtus/decisions.yaml).
"""

from __future__ import annotations

from checker.letter.layouts.base import Layout
from checker.letter.layouts.format1 import DEFAULT_SUMMARY


class Format2(Layout):
    number = 2
    name = "Format 2"
    description = "2013 determination letter"
    grammar_file = "format2.lark"
    markers = (
        (r"^\s*IMR DECISIONS?(?:\(S\))? AND RATIONALES?(?:\(S\))?\s*:?\s*$", 10),
        (r"^\s*The (?:Expert |Physician |Professional |Medical )?Reviewer(?:'|\u2019)?s decision rationale", 4),
        (r"^\s*The (?:Claims Administrator|(?:Expert |Physician )?Reviewer) based \S+ decision on", 3),
        (r"^\s*\d{1,2}\.\s.*\b(?:is|are)\s*(?:not\s*)?medically\s*necessary", 3),
        (r"^\s*MAXIMUS FEDERAL SERVICES,?\s*INC", 1),
    )

    def compose(self, spec: dict) -> str:
        lines = ["MAXIMUS FEDERAL SERVICES, INC.", "Independent Medical Review", ""]
        if spec.get("header"):
            lines += [spec["header"].strip(), ""]
        lines += ["HOW THE IMR FINAL DETERMINATION WAS MADE",
                  "MAXIMUS Federal Services sent the complete case file to a physician reviewer. "
                  "The Expert Reviewer is Board Certified in Internal Medicine and is licensed to practice in California.", ""]
        lines += ["CLINICAL CASE SUMMARY", (spec.get("summary") or DEFAULT_SUMMARY).strip(), ""]
        lines += ["IMR DECISION(S) AND RATIONALE(S)", ""]
        for number, item in enumerate(spec["items"], start=1):
            verdict = "is not" if str(item["decision"]).lower() == "upheld" else "is"
            lines += [f"{number}. {item['request'].strip()} {verdict} medically necessary and appropriate.", ""]
            admin = item.get("admin") or "the MTUS Chronic Pain Treatment Guidelines."
            lines += [f"The Claims Administrator based its decision on {admin.strip()}", ""]
            if item.get("reviewer"):
                lines += [f"The Expert Reviewer based his/her decision on {item['reviewer'].strip()}", ""]
            lines += ["The Expert Reviewer's decision rationale:", item["rationale"].strip(), ""]
        return "\n".join(lines)


LAYOUT = Format2(__file__)
