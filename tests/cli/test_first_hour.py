"""What a new user, a rule author and a CI maintainer meet in their first hour (issue: the first hour)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from checker.reports import sarif
from checker.resources import rules_dir
from tests.conftest import ROOT, SEEDS, run_cli

SEED_001 = SEEDS / "001_ed7318db5454d5ef.txt"
SEED_003 = SEEDS / "003_f03b8f82d3723e56.txt"


def test_a_baseline_matches_from_a_subfolder_and_with_absolute_paths(tmp_path):
    (tmp_path / ".imr-check.yaml").write_text("fail-on: warning\n", encoding="utf-8")
    letters = tmp_path / "letters"
    letters.mkdir()
    shutil.copy(SEED_003, letters / "a.txt")
    written = run_cli(["--write-baseline", "base.json", "letters/a.txt"], cwd=tmp_path)
    assert written.exit_code == 0
    stored = json.loads((tmp_path / "base.json").read_text())["findings"]
    assert stored and {f["path"] for f in stored} == {"letters/a.txt"}
    for cwd, path in ((letters, "a.txt"), (tmp_path, str(letters / "a.txt")), (letters, str(letters / "a.txt"))):
        done = run_cli(["-f", "json", "--baseline", str(tmp_path / "base.json"), path], cwd=cwd)
        assert json.loads(done.stdout)["files"][0]["findings"] == [], (cwd, path)
        assert done.exit_code == 0


def test_sarif_fingerprints_survive_lines_added_above(tmp_path):
    text = SEED_003.read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Edited by the QA desk.\n\n" * 3 + text, encoding="utf-8")
    runs = [json.loads(run_cli(["-f", "sarif", name], cwd=tmp_path).stdout) for name in ("a.txt", "b.txt")]
    before, after = ([(r["ruleId"], r["partialFingerprints"][sarif.FINGERPRINT], r["locations"][0]["physicalLocation"]["region"]["startLine"])
                      for r in doc["runs"][0]["results"]] for doc in runs)
    assert len(before) >= 3
    assert [(rule, fp) for rule, fp, _ in before] == [(rule, fp) for rule, fp, _ in after]
    assert all(b[2] + 6 == a[2] for b, a in zip(before, after))  # the lines did move
    assert len({fp for _, fp, _ in before}) == len(before)  # one identity per finding


def test_quiet_statistics_still_prints_the_total(tmp_path):
    done = run_cli(["-q", "--statistics", str(SEED_003), str(SEED_001)], cwd=tmp_path)
    assert "2 letters checked: 0 errors" in done.stdout
    assert "drug-name-misspelled" in done.stdout


def test_rules_test_refuses_an_unknown_rule_and_lists_untested_ones(tmp_path):
    unknown = run_cli(["rules", "test", "--rule", "nosuch"], cwd=tmp_path)
    assert unknown.exit_code == 2 and "no rule 'nosuch'" in unknown.stderr
    (tmp_path / "mine.yaml").write_text(
        "ruleset: mine\nrules:\n  - id: my-rule\n    title: A rule of mine\n    category: guideline-criteria\n"
        "    severity: warning\n    when: item.approved\n    message: approved\n", encoding="utf-8")
    listed = run_cli(["rules", "test", "mine.yaml"], cwd=tmp_path)
    assert listed.exit_code == 0 and "my-rule: no examples (untested)" in listed.stdout
    assert "0 rules tested" in listed.stdout and "1 untested" in listed.stdout
    required = run_cli(["rules", "test", "--require-tests", "mine.yaml"], cwd=tmp_path)
    assert required.exit_code == 1


def test_rules_validate_counts_only_the_files_given(tmp_path):
    (tmp_path / "mine.yaml").write_text(
        "ruleset: mine\nrules:\n  - id: my-rule\n    title: A rule of mine\n    category: guideline-criteria\n"
        "    severity: warning\n    when: item.approved\n    message: approved\n", encoding="utf-8")
    done = run_cli(["rules", "validate", "mine.yaml"], cwd=tmp_path)
    assert done.stdout.strip() == "ok: 1 rule in 1 file"


def test_rules_show_names_the_file_actually_loaded(tmp_path):
    done = run_cli(["rules", "show", "carisoprodol-long-term-approved"], cwd=tmp_path)
    line = next(ln for ln in done.stdout.splitlines() if ln.startswith("defined at: "))
    path = Path(line.removeprefix("defined at: ").rsplit(":", 1)[0])
    assert path.is_absolute() and path.is_file()
    assert path == (rules_dir() / "mtus" / "carisoprodol.yaml").resolve()


def test_help_shows_no_python_types(tmp_path):
    for args in (["--help"], ["check", "--help"], ["parse", "--help"], ["rules", "test", "--help"],
                 ["rules", "validate", "--help"], ["explain", "--help"]):
        done = run_cli(args, cwd=tmp_path)
        assert done.exit_code == 0
        assert "<" not in done.stdout and "list[" not in done.stdout and "{" not in done.stdout, done.stdout


def test_user_facing_rule_text_does_not_name_internal_fixtures():
    from checker.knowledge.guideline import default_guideline
    from checker.rules.loader import load_ruleset

    for rule in load_ruleset(default_guideline()).rules:
        assert "seed" not in rule.description.lower(), rule.id


def test_a_code_frame_never_underlines_a_blank_line(tmp_path):
    (tmp_path / "note.txt").write_text("just a note\n\n\nabout nothing\n", encoding="utf-8")
    done = run_cli(["--color", "never", "note.txt"], cwd=tmp_path)
    frame = [ln for ln in done.stdout.splitlines() if " | " in ln]
    for text_line, under in zip(frame, frame[1:]):
        if set(under.split(" | ", 1)[1]) == {"^"}:
            assert text_line.split(" | ", 1)[1].strip(), done.stdout


@pytest.mark.parametrize("columns", [100, 140])
def test_the_items_table_never_splits_a_word(tmp_path, columns):
    done = run_cli(["--color", "never", "examples/format1-four-items-header.txt"], cwd=ROOT,
                   env={"COLUMNS": str(columns)})
    assert "oxycodone/acetaminophen" in done.stdout
    assert "acetaminop\n" not in done.stdout and "rationale 56-57, 112" in done.stdout


def test_parse_findings_are_rules_like_any_other(tmp_path):
    """--ignore parse, --select parse-no-structure and explain parse-syntax work as for MTUS rules."""
    (tmp_path / "note.txt").write_text("Notes from the claims meeting.\nNothing here is a letter.\n", encoding="utf-8")
    shutil.copy(SEED_003, tmp_path / "seed.txt")
    ignored = run_cli(["-f", "json", "--ignore", "parse", "note.txt"], cwd=tmp_path)
    assert json.loads(ignored.stdout)["files"][0]["findings"] == [] and ignored.exit_code == 0
    selected = run_cli(["-f", "json", "--select", "parse-no-structure", "note.txt", "seed.txt"], cwd=tmp_path)
    rules = [[f["rule"] for f in entry["findings"]] for entry in json.loads(selected.stdout)["files"]]
    assert rules == [["parse-no-structure"], []]
    explained = run_cli(["explain", "parse-syntax"], cwd=tmp_path)
    assert explained.exit_code == 0 and "parse-syntax" in explained.stdout and "category: parse" in explained.stdout
    listed = run_cli(["rules", "list"], cwd=tmp_path)
    assert "unused-suppression" in listed.stdout and "parse-no-items" in listed.stdout
