"""The command line as a user runs it, in-process (typer's CliRunner through ``_with_default_command``).

The few runs that need a real process (``python -m checker``, the console
script, stdin, ``--jobs``) are in tests/test_end_to_end.py.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import Result

import checker
from checker.cli import app as cli_app
from tests.conftest import LETTERS, ROOT, SEEDS, load_expected, run_cli

EXAMPLES = ROOT / "examples"


def run(args: list[str], cwd: Path, stdin: bytes | None = None) -> Result:
    """In-process, rendered wide: no test here reads layout, and no path may wrap (wherever the checkout is)."""
    return run_cli(args, cwd=cwd, input=stdin if stdin is not None else b"", env={"COLUMNS": "1000"})


def parse_json(proc: Result) -> dict:
    return json.loads(proc.stdout_bytes.decode("utf-8"))


def stderr_lines(proc: Result) -> list[str]:
    return [ln for ln in proc.stderr_bytes.decode("utf-8").splitlines() if ln.strip()]


def test_version(tmp_path):
    proc = run(["--version"], tmp_path)
    assert proc.exit_code == 0
    assert proc.stdout.strip() == f"imr-check {checker.__version__}"


@pytest.mark.parametrize("args", [["--help"], ["parse", "-h"]])
def test_help_exits_zero(tmp_path, args):
    proc = run(args, tmp_path)
    assert proc.exit_code == 0
    assert b"Usage" in proc.stdout_bytes


def test_no_arguments_is_not_a_crash(tmp_path):
    proc = run([], tmp_path)
    assert proc.exit_code == 2  # no_args_is_help: the help, as a usage error
    assert b"Usage" in proc.stdout_bytes + proc.stderr_bytes


def _check_against_expected(doc: dict, expected: dict, key_of) -> None:
    assert expected, "no expectations to check against"
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
    assert proc.exit_code == 0, proc.stderr
    doc = parse_json(proc)
    assert doc["version"] == checker.__version__
    count = len(list(SEEDS.glob("*.txt"))) + len(list(LETTERS.glob("*.txt")))
    assert count > 0 and len(doc["files"]) == count
    assert doc["summary"] == {"files": count, "unreadable": 0}
    assert all("findings" not in f for f in doc["files"])
    _check_against_expected(doc, load_expected(SEEDS), lambda p: Path(p).name)
    _check_against_expected(doc, load_expected(LETTERS), lambda p: Path(p).name)

    # Spans in the JSON are positions in the original file.
    seed = SEEDS / "002_79c63337c1751a54.txt"
    lines = seed.read_text(encoding="utf-8").split("\n")
    entry = next(f for f in doc["files"] if f["path"] == str(seed))
    assert len(entry["letter"]["items"]) == 2
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
    assert proc.exit_code == 0
    doc = parse_json(proc)
    assert [f["path"] for f in doc["files"]] == [str(p) for p in examples]
    matched = {str(p): by_content[p.read_bytes()] for p in examples if p.read_bytes() in by_content}
    assert matched, "no example matches a seed letter"
    _check_against_expected(doc, {matched[p]: expected[matched[p]] for p in matched},
                            lambda p: matched.get(p, ""))


def test_parse_tree(tmp_path):
    path = SEEDS / "002_79c63337c1751a54.txt"
    proc = run(["parse", "--tree", str(path)], tmp_path)
    assert proc.exit_code == 0
    out = proc.stdout
    assert out.startswith(f"# {path}")
    assert "issues_section" in out
    assert "ITEM_HEAD" in out or "OXYCODONE" in out


def test_parse_text_output(tmp_path):
    proc = run(["parse", str(SEEDS / "003_f03b8f82d3723e56.txt")], tmp_path)
    assert proc.exit_code == 0
    out = proc.stdout
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
    assert proc.exit_code == 0
    paths = [f["path"] for f in parse_json(proc)["files"]]
    assert paths == ["in/a.txt", "in/b/001.txt", "in/b/002.txt", "in/c.txt"]


def test_stdin(tmp_path):
    data = (SEEDS / "001_ed7318db5454d5ef.txt").read_bytes()
    proc = run(["parse", "--format", "json", "-"], tmp_path, stdin=data)
    assert proc.exit_code == 0
    doc = parse_json(proc)
    assert [f["path"] for f in doc["files"]] == ["<stdin>"]
    assert [i["drug"] for i in doc["files"][0]["letter"]["items"]] == ["carisoprodol", "alprazolam"]


def test_empty_stdin_is_an_error(tmp_path):
    proc = run(["parse", "--format", "json", "-"], tmp_path, stdin=b"")
    assert proc.exit_code == 2
    assert stderr_lines(proc) == ["imr-check: error: <stdin>: empty file"]


def test_unreadable_inputs_each_get_one_error_line(tmp_path):
    shutil.copy(SEEDS / "000_a530ee4abe81adc8.txt", tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    proc = run(["parse", "--format", "json", "empty.txt", "good.txt", "binary.txt", "missing.txt"], tmp_path)
    assert proc.exit_code == 2
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
    assert proc.exit_code == 2
    assert stderr_lines(proc) == ["imr-check: error: missing.txt: no such file or directory"]
    doc = parse_json(proc)
    assert doc["files"][0]["path"] == "good.txt"
    assert doc["files"][0]["letter"]["format"] == 1
    assert "findings" in doc["files"][0]


def test_directory_without_letters_is_a_usage_error(tmp_path):
    (tmp_path / "empty").mkdir()
    proc = run(["parse", "empty"], tmp_path)
    assert proc.exit_code == 2
    errors = stderr_lines(proc)
    assert len(errors) == 1 and errors[0].startswith("imr-check: error:")


def test_default_command_is_check(tmp_path):
    shutil.copy(SEEDS / "002_79c63337c1751a54.txt", tmp_path / "letter.txt")
    implicit = run(["letter.txt"], tmp_path)
    explicit = run(["check", "letter.txt"], tmp_path)
    assert implicit.exit_code == explicit.exit_code
    assert implicit.exit_code == 0  # seed 002 has one warning; the default fail-on is error
    assert implicit.stdout_bytes == explicit.stdout_bytes
    assert b"letter.txt" in implicit.stdout_bytes
    doc = parse_json(run(["--format", "json", "letter.txt"], tmp_path))
    assert "findings" in doc["files"][0]
    assert "errors" in doc["summary"]


@pytest.mark.parametrize(
    ("args", "sent"),
    [
        (["letter.txt"], ["check", "letter.txt"]),
        (["--format", "json", "-"], ["check", "--format", "json", "-"]),
        (["-q", "a.txt", "b.txt"], ["check", "-q", "a.txt", "b.txt"]),
        (["check", "letter.txt"], ["check", "letter.txt"]),
        (["parse", "letter.txt"], ["parse", "letter.txt"]),
        (["rules", "list"], ["rules", "list"]),
        (["explain", "x"], ["explain", "x"]),
        (["config"], ["config"]),
        (["--version"], ["--version"]),
        (["--help"], ["--help"]),
        (["-h"], ["-h"]),
        ([], []),
    ],
)
def test_default_command_is_inserted_only_before_a_non_command(args, sent):
    assert cli_app._with_default_command(args) == sent


def test_main_runs_the_default_command_in_process(tmp_path, monkeypatch, capsys):
    """main() itself (argv given, and argv from sys.argv), not only the typer app behind it."""
    shutil.copy(SEEDS / "002_79c63337c1751a54.txt", tmp_path / "letter.txt")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # typer installs its own hook; put it back after
    with pytest.raises(SystemExit) as done:
        cli_app.main(["--format", "json", "letter.txt"])
    assert done.value.code == 0
    doc = json.loads(capsys.readouterr().out)
    assert [f["path"] for f in doc["files"]] == ["letter.txt"]
    assert [f["rule"] for f in doc["files"][0]["findings"]] == ["cited-page-off-topic"]
    monkeypatch.setattr(sys, "argv", ["imr-check", "--fail-on", "warning", "letter.txt"])
    with pytest.raises(SystemExit) as done:
        cli_app.main()
    assert done.value.code == 1
    assert "cited-page-off-topic" in capsys.readouterr().out


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
    # A file that is not an IMR letter is a wrong input, not a style point: an error that fails a default run.
    assert structure[0]["severity"] == "error"
    assert structure[0]["message"].startswith("not an IMR determination letter")
    assert proc.exit_code == 1
    lenient = run(["check", "--ignore", "parse-no-structure", "prose.txt"], tmp_path)
    assert lenient.exit_code == 0


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
        assert first.exit_code == second.exit_code
        assert first.stdout_bytes == second.stdout_bytes, args
        assert first.stderr_bytes == second.stderr_bytes, args
        assert first.stdout_bytes
        outputs[args[0]] = first
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
    assert after == before
    assert {name: after[name][0] for name in inputs} == inputs
    doc = parse_json(outputs["parse"])
    assert [Path(f["path"]).name for f in doc["files"]] == list(inputs)
    assert all(f["error"] is None for f in doc["files"])


def test_unknown_option_is_a_usage_error(tmp_path):
    proc = run(["parse", "--no-such-option", "x.txt"], tmp_path)
    assert proc.exit_code == 2


@pytest.mark.parametrize("fmt", ["json", "report"])
def test_unwritable_output_file_is_a_usage_error(tmp_path, fmt):
    shutil.copy(SEEDS / "002_79c63337c1751a54.txt", tmp_path / "letter.txt")
    proc = run(["--format", fmt, "-o", "no-such-dir/report.out", "letter.txt"], tmp_path)
    assert proc.exit_code == 2
    assert stderr_lines(proc) == [
        "imr-check: error: no-such-dir/report.out: cannot write output (No such file or directory)"
    ]
    assert not (tmp_path / "no-such-dir").exists()


def test_unwritable_baseline_is_a_usage_error(tmp_path):
    shutil.copy(SEEDS / "002_79c63337c1751a54.txt", tmp_path / "letter.txt")
    proc = run(["--write-baseline", "no-such-dir/base.json", "letter.txt"], tmp_path)
    assert proc.exit_code == 2
    (line,) = stderr_lines(proc)
    assert line.startswith("imr-check: error: no-such-dir/base.json:")
