"""Reporters: turn results into output, one letter at a time.  They never compute findings.

Every output format is one module of this package with a ``Reporter``
class (and a one-line ``DESCRIPTION``): ``--format NAME`` is the module's
name, so adding a format is adding one file.  A reporter is given each
:class:`~checker.model.FileResult` as soon as it is ready, in input order,
and writes what it can at once; nothing but the :class:`Summary` counts is
kept between letters, so memory stays flat however large the batch.
"""

from __future__ import annotations

import heapq
import importlib
import io
import pkgutil
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TextIO

from checker.model import FileResult, Severity

if TYPE_CHECKING:  # pragma: no cover
    from checker.rules.loader import RuleSet

#: How many letters with the most findings the summary names.
WORST_SHOWN = 5


@dataclass
class ReportOptions:
    """What a reporter may need besides the results."""

    ruleset: RuleSet | None = None
    #: Findings at or above this severity (and not suppressed) fail the run.
    fail_on: Severity = Severity.ERROR
    quiet: bool = False
    statistics: bool = False
    #: False for ``imr-check parse``: what the letters say, without findings.
    include_findings: bool = True
    #: The human report: "auto", "always" or "never" colour; None width means the terminal's.
    color: str = "auto"
    width: int | None = None


@dataclass
class Summary:
    """Counts over a whole run, updated letter by letter (the only state kept)."""

    fail_on: Severity = Severity.ERROR
    files: int = 0
    letters: int = 0
    unreadable: int = 0
    suppressed: int = 0
    by_severity: Counter = field(default_factory=Counter)
    by_category: Counter = field(default_factory=Counter)
    by_rule: Counter = field(default_factory=Counter)
    by_rule_detail: Counter = field(default_factory=Counter)  # (rule, category, severity)
    failing: bool = False
    _worst: list[tuple[int, str]] = field(default_factory=list)

    def add(self, result: FileResult) -> None:
        self.files += 1
        if result.error is not None:
            self.unreadable += 1
            return
        if result.letter is not None:
            self.letters += 1
        loud = 0
        for finding in result.findings:
            if finding.suppressed:
                self.suppressed += 1
                continue
            self.by_severity[finding.severity] += 1
            self.by_category[finding.category] += 1
            self.by_rule[finding.rule] += 1
            self.by_rule_detail[(finding.rule, finding.category, finding.severity.value)] += 1
            loud += finding.severity is not Severity.INFO
            if finding.severity.rank >= self.fail_on.rank:
                self.failing = True
        if loud:
            # keep the WORST_SHOWN letters with most findings: (count, reversed path order)
            entry = (loud, _Reversed(result.path))
            if len(self._worst) < WORST_SHOWN:
                heapq.heappush(self._worst, entry)
            else:
                heapq.heappushpop(self._worst, entry)

    @property
    def worst(self) -> list[tuple[int, str]]:
        """(count, path) of the letters with most findings above info, most first, then by path."""
        return [(count, path.value) for count, path in sorted(self._worst, reverse=True)]


@dataclass(frozen=True)
class _Reversed:
    """A path that sorts backwards, so ties in the heap keep the alphabetically first paths."""

    value: str

    def __lt__(self, other: Any) -> bool:
        return self.value > other.value


class Reporter:
    """Writes one format to ``out``: ``begin``, ``add`` for each result, ``end`` with the summary."""

    def __init__(self, out: TextIO, options: ReportOptions) -> None:
        self.out = out
        self.options = options

    def begin(self) -> None:
        """Anything that comes before the first letter."""

    def add(self, result: FileResult) -> None:
        raise NotImplementedError

    def end(self, summary: Summary) -> None:
        """Anything that comes after the last letter."""


@lru_cache(maxsize=1)
def formats() -> tuple[str, ...]:
    """Every output format: the reporter modules of this package, by name (nothing is imported).

    A module whose name starts with ``_`` (``_indented_json``) is a helper of the reporters, no format.
    """
    return tuple(sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.ispkg and not m.name.startswith("_")))


def reporter_class(name: str) -> type[Reporter]:
    if name not in formats():
        raise ValueError(f"unknown format {name!r} (known: {', '.join(formats())})")
    return importlib.import_module(f"{__name__}.{name}").Reporter


def render(name: str, results: list[FileResult], options: ReportOptions | None = None) -> str:
    """A whole report as text, for callers that hold all results (tests, small tools)."""
    options = options or ReportOptions()
    out = io.StringIO()
    summary = Summary(fail_on=options.fail_on)
    reporter = reporter_class(name)(out, options)
    reporter.begin()
    for result in results:
        summary.add(result)
        reporter.add(result)
    reporter.end(summary)
    return out.getvalue()
