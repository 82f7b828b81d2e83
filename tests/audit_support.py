"""Shared by the audit and HTML report tests: a corpus, running the CLI in-process, comparing databases.

One audited database per session (``audited`` fixture) keeps the suite fast;
tests that change letters or rules make their own small one.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
from functools import lru_cache
from pathlib import Path

from checker.cli.app import main
from checker.input.discover import discover
from checker.knowledge.guideline import default_guideline
from checker.model import FileResult
from checker.pipeline import read_letter
from checker.rules.loader import load_ruleset
from checker.rules.ruletests import letter_text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate_letters import generate  # noqa: E402

#: A letter the carisoprodol-long-term-approved rule reports (from that rule's own examples).
LONG_TERM_SOMA = {
    "summary": "This is a 50-year-old female with a 4/10/02 date of injury. At the time (11/20/13) of the "
    "request for authorization for Soma 350 mg BID #60, there is documentation of neck pain.",
    "items": [
        {
            "request": "SOMA 350 MG BID # 60",
            "decision": "Overturned",
            "reviewer": "MTUS Chronic Pain Treatment Guidelines Carisoprodol (Soma), Page(s): 29.",
            "rationale": "Given records reflecting prescriptions for Carisoprodol/Soma since at least 8/28/13, "
            "the medication has helped. Therefore, the request for Soma 350 mg BID #60 is medically necessary.",
        }
    ],
}
#: Files that cannot be read, and why the audit must record them.
UNREADABLE = {"empty.txt": b"", "binary.txt": b"\x00\x01\x02 not a letter \x00" * 20}
#: Generated variants added so the letters table has more than one page.
GENERATED = 24


def run_cli(*args: str) -> int:
    """Run ``imr-check ARGS`` in this process; its exit code."""
    try:
        main(list(args))
    except SystemExit as done:
        return int(done.code or 0)
    return 0


def build_corpus(folder: Path) -> Path:
    """Examples (text, PDF, Word), fixture letters, a long-term Soma approval, unreadable files, variants."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "examples").iterdir()):
        shutil.copy(path, folder / path.name)
    for path in sorted((ROOT / "tests" / "fixtures" / "letters").glob("*.txt")):
        shutil.copy(path, folder / path.name)
    (folder / "long-term-soma-approved.txt").write_text(letter_text(LONG_TERM_SOMA), encoding="utf-8")
    for name, data in UNREADABLE.items():
        (folder / name).write_bytes(data)
    generate(folder / "generated", GENERATED, seed=7)
    return folder


@lru_cache(maxsize=1)
def checked_in_process(folder: str) -> tuple[FileResult, ...]:
    """Every input the audit finds in ``folder``, checked in this process (once per process; do not change them)."""
    ruleset = load_ruleset(default_guideline())
    return tuple(read_letter(ref, ruleset).result for ref in discover([folder], ("*.txt", "*.pdf", "*.docx")))


def content(db: Path) -> dict[str, list[tuple]]:
    """Every table's rows except the run log (and which run wrote a letter): what a rerun must reproduce."""
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        dump = {}
        for table in tables:
            if table == "runs":
                continue
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] != "run_id"]
            quoted = ", ".join(f'"{c}"' for c in columns)
            dump[table] = conn.execute(f"SELECT {quoted} FROM {table} ORDER BY 1, 2").fetchall()
        return dump
    finally:
        conn.close()
