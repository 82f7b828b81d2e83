"""Kill a real audit halfway (SIGKILL), run it again: the same database as one uninterrupted run."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.audit_support import ROOT, content, generate, run_cli

LETTERS = 90
BATCH = 5


def _stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT count(*) FROM letters").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:  # schema not created yet
        return 0


def test_a_killed_audit_resumes_to_the_same_database(tmp_path):
    folder = tmp_path / "letters"
    generate(folder, LETTERS, seed=3, per_folder=30)
    whole, resumed = tmp_path / "whole.sqlite", tmp_path / "resumed.sqlite"
    assert run_cli("audit", str(folder), "--db", str(whole)) == 0

    process = subprocess.Popen(
        [sys.executable, "-m", "checker", "audit", str(folder), "--db", str(resumed), "--batch", str(BATCH)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.monotonic() + 120
    while _stored(resumed) < LETTERS // 3 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    halfway = _stored(resumed)
    assert process.returncode == -signal.SIGKILL
    assert LETTERS // 3 <= halfway < LETTERS, "the kill must land halfway"

    with sqlite3.connect(resumed) as conn:
        assert conn.execute("SELECT finished_at FROM runs").fetchall() == [(None,)]  # shown as interrupted
    assert run_cli("audit", str(folder), "--db", str(resumed)) == 0
    with sqlite3.connect(resumed) as conn:
        (checked, skipped) = conn.execute("SELECT letters_checked, letters_skipped FROM runs WHERE id = 2").fetchone()
    assert skipped == halfway and checked == LETTERS - halfway  # nothing done twice
    assert content(resumed) == content(whole)
