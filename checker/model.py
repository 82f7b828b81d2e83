"""The letter model that every step shares.

Data flows one way: reading -> normalising -> parsing -> extracting facts ->
checking -> reporting.  Each step adds to the objects defined here and never
reaches back.  Positions are always kept as :class:`Span` values in the
*original* file (1-based line and column, end column exclusive), because a
finding must point at what the user sees in their editor, not at normalised
text.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # pragma: no cover - import for type hints only
    from checker.text.normalise import NormalText


class Severity(str, Enum):
    """How serious a finding is; ordered error > warning > info."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


#: The finding categories of the output contract (DOMAIN.md section 6).
CATEGORIES = (
    "parse",
    "decision-conclusion",
    "citation-topic",
    "citation-consistency",
    "guideline-quote",
    "guideline-criteria",
    "fact-conflict",
    "spelling",
)

UPHELD = "upheld"
OVERTURNED = "overturned"
NECESSARY = "medically-necessary"
NOT_NECESSARY = "not-medically-necessary"


class Span(NamedTuple):
    """A region of the original file: 1-based lines and columns.

    ``end_column`` is exclusive (the column just after the last character), as
    in SARIF regions and most editors' selection model.

    A named tuple, not a dataclass: a letter makes a few dozen (every item,
    citation, header field and finding has one), and a tuple is built, pickled
    for ``--jobs`` and read back in C, three times as fast as a frozen
    dataclass.  It orders, compares, hashes and prints as the frozen, ordered
    dataclass it replaced did.
    """

    line: int
    column: int
    end_line: int
    end_column: int

    def to_dict(self) -> dict[str, int]:
        return {
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
        }


@dataclass(frozen=True)
class Evidence:
    """A piece of the letter a finding relied on."""

    text: str
    span: Span


@dataclass
class Finding:
    """One problem found in a letter."""

    rule: str
    category: str
    severity: Severity
    message: str
    span: Span | None
    item: int | None = None
    evidence: list[Evidence] = field(default_factory=list)
    #: Set when a suppression marker in the letter acknowledges this finding:
    #: the editor's reason.  Suppressed findings are still reported, marked,
    #: but never affect the exit code.
    suppressed: str | None = None

    def sort_key(self) -> tuple:
        span = self.span or Span(0, 0, 0, 0)
        return (span.line, span.column, self.rule, self.item or 0, self.message)


@dataclass(frozen=True)
class Problem:
    """A part of the letter the reader could not read, or could not find.

    The reader only records what it met; the built-in ``parse`` rules
    (``rules/builtin/parse.yaml``) decide what to report and how loudly.
    ``kind`` names the problem (``no-structure``, ``no-summary``, ``syntax``,
    ``no-items``, ``item-heading``, ``no-decision``, ``no-rationale``);
    ``text`` is the letter's words where there are some.
    """

    kind: str
    span: Span
    item: int | None = None
    text: str = ""


@dataclass
class Suppression:
    """A marker line ``imr-check: ignore RULE-ID -- reason`` in the letter.

    Its scope is the item it sits in or directly precedes (``item``); a
    marker outside the items covers the whole letter (``item`` None).
    ``used`` is set by the rule engine when the marker acknowledges a finding.
    """

    ids: tuple[str, ...]
    reason: str
    span: Span
    item: int | None = None
    used: bool = False


@dataclass
class Field:
    """A labelled value as written in the letter, e.g. ``Date of Injury: 6/9/2005``."""

    label: str
    value: str
    span: Span


@dataclass
class PageRef:
    """One page reference (``Page(s): 74-80; 92``) with its pages expanded."""

    text: str
    pages: list[int]
    span: Span
    source: str | None = None  # for references in prose: the guideline its sentence names
    parts: list[tuple[list[int], Span]] = field(default_factory=list)  # each page or range and its span

    def span_of_page(self, page: int) -> Span:
        """The span of the number (or range) that names ``page``."""
        return next((span for pages, span in self.parts if page in pages), self.span)


