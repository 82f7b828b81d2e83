"""The human-readable terminal report (rich).

``parse`` shows what the letter says: layout, patient, reviewer and a table
of items with decisions and cited pages.  ``check`` adds the findings, each
pointing at its line with the evidence beside it.  Rich degrades to plain
text when the output is not a terminal or colour is switched off.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from checker.model import FileResult, Finding, Item, Letter, Severity

_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_LAYOUTS = {1: "Format 1", 2: "Format 2 (2013)", 3: "Format 3 (professional review)", None: "unknown layout"}


def _pages(item: Item, kind: str) -> str:
    pages = item.pages(kind)
    sections = item.sections(kind) if kind != "rationale" else []
    shown = _compact(pages)
    if sections:
        shown = "; ".join(filter(None, [shown, *sections]))
    return shown or "-"


def _compact(pages: list[int]) -> str:
    """[74, 75, 76, 92] -> '74-76, 92'."""
    parts: list[str] = []
    run: list[int] = []
    for page in pages:
        if run and page == run[-1] + 1:
            run.append(page)
            continue
        if run:
            parts.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
        run = [page]
    if run:
        parts.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ", ".join(parts)


def letter_header(path: str, letter: Letter) -> Text:
    patient = letter.patient
    who = ", ".join(
        str(x)
        for x in (
            f"{patient.age}-year-old" if patient.age is not None else None,
            patient.sex,
            f"injured {patient.injury_date.isoformat()}" if patient.injury_date else None,
        )
        if x
    )
    reviewer = ", ".join(x for x in (letter.reviewer.specialty, letter.reviewer.licensure) if x)
    text = Text()
    text.append(path, style="bold")
    text.append(f"  {_LAYOUTS.get(letter.format, 'unknown layout')}", style="dim")
    text.append(f"\n  patient: {who or 'not stated'}")
    text.append(f"\n  reviewer: {reviewer or 'not stated'}")
    if letter.final_determination:
        text.append(f"\n  final determination: {letter.final_determination}")
    return text


def items_table(letter: Letter) -> Table:
    table = Table(show_header=True, header_style="bold", expand=False, pad_edge=False)
    for column in ("#", "request", "decision", "conclusion", "drug", "admin pp.", "reviewer pp.", "rationale pp."):
        table.add_column(column, overflow="fold")
    for item in letter.items:
        drug = item.request.drug or "-"
        if item.request.strength:
            drug += f" {item.request.strength}"
        if item.request.quantity is not None:
            drug += f" #{item.request.quantity}"
        table.add_row(
            str(item.index),
            item.request_text,
            item.decision or "missing",
            item.conclusion.polarity if item.conclusion else "missing",
            drug,
            _pages(item, "admin"),
            _pages(item, "reviewer"),
            _pages(item, "rationale"),
        )
    return table


def finding_text(path: str, finding: Finding) -> Text:
    span = finding.span
    where = f"{path}:{span.line}:{span.column}" if span else path
    text = Text()
    text.append(where, style="bold")
    text.append(": ")
    text.append(finding.severity.value, style=_SEVERITY_STYLE[finding.severity])
    text.append(f" [{finding.rule}] ", style="dim")
    if finding.item is not None:
        text.append(f"item {finding.item}: ")
    text.append(finding.message)
    for evidence in finding.evidence:
        text.append(f"\n    line {evidence.span.line}: ", style="dim")
        text.append(evidence.text)
    return text


def render_parse(console: Console, results: list[FileResult]) -> None:
    for result in results:
        if result.error or result.letter is None:
            continue
        console.print(letter_header(result.path, result.letter))
        if result.letter.items:
            console.print(items_table(result.letter))
        else:
            console.print("  no items found", style="yellow")
        for finding in result.findings:
            console.print(finding_text(result.path, finding))
        console.print()


def render_check(console: Console, results: list[FileResult]) -> None:
    total = {s: 0 for s in Severity}
    for result in results:
        if result.error or result.letter is None:
            continue
        parts = [letter_header(result.path, result.letter)]
        if result.letter.items:
            parts.append(items_table(result.letter))
        console.print(Group(*parts))
        for finding in result.findings:
            total[finding.severity] += 1
            console.print(finding_text(result.path, finding))
        if not result.findings:
            console.print("  no findings", style="green")
        console.print()
    letters = sum(1 for r in results if r.letter is not None)
    console.print(
        f"{letters} letter{'s' if letters != 1 else ''} checked: "
        f"{total[Severity.ERROR]} errors, {total[Severity.WARNING]} warnings, {total[Severity.INFO]} infos"
    )
