"""``imr-check audit`` (a batch into SQLite) and ``imr-check report`` (the database as HTML).

The audit is incremental: a letter whose bytes and rule set are unchanged
since it was stored is skipped, so a rerun after an interruption (Ctrl-C, a
killed process) continues where the last committed batch ended.  Results are
written and dropped as they arrive, in input order, with ``--jobs``
processes fed through a bounded window, so memory stays flat however many
letters there are.

Exit codes: 0 the batch is stored (unreadable files are recorded with their
error and listed on stderr: in an audit they are data, not a failure), 2
usage error, 3 broken rule file, 130 interrupted (what was committed stays).
"""

from __future__ import annotations

import io
import sqlite3
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from checker.audit.schema import SchemaError, connect
from checker.audit.store import Store, content_hash, ruleset_hash
from checker.cli import app as cli
from checker.cli import rules_view
from checker.cli.config import Config
from checker.input.files import InputError, InputRef, read_bytes
from checker.model import FileResult
from checker.pipeline import read_letter
from checker.rules.loader import RuleSet

EXIT_INTERRUPTED = 130
#: Letters in flight per worker process: enough to keep workers busy, few enough to keep memory flat.
_WINDOW_PER_JOB = 8

Work = tuple[InputRef, "str | None"]


def explanations(ruleset: RuleSet) -> dict[str, str]:
    """Each rule's ``imr-check explain`` text, plain, at a fixed width (deterministic)."""
    texts = {}
    for rule in ruleset.rules:
        out = io.StringIO()
        console = Console(file=out, width=100, color_system=None, no_color=True, force_terminal=False)
        rules_view.render_explain(console, rule)
        texts[rule.id] = "\n".join(line.rstrip() for line in out.getvalue().splitlines()).strip() + "\n"
    return texts


def _open_db(path: Path, must_exist: bool = False) -> sqlite3.Connection:
    if must_exist and not path.is_file():
        cli._error(f"{path}: no such audit database (run `imr-check audit PATH... --db {path}` first)")
        raise typer.Exit(cli.EXIT_USAGE)
    try:
        return connect(str(path))
    except (SchemaError, sqlite3.DatabaseError) as error:
        cli._error(f"{path}: {error}")
        raise typer.Exit(cli.EXIT_USAGE) from None


def _plan(refs: list[InputRef], store: Store, advance: Callable[[], None]) -> Iterator[Work]:
    """The inputs that need reading, with their content hash; unchanged ones are skipped here."""
    for ref in refs:
        try:
            digest: str | None = content_hash(read_bytes(ref))
        except InputError:
            digest = None  # unreadable before reading: always tried again, recorded with its error
        if store.is_current(ref.path, digest):
            advance()
            continue
        yield ref, digest


def _results(work: Iterator[Work], ruleset: RuleSet, config: Config, jobs: int) -> Iterator[tuple[FileResult, str | None]]:
    """Check each input, yielding results in input order; with ``jobs`` > 1 through a bounded window."""
    if jobs <= 1:
        for ref, digest in work:
            yield read_letter(ref, ruleset).result, digest
        return
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=cli._init_worker, initargs=(config,))
    window: deque = deque()
    try:
        for ref, digest in work:
            window.append((pool.submit(cli._check_in_worker, ref), digest))
            if len(window) >= jobs * _WINDOW_PER_JOB:
                future, done_digest = window.popleft()
                yield future.result(), done_digest
        while window:
            future, done_digest = window.popleft()
            yield future.result(), done_digest
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _progress(total: int):
    """A progress bar with count and ETA on a terminal, else a no-op; returns (context, advance)."""
    from contextlib import nullcontext

    if total < cli.PROGRESS_FROM or not sys.stderr.isatty():
        return nullcontext(), lambda: None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    progress = Progress(
        TextColumn("auditing"), BarColumn(), MofNCompleteColumn(), TextColumn("elapsed"), TimeElapsedColumn(),
        TextColumn("ETA"), TimeRemainingColumn(), console=Console(stderr=True), transient=True,
    )
    task = progress.add_task("audit", total=total)
    return progress, lambda: progress.advance(task)


def audit(
    paths: List[str] = cli._PATHS,
    db: Path = typer.Option(..., "--db", help="The SQLite database to create or update."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Check letters in N processes."),
    rule_dirs: List[Path] = typer.Option([], "--rules", help="Add a directory (or file) of rules; repeatable."),
    no_default_rules: bool = typer.Option(False, "--no-default-rules", help="Do not load the shipped rule sets."),
    batch: int = typer.Option(200, "--batch", min=1, help="Commit after this many letters (or 2 seconds)."),
) -> None:
    """Store a batch of letters and their findings in SQLite; a rerun skips unchanged letters."""
    config = cli._with_rules(cli._config(), rule_dirs, no_default_rules)
    if jobs is not None:
        config.set("jobs", jobs, "command line")
    ruleset = cli._ruleset(config)
    if "-" in paths:
        cli._error("audit reads files, not standard input")
        raise typer.Exit(cli.EXIT_USAGE)
    refs = cli._refs(paths)
    conn = _open_db(db)
    store = Store(conn, ruleset_hash(ruleset), batch_size=batch)
    store.store_rules(ruleset, explanations(ruleset))
    context, advance = _progress(len(refs))
    unreadable: list[FileResult] = []
    try:
        with context:
            for result, digest in _results(_plan(refs, store, advance), ruleset, config, config.jobs):
                store.add(result, digest)
                if result.error:
                    unreadable.append(FileResult(result.path, error=result.error))
                advance()
    except KeyboardInterrupt:
        store.interrupted()
        conn.close()
        cli._error(f"interrupted: {store.counts.checked} letters stored in {db}; run the same command to continue")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    store.finish()
    conn.close()
    cli._report_unreadable(unreadable)
    counts = store.counts
    print(
        f"imr-check: {counts.seen} letters: {counts.checked} checked, {counts.skipped} unchanged, "
        f"{len(unreadable)} unreadable; stored in {db}",
        file=sys.stderr,
    )


def report(
    db: Path = typer.Option(..., "--db", help="The audit database (from `imr-check audit`)."),
    output: Path = typer.Option(..., "--output", "-o", help="The folder to write the HTML report into."),
) -> None:
    """Write a static HTML report of an audit database: overview, charts, letters table, a page per letter."""
    from checker.reports.html.builder import build

    conn = _open_db(db, must_exist=True)
    try:
        written = build(conn, output)
    except OSError as error:
        cli._error(f"{output}: cannot write the report ({error.strerror or error})")
        raise typer.Exit(cli.EXIT_USAGE) from None
    finally:
        conn.close()
    print(f"imr-check: wrote {written} files to {output}; open {output / 'index.html'}", file=sys.stderr)


cli.app.command()(audit)
cli.app.command()(report)
