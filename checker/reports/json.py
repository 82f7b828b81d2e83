"""The JSON output contract (DOMAIN.md section 6).

Keys named by the contract keep their meaning; extra keys (spans, frequency,
days supply ...) are additions.  Output is deterministic: the same input gives
the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

from checker import __version__
from checker import reports
from checker.reports import _indented_json
from checker.model import Citation, FileResult, Finding, Item, Letter, Severity, Span


def _span(span: Span | None) -> dict[str, int] | None:
    return span.to_dict() if span else None


def citation_dict(citation: Citation) -> dict[str, Any]:
    """One citation: whose, which guideline and edition (and how the edition was decided), its pages."""
    return {
        "kind": citation.kind,
        "guideline": citation.guideline,
        "edition": citation.edition,
        "decided_by": citation.decided_by,
        "source": citation.source,
        "pages": citation.pages,
        "sections": citation.sections,
        "line": citation.span.line if citation.span else None,
    }


def item_dict(item: Item) -> dict[str, Any]:
    request = item.request
    return {
        "index": item.index,
        "request": item.request_text,
        "decision": item.decision,
        "conclusion": item.conclusion.polarity if item.conclusion else None,
        "drug": request.drug,
        "strength": request.strength,
        "quantity": request.quantity,
        "pages": {kind: item.pages(kind) for kind in ("admin", "reviewer", "rationale")},
        "sections": {kind: item.sections(kind) for kind in ("admin", "reviewer")},
        "frequency": request.frequency,
        "doses_per_day": request.doses_per_day,
        "days_supply": request.days_supply,
        "refills": request.refills,
        "form": request.form,
        "purpose": request.purpose,
        "drug_as_written": request.drug_as_written,
        "line": item.heading_span.line,
        "request_span": _span(item.request_span),
        "decision_span": _span(item.decision_span),
        "tablets_per_dose": request.tablets_per_dose,
        "as_needed": request.as_needed,
        "med": request.med,
        "med_formula": request.med_formula,
        "conclusion_text": item.conclusion.text if item.conclusion else None,
        "conclusion_span": _span(item.conclusion.span) if item.conclusion else None,
        "rationale_span": _span(item.rationale_span),
        "drug_class": request.drug_class,
        "citations": [citation_dict(c) for c in item.citations],
    }


def letter_dict(letter: Letter) -> dict[str, Any]:
    patient = letter.patient
    return {
        "format": letter.format,
        "patient": {
            "age": patient.age,
            "sex": patient.sex,
            "injury_date": patient.injury_date.isoformat() if patient.injury_date else None,
        },
        "reviewer": {"specialty": letter.reviewer.specialty, "licensure": letter.reviewer.licensure},
        "final_determination": letter.final_determination,
        "edition_in_force": letter.edition_in_force,
        "dates": {
            name: value.isoformat() if value else None
            for name, value in (
                ("request", letter.dates.request),
                ("ur_decision", letter.dates.ur_decision),
                ("application", letter.dates.application),
                ("decision", letter.dates.decision),
            )
        },
        "encoding": letter.encoding,
        "header": [{"label": f.label, "value": f.value, "line": f.span.line} for f in letter.header],
        "sections": [{"kind": s.kind, "title": s.title, **s.span.to_dict()} for s in letter.sections],
        "items": [item_dict(i) for i in letter.items],
    }


def finding_dict(finding: Finding) -> dict[str, Any]:
    span = finding.span
    return {
        "rule": finding.rule,
        "category": finding.category,
        "severity": finding.severity.value,
        "item": finding.item,
        "message": finding.message,
        "line": span.line if span else None,
        "column": span.column if span else None,
        "end_line": span.end_line if span else None,
        "end_column": span.end_column if span else None,
        "evidence": [{"text": e.text, "line": e.span.line, "column": e.span.column} for e in finding.evidence],
        "suppressed": {"reason": finding.suppressed} if finding.suppressed else None,
    }


DESCRIPTION = "one JSON document: what each letter says and its findings (DOMAIN.md section 6)"


def file_entry(result: FileResult, include_findings: bool = True) -> dict[str, Any]:
    """One file's entry of the ``files`` list."""
    entry: dict[str, Any] = {
        "path": result.path,
        "error": result.error,
        "letter": letter_dict(result.letter) if result.letter else None,
    }
    if include_findings:
        entry["findings"] = [finding_dict(f) for f in result.findings]
    if result.page_starts:
        entry["kind"] = result.kind
        entry["page_starts"] = result.page_starts
        for finding, data in zip(result.findings, entry.get("findings", []), strict=False):
            where = result.page_of(finding.span.line) if finding.span else None
            data["page"], data["line_in_page"] = where if where else (None, None)
    elif result.kind != "text":
        entry["kind"] = result.kind
    return entry


def summary_dict(summary: reports.Summary, include_findings: bool = True) -> dict[str, int]:
    counts: dict[str, int] = {"files": summary.files}
    if include_findings:
        counts.update(
            errors=summary.by_severity[Severity.ERROR],
            warnings=summary.by_severity[Severity.WARNING],
            infos=summary.by_severity[Severity.INFO],
        )
    counts["unreadable"] = summary.unreadable
    return counts


class Reporter(reports.Reporter):
    """Writes the document as the files come: the same bytes as ``json.dumps(document, indent=2)``."""

    def __init__(self, out, options: reports.ReportOptions) -> None:
        super().__init__(out, options)
        self.first = True

    def begin(self) -> None:
        self.out.write('{\n  "version": ' + _dumps(__version__) + ',\n  "files": [')

    def add(self, result: FileResult) -> None:
        entry = _dumps(file_entry(result, self.options.include_findings), margin="    ")
        self.out.write(("\n    " if self.first else ",\n    ") + entry)
        self.first = False

    def end(self, summary: reports.Summary) -> None:
        self.out.write("]" if self.first else "\n  ]")
        counts = _dumps(summary_dict(summary, self.options.include_findings), margin="  ")
        self.out.write(',\n  "summary": ' + counts + "\n}\n")


def _dumps(value: Any, margin: str = "") -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``, faster, its lines after the first indented by ``margin``."""
    return _indented_json.dumps(value, margin=margin)


def render(results: list[FileResult], ruleset: object = None, include_findings: bool = True) -> str:
    """The JSON document as text (for callers holding all results)."""
    return reports.render("json", results, reports.ReportOptions(include_findings=include_findings))


def document(results: list[FileResult], include_findings: bool = True) -> dict[str, Any]:
    """The JSON document as a dict."""
    return json.loads(render(results, include_findings=include_findings))
