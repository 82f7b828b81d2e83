"""Loading a rule checks every fact, field, concept and drug it names (checker/rules/vocabulary.py).

Through the command line in-process, as a rule author meets it: a misspelt
name stops ``rules validate`` (and every other command) with exit code 3,
the file, line and key, and the closest declared name.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.cli.app import app
from checker.cli.session import EXIT_RULES
from tests.conftest import GOOD_RULE, ROOT, SEEDS


#: The minimal rule with a fact in every key that names one (lines 7 to 11).
RULE = GOOD_RULE.replace(
    '    when: item.approved\n    message: "approved {item.drug}"\n',
    "    for_each: page in item.cited_pages\n"
    "    when: item.approved and page.number > 0\n"
    "    at: item.decision\n"
    "    evidence: [item.duration, item.conclusion]\n"
    '    message: "{item.drug} cites page {page.number}"\n',
)


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path, monkeypatch):
    """Run from an empty directory: no .imr-check.yaml of the repository's applies."""
    monkeypatch.chdir(tmp_path)


def _rule_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def _validate(tmp_path: Path, text: str):
    return _invoke("rules", "validate", str(_rule_file(tmp_path, text)))


def test_the_unbroken_rule_validates(tmp_path):
    done = _validate(tmp_path, RULE)
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith("ok: ")


@pytest.mark.parametrize(
    "old,new,line,key,message",
    [
        ("when: item.approved", "when: item.aproved", 8, "rules[0].when",
         "unknown fact 'item.aproved' (did you mean item.approved?)"),
        ("at: item.decision", "at: item.decisoin", 9, "rules[0].at",
         "unknown fact 'item.decisoin' (did you mean item.decision?)"),
        ("[item.duration, item.conclusion]", "[item.duration, item.conclusoin]", 10, "rules[0].evidence[1]",
         "unknown fact 'item.conclusoin' (did you mean item.conclusion?)"),
        ("in item.cited_pages", "in item.cited_page", 7, "rules[0].for_each",
         "unknown fact 'item.cited_page' (did you mean item.cited_pages?)"),
        ("{item.drug} cites", "{item.duraton_days} cites", 11, "rules[0].message",
         "placeholder {item.duraton_days}: unknown fact 'item.duraton_days' (did you mean item.duration_days?)"),
        ("page.number > 0", "page.numbr > 0", 8, "rules[0].when",
         "unknown fact 'page.numbr' (did you mean page.number?)"),
        ("{page.number}\"", "{page.numbr}\"", 11, "rules[0].message",
         "placeholder {page.numbr}: unknown fact 'page.numbr' (did you mean page.number?)"),
    ],
)
def test_a_misspelt_fact_stops_validation_with_place_and_suggestion(tmp_path, old, new, line, key, message):
    assert old in RULE
    done = _validate(tmp_path, RULE.replace(old, new))
    assert done.exit_code == EXIT_RULES
    assert f"mine.yaml:{line}: {key}: {message}" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_misspelt_fact_in_severity_when(tmp_path):
    text = RULE.replace("    at:", "    severity_when:\n      - when: item.excepton\n        severity: info\n    at:")
    done = _validate(tmp_path, text)
    assert done.exit_code == EXIT_RULES
    assert "mine.yaml:10: rules[0].severity_when[0].when: unknown fact 'item.excepton' (did you mean item.exception?)" in done.stderr


def test_a_misspelt_drug_names_the_generic(tmp_path):
    done = _validate(tmp_path, RULE.replace("    for_each:", "    drugs: [klonazepam]\n    for_each:"))
    assert done.exit_code == EXIT_RULES
    assert "mine.yaml:7: rules[0].drugs[0]: unknown drug 'klonazepam' (did you mean clonazepam?)" in done.stderr


def test_a_brand_name_is_not_a_drug_key(tmp_path):
    done = _validate(tmp_path, RULE.replace("    for_each:", "    drugs: [carisoprodol, Soma]\n    for_each:"))
    assert done.exit_code == EXIT_RULES
    assert "rules[0].drugs[1]: 'Soma' is not a generic name (did you mean carisoprodol?)" in done.stderr


