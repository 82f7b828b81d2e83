"""Nothing lost, nothing overwritten, nothing hangs: the command line's promises (docs/reliability.md)."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

import checker.cli.pool
import checker.pipeline
from tests.conftest import ROOT, SEEDS, run_cli

LETTER = SEEDS / "002_79c63337c1751a54.txt"


def _letters(tmp_path: Path, names=("a.txt", "b.txt")) -> None:
    for name in names:
        shutil.copy(LETTER, tmp_path / name)


def _errors(done) -> list[str]:
    return [line for line in done.stderr.splitlines() if line.startswith("imr-check: error:")]


# --------------------------------------------------------------------------- letters are evidence
@pytest.mark.parametrize("flag", ["-o", "--output", "--write-baseline"])
def test_writing_over_an_input_is_refused_before_anything_is_read(tmp_path, flag):
    _letters(tmp_path)
    before = (tmp_path / "a.txt").read_bytes()
    done = run_cli(["-f", "json", flag, "a.txt", "a.txt", "b.txt"], cwd=tmp_path)
    assert done.exit_code == 2
    assert _errors(done) == [f"imr-check: error: a.txt: {flag.replace('-o', '--output') if flag == '-o' else flag} would overwrite an input letter; choose another file"]
    assert done.stdout == ""
    assert (tmp_path / "a.txt").read_bytes() == before


def test_writing_over_a_letter_found_in_a_folder_is_refused(tmp_path):
    _letters(tmp_path)
    done = run_cli(["-o", str(tmp_path / "b.txt"), "."], cwd=tmp_path)
    assert done.exit_code == 2
    assert (tmp_path / "b.txt").read_bytes() == LETTER.read_bytes()


@pytest.mark.parametrize("db, given", [("empty.txt", "empty.txt"), ("a.txt", "."), ("b.txt", "b.txt")])
def test_an_audit_database_over_an_input_is_refused(tmp_path, db, given):
    """SQLite makes its tables in an empty file: an empty letter named as --db became a database."""
    _letters(tmp_path)
    (tmp_path / "empty.txt").write_bytes(b"")
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    done = run_cli(["audit", given, "a.txt", "--db", db], cwd=tmp_path)
    assert done.exit_code == 2
    assert _errors(done) == [f"imr-check: error: {db}: --db would overwrite an input letter; choose another file"]
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == before


# --------------------------------------------------------------------------- every input gets an answer
def test_a_fifo_and_dev_zero_among_the_inputs_are_reported_and_the_rest_checked(tmp_path):
    _letters(tmp_path)
    os.mkfifo(tmp_path / "pipe.txt")
    done = run_cli(["-f", "json", "a.txt", "pipe.txt", "/dev/zero", "b.txt"], cwd=tmp_path)
    assert done.exit_code == 2
    doc = json.loads(done.stdout)
    assert [f["path"] for f in doc["files"]] == ["a.txt", "pipe.txt", "/dev/zero", "b.txt"]
    assert [f["error"] is None for f in doc["files"]] == [True, False, False, True]
    assert doc["summary"]["files"] == 4 and doc["summary"]["unreadable"] == 2
    assert _errors(done) == [
        "imr-check: error: pipe.txt: not a regular file: a named pipe (FIFO)",
        "imr-check: error: /dev/zero: not a regular file: a character device",
    ]


def test_an_input_over_the_size_limit_is_refused(tmp_path):
    _letters(tmp_path, ["a.txt"])
    (tmp_path / "big.txt").write_bytes(LETTER.read_bytes() * 400)  # about 2.4 MB
    done = run_cli(["-q", "--max-size", "1", "a.txt", "big.txt"], cwd=tmp_path)
    assert done.exit_code == 2
    assert _errors(done) == ["imr-check: error: big.txt: file too large: over the 1 MB limit (raise it with --max-size)"]


def test_a_file_named_with_a_leading_dash_is_read_after_a_double_dash(tmp_path):
    shutil.copy(LETTER, tmp_path / "-draft.txt")
    done = run_cli(["-f", "text", "--", "-draft.txt"], cwd=tmp_path)
    assert done.exit_code == 0
    assert done.stdout.startswith("-draft.txt:")


def test_utf16_letters_are_read(tmp_path):
    (tmp_path / "wide.txt").write_bytes(LETTER.read_text(encoding="utf-8").encode("utf-16"))
    done = run_cli(["-f", "json", "wide.txt"], cwd=tmp_path)
    doc = json.loads(done.stdout)
    assert doc["files"][0]["error"] is None
    assert len(doc["files"][0]["letter"]["items"]) == 2


# --------------------------------------------------------------------------- bounded work per letter
def _slow_for(name: str, seconds: float, block_timer: bool = False):
    real = checker.pipeline.read_source

    def read_source(path, source, *args, **kwargs):
        if Path(path).name == name:
            if block_timer:  # stuck as if inside one C call: the timer signal cannot interrupt it
                signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(seconds)
        return real(path, source, *args, **kwargs)

    return read_source


def test_a_letter_over_its_time_budget_gets_an_error_and_the_batch_goes_on(tmp_path, monkeypatch):
    _letters(tmp_path, ["a.txt", "slow.txt", "z.txt"])
    monkeypatch.setattr(checker.pipeline, "read_source", _slow_for("slow.txt", 30))
    done = run_cli(["-f", "json", "--time-budget", "0.5", "a.txt", "slow.txt", "z.txt"], cwd=tmp_path)
    doc = json.loads(done.stdout)
    assert [f["error"] for f in doc["files"]] == [
        None, "took longer than the 0.5 s time budget (raise it with --time-budget)", None]
    assert done.exit_code == 2


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork to carry the patch into workers")
def test_a_stuck_worker_is_replaced_and_its_letter_reported(tmp_path, monkeypatch):
    names = ["a.txt", "stuck.txt", "c.txt", "d.txt", "e.txt"]
    _letters(tmp_path, names)
    monkeypatch.setattr(checker.pipeline, "read_source", _slow_for("stuck.txt", 60, block_timer=True))
    # The parent kills a worker this long past the budget (2 s shipped); what matters here is that it does.
    monkeypatch.setattr(checker.cli.pool, "_GRACE", 1.0)
    # A budget the other letters meet on a loaded machine: the input the stuck worker held is
    # checked by a fresh worker, whose first letter is its slowest.
    done = run_cli(["-f", "json", "--jobs", "2", "--time-budget", "2", *names], cwd=tmp_path)
    doc = json.loads(done.stdout)
    assert [Path(f["path"]).name for f in doc["files"]] == names  # input order kept
    assert [f["error"] is None for f in doc["files"]] == [True, False, True, True, True]
    assert "time budget" in doc["files"][1]["error"]


@contextmanager
def _failing_after(seconds: int):
    """Fail the test, instead of hanging it, if the block runs longer than ``seconds``."""

    def expire(signum, frame):
        raise AssertionError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork to carry the patch into workers")
def test_a_worker_that_dies_loses_only_its_letter_not_the_one_it_held_next(tmp_path, monkeypatch):
    # Each worker is sent its next input while it checks one; when it dies, that input goes to another.
    names = ["a.txt", "dies.txt", "c.txt", "d.txt", "e.txt", "f.txt"]
    _letters(tmp_path, names)
    real = checker.pipeline.read_source

    def read_source(path, source, *args, **kwargs):
        if Path(path).name == "dies.txt":
            time.sleep(0.3)  # long enough for the parent to have sent this worker its next input
            os._exit(1)
        return real(path, source, *args, **kwargs)

    monkeypatch.setattr(checker.pipeline, "read_source", read_source)
    with _failing_after(60):  # an input lost by the pool would leave the run waiting for it for ever
        done = run_cli(["-f", "json", "--jobs", "2", *names], cwd=tmp_path)
    doc = json.loads(done.stdout)
    assert [Path(f["path"]).name for f in doc["files"]] == names
    assert [f["error"] for f in doc["files"]] == [
        None, "the worker process checking this letter ended unexpectedly", None, None, None, None]
    assert all(f["letter"]["items"] for f in doc["files"] if f["error"] is None)


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="finds the processes left behind in /proc")
def test_ctrl_c_ends_a_jobs_run_with_130_and_leaves_no_worker_behind(tmp_path):
    folder = tmp_path / "interrupted-batch"
    folder.mkdir()
    _letters(folder, [f"{i:03}.txt" for i in range(300)])
    process = subprocess.Popen(
        [sys.executable, "-m", "checker", "-f", "text", "--jobs", "2", str(folder)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)},
        # A shell's background job ignores Ctrl-C and its children inherit that: give the run the default.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    first = process.stdout.readline()  # the workers are busy: results are coming
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=60)
    assert first and process.returncode == 130
    left = [pid for pid in os.listdir("/proc") if pid.isdigit() and str(folder) in _cmdline(pid)]
    assert left == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full, a device that is always full")
@pytest.mark.parametrize(
    "args, where",
    [
        (["-f", "json"], "standard output"),
        (["-f", "text", "--jobs", "2"], "standard output"),
        (["-f", "sarif", "-o", "/dev/full"], "/dev/full"),
        (["parse"], "standard output"),
        (["parse", "--tree"], "standard output"),
        (["rules", "list"], "standard output"),
        (["explain", "drug-name-misspelled"], "standard output"),
        (["config"], "standard output"),
    ],
)
def test_a_full_disk_is_one_line_naming_where_the_report_was_going(tmp_path, args, where):
    _letters(tmp_path)
    letters = [] if args[0] in ("rules", "explain", "config") else [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "checker", *args, *letters],
                              cwd=tmp_path, stdout=full, stderr=subprocess.PIPE, timeout=120, check=False,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2
    assert done.stderr.decode().splitlines() == [f"imr-check: error: {where}: cannot write output (No space left on device)"]


def test_a_reader_that_goes_away_ends_the_run_quietly(tmp_path):
    _letters(tmp_path, [f"{i:02}.txt" for i in range(12)])
    process = subprocess.Popen([sys.executable, "-m", "checker", "-f", "text", str(tmp_path)], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert process.stdout.readline()  # `| head -1`
    process.stdout.close()
    assert process.wait(timeout=120) in (0, 1) and process.stderr.read() == b""


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
    except OSError:  # gone meanwhile
        return ""


# --------------------------------------------------------------------------- configuration means what it says
@pytest.mark.parametrize(
    "text, message",
    [
        ("select: 5\n", ".imr-check.yaml:1: select: must be a list of rule ids or categories, not 5"),
        ("fail-on: warning\nrule-dirs: 5\n", ".imr-check.yaml:2: rule-dirs: must be a list of folders, not 5"),
        ('no-default-rules: "false"\n', ".imr-check.yaml:1: no-default-rules: must be true or false, not 'false'"),
        ("jobs: true\n", ".imr-check.yaml:1: jobs: must be a whole number of at least 1, not True"),
        ("rules:\n  no-such-rule: info\n", ".imr-check.yaml:2: rules.no-such-rule: unknown rule 'no-such-rule'"),
        ("fail-on: warning\nfail-on: error\n", ".imr-check.yaml:2: duplicate key 'fail-on' (first at line 1)"),
        ("select: [a\n", ".imr-check.yaml:2: invalid YAML"),
        ("a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
         "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
         "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n", "aliases"),
        ("x:\n" + "".join("  " * i + "- \n" for i in range(1, 300)), "nested deeper than"),
    ],
)
def test_every_config_error_is_one_line_with_file_line_and_key(tmp_path, text, message):
    _letters(tmp_path, ["a.txt"])
    (tmp_path / ".imr-check.yaml").write_text(text, encoding="utf-8")
    done = run_cli(["a.txt"], cwd=tmp_path)
    assert done.exit_code == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"imr-check: error: {tmp_path / '.imr-check.yaml'}") and message in line
    assert "Traceback" not in done.stderr


def test_a_broken_pyproject_is_an_error_not_ignored(tmp_path):
    _letters(tmp_path, ["a.txt"])
    (tmp_path / "pyproject.toml").write_text('[tool.imr-check]\nfail-on = "warning\n', encoding="utf-8")
    done = run_cli(["a.txt"], cwd=tmp_path)
    assert done.exit_code == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"imr-check: error: {tmp_path / 'pyproject.toml'}: invalid TOML") and "line 2" in line


def test_jobs_is_capped_to_the_cpu_count(tmp_path):
    (tmp_path / ".imr-check.yaml").write_text("jobs: 64\n", encoding="utf-8")
    done = run_cli(["config"], cwd=tmp_path)
    assert f"jobs: {min(64, os.cpu_count() or 1)}" in done.stdout


def test_config_prints_values_as_written_not_as_python(tmp_path):
    (tmp_path / ".imr-check.yaml").write_text("select: [spelling]\nno-default-rules: false\n", encoding="utf-8")
    out = run_cli(["config"], cwd=tmp_path).stdout
    assert "select: spelling" in out and "no-default-rules: false" in out
    assert "[" not in out and "False" not in out and "{" not in out


# --------------------------------------------------------------------------- rule files that cannot hang
RULE = """\
ruleset: mine
{extra}rules:
  - id: my-rule
    title: A rule of mine
    category: guideline-criteria
    severity: warning
    when: {when}
    message: "approved {{item.drug}}"