#: How a citation's edition was decided: its own words, the item's guideline
#: lines (a page named inside a rationale), the letter's dates, or not at all.
DECIDED_BY = ("citation", "item-lines", "dates", "unknown")


@dataclass
class Citation:
    """A guideline citation: where it is, what guideline and edition, topics and pages it names.

    ``kind`` says whose citation it is: ``admin`` (the claims administrator's
    guideline line), ``reviewer`` (the reviewer's own guideline line) or
    ``rationale`` (a page reference made inside the rationale prose).  A
    guideline line that names several guidelines gives one citation per
    guideline.  ``guideline`` is the guideline family (``cpmtg``,
    ``opioids-tg``, ``acoem``, ``odg``, ``acupuncture``, ``formulary``; None
    when the words name none), ``edition`` its edition (``"2009"``; None when
    unknown or when the family has none) and ``decided_by`` how the edition
    was decided (:data:`DECIDED_BY`).  ``source`` is the source a report
    names (``MTUS``, ``ODG``, ``ACOEM``).
    """

    kind: str
    text: str
    span: Span
    source: str | None = None
    edition: str | None = None
    topics: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    page_refs: list[PageRef] = field(default_factory=list)
    guideline: str | None = None
    decided_by: str = "unknown"
    #: False when the words name no guideline of their own ("the MTUS", or no
    #: name at all): a rationale's page then belongs to the item's guideline lines.
    named: bool = True

    @property
    def pages(self) -> list[int]:
        return sorted({p for ref in self.page_refs for p in ref.pages})


@dataclass
class Request:
    """A parsed treatment request line such as ``SOMA 350 MG BID # 60 FOR ...``."""

    text: str
    name: str | None = None  # the treatment name as written
    drug: str | None = None  # normalised generic name, lower case
    drug_as_written: str | None = None  # the word(s) that named the drug
    drug_exact: bool = True  # False when recognised only by a near spelling
    drug_class: str | None = None
    strength: str | None = None  # "350 mg", "10/325 mg"
    strength_values: tuple[float, ...] = ()
    strength_unit: str | None = None
    form: str | None = None
    frequency: str | None = None
    doses_per_day: float | None = None
    as_needed: bool = False
    quantity: int | None = None
    days_supply: int | None = None
    refills: int | None = None
    purpose: str | None = None
    #: Units taken at a time as written ("2 tabs": 2, "1-2 tabs": 2, "1/2 tab": 0.5); None when not written.
    tablets_per_dose: float | None = None
    #: The product number of a numbered product ("Tylenol with Codeine #3": 3), which is not a quantity.
    product_number: int | None = None
    #: Daily oral morphine-equivalent dose of an opioid request; None for a non-opioid or when a part is missing.
    med: float | None = None
    #: How ``med`` was computed ("10 mg x 2 tablets x 4 a day x 1.5 = 120"), or why it is unknown; None for a non-opioid.
    med_formula: str | None = None


@dataclass
class Conclusion:
    """The rationale's concluding statement on medical necessity."""

    text: str
    span: Span
    polarity: str | None  # NECESSARY, NOT_NECESSARY, or None: it rules, but how cannot be read


@dataclass
class Section:
    """A top-level section of the letter (``CLINICAL CASE SUMMARY`` ...)."""

    kind: str  # how, summary, issues, documents, issue, guidelines, rationale, qualifications, other
    title: str
    span: Span  # the whole section, heading included
    text: str  # the section's body text (normalised)
    body_start: int = 0  # offset of ``text`` in the normalised letter text


