"""A handful of true end-to-end runs: a real process, as a user starts it.

Everything else about the command line is tested in-process (tests/cli/test_cli.py,
tests/cli/test_cli_reports.py, ...), which is much faster; these few check what
only a real process shows: ``python -m checker`` and the installed
``imr-check`` console script start and check a letter, a real stdin is read,
and ``--jobs`` worker processes give the same results as one process.
"""

from __future__ import annotations

import json
import re
import os
import subprocess
import sys
from pathlib import Path

import pytest

import checker
from tests.conftest import ROOT, SEEDS, run_cli

SEED_001 = SEEDS / "001_ed7318db5454d5ef.txt"
SEED_002 = SEEDS / "002_79c63337c1751a54.txt"  # one citation-topic warning
CONSOLE_SCRIPT = Path(sys.executable).parent / ("imr-check.exe" if os.name == "nt" else "imr-check")


def run(command: list[str], cwd: Path, stdin: bytes = b"") -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", "TERM": "dumb"}
    done = subprocess.run(command, cwd=cwd, input=stdin, capture_output=True, env=env, timeout=120, check=False)
    assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")
    return done


def python_m_checker(*args: str, cwd: Path, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "checker", *args], cwd=cwd, stdin=stdin)


def _imr_check() -> list[str]:
    """The installed console script, else ``python -m checker``."""
    return [str(CONSOLE_SCRIPT)] if CONSOLE_SCRIPT.is_file() else [sys.executable, "-m", "checker"]