"""


@pytest.mark.parametrize(
    "extra, when, message",
    [
        ("concepts:\n  stuck:\n    patterns: ['(a+)+$']\n", "item.approved",
         "mine.yaml:4: concepts.stuck.patterns[0]: unusable pattern: nested quantifiers"),
        ("concepts:\n  stuck:\n    patterns: ['(?:\\\\s|\\\\s)+x']\n", "item.approved",
         "mine.yaml:4: concepts.stuck.patterns[0]: unusable pattern: alternatives that can match the same text"),
        ("", " or ".join(["item.approved"] * 600), "rules[0].when: condition too large"),
        ("a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
         "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
         "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
         "item.approved", "aliases"),
        ("x: " + "[" * 500 + "]" * 500 + "\n", "item.approved", "nested deeper than"),
        ("extends: [mtus, nope]\n", "item.approved", "mine.yaml:2: extends: unknown rule set 'nope'"),
        ("overrides:\n  no-such-rule: {severity: info}\n", "item.approved", "mine.yaml:3: overrides.no-such-rule: unknown rule"),
    ],
)
def test_a_rule_file_that_could_hang_or_exhaust_is_refused_with_file_and_line(tmp_path, extra, when, message):
    (tmp_path / "mine.yaml").write_text(RULE.format(extra=extra, when=when), encoding="utf-8")
    done = run_cli(["rules", "validate", "mine.yaml"], cwd=tmp_path)
    assert done.exit_code == 3
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("imr-check: rule error:") and message in line
