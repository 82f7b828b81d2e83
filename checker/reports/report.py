"""The human report (rich): what each letter says, and every finding in context.

Per letter: a header (file, layout, patient, reviewer), a table of items
(decision, conclusion, drug, cited pages), then the findings grouped by item,
each with a code frame of the original lines, the span underlined, and the
evidence lines it relied on.  A closing summary counts letters and findings
by severity and category (and, for batches, by rule and the letters with most
findings).  Rich drops colour when the output is not a terminal or NO_COLOR
is set; tables use plain ASCII-friendly rules so the text survives a pipe.
"""

from __future__ import annotations

from typing import TextIO

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from checker import reports
from checker.knowledge.guideline import compact_numbers, guidelines
from checker.letter.layouts import by_number
from checker.model import FileResult, Finding, Item, Letter, Severity
from checker.reports import ReportOptions, Summary
from checker.reports._console import new_console

_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_FRAME_CONTEXT = 0  # lines of context around a span


def _pages(item: Item, kind: str) -> str:
    shown = compact_numbers(item.pages(kind))
    sections = item.sections(kind) if kind != "rationale" else []
    return "; ".join(filter(None, [shown, *sections])) or "-"


def layout_name(number: int | None) -> str:
    """"Format 2, 2013 determination letter", or that the layout was not recognised."""
    layout = by_number(number)
    return f"{layout.name}, {layout.description}" if layout else "layout not recognised"