def test_version(tmp_path):
    done = python_m_checker("--version", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.decode().strip() == f"imr-check {checker.__version__}"
    assert done.stderr == b""


@pytest.mark.skipif(not CONSOLE_SCRIPT.is_file(), reason="imr-check console script not installed next to this Python")
def test_installed_console_script(tmp_path):
    """The console script is the same command (its checking is the README test below)."""
    done = run([str(CONSOLE_SCRIPT), "--version"], cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.decode().strip() == f"imr-check {checker.__version__}"


def test_checking_an_example_letter_as_the_readme_does():
    """``imr-check examples/carisoprodol-hydrocodone.txt``: the human report, exit 0.

    Run with the installed console script when there is one (as the README
    does), else with ``python -m checker``.  Three warnings (misspelling,
    quantity conflict, pronoun) and an info; none reaches the default fail-on
    (error).
    """
    done = run([*_imr_check(), "examples/carisoprodol-hydrocodone.txt"], cwd=ROOT)
    assert done.returncode == 0, done.stderr  # warnings do not reach the default fail-on (error)
    out = done.stdout.decode("utf-8")
    assert out.startswith("examples/carisoprodol-hydrocodone.txt")
    assert "examples/carisoprodol-hydrocodone.txt:83:1: warning [quantity-differs-within-letter]" in out
    assert "[drug-name-misspelled]" in out and "[pronoun-contradicts-sex]" in out
    assert "1 letter checked: 0 errors, 3 warnings, 1 info" in out
    assert done.stderr == b""


def test_stdin_is_read_as_one_letter(tmp_path):
    done = python_m_checker("-f", "json", "-", cwd=tmp_path, stdin=SEED_001.read_bytes())
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout.decode("utf-8"))
    assert [f["path"] for f in doc["files"]] == ["<stdin>"]
    assert [i["drug"] for i in doc["files"][0]["letter"]["items"]] == ["carisoprodol", "alprazolam"]
    assert doc["summary"]["files"] == 1 and doc["summary"]["unreadable"] == 0


def test_jobs_give_the_same_results_in_the_same_order(tmp_path):
    """Two worker processes give, byte for byte, what one process gives (run in-process here).

    With ``--fail-on warning`` the seeds' warnings fail the run: exit 1 from a real process.
    """
    two = python_m_checker("-f", "json", "--fail-on", "warning", "--jobs", "2", str(SEEDS), cwd=tmp_path)
    one = run_cli(["-f", "json", "--fail-on", "warning", "--jobs", "1", str(SEEDS)], cwd=tmp_path)
    assert two.returncode == one.exit_code == 1
    assert two.stdout == one.stdout_bytes
    files = json.loads(two.stdout)["files"]
    assert [f["path"] for f in files] == sorted(str(p) for p in SEEDS.glob("*.txt"))
    assert sum(len(f["findings"]) for f in files) > 0


def test_jobs_give_the_same_terminal_report_with_the_letters_own_lines(tmp_path):
    """A worker sends its result without the normalised text; the report's quoted lines come from the file."""
    two = run_cli(["-f", "report", "--jobs", "2", str(SEEDS)], cwd=tmp_path)
    one = run_cli(["-f", "report", "--jobs", "1", str(SEEDS)], cwd=tmp_path)
    assert two.stdout == one.stdout
    quoted = [line for line in one.stdout.splitlines() if re.match(r"\s+\d+ \| \S", line)]
    assert quoted, "the report quotes the letters' lines"


def _letters_with_an_undecodable_name(tmp_path: Path) -> Path:
    """A folder holding a seed under a Latin-1 name ("café" as one byte) and one under a plain name."""
    folder = tmp_path / "letters"
    folder.mkdir()
    try:
        (folder / os.fsdecode(b"caf\xe9-002.txt")).write_bytes(SEED_002.read_bytes())
    except (OSError, UnicodeError):
        pytest.skip("this file system does not take a name that is not UTF-8")
    (folder / "plain-001.txt").write_bytes(SEED_001.read_bytes())
    return folder


@pytest.mark.parametrize("fmt", ["report", "text", "json", "sarif", "junit", "csv", "github"])
def test_a_file_name_that_is_not_utf8_is_reported_in_every_format(tmp_path, fmt):
    """A Latin-1 file name crashed SARIF always, and every format where stdout is strict UTF-8 (most
    desktops): the other letters' findings were lost with it.  It is reported as caf\\xe9-002.txt."""
    folder = _letters_with_an_undecodable_name(tmp_path)
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "1000", "TERM": "dumb", "PYTHONIOENCODING": "utf-8:strict"}
    done = subprocess.run([sys.executable, "-m", "checker", "-f", fmt, str(folder)], cwd=tmp_path,
                          capture_output=True, env=env, timeout=120, check=False)
    assert done.returncode in (0, 1), done.stderr.decode(errors="replace")
    out = done.stdout.decode("utf-8")  # valid UTF-8 whatever the file names
    shown = "caf%5Cxe9-002.txt" if fmt == "sarif" else "caf\\\\xe9-002.txt" if fmt == "json" else "caf\\xe9-002.txt"
    assert shown in out and "plain-001.txt" in out
    if fmt in ("json", "sarif"):
        json.loads(out)


def test_a_file_name_that_is_not_utf8_goes_into_output_files_baselines_and_audits(tmp_path):
    folder = _letters_with_an_undecodable_name(tmp_path)
    written = python_m_checker("-f", "json", "-o", str(tmp_path / "out.json"), str(folder), cwd=tmp_path)
    assert written.returncode == 0
    paths = [f["path"] for f in json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["files"]]
    assert paths == [str(folder / "caf\\xe9-002.txt"), str(folder / "plain-001.txt")]
    baseline = tmp_path / "baseline.json"
    assert python_m_checker("--write-baseline", str(baseline), str(folder), cwd=tmp_path).returncode == 0
    again = python_m_checker("-f", "json", "--baseline", str(baseline), str(folder), cwd=tmp_path)
    assert sum(len(f["findings"]) for f in json.loads(again.stdout)["files"]) == 0  # every finding is known
    db = tmp_path / "audit.db"
    first = python_m_checker("audit", "--db", str(db), str(folder), cwd=tmp_path)
    second = python_m_checker("audit", "--db", str(db), str(folder), cwd=tmp_path)
    assert first.returncode == second.returncode == 0, first.stderr
    assert b"2 checked" in first.stderr and b"2 unchanged" in second.stderr
