"""``imr-check audit`` (a batch into SQLite) and ``imr-check report`` (the database as HTML).

The audit is incremental: a letter whose bytes and rule set are unchanged
since it was stored is skipped, so a rerun after an interruption (Ctrl-C, a
killed process, a full disk) continues where the last committed batch
ended.  Results are written and dropped as they arrive, in input order,
with ``--jobs`` processes fed through a bounded window, so memory stays flat
however many letters there are.

Exit codes: 0 the batch is stored (unreadable files are recorded with their
error and listed on stderr: in an audit they are data, not a failure), 2
usage error or a database that cannot be written, 3 broken rule file, 130
interrupted (what was committed stays).
"""

from __future__ import annotations

import io
import sqlite3
import sys
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from checker.audit.schema import SchemaError, connect
from checker.audit.store import Store, content_hash, ruleset_hash
from checker.cli import rules_view, session
from checker.cli.check import PROGRESS_FROM, CheckInputs
from checker.cli.config import Config
from checker.cli.runner import Batch, run
from checker.input.discover import STDIN, InputRef
from checker.input.read import read_bytes
from checker.input.source import InputError
from checker.reports._console import new_console
from checker.rules.loader import RuleSet

EXIT_INTERRUPTED = 130
#: Letters in flight per worker process: enough to keep workers busy, few enough to keep memory flat.
_WINDOW_PER_JOB = 8


def explanations(ruleset: RuleSet) -> dict[str, str]:
    """Each rule's ``imr-check explain`` text, plain, at a fixed width (deterministic)."""
    texts = {}
    for rule in ruleset.rules:
        out = io.StringIO()
        console = new_console(file=out, width=100, color_system=None, no_color=True, force_terminal=False)
        rules_view.render_explain(console, rule)
        texts[rule.id] = "\n".join(line.rstrip() for line in out.getvalue().splitlines()).strip() + "\n"
    return texts


def _open_db(path: Path, must_exist: bool = False) -> sqlite3.Connection:
    if must_exist and not path.is_file():
        session.fail(f"{path}: no such audit database (run `imr-check audit PATH... --db {path}` first)")
    try:
        return connect(str(path))
    except (SchemaError, sqlite3.DatabaseError) as error:
        session.fail(f"{path}: {error}")


def _plan(refs: list[InputRef], store: Store, advance: Callable[[], None]) -> tuple[list[InputRef], dict[str, str | None]]:
    """The inputs that need reading, with their content hashes; unchanged ones are skipped here."""
    todo, digests = [], {}
    for ref in refs:
        try:
            digest: str | None = content_hash(read_bytes(ref))
        except InputError:
            digest = None  # unreadable before reading: always tried again, recorded with its error
        if store.is_current(ref.shown, digest):
            advance()
            continue
        todo.append(ref)
        digests[ref.shown] = digest
    return todo, digests


def _progress(total: int):
    """A progress bar with count and ETA on a terminal, else a no-op; returns (context, advance)."""
    if total < PROGRESS_FROM or not sys.stderr.isatty():
        return nullcontext(), lambda: None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    progress = Progress(
        TextColumn("auditing"), BarColumn(), MofNCompleteColumn(), TextColumn("elapsed"), TimeElapsedColumn(),
        TextColumn("ETA"), TimeRemainingColumn(), console=new_console(stderr=True), transient=True,
    )
    task = progress.add_task("audit", total=total)
    return progress, lambda: progress.advance(task)


def audit(paths: list[str], db: Path, settings: Config, batch: int) -> int:
    """Store a batch of letters and their findings in SQLite; a rerun skips unchanged letters."""
    ruleset = session.ruleset(settings)
    if STDIN in paths:
        session.fail("audit reads files, not standard input")
    refs = session.inputs(paths)
    session.refuse_overwriting(refs, {"--db": db})  # SQLite would write its tables into an empty letter
    conn = _open_db(db)
    try:
        store = Store(conn, ruleset_hash(ruleset), batch_size=batch)
        store.store_rules(ruleset, explanations(ruleset))
    except sqlite3.OperationalError as problem:
        conn.close()
        session.fail(f"{db}: cannot store the audit ({problem})")
    context, advance = _progress(len(refs))
    unreadable = 0
    try:
        with context:
            todo, digests = _plan(refs, store, advance)
            checks = Batch(CheckInputs(ruleset, settings.max_bytes), settings.jobs, settings.time_budget)
            for result in run(todo, checks):
                store.add(result, digests[result.path])
                unreadable += session.report_unreadable(result)
                advance()
        store.finish()
    except KeyboardInterrupt:
        store.interrupted()
        session.error(f"interrupted: {store.counts.checked} letters stored in {db}; run the same command to continue")
        return EXIT_INTERRUPTED
    except sqlite3.OperationalError as problem:  # a full disk, a file system gone read-only, a lock held too long
        store.interrupted()
        session.fail(
            f"{db}: cannot store the audit ({problem}); {store.counts.checked} letters stored, "
            "run the same command to continue"
        )
    finally:
        conn.close()
    counts = store.counts
    print(
        f"imr-check: {counts.seen} letters: {counts.checked} checked, {counts.skipped} unchanged, "
        f"{unreadable} unreadable; stored in {db}",
        file=sys.stderr,
    )
    return session.EXIT_OK


def report(db: Path, output: Path) -> int:
    """Write a static HTML report of an audit database: overview, charts, letters table, a page per letter."""
    from checker.reports.html.builder import build

    conn = _open_db(db, must_exist=True)
    try:
        written = build(conn, output)
    except OSError as error:
        session.fail(f"{output}: cannot write the report ({error.strerror or error})")
    finally:
        conn.close()
    print(f"imr-check: wrote {written} files to {output}; open {output / 'index.html'}", file=sys.stderr)
    return session.EXIT_OK
