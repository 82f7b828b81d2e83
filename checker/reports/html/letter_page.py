"""One letter as a page: its text with every finding's span highlighted, the findings beside it.

Spans are the findings' own (line and column in the original file, end
column exclusive), so the highlight is exactly what the terminal report
underlines.  Spans may overlap: each line is cut at every span boundary and
each piece is marked with all the findings that cover it.  Evidence lines are
links to their line; a PDF letter's lines also show page and line on the
page, as the other reports do.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from checker.audit.queries import LetterPage
from checker.reports.report import layout_name
from checker.text.stored_patterns import compile_pattern

_LINE_BREAK = compile_pattern(r"\r\n|\r|\n")
_SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}


def _page_of(line: int, page_starts: list[int] | None) -> tuple[int, int] | None:
    if not page_starts:
        return None
    page = max(i for i, start in enumerate(page_starts) if start <= line) if line >= page_starts[0] else 0
    return page + 1, line - page_starts[page] + 1


def where(line: int | None, column: int | None, page_starts: list[int] | None) -> str:
    """"line 12, column 5" or, in a PDF, "page 2, line 3 (line 12 of the text)"."""
    if line is None:
        return "the whole letter"
    paged = _page_of(line, page_starts)
    if paged:
        return f"page {paged[0]}, line {paged[1]} (line {line} of the text)"
    return f"line {line}" + (f", column {column}" if column else "")


def _segments(findings: list[dict[str, Any]], lines: list[str]) -> dict[int, list[tuple[int, int, int]]]:
    """Per 1-based line: (start, end, finding seq) pieces, 0-based end-exclusive columns."""
    pieces: dict[int, list[tuple[int, int, int]]] = {}
    for f in findings:
        if f["line"] is None:
            continue
        last = min(f["end_line"] or f["line"], len(lines))
        for number in range(f["line"], last + 1):
            text = lines[number - 1]
            start = f["column"] - 1 if number == f["line"] else 0
            end = f["end_column"] - 1 if number == last and f["end_line"] == last else len(text)
            start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
            if end <= start:  # an empty span still gets a visible mark
                end = min(len(text), start + 1) if text else start
            pieces.setdefault(number, []).append((start, end, f["seq"]))
    return pieces


def _marked_line(text: str, pieces: list[tuple[int, int, int]], severity: dict[int, str]) -> str:
    cuts = sorted({0, len(text), *(p[0] for p in pieces), *(p[1] for p in pieces)})
    out = []
    for start, end in zip(cuts, cuts[1:]):
        covering = sorted(seq for a, b, seq in pieces if a <= start and end <= b)
        chunk = escape(text[start:end])
        if covering:
            worst = max((severity[s] for s in covering), key=_SEVERITY_RANK.__getitem__)
            ids = " ".join(f"F{s}" for s in covering)
            out.append(f'<mark class="hl sev-{worst}" data-findings="{ids}" title="finding {ids}">{chunk}</mark>')
        else:
            out.append(chunk)
    if not text and pieces:
        seqs = " ".join(f"F{s}" for s in sorted({p[2] for p in pieces}))
        out.append(f'<mark class="hl empty" data-findings="{seqs}"> </mark>')
    return "".join(out)


def text_block(page: LetterPage, page_starts: list[int] | None) -> str:
    """The letter's lines, numbered, with anchors ``L<n>``, highlights and evidence marks."""
    if page.text is None:
        return '<p class="note">The text of this letter is not stored (unreadable, or audited by an older imr-check).</p>'
    lines = _LINE_BREAK.split(page.text)
    pieces = _segments(page.findings, lines)
    severity = {f["seq"]: f["severity"] for f in page.findings}
    evidence: dict[int, list[str]] = {}
    for f in page.findings:
        for e in f["evidence"]:
            evidence.setdefault(e["line"], []).append(f"F{f['seq']}")
    rows = []
    for number, text in enumerate(lines, start=1):
        paged = _page_of(number, page_starts)
        gutter = f"{number}" + (f' <span class="pl">p{paged[0]}:{paged[1]}</span>' if paged else "")
        marks = f' data-evidence-for="{" ".join(evidence[number])}"' if number in evidence else ""
        css = "ln ev" if number in evidence else "ln"
        body = _marked_line(text, pieces.get(number, []), severity) if number in pieces else escape(text)
        rows.append(f'<div class="{css}" id="L{number}"{marks}><a class="no" href="#L{number}">{gutter}</a>'
                    f'<span class="tx">{body}</span></div>')
    return '<div class="letter-text">' + "\n".join(rows) + "</div>"


