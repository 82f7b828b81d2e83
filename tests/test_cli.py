"""The command line, end to end, as a user runs it (``python -m checker``)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import checker
from tests.conftest import LETTERS, SEEDS, load_expected

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def run(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "checker", *args],
        cwd=cwd,
        input=stdin if stdin is not None else b"",
        capture_output=True,
        timeout=120,
    )
    assert b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")
    assert b"Traceback" not in proc.stdout
    return proc


def parse_json(proc: subprocess.CompletedProcess) -> dict:
    return json.loads(proc.stdout.decode("utf-8"))


def stderr_lines(proc: subprocess.CompletedProcess) -> list[str]:
    return [ln for ln in proc.stderr.decode("utf-8").splitlines() if ln.strip()]


def test_version(tmp_path):
    proc = run(["--version"], tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.decode().strip() == f"imr-check {checker.__version__}"


@pytest.mark.parametrize("args", [["--help"], ["parse", "-h"]])
def test_help_exits_zero(tmp_path, args):
    proc = run(args, tmp_path)
    assert proc.returncode == 0
    assert b"Usage" in proc.stdout


def test_no_arguments_is_not_a_crash(tmp_path):
    proc = run([], tmp_path)
    assert proc.returncode in (0, 2)
    assert b"Usage" in proc.stdout + proc.stderr


def _check_against_expected(doc: dict, expected: dict, key_of) -> None:
    seen = 0
    for entry in doc["files"]:
        name = key_of(entry["path"])
        if name not in expected:
            continue
        seen += 1
        assert entry["error"] is None, name
        want = expected[name]
        got = entry["letter"]
        assert got["format"] == want["format"], name
        assert len(got["items"]) == len(want["items"]), name
        for have, item in zip(got["items"], want["items"]):
            assert have["drug"] == item["drug"], name
            assert have["decision"] == item["decision"], name
            assert have["pages"] == item["pages"], name
            assert have["request"] == item["request"], name
    assert seen == len(expected)


def test_parse_json_on_seeds_and_letters_matches_expected(tmp_path):
    proc = run(["parse", "--format", "json", str(SEEDS), str(LETTERS)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = parse_json(proc)
    assert doc["version"] == checker.__version__
    count = len(list(SEEDS.glob("*.txt"))) + len(list(LETTERS.glob("*.txt")))
    assert doc["summary"] == {"files": count, "unreadable": 0}
    assert all("findings" not in f for f in doc["files"])
    _check_against_expected(doc, load_expected(SEEDS), lambda p: Path(p).name)
    _check_against_expected(doc, load_expected(LETTERS), lambda p: Path(p).name)

    # Spans in the JSON are positions in the original file.
    seed = SEEDS / "002_79c63337c1751a54.txt"
    lines = seed.read_text(encoding="utf-8").split("\n")
    entry = next(f for f in doc["files"] if f["path"] == str(seed))
    for item in entry["letter"]["items"]:
        span = item["request_span"]
        assert lines[span["line"] - 1][span["column"] - 1 :].startswith(item["request"].split()[0])
        decision = item["decision_span"]
        assert lines[decision["line"] - 1][decision["column"] - 1 : decision["end_column"] - 1] == "Upheld"


def test_parse_json_on_examples_matches_expected(tmp_path):
    # The examples are copies of seed letters: match them to their expectations by content.
    expected = load_expected(SEEDS)
    by_content = {(SEEDS / name).read_bytes(): name for name in expected}
    examples = sorted(EXAMPLES.glob("*.txt"))
    assert examples
    proc = run(["parse", "--format", "json", *map(str, examples)], tmp_path)
    assert proc.returncode == 0
    doc = parse_json(proc)
    assert [f["path"] for f in doc["files"]] == [str(p) for p in examples]
    matched = {str(p): by_content[p.read_bytes()] for p in examples if p.read_bytes() in by_content}
    assert matched, "no example matches a seed letter"
    _check_against_expected(doc, {matched[p]: expected[matched[p]] for p in matched},
                            lambda p: matched.get(p, ""))


def test_parse_tree(tmp_path):
    path = SEEDS / "002_79c63337c1751a54.txt"
    proc = run(["parse", "--tree", str(path)], tmp_path)
    assert proc.returncode == 0
    out = proc.stdout.decode()
    assert out.startswith(f"# {path}")
    assert "issues_section" in out
    assert "ITEM_HEAD" in out or "OXYCODONE" in out


def test_parse_text_output(tmp_path):
    proc = run(["parse", str(SEEDS / "003_f03b8f82d3723e56.txt")], tmp_path)
    assert proc.returncode == 0
    out = proc.stdout.decode()
    assert "Format 1" in out
    assert "60" in out and "male" in out


def test_directory_argument_processes_files_in_sorted_order(tmp_path):
    letters = tmp_path / "in"
    names = ["b/002.txt", "a.txt", "c.txt", "b/001.txt"]
    sources = sorted(SEEDS.glob("*.txt"))
    for name, source in zip(names, sources):
        (letters / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, letters / name)
    (letters / "ignored.md").write_text("not a letter\n")
    proc = run(["parse", "--format", "json", "in"], tmp_path)
    assert proc.returncode == 0
    paths = [f["path"] for f in parse_json(proc)["files"]]
    assert paths == ["in/a.txt", "in/b/001.txt", "in/b/002.txt", "in/c.txt"]


def test_stdin(tmp_path):
    data = (SEEDS / "001_ed7318db5454d5ef.txt").read_bytes()
    proc = run(["parse", "--format", "json", "-"], tmp_path, stdin=data)
    assert proc.returncode == 0
    doc = parse_json(proc)
    assert [f["path"] for f in doc["files"]] == ["<stdin>"]
    assert [i["drug"] for i in doc["files"][0]["letter"]["items"]] == ["carisoprodol", "alprazolam"]


def test_empty_stdin_is_an_error(tmp_path):
    proc = run(["parse", "--format", "json", "-"], tmp_path, stdin=b"")
    assert proc.returncode == 2
    assert stderr_lines(proc) == ["imr-check: error: <stdin>: empty file"]


def test_unreadable_inputs_each_get_one_error_line(tmp_path):
    shutil.copy(SEEDS / "000_a530ee4abe81adc8.txt", tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    proc = run(["parse", "--format", "json", "empty.txt", "good.txt", "binary.txt", "missing.txt"], tmp_path)
    assert proc.returncode == 2
    errors = stderr_lines(proc)
    assert len(errors) == 3, errors
    for path, line in zip(["empty.txt", "binary.txt", "missing.txt"], errors):
        assert line.startswith(f"imr-check: error: {path}:"), line
    doc = parse_json(proc)
    files = {f["path"]: f for f in doc["files"]}
    assert list(files) == ["empty.txt", "good.txt", "binary.txt", "missing.txt"]
    assert files["good.txt"]["error"] is None
    assert files["good.txt"]["letter"]["items"][0]["drug"] == "carisoprodol"
    for path in ("empty.txt", "binary.txt", "missing.txt"):
        assert files[path]["error"] and files[path]["letter"] is None
    assert doc["summary"]["unreadable"] == 3


def test_check_with_unreadable_input_exits_2_and_still_reports_the_others(tmp_path):
    shutil.copy(SEEDS / "004_343a21e034c38e79.txt", tmp_path / "good.txt")
    proc = run(["check", "--format", "json", "good.txt", "missing.txt"], tmp_path)
    assert proc.returncode == 2
    assert stderr_lines(proc) == ["imr-check: error: missing.txt: no such file or directory"]
    doc = parse_json(proc)
    assert doc["files"][0]["path"] == "good.txt"
    assert doc["files"][0]["letter"]["format"] == 1
    assert "findings" in doc["files"][0]


def test_directory_without_letters_is_a_usage_error(tmp_path):
    (tmp_path / "empty").mkdir()
    proc = run(["parse", "empty"], tmp_path)
    assert proc.returncode == 2
    errors = stderr_lines(proc)
    assert len(errors) == 1 and errors[0].startswith("imr-check: error:")


def test_default_command_is_check(tmp_path):
    shutil.copy(SEEDS / "002_79c63337c1751a54.txt", tmp_path / "letter.txt")
    implicit = run(["letter.txt"], tmp_path)
    explicit = run(["check", "letter.txt"], tmp_path)
    assert implicit.returncode == explicit.returncode
    assert implicit.returncode in (0, 1)
    assert implicit.stdout == explicit.stdout
    assert b"letter.txt" in implicit.stdout
    doc = parse_json(run(["--format", "json", "letter.txt"], tmp_path))
    assert "findings" in doc["files"][0]
    assert "errors" in doc["summary"]


def test_check_json_summary_counts_findings_and_exit_code_follows_fail_on(tmp_path):
    (tmp_path / "prose.txt").write_text("This is just a note about a patient.\nIt is not an IMR letter.\n")
    proc = run(["check", "--format", "json", "prose.txt"], tmp_path)
    doc = parse_json(proc)
    findings = doc["files"][0]["findings"]
    structure = [f for f in findings if f["rule"] == "parse-no-structure"]
    assert len(structure) == 1
    assert structure[0]["category"] == "parse" and structure[0]["line"] == 1 and structure[0]["item"] is None
    for severity, key in (("error", "errors"), ("warning", "warnings"), ("info", "infos")):
        assert doc["summary"][key] == sum(f["severity"] == severity for f in findings)
    has_error = any(f["severity"] == "error" for f in findings)
    assert proc.returncode == (1 if has_error else 0)  # default threshold: error
    strict = run(["check", "--fail-on", "info", "prose.txt"], tmp_path)
    assert strict.returncode == 1  # there is at least one finding of some severity


def test_input_is_never_modified_and_output_is_deterministic(tmp_path):
    data = (SEEDS / "002_79c63337c1751a54.txt").read_bytes().replace(b"\n", b"\r\n")
    inputs = {
        "a-messy.txt": b"\xef\xbb\xbf" + data,
        "b-cp1252.txt": b"CLINICAL CASE SUMMARY\r\n\x93quoted\x94 \x96 dash\r\n",
        "c-seed.txt": (SEEDS / "003_f03b8f82d3723e56.txt").read_bytes(),
        "d-format2.txt": (LETTERS / "f2_soma_upheld.txt").read_bytes(),
    }
    for name, content in inputs.items():
        (tmp_path / name).write_bytes(content)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
    outputs = {}
    for args in (["parse", "--format", "json", "."], ["."]):
        first, second = run(args, tmp_path), run(args, tmp_path)
        assert first.returncode == second.returncode
        assert first.stdout == second.stdout, args
        assert first.stderr == second.stderr, args
        assert first.stdout
        outputs[args[0]] = first
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
    assert after == before
    assert {name: after[name][0] for name in inputs} == inputs
    doc = parse_json(outputs["parse"])
    assert [Path(f["path"]).name for f in doc["files"]] == list(inputs)
    assert all(f["error"] is None for f in doc["files"])


def test_unknown_option_is_a_usage_error(tmp_path):
    proc = run(["parse", "--no-such-option", "x.txt"], tmp_path)
    assert proc.returncode == 2