def letter_header(path: str, letter: Letter, result: FileResult | None = None) -> Text:
    patient = letter.patient
    who = ", ".join(
        x
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
    kind = f", {result.kind.upper()}" if result is not None and result.kind != "text" else ""
    text.append(f"  ({layout_name(letter.format)}{kind})", style="dim")
    text.append(f"\n  patient:  {who or 'not stated'}")
    text.append(f"\n  reviewer: {reviewer or 'not stated'}")
    if letter.final_determination:
        text.append(f"\n  final determination: {letter.final_determination}")
    return text


_CONCLUSION = {"medically-necessary": "necessary", "not-medically-necessary": "not necessary"}


def _said(item: Item) -> str:
    """The conclusion in a word or two: "not necessary", "unclear" (a ruling that cannot be read), "no conclusion"."""
    if item.conclusion is None:
        return "no conclusion"
    return _CONCLUSION.get(item.conclusion.polarity or "", "unclear")


def _drug(item: Item) -> str:
    request = item.request
    return " ".join(
        x for x in (request.drug, request.strength, f"#{request.quantity}" if request.quantity is not None else None) if x
    )


def _dose(item: Item) -> str | None:
    """The MED of an opioid item with its formula ("MED 120 = 10 mg x 2 tablets x 4 a day x 1.5"), or why it is unknown."""
    formula = item.request.med_formula
    if formula is None:
        return None
    if item.request.med is None:
        return f"MED {formula}"
    return f"MED {formula.rpartition(' = ')[2]} = {formula.rpartition(' = ')[0]}"


def hanging(console: Console, prefix: Text, body: Text) -> Text:
    """``prefix`` then ``body``; where ``body`` wraps, its lines start under its first.

    Rich wraps a long line back to the left margin, which put the rest of an
    evidence line under the code frame's line numbers.  A line that fits is
    unchanged; so is one whose prefix leaves under 20 columns.
    """
    line = Text()
    line.append_text(prefix)
    room = console.width - prefix.cell_len
    if prefix.cell_len + body.cell_len <= console.width or room < 20:
        line.append_text(body)
        return line
    for index, part in enumerate(body.wrap(console, room, justify="default", overflow="fold")):
        part.rstrip()
        if index:
            line.append("\n" + " " * prefix.cell_len)
        line.append_text(part)
    return line


def items_list(letter: Letter, console: Console, dose: bool = False) -> Text:
    """The items as lines, for terminals too narrow for the table; with ``dose``, each opioid's MED and formula."""
    text = Text()
    indent = Text("     ")
    for item in letter.items:
        drug = _drug(item)
        said = f"{item.decision or 'no decision'} ({_said(item)})" + (f"; {drug}" if drug else "")
        lines = [(Text(f"  {item.index}. ", style="bold"), Text(item.request_text)), (indent, Text(said))]
        if dose and _dose(item):
            lines.append((indent, Text(_dose(item))))
        lines.append((indent, Text("pages: " + "; ".join(f"{k} {_pages(item, k)}" for k in ("admin", "reviewer", "rationale")))))
        for prefix, body in lines:
            text.append_text(hanging(console, prefix, body))
            text.append("\n")
    return text  # the trailing newline leaves a blank line before the findings


def items_view(letter: Letter, console: Console, dose: bool = False) -> Table | Text:
    """A table on wide terminals, a list on narrow ones; ``dose`` adds each opioid's MED and its formula."""
    return items_table(letter, dose) if console.width >= 100 else items_list(letter, console, dose)


def items_table(letter: Letter, dose: bool = False) -> Table:
    """One row per item: request, decision over its conclusion, drug (and MED), and the pages each citation names."""
    rows = []
    for item in letter.items:
        drug = _drug(item) or "-"
        if dose and _dose(item):
            drug += f"\n{_dose(item)}"
        pages = "\n".join(f"{kind} {_pages(item, kind)}" for kind in ("admin", "reviewer", "rationale"))
        rows.append((str(item.index), item.request_text, f"{item.decision or 'no decision'}\n({_said(item)})", drug, pages))
    table = Table(box=box.SIMPLE_HEAD, show_header=True, header_style="bold", pad_edge=False, expand=False)
    headers = ("#", "request", "decision", "drug", "pages cited")
    for column, header in enumerate(headers):
        # Never split a word (a drug name, a page range) across lines: a column is at least its longest word.
        longest = max([len(w) for row in rows for w in row[column].split()] + [len(header.split()[0])])
        table.add_column(header, justify="right" if column == 0 else "left", min_width=min(longest, 30),
                         overflow="fold", ratio=3 if column == 1 else None)
    for row in rows:
        table.add_row(*row)
    return table


def finding_line(path: str, finding: Finding, result: FileResult | None = None) -> Text:
    span = finding.span
    where = f"{path}:{span.line}:{span.column}" if span else path
    text = Text()
    text.append(where, style="bold")
    if span and result is not None and result.page_of(span.line):
        page, line = result.page_of(span.line)  # type: ignore[misc]
        text.append(f" (page {page}, line {line})", style="dim")
    text.append(": ")
    text.append(finding.severity.value, style=_SEVERITY_STYLE[finding.severity])
    text.append(f" [{finding.rule}]", style="bold")
    text.append(f" {finding.category}", style="dim")
    text.append(f"\n  {finding.message}")
    if finding.suppressed:
        text.append(f"\n  suppressed: {finding.suppressed}", style="dim italic")
    return text


def code_frame(letter: Letter | None, finding: Finding, console: Console) -> Text | None:
    """The original lines of the finding's span, the span underlined with ^, then the evidence lines."""
    if letter is None or letter.normal is None or finding.span is None:
        return None
    source = letter.normal.source
    span = finding.span
    last = min(span.end_line, span.line + 3)
    gutter = len(str(last))
    room = max(20, console.width - gutter - 6)
    frame = Text()
    # Show a window of long lines that keeps the span's start in view.
    shift = _hidden(source.line_text(span.line).replace("\t", " "), span.column, room)
    for number in range(span.line, last + 1):
        line = source.line_text(number).replace("\t", " ").rstrip()
        shown = ("\u2026" + line[shift + 1 :]) if shift else line
        kept = _fit(shown, room)
        frame.append(f"  {number:>{gutter}} | ", style="dim")
        frame.append(kept + ("\u2026" if len(kept) < len(shown) else ""))
        frame.append("\n")
        start = (span.column if number == span.line else 1) - shift
        end = (span.end_column if number == span.end_line else len(line) + 1) - shift
        start = max(start, 1)
        start, end = min(start, len(kept) + 1), min(max(end, start + 1), len(kept) + 1)
        if end > start and shown[start - 1 : end - 1].strip():  # never underline a blank line
            frame.append(f"  {'':>{gutter}} | ", style="dim")
            # Under the span's characters as a terminal draws them: an accent written as its own mark
            # takes no column, a CJK character two.
            lead, width = cell_len(shown[: start - 1]), max(1, cell_len(shown[start - 1 : end - 1]))
            frame.append(" " * lead + "^" * width, style=_SEVERITY_STYLE[finding.severity])
            frame.append("\n")
    for evidence in finding.evidence:
        if evidence.span == span:
            continue  # the frame above already shows it
        said = Text()
        said.append(f"line {evidence.span.line}: ", style="dim")
        said.append(evidence.text)
        frame.append_text(hanging(console, Text(f"  {'':>{gutter}} = ", style="dim"), said))
        frame.append("\n")
    frame.rstrip()
    return frame


def _hidden(line: str, column: int, room: int) -> int:
    """How many characters at the start of ``line`` to hide behind "\u2026" so that ``column`` shows.

    A column past ``room - 10`` cells is brought to ``room - 21`` cells from
    the left, counting terminal cells as :func:`_fit` does.
    """
    if line.isascii():
        return max(0, column - (room - 20)) if column > room - 10 else 0
    width = cell_len(line[: column - 1])
    if width + 1 <= room - 10:
        return 0
    shift, left = 0, width - cell_len(line[0])  # the cells between the "\u2026" and the column
    while left > room - 22 and shift + 2 < column:
        shift += 1
        left -= cell_len(line[shift])
    return shift


def _fit(line: str, room: int) -> str:
    """The start of ``line`` that takes at most ``room`` terminal cells (a CJK character takes two, an accent mark none).

    Cut by characters, a line of wide characters took up to twice the room and wrapped.
    """
    if line.isascii():
        return line[:room]
    if cell_len(line) <= room:
        return line  # accent marks take no cell: more characters than cells
    width = 0
    for index, char in enumerate(line):
        width += cell_len(char)
        if width > room:
            return line[:index]
    return line


DESCRIPTION = "the report for people (default): each letter, its items, and every finding in context"


def console_for(out: TextIO, options: ReportOptions) -> Console:
    """A console writing to ``out``: colour only on a terminal (or when asked), a fixed width when given."""
    if options.color == "never":
        return new_console(file=out, color_system=None, no_color=True, force_terminal=False, width=options.width)
    if options.color == "always":
        return new_console(file=out, force_terminal=True, width=options.width)
    return new_console(file=out, width=options.width)


class Reporter(reports.Reporter):
    """Each letter as it comes: header, items, findings in context; the summary at the end."""

    def __init__(self, out: TextIO, options: ReportOptions) -> None:
        super().__init__(out, options)
        self.console = console_for(out, options)

    def add(self, result: FileResult) -> None:
        if result.error or result.letter is None:
            return  # unreadable inputs are reported on stderr
        if not self.options.quiet:
            self.console.print(letter_header(result.path, result.letter, result), soft_wrap=True)
            if result.letter.items:
                self.console.print(items_view(result.letter, self.console))
        _render_findings(self.console, result, self.options.quiet)

    def end(self, summary: Summary) -> None:
        if self.options.statistics:
            render_statistics(self.console, summary)
        if not self.options.quiet or self.options.statistics:
            render_summary(self.console, summary)


#: How ``parse`` says how a citation's edition was decided (``Citation.decided_by``).
_DECIDED_BY = {
    "citation": "named by the citation",
    "item-lines": "from the item's guideline lines",
    "dates": "in force on the letter's dates",
    "unknown": "not known",
}


def citations_list(letter: Letter) -> Text:
    """Each item's citations: whose, which guideline and edition, how the edition was decided, the pages."""
    text = Text()
    for item in letter.items:
        text.append(f"  {item.index}. citations", style="bold")
        if not item.citations:
            text.append(": none")
        for citation in item.citations:
            guideline = citation.guideline or "no guideline named"
            if citation.guideline and not guidelines().editions(citation.guideline):
                said = "cited without an edition"
            else:
                edition = f"edition {citation.edition}, " if citation.edition else "edition "
                said = edition + _DECIDED_BY.get(citation.decided_by, citation.decided_by)
            text.append(f"\n     {citation.kind}: {guideline} ({said})")
            pages = compact_numbers(citation.pages)
            if pages:
                text.append(f"; pages {pages}")
        text.append("\n")
    return text


def editions_line(letter: Letter) -> Text:
    """The letter's dates and the CPMTG edition in force on them."""
    dates = letter.dates
    said = ", ".join(
        f"{name} {value.isoformat()}"
        for name, value in (("request", dates.request), ("UR decision", dates.ur_decision), ("application", dates.application))
        if value
    )
    return Text(f"  edition in force: {letter.edition_in_force or 'not known'}" + (f" ({said})" if said else ""))


class ParseReporter(Reporter):
    """``imr-check parse``: what each letter says, and what could not be read."""

    def add(self, result: FileResult) -> None:
        if result.error or result.letter is None:
            return
        console = self.console
        console.print(letter_header(result.path, result.letter, result), soft_wrap=True)
        console.print(editions_line(result.letter), soft_wrap=True)
        if result.letter.items:
            console.print(items_view(result.letter, console, dose=True))
            console.print(citations_list(result.letter), soft_wrap=True)
        else:
            console.print("  no items found", style="yellow")
        for finding in result.findings:
            console.print(finding_line(result.path, finding, result), soft_wrap=True)
        console.print()

    def end(self, summary: Summary) -> None:
        pass


def _render_findings(console: Console, result: FileResult, quiet: bool) -> None:
    letter = result.letter
    groups: dict[int | None, list[Finding]] = {}
    for finding in result.findings:
        groups.setdefault(finding.item, []).append(finding)
    if not result.findings:
        if not quiet:
            console.print("  no findings\n", style="green")
        return
    for item_index in sorted(groups, key=lambda i: (i is not None, i or 0)):
        if not quiet:
            title = "the letter as a whole" if item_index is None else _item_title(letter, item_index)
            console.print(Text(f"  {title}", style="bold underline"))
        for finding in groups[item_index]:
            console.print(finding_line(result.path, finding, result), soft_wrap=True)
            frame = code_frame(letter, finding, console)
            if frame is not None:
                console.print(frame, soft_wrap=False, overflow="fold")
        console.print()


def _item_title(letter: Letter | None, index: int) -> str:
    item = next((i for i in letter.items if i.index == index), None) if letter else None
    if item is None:
        return f"item {index}"
    return f"item {index}: {item.request_text} ({item.decision or 'no decision'})"


def render_statistics(console: Console, summary: Summary) -> None:
    """Counts per rule, like ``ruff --statistics``."""
    table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
    for column in ("count", "rule", "category", "severity"):
        # A narrow terminal folds a rule id; it never cuts one short.
        table.add_column(column, justify="right" if column == "count" else "left", overflow="fold")
    for (rule, category, severity), count in sorted(summary.by_rule_detail.items(), key=lambda kv: (-kv[1], kv[0])):
        table.add_row(str(count), rule, category, severity)
    console.print(table)


def render_summary(console: Console, summary: Summary) -> None:
    letters = summary.letters
    line = Text(f"{letters} letter{'s' if letters != 1 else ''} checked: ")
    for severity, label in ((Severity.ERROR, "error"), (Severity.WARNING, "warning"), (Severity.INFO, "info")):
        count = summary.by_severity[severity]
        line.append(f"{count} {label}{'' if count == 1 else 's'}", style=_SEVERITY_STYLE[severity] if count else "")
        line.append(", " if severity is not Severity.INFO else "")
    if summary.suppressed:
        line.append(f" ({summary.suppressed} suppressed)")
    if summary.unreadable:
        line.append(f"; {summary.unreadable} unreadable", style="bold red")
    console.print(line)
    # One line each, never wrapped: a wrapped path would read as another line's start (grep, CI logs).
    if summary.by_category:
        console.print("  by category: " + ", ".join(f"{c} {n}" for c, n in sorted(summary.by_category.items())),
                      soft_wrap=True, markup=False, highlight=False)
    if letters > 1:
        if summary.by_rule:
            ranked = sorted(summary.by_rule.items(), key=lambda kv: (-kv[1], kv[0]))
            console.print("  by rule: " + ", ".join(f"{r} {n}" for r, n in ranked), soft_wrap=True, markup=False,
                          highlight=False)
        if summary.worst:
            console.print("  most findings: " + ", ".join(f"{p} ({n})" for n, p in summary.worst), soft_wrap=True,
                          markup=False, highlight=False)