def findings_block(page: LetterPage, page_starts: list[int] | None) -> str:
    if not page.findings:
        return '<p class="note">No findings.</p>'
    out = ['<ol class="findings">']
    for f in page.findings:
        out.append(_finding(f, page, page_starts))
    out.append("</ol>")
    return "\n".join(out)


def _finding(f: dict[str, Any], page: LetterPage, page_starts: list[int] | None) -> str:
    seq = f["seq"]
    item = f"item {f['item']}" if f["item"] else "whole letter"
    place = where(f["line"], f["column"], page_starts)
    link = f'<a href="#L{f["line"]}">{escape(place)}</a>' if f["line"] else escape(place)
    evidence = "".join(
        f'<li><a class="evidence" href="#L{e["line"]}">{escape(where(e["line"], None, page_starts))}</a>: '
        f"{escape(e['text'])}</li>"
        for e in f["evidence"]
    )
    suppressed = (
        f'<p class="suppressed">suppressed in the letter: {escape(f["suppressed"])}</p>' if f["suppressed"] else ""
    )
    explanation = page.explanations.get(f["rule"])
    explain = (
        f'<details class="explain"><summary>What the rule checks (<code>imr-check explain {escape(f["rule"])}</code>)'
        f"</summary><pre>{escape(explanation)}</pre></details>"
        if explanation else ""
    )
    evidence_list = f'<ul class="evidence">{evidence}</ul>' if evidence else ""
    return (
        f'<li class="finding sev-{f["severity"]}" id="F{seq}" data-rule="{escape(f["rule"])}" '
        f'data-line="{f["line"] or ""}">'
        f'<p><span class="badge sev-{f["severity"]}">{f["severity"]}</span> '
        f'<code>{escape(f["rule"])}</code> <span class="cat">{escape(f["category"])}</span> &middot; {item} &middot; '
        f"{link}</p><p class=\"message\">{escape(f['message'])}</p>"
        f"{evidence_list}{suppressed}{explain}</li>"
    )


def facts_block(page: LetterPage) -> str:
    """What the letter says: layout, patient, reviewer, dates and its items with their citations."""
    row = page.letter
    facts = [
        ("layout", layout_name(row["layout"]) + (f" ({row['kind'].upper()})" if row["kind"] not in (None, "text") else "")),
        ("patient", ", ".join(str(x) for x in (row["patient_age"] and f"{row['patient_age']} years", row["patient_sex"]) if x)),
        ("reviewer", ", ".join(x for x in (row["reviewer_specialty"], row["reviewer_licensure"]) if x)),
        ("date of injury", row["injury_date"]),
        ("UR decision", row["ur_decision_date"]),
        ("application received", row["application_date"]),
        ("decision", row["decision_date"]),
        ("edition in force", row["edition_in_force"]),
        ("final determination", row["final_determination"]),
    ]
    dl = "".join(f"<dt>{k}</dt><dd>{escape(str(v))}</dd>" for k, v in facts if v)
    return f'<dl class="facts">{dl}</dl>' + _items_table(page)


def _items_table(page: LetterPage) -> str:
    if not page.items:
        return ""
    cited: dict[int, list[str]] = {}
    for c in page.citations:
        pages = json.loads(c["pages"])
        label = " ".join(x for x in (c["kind"], c["guideline"] or c["source"], c["edition"]) if x)
        cited.setdefault(c["item"], []).append(f"{label}: pp. {', '.join(map(str, pages))}" if pages else label)
    head = "".join(f"<th>{h}</th>" for h in ("#", "request", "drug", "class", "decision", "conclusion", "qty", "MED", "citations"))
    rows = []
    for i in page.items:
        cells = (i["item"], i["request"], i["drug"], i["drug_class"], i["decision"], i["conclusion"], i["quantity"],
                 i["med"], "; ".join(cited.get(i["item"], [])))
        rows.append("<tr>" + "".join(f"<td>{escape('' if v is None else str(v))}</td>" for v in cells) + "</tr>")
    return f'<table class="items"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