@dataclass
class Item:
    """One disputed treatment and the reviewer's decision on it."""

    index: int
    request_text: str
    request_span: Span
    request: Request
    heading_span: Span
    request_start: int = -1  # offset of request_text in the normalised text
    decision: str | None = None  # UPHELD / OVERTURNED / None when missing
    decision_span: Span | None = None
    conclusion: Conclusion | None = None
    citations: list[Citation] = field(default_factory=list)
    rationale_text: str = ""
    rationale_span: Span | None = None
    rationale_start: int = 0  # offset of rationale_text in the normalised text
    #: The item's number as the letter writes it ("1)", "2."), where it numbers items.
    number: int | None = None

    def citations_of(self, kind: str) -> list[Citation]:
        return [c for c in self.citations if c.kind == kind]

    def pages(self, kind: str) -> list[int]:
        return sorted({p for c in self.citations_of(kind) for p in c.pages})

    def sections(self, kind: str) -> list[str]:
        return [s for c in self.citations_of(kind) for s in c.sections]


@dataclass
class Patient:
    """The injured worker as the case summary (or header) describes them."""

    age: int | None = None
    sex: str | None = None  # "male" / "female"
    injury_date: _dt.date | None = None
    #: The name the case summary first gives with a title ("Halvorsen" of "Mr. Halvorsen").
    name: str | None = None
    age_span: Span | None = None
    injury_date_span: Span | None = None


@dataclass
class Reviewer:
    """The expert reviewer's credentials as stated in the letter."""

    specialty: str | None = None
    licensure: str | None = None
    span: Span | None = None


@dataclass
class LetterDates:
    """Dates the letter states, as far as they decide guideline editions.

    ``request`` is the disputed request as the case summary dates it (the
    RFA, else the UR decision); the others come from header fields.
    ``reference`` is the date editions are decided by: the request, else the
    UR decision, else the application.
    """

    request: _dt.date | None = None
    ur_decision: _dt.date | None = None
    application: _dt.date | None = None
    decision: _dt.date | None = None

    @property
    def reference(self) -> _dt.date | None:
        return self.request or self.ur_decision or self.application


@dataclass
class Letter:
    """Everything read from one determination letter."""

    path: str
    format: int | None = None
    header: list[Field] = field(default_factory=list)
    final_determination: str | None = None  # uphold / overturn / partial-overturn, where stated
    final_determination_span: Span | None = None
    patient: Patient = field(default_factory=Patient)
    reviewer: Reviewer = field(default_factory=Reviewer)
    sections: list[Section] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    #: What the reader could not read (reported by the built-in parse rules).
    problems: list[Problem] = field(default_factory=list)
    #: Suppression markers written in the letter (``imr-check: ignore ...``).
    suppressions: list[Suppression] = field(default_factory=list)
    encoding: str = "utf-8"
    #: The normalised text and its map to the file, for steps that search prose.
    normal: NormalText | None = field(default=None, repr=False, compare=False)
    #: The dates that decide which guideline editions apply (checker/letter/editions.py).
    dates: LetterDates = field(default_factory=lambda: LetterDates())
    #: The CPMTG edition in force on the letter's dates: "2009", "2016", or None when no date says.
    edition_in_force: str | None = None

    def section(self, kind: str) -> Section | None:
        return next((s for s in self.sections if s.kind == kind), None)

    def header_value(self, label: str) -> Field | None:
        wanted = label.lower()
        return next((f for f in self.header if f.label.lower() == wanted), None)


@dataclass
class FileResult:
    """What came of one input: a letter and its findings, or an error."""

    path: str
    letter: Letter | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    #: "text", "pdf" or "docx": what the input was.
    kind: str = "text"
    #: For paged inputs (PDF): the 1-based line of the extracted text where
    #: each page starts, so a line can be reported as page and line in page.
    page_starts: list[int] | None = None

    def page_of(self, line: int) -> tuple[int, int] | None:
        """(page, line within the page) of an extracted-text line, for paged inputs."""
        if not self.page_starts:
            return None
        page = 0
        for index, start in enumerate(self.page_starts):
            if start <= line:
                page = index
        return page + 1, line - self.page_starts[page] + 1
