"""Rule files: validation errors with file, line and key; rule sets; config; the docs' worked example."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from checker.knowledge.guideline import default_guideline
from checker.model import Severity
from checker.rules.loader import RuleError, load_rule_file, load_ruleset
from tests.conftest import GOOD_RULE, ROOT, SEEDS, run_cli

DOCS_RULES = ROOT / "docs" / "examples" / "odg-rules"


def _write(tmp_path: Path, text: str, name: str = "mine.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _error(tmp_path: Path, text: str) -> str:
    with pytest.raises(RuleError) as raised:
        load_rule_file(_write(tmp_path, text), default_guideline())
    return str(raised.value)


def test_a_good_rule_file_loads(tmp_path):
    loaded = load_rule_file(_write(tmp_path, GOOD_RULE), default_guideline())
    assert [r.id for r in loaded.rules] == ["my-rule"] and loaded.ruleset == "mine"


def test_bad_enum_names_file_line_and_key(tmp_path):
    message = _error(tmp_path, GOOD_RULE.replace("severity: warning", "severity: warn"))
    assert "mine.yaml:6:" in message and "rules[0].severity" in message and "'warn'" in message


def test_unknown_key_names_its_line(tmp_path):
    message = _error(tmp_path, GOOD_RULE + "    colour: red\n")
    assert "mine.yaml:9:" in message and "unknown key 'colour'" in message


def test_missing_required_key(tmp_path):
    message = _error(tmp_path, GOOD_RULE.replace('    message: "approved {item.drug}"\n', ""))
    assert "mine.yaml:3:" in message and "'message' is a required property" in message


def test_condition_that_does_not_parse_names_its_line(tmp_path):
    message = _error(tmp_path, GOOD_RULE.replace("when: item.approved", "when: item.approved and"))
    assert "mine.yaml:7:" in message and "rules[0].when" in message


def test_unknown_topic_is_rejected(tmp_path):
    message = _error(tmp_path, GOOD_RULE.replace("    when:", "    topics: [unicorns]\n    when:"))
    assert "unknown topic 'unicorns'" in message and "mine.yaml:7:" in message


def test_placeholder_must_name_a_fact(tmp_path):
    message = _error(tmp_path, GOOD_RULE.replace("{item.drug}", "{patient.name}"))
    assert "placeholder {patient.name}" in message


def test_invalid_yaml_names_its_line(tmp_path):
    message = _error(tmp_path, GOOD_RULE.replace('title: A rule of mine', 'title: "unclosed'))
    assert "mine.yaml:" in message and "invalid YAML" in message


def test_yaml_is_never_executed(tmp_path):
    message = _error(tmp_path, "rules: !!python/object/apply:os.system ['echo pwned']\n")
    assert "invalid YAML" in message


def test_duplicate_rule_ids_across_files(tmp_path):
    _write(tmp_path, GOOD_RULE, "a.yaml")
    _write(tmp_path, GOOD_RULE, "b.yaml")
    with pytest.raises(RuleError, match="duplicate rule id 'my-rule'"):
        load_ruleset(default_guideline(), extra_dirs=[tmp_path], use_defaults=False)


def test_extends_loads_the_shipped_set_and_overrides_change_it(tmp_path):
    _write(
        tmp_path,
        GOOD_RULE.replace("ruleset: mine\n", "ruleset: mine\nextends: [mtus]\noverrides:\n"
                          "  carisoprodol-approved: {enabled: false}\n  cited-page-off-topic: {severity: info}\n"),
    )
    ruleset = load_ruleset(default_guideline(), extra_dirs=[tmp_path], use_defaults=False)
    assert ruleset.get("my-rule") is not None
    assert ruleset.get("cited-page-off-topic").severity is Severity.INFO
    assert ruleset.get("carisoprodol-approved").enabled is False


def test_extending_an_unknown_set_is_an_error(tmp_path):
    _write(tmp_path, GOOD_RULE.replace("ruleset: mine\n", "ruleset: mine\nextends: [nope]\n"))
    with pytest.raises(RuleError, match=r"mine.yaml:2: extends: unknown rule set 'nope'"):
        load_ruleset(default_guideline(), extra_dirs=[tmp_path], use_defaults=False)


def test_user_severities_win(tmp_path):
    ruleset = load_ruleset(default_guideline(), severities={"cited-page-off-topic": "error", "carisoprodol-approved": "off"})
    assert ruleset.get("cited-page-off-topic").severity is Severity.ERROR
    assert not ruleset.get("carisoprodol-approved").enabled


def _cli(*args: str, cwd: Path):
    """``imr-check ARGS`` in-process; wide, so a long temporary path cannot wrap a line."""
    return run_cli(args, cwd=cwd, env={"COLUMNS": "200"})


def test_broken_rule_file_stops_every_command_with_exit_3(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    _write(rules, GOOD_RULE.replace("severity: warning", "severity: loud"))
    seed = str(SEEDS / "000_a530ee4abe81adc8.txt")
    for args in (["--rules", str(rules), seed], ["rules", "list", "--rules", str(rules)], ["rules", "test", str(rules)]):
        done = _cli(*args, cwd=tmp_path)
        assert done.exit_code == 3, (args, done.stderr)
        assert "mine.yaml:6:" in done.stderr and "severity" in done.stderr
        assert "Traceback" not in done.stderr


def test_config_file_switches_a_rule_off_in_one_line(tmp_path):
    seed = str(SEEDS / "002_79c63337c1751a54.txt")
    before = _cli("--format", "json", seed, cwd=tmp_path)
    assert '"cited-page-off-topic"' in before.stdout
    (tmp_path / ".imr-check.yaml").write_text("rules:\n  cited-page-off-topic: off\n", encoding="utf-8")
    after = _cli("--format", "json", seed, cwd=tmp_path)
    assert after.exit_code == 0 and '"cited-page-off-topic"' not in after.stdout


def test_config_in_pyproject_changes_a_severity(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.imr-check.rules]\ncited-page-off-topic = "error"\n', encoding="utf-8")
    nested = tmp_path / "drafts"
    nested.mkdir()
    done = _cli("--format", "json", str(SEEDS / "002_79c63337c1751a54.txt"), cwd=nested)
    assert done.exit_code == 1  # an error now reaches the default fail-on threshold
    assert '"severity": "error"' in done.stdout


def test_docs_worked_example_validates_tests_and_runs(tmp_path):
    """docs/rules.md walks through adding the zolpidem rule; these are its steps."""
    rules = tmp_path / "odg-rules"
    shutil.copytree(DOCS_RULES, rules)
    validated = _cli("rules", "validate", "odg-rules", cwd=tmp_path)
    assert validated.exit_code == 0 and validated.stdout.startswith("ok:")
    tested = _cli("rules", "test", "odg-rules", "--rule", "zolpidem-long-term-approved", cwd=tmp_path)
    assert tested.exit_code == 0, tested.stdout
    assert "1 hits, 0 misses, 0 false alarms, 2 quiet" in tested.stdout
    letter = tmp_path / "ambien.txt"
    letter.write_text(
        "HOW THE IMR FINAL DETERMINATION WAS MADE\nThe expert reviewer is Board Certified in Psychiatry.\n\n"
        "CLINICAL CASE SUMMARY\nThe injured worker is a 58-year-old female injured on 2/3/2011. She has taken "
        "Ambien nightly since at least 1/5/2014. Utilization Review dated 6/20/2014 non-certified the request.\n\n"
        "IMR ISSUES, DECISIONS AND RATIONALES\nAmbien 10mg #30: Overturned\n"
        "MAXIMUS guideline: Decision based on ODG Pain Chapter, Zolpidem (Ambien).\n"
        "Decision rationale: Sleep has improved. The request for Ambien 10mg #30 is medically necessary.\n",
        encoding="utf-8",
    )
    ran = _cli("--rules", "odg-rules", "--format", "json", "ambien.txt", cwd=tmp_path)
    assert '"zolpidem-long-term-approved"' in ran.stdout
    assert ran.exit_code == 0  # a warning does not reach the default fail-on (error)


# --------------------------------------------------------------------- loading twice in one process
def test_a_severity_change_in_one_load_does_not_reach_the_next():
    first = load_ruleset(default_guideline(), severities={"carisoprodol-long-term-approved": "off", "decision-contradicts-conclusion": "info"})
    assert not first.get("carisoprodol-long-term-approved").enabled
    assert first.get("decision-contradicts-conclusion").severity is Severity.INFO
    second = load_ruleset(default_guideline())
    assert second.get("carisoprodol-long-term-approved").enabled
    assert second.get("decision-contradicts-conclusion").severity is Severity.ERROR


def test_a_rule_file_edited_between_loads_is_read_again(tmp_path):
    path = _write(tmp_path, GOOD_RULE)
    assert load_rule_file(path, default_guideline()).rules[0].severity is Severity.WARNING
    _write(tmp_path, GOOD_RULE.replace("severity: warning", "severity: error"))
    assert load_rule_file(path, default_guideline()).rules[0].severity is Severity.ERROR
    path.write_text(GOOD_RULE.replace("when: item.approved", "when: item.aproved"), encoding="utf-8")
    with pytest.raises(RuleError, match="unknown fact 'item.aproved'"):
        load_rule_file(path, default_guideline())
