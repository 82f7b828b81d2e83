"""``imr-check check``: check letters and report each as soon as it is done.

Inputs are discovered and refused up front when a report or baseline would
overwrite one; each result then goes, in input order, through the baseline
filter to the chosen reporter and the run's summary, and is dropped.  The
exit code comes from the summary.
"""

from __future__ import annotations

import sys
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, TextIO

from checker.cli import session
from checker.cli.config import Config
from checker.input.discover import InputRef

if TYPE_CHECKING:  # pragma: no cover
    from checker.model import FileResult
    from checker.rules.loader import RuleSet

#: Show a progress bar on a terminal from this many letters on.
PROGRESS_FROM = 25


@dataclass
class CheckInputs:
    """Builds, in each process, the function that checks one input (picklable for worker processes)."""

    ruleset: RuleSet
    max_bytes: int

    def __call__(self) -> Callable[[InputRef], FileResult]:
        from checker.pipeline import knowledge_for, read_letter

        ruleset, max_bytes = self.ruleset, self.max_bytes
        knowledge_for(ruleset)  # the drug lexicon and concepts, built now (before worker processes are forked)
        return lambda ref: read_letter(ref, ruleset, max_bytes=max_bytes).result


@dataclass
class Run:
    """One ``check`` run, as the command line asked for it."""

    paths: list[str]
    settings: Config
    output: Path | None = None
    exit_zero: bool = False
    quiet: bool = False
    statistics: bool = False
    color: str = "auto"
    baseline: Path | None = None
    write_baseline: Path | None = None


def run(job: Run) -> int:
    """Check every input and report it; returns the exit code."""
    from checker import reports
    from checker.cli.baseline import Baseline, BaselineWriter, project_root
    from checker.cli.runner import Batch, run as run_batch
    from checker.model import Severity

    settings = job.settings
    refs = session.inputs(job.paths)
    session.refuse_overwriting(refs, {"--output": job.output, "--write-baseline": job.write_baseline})
    ruleset = session.ruleset(settings)
    root = project_root(settings)
    known = Baseline.load(job.baseline, root) if job.baseline is not None else None
    writer = BaselineWriter(root) if job.write_baseline is not None else None
    fail_on = Severity(settings.fail_on)
    options = reports.ReportOptions(ruleset, fail_on, job.quiet, job.statistics, color="never" if job.output else job.color)
    summary = reports.Summary(fail_on=fail_on)
    batch = Batch(CheckInputs(ruleset, settings.max_bytes), settings.jobs, settings.time_budget)
    with ExitStack() as stack:
        out = stack.enter_context(output(job.output)) if writer is None else None
        reporter = reports.reporter_class(settings.format)(out, options) if out is not None else None
        if reporter is not None:
            reporter.begin()
        for result in _progress(run_batch(refs, batch), len(refs), stack):
            session.report_unreadable(result)
            if known is not None:
                known.drop_known(result)
            if writer is not None:
                writer.add(result)
            summary.add(result)
            if reporter is not None:
                reporter.add(result)
        if reporter is not None:
            reporter.end(summary)
    return _finish(job, summary, known, writer)


def _finish(job: Run, summary, known, writer) -> int:
    if writer is not None:
        count = writer.write(job.write_baseline)
        print(f"imr-check: wrote {count} findings to baseline {job.write_baseline}", file=sys.stderr)
        return session.EXIT_OK
    if known is not None and known.dropped:
        print(f"imr-check: {known.dropped} findings already in the baseline are not shown", file=sys.stderr)
    if job.statistics and job.settings.format != "report":
        from checker.reports._console import new_console
        from checker.reports.report import render_statistics

        render_statistics(new_console(stderr=True), summary)
    if summary.unreadable:
        return session.EXIT_USAGE
    return session.EXIT_FINDINGS if summary.failing and not job.exit_zero else session.EXIT_OK


@contextmanager
def output(path: Path | None) -> Iterator[TextIO]:
    """Standard output, or the file asked for (written as UTF-8 with exactly the bytes produced).

    A write to the file that fails (a full disk) ends the run with one line
    naming the file; standard output does the same for itself
    (:func:`session.named_stdout`).
    """
    if path is None:
        yield sys.stdout
        return
    try:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            yield handle
    except OSError as problem:
        session.cannot_write(path, problem)


def _progress(results: Iterator[FileResult], total: int, stack: ExitStack) -> Iterator[FileResult]:
    """Results as they come, with a progress bar (count and time left) on a terminal for large batches."""
    if total < PROGRESS_FROM or not sys.stderr.isatty():
        yield from results
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from checker.reports._console import new_console

    progress = stack.enter_context(
        Progress(TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                 console=new_console(stderr=True), transient=True)
    )
    task = progress.add_task("letters", total=total)
    for result in results:
        progress.advance(task)
        yield result
