"""Interrupt a real audit halfway (SIGKILL, Ctrl-C's SIGINT, a full disk), run it again:
the same database as one uninterrupted run."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import checker.cli.audit as audit_command
from checker.audit.schema import connect
from tests.audit_support import ROOT, content, generate, run_cli
from tests.conftest import built_once

LETTERS = 25
BATCH = 5
#: Letters stored before the signal is sent (the first batch): early, so a fast machine cannot finish the other 20 first.
SIGNAL_AFTER = 5


def _letters_and_whole(folder: Path) -> None:
    generate(folder / "letters", LETTERS, seed=3, per_folder=13)
    assert run_cli("audit", str(folder / "letters"), "--db", str(folder / "whole.sqlite")) == 0


@pytest.fixture(scope="module")
def letters_and_whole(tmp_path_factory) -> tuple[Path, Path]:
    """Generated letters (two folders) and the database of one uninterrupted audit of them (made once per run)."""
    folder = built_once(tmp_path_factory, "resume", _letters_and_whole)
    return folder / "letters", folder / "whole.sqlite"


def _stored(db: Path) -> int:
    """Letters stored so far; 0 while the database is being created or is locked by a write (never waits)."""
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0)
        try:
            return conn.execute("SELECT count(*) FROM letters").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:  # schema not created yet, or a batch being written
        return 0


@pytest.mark.parametrize("sig, exit_code", [(signal.SIGKILL, -signal.SIGKILL), (signal.SIGINT, 130)], ids=["kill", "ctrl-c"])
def test_an_interrupted_audit_resumes_to_the_same_database(letters_and_whole, tmp_path, sig, exit_code):
    folder, whole = letters_and_whole
    resumed = tmp_path / "resumed.sqlite"
    process = subprocess.Popen(
        [sys.executable, "-m", "checker", "audit", str(folder), "--db", str(resumed), "--batch", str(BATCH)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)},
        # A shell's background job ignores Ctrl-C and its children inherit that: give the audit the default.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while _stored(resumed) < SIGNAL_AFTER and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=60)
    halfway = _stored(resumed)
    assert process.returncode == exit_code, stderr
    assert SIGNAL_AFTER <= halfway < LETTERS, "the interruption must land before the end"
    if sig == signal.SIGINT:
        assert b"run the same command to continue" in stderr

    with sqlite3.connect(resumed) as conn:
        assert conn.execute("SELECT finished_at FROM runs").fetchall() == [(None,)]  # shown as interrupted
    assert run_cli("audit", str(folder), "--db", str(resumed)) == 0
    with sqlite3.connect(resumed) as conn:
        (checked, skipped) = conn.execute("SELECT letters_checked, letters_skipped FROM runs WHERE id = 2").fetchone()
    assert skipped == halfway and checked == LETTERS - halfway  # nothing done twice, nothing lost
    assert content(resumed) == content(whole)


def _pages(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA page_count").fetchone()[0]
    finally:
        conn.close()


def _disk_full_at(pages: int):
    """The audit's ``connect`` with SQLite's page cap: a write past ``pages`` fails as on a full disk (SQLITE_FULL)."""

    def connect_capped(path: str) -> sqlite3.Connection:
        conn = connect(path)
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    return connect_capped


def _error_lines(stderr: str) -> list[str]:
    assert "Traceback" not in stderr
    return [line for line in stderr.splitlines() if line.startswith("imr-check: error:")]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_disk_stops_the_audit_in_one_line_and_a_rerun_completes_it(
    letters_and_whole, tmp_path, monkeypatch, capsys, jobs
):
    folder, whole = letters_and_whole
    one = tmp_path / "one.sqlite"
    assert run_cli("audit", str(next(folder.rglob("*.txt"))), "--db", str(one)) == 0
    db = tmp_path / "full.sqlite"
    monkeypatch.setattr(audit_command, "connect", _disk_full_at((_pages(one) + _pages(whole)) // 2))
    assert run_cli("audit", str(folder), "--db", str(db), "--batch", str(BATCH), "--jobs", jobs) == 2
    stored = _stored(db)
    assert 0 < stored < LETTERS, "the disk must fill up halfway"
    assert _error_lines(capsys.readouterr().err) == [
        f"imr-check: error: {db}: cannot store the audit (database or disk is full); "
        f"{stored} letters stored, run the same command to continue"
    ]

    monkeypatch.undo()  # space freed
    assert run_cli("audit", str(folder), "--db", str(db)) == 0
    assert content(db) == content(whole)


def test_a_disk_full_before_any_letter_is_one_line_too(letters_and_whole, tmp_path, monkeypatch, capsys):
    """The rules and their explanations are written first: no room for them, no room for anything."""
    folder, _ = letters_and_whole
    db = tmp_path / "full.sqlite"
    monkeypatch.setattr(audit_command, "connect", _disk_full_at(1))  # SQLite keeps the pages the schema has
    assert run_cli("audit", str(folder), "--db", str(db)) == 2
    assert _error_lines(capsys.readouterr().err) == [
        f"imr-check: error: {db}: cannot store the audit (database or disk is full)"
    ]
    assert _stored(db) == 0