def test_concept_keys_must_be_known_and_a_files_own_concepts_count(tmp_path):
    text = RULE.replace("[item.duration, item.conclusion]", "[item.concepts.functional-improvment]")
    done = _validate(tmp_path, text)
    assert done.exit_code == EXIT_RULES
    assert ("rules[0].evidence[0]: unknown fact 'item.concepts.functional-improvment': 'functional-improvment' is not "
            "a known concept id (did you mean item.concepts.functional-improvement?)") in done.stderr
    own = "concepts:\n  night-pain: {title: Night pain, terms: [pain at night]}\n" + text.replace(
        "functional-improvment", "night-pain"
    ).replace("{item.drug}", "{item.concepts.night-pain}")
    done = _validate(tmp_path, own)
    assert done.exit_code == 0, done.stderr


@pytest.mark.parametrize(
    "old,new,key,problem",
    [
        ("at: item.decision", "at: item.drug", "rules[0].at", "does not point at the letter"),
        ("[item.duration, item.conclusion]", "[item.topic_pages]", "rules[0].evidence[0]", "does not point at the letter"),
        ("in item.cited_pages", "in item.duration", "rules[0].for_each", "is not a list"),
        ("{item.drug} cites", "{item.concepts} cites", "rules[0].message", "has no value a message can show"),
        ("{item.drug} cites", "{item.pages} cites", "rules[0].message", "has no value a message can show"),
        ("{item.drug} cites", "{item.Drug} cites", "rules[0].message", "'{item.Drug}' is not a placeholder"),
        ("when: item.approved and", "when: item.cited_pages.number > 1 and", "rules[0].when", "use for_each"),
    ],
)
def test_a_fact_used_where_it_cannot_serve(tmp_path, old, new, key, problem):
    done = _validate(tmp_path, RULE.replace(old, new))
    assert done.exit_code == EXIT_RULES
    assert key in done.stderr and problem in done.stderr


def test_letter_scope_rules_have_no_item_and_markers_need_their_stage(tmp_path):
    letter_rule = RULE.replace("    for_each: page in item.cited_pages\n", "    scope: letter\n    for_each: page in letter.problems\n")
    done = _validate(tmp_path, letter_rule.replace("when: item.approved and page.number > 0", "when: page.kind"))
    assert done.exit_code == EXIT_RULES and "a letter-scope rule has no item" in done.stderr
    markers = "ruleset: mine\nrules:\n  - id: my-rule\n    title: A rule of mine\n    category: parse\n    severity: info\n" \
              "    scope: letter\n    for_each: marker in letter.suppressions\n    message: \"{marker.ids}\"\n"
    done = _validate(tmp_path, markers)
    assert done.exit_code == EXIT_RULES and "add 'stage: suppressions'" in done.stderr
    done = _validate(tmp_path, markers.replace("    scope: letter\n", "    scope: letter\n    stage: suppressions\n"))
    assert done.exit_code == 0, done.stderr


def test_every_command_stops_on_an_unknown_fact(tmp_path):
    rules = tmp_path / "my-rules"
    rules.mkdir()
    _rule_file(rules, RULE.replace("item.approved", "item.aproved"))
    seed = str(SEEDS / "000_a530ee4abe81adc8.txt")
    for args in (["check", "--rules", str(rules), seed], ["rules", "test", str(rules)], ["rules", "list", "--rules", str(rules)]):
        done = _invoke(*args)
        assert done.exit_code == EXIT_RULES, args
        assert "mine.yaml:8: rules[0].when: unknown fact 'item.aproved' (did you mean item.approved?)" in done.stderr


def test_every_shipped_rule_and_the_docs_example_validate():
    done = _invoke("rules", "validate")
    assert done.exit_code == 0, done.stderr
    done = _invoke("rules", "validate", str(ROOT / "docs" / "examples" / "odg-rules"))
    assert done.exit_code == 0, done.stderr
