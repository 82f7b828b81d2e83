"""Machine-readable reports (text lines, SARIF, JUnit, GitHub commands, CSV) on real results.

Results come from the real pipeline on the seed letters with the shipped
rules, plus an unreadable file, a suppressed finding and a finding whose
message holds every character the formats must escape.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from checker.knowledge.guideline import default_guideline
from checker.model import Evidence, FileResult, Finding, Severity, Span
from checker.pipeline import read_letter
from checker.input.discover import InputRef
from checker.reports import csv as csv_report
from checker.reports import github, junit, sarif
from checker.reports import text as lines
from checker.rules.loader import load_ruleset
from tests.conftest import ROOT, SEEDS, run_cli

SARIF_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
REPORTERS = {"text": lines, "sarif": sarif, "junit": junit, "github": github, "csv": csv_report}
TRICKY = "50% of 3,000 mg: too much\r\nsee line 2"


@pytest.fixture(scope="module")
def ruleset():
    return load_ruleset(default_guideline())


@pytest.fixture(scope="module")
def seed_results(ruleset) -> list[FileResult]:
    """The seeds as the CLI would read them, with paths relative to the project like a user's."""
    root = ROOT
    results = []
    for path in sorted(SEEDS.glob("*.txt")):
        result = read_letter(InputRef(str(path)), ruleset).result
        assert result.error is None
        results.append(dataclasses.replace(result, path=path.relative_to(root).as_posix()))
    assert any(r.findings for r in results) and any(not r.findings for r in results)
    return results


@pytest.fixture(scope="module")
def results(seed_results) -> list[FileResult]:
    """Seeds, one finding marked suppressed, one tricky finding, and an unreadable file."""
    out = [dataclasses.replace(r, findings=list(r.findings)) for r in seed_results]
    host = next(r for r in out if r.findings)
    host.findings[0] = dataclasses.replace(host.findings[0], suppressed="reviewed with the editor, 2024-05-01")
    tricky = Finding(
        rule="quantity-differs-within-letter",
        category="fact-conflict",
        severity=Severity.WARNING,
        message=TRICKY,
        span=Span(3, 5, 3, 12),
        item=1,
        evidence=[Evidence("Norco #120", Span(7, 1, 7, 11))],
    )
    out.append(FileResult("letters/odd, name: v2.txt", letter=host.letter, findings=[tricky]))
    out.append(FileResult("missing/letter.txt", error="cannot read file (No such file or directory)"))
    return out


def _findings(results: list[FileResult]) -> list[tuple[FileResult, Finding]]:
    return [(r, f) for r in results for f in r.findings]


def _suppressed(results: list[FileResult]) -> Finding:
    return next(f for _, f in _findings(results) if f.suppressed)


# --------------------------------------------------------------------- every format
@pytest.mark.parametrize("name", sorted(REPORTERS))
def test_deterministic(name, results, ruleset):
    reporter = REPORTERS[name]
    first = reporter.render(results, ruleset)
    assert first == reporter.render(results, ruleset)
    assert first == reporter.render([dataclasses.replace(r) for r in results], ruleset)


@pytest.mark.parametrize("name", sorted(REPORTERS))
def test_renders_without_ruleset(name, results):
    assert REPORTERS[name].render(results)


@pytest.mark.parametrize("name", sorted(REPORTERS))
def test_no_absolute_paths_leak(name, results, ruleset):
    assert str(Path.cwd()) not in REPORTERS[name].render(results, ruleset)


# --------------------------------------------------------------------- text lines
LINE = re.compile(r"^[^:]+:\d+:\d+: (error|warning|info) \[[a-z0-9-]+\] ")


def test_lines_one_per_finding(seed_results, ruleset):
    out = lines.render(seed_results, ruleset).splitlines()
    findings = _findings(seed_results)
    assert len(out) == len(findings)
    for text, (result, finding) in zip(out, findings):
        assert LINE.match(text), text
        assert text.startswith(f"{result.path}:{finding.span.line}:{finding.span.column}: ")


def test_lines_suppressed_unreadable_and_line_breaks(results, ruleset):
    out = lines.render(results, ruleset).splitlines()
    assert len(out) == len(_findings(results)) + 1
    assert "missing/letter.txt: error: cannot read file (No such file or directory)" in out
    suppressed = [t for t in out if "(suppressed: " in t]
    assert len(suppressed) == 1 and suppressed[0].endswith("(suppressed: reviewed with the editor, 2024-05-01)")
    assert "letters/odd, name: v2.txt:3:5: warning [quantity-differs-within-letter] item 1: " in lines.render(results)
    assert all(LINE.match(t) or ": error: " in t for t in out if not t.startswith("letters/odd, name:"))


def test_lines_spanless_finding_points_at_1_1():
    finding = Finding("parse-no-items", "parse", Severity.WARNING, "no items found", None)
    assert lines.render([FileResult("a.txt", findings=[finding])]) == "a.txt:1:1: warning [parse-no-items] no items found\n"


# --------------------------------------------------------------------- SARIF
def _sarif(results, ruleset) -> dict:
    return json.loads(sarif.render(results, ruleset))


def test_sarif_validates_against_the_official_schema(results, ruleset):
    if not SARIF_SCHEMA.is_file():
        pytest.skip("SARIF 2.1.0 schema not available on this machine")
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    for document in (_sarif(results, ruleset), _sarif(results, None), _sarif([], ruleset), _paged_sarif()):
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def test_sarif_results_match_findings(results, ruleset):
    run = _sarif(results, ruleset)["runs"][0]
    findings = _findings(results)
    assert len(run["results"]) == len(findings)
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(r["id"] for r in rules)
    for entry, (result, finding) in zip(run["results"], findings):
        assert entry["ruleId"] == finding.rule
        assert rules[entry["ruleIndex"]]["id"] == finding.rule
        assert entry["level"] == {"error": "error", "warning": "warning", "info": "note"}[finding.severity.value]
        location = entry["locations"][0]["physicalLocation"]
        assert location["region"]["startLine"] == finding.span.line
        assert location["region"]["startColumn"] == finding.span.column
        assert location["region"]["endColumn"] == finding.span.end_column
        assert run["artifacts"][location["artifactLocation"]["index"]]["location"]["uri"] == location["artifactLocation"]["uri"]
        assert [r["message"]["text"] for r in entry.get("relatedLocations", [])] == [e.text for e in finding.evidence]
        assert entry["properties"] == {"category": finding.category, "item": finding.item}
        assert ("suppressions" in entry) == (finding.suppressed is not None)


def test_sarif_run_metadata(results, ruleset):
    run = _sarif(results, ruleset)["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "imr-check" and "informationUri" not in driver
    assert run["columnKind"] == "unicodeCodePoints"
    uris = [a["location"]["uri"] for a in run["artifacts"]]
    assert "tests/fixtures/seeds/000_a530ee4abe81adc8.txt" in uris
    assert "letters/odd%2C%20name%3A%20v2.txt" in uris
    rule = next(r for r in driver["rules"] if r["id"] == "carisoprodol-long-term-approved")
    assert rule["name"] == ruleset.get(rule["id"]).title
    assert rule["defaultConfiguration"]["level"] == "error"
    assert rule["properties"]["category"] == "guideline-criteria"
    assert "MTUS 2009, pp. 29, 65" in rule["help"]["text"]
    assert rule["fullDescription"]["text"] == ruleset.get(rule["id"]).description


def test_sarif_suppressed_finding(results, ruleset):
    entries = [e for e in _sarif(results, ruleset)["runs"][0]["results"] if "suppressions" in e]
    assert len(entries) == 1
    assert entries[0]["suppressions"] == [{"kind": "inSource", "justification": _suppressed(results).suppressed}]


def test_sarif_unreadable_file(results, ruleset):
    (invocation,) = _sarif(results, ruleset)["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and "cannot read file" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "missing/letter.txt"
    clean = _sarif([r for r in results if r.error is None], ruleset)["runs"][0]["invocations"][0]
    assert clean == {"executionSuccessful": True}


def test_sarif_without_ruleset_derives_rule_metadata(results):
    run = _sarif(results, None)["runs"][0]
    assert sorted(r["id"] for r in run["tool"]["driver"]["rules"]) == sorted({f.rule for _, f in _findings(results)})
    for rule in run["tool"]["driver"]["rules"]:
        assert rule["properties"]["category"]


def _paged_sarif() -> dict:
    finding = Finding(
        "drug-name-misspelled", "spelling", Severity.INFO, "x", Span(12, 3, 12, 9), evidence=[Evidence("y", Span(2, 1, 2, 4))]
    )
    result = FileResult("scans/letter.pdf", findings=[finding], kind="pdf", page_starts=[1, 10, 20])
    return json.loads(sarif.render([result]))


def test_sarif_paged_input_gives_page_and_line_in_page():
    run = _paged_sarif()["runs"][0]
    entry = run["results"][0]
    assert entry["locations"][0]["physicalLocation"]["region"]["properties"] == {"page": 2, "lineInPage": 3}
    assert entry["relatedLocations"][0]["physicalLocation"]["region"]["properties"] == {"page": 1, "lineInPage": 2}
    assert run["artifacts"] == [{"location": {"uri": "scans/letter.pdf"}, "mimeType": "application/pdf"}]


def test_sarif_uris():
    assert sarif.artifact_uri("./a/b c.txt") == "a/b%20c.txt"
    assert sarif.artifact_uri("<stdin>") == "%3Cstdin%3E"
    assert sarif.artifact_uri(str(Path.cwd() / "x" / "y.txt")) == "x/y.txt"
    assert sarif.artifact_uri("/elsewhere/y.txt", base=Path("/work/nowhere")) == "file:///elsewhere/y.txt"


# --------------------------------------------------------------------- JUnit
@pytest.mark.parametrize("fail_on", [Severity.ERROR, Severity.WARNING, Severity.INFO])
def test_junit_one_testcase_per_letter_failing_as_the_run_would(results, ruleset, fail_on):
    """A letter fails exactly when its findings reach --fail-on, so JUnit and the exit code agree."""
    text = junit.render(results, ruleset, fail_on)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites" and root.get("name") == "imr-check"
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [r.path for r in results]
    assert all(c.get("classname") == "imr-check" for c in cases)
    failing_letters = 0
    for case, result in zip(cases, results):
        loud = [f for f in result.findings if f.severity.rank >= fail_on.rank and not f.suppressed]
        failures = case.findall("failure")
        if result.error:
            assert case.find("error") is not None and not failures
            continue
        assert len(failures) == (1 if loud else 0), result.path
        failing_letters += bool(loud)
        if loud:
            assert failures[0].get("message").startswith(f"{len(loud)} finding")
            assert f"at {fail_on.value} or above" in failures[0].get("message")
            assert len(failures[0].text.strip().splitlines()) == len(loud)
    assert failing_letters > 0 or fail_on is Severity.ERROR
    for element in (root, suite):
        assert element.get("tests") == str(len(results))
        assert element.get("failures") == str(failing_letters)
        assert element.get("errors") == "1"


def test_junit_failures_agree_with_the_exit_code(tmp_path):
    """Warnings only: exit 0 by default and no JUnit failure; with --fail-on warning, exit 1 and failures."""
    shutil.copy(SEEDS / "002_79c63337c1751a54.txt", tmp_path / "letter.txt")  # one citation-topic warning
    for extra, code in (([], 0), (["--fail-on", "warning"], 1)):
        done = run_cli(["-f", "junit", *extra, "letter.txt"], cwd=tmp_path)
        assert done.exit_code == code
        root = ET.fromstring(done.stdout.encode("utf-8"))
        assert root.get("failures") == str(code)


def test_junit_info_only_and_suppressed_letters_pass():
    info = Finding("carisoprodol-approved", "guideline-criteria", Severity.INFO, "approved", Span(1, 1, 1, 2))
    quiet = Finding("cited-page-off-topic", "citation-topic", Severity.ERROR, "off", Span(2, 1, 2, 2), suppressed="ok")
    root = ET.fromstring(junit.render([FileResult("a.txt", findings=[info, quiet])]))
    case = root.find("testsuite/testcase")
    assert case.find("failure") is None and root.get("failures") == "0"
    assert "[carisoprodol-approved]" in case.find("system-out").text
    assert "(suppressed: ok)" in case.find("system-out").text


def test_junit_survives_control_characters():
    finding = Finding("spelling", "spelling", Severity.ERROR, "page\fbreak \x00 here", Span(1, 1, 1, 2))
    ET.fromstring(junit.render([FileResult("a.txt", findings=[finding])]).encode("utf-8"))


# --------------------------------------------------------------------- GitHub
_PROP = r"(?:[^%:,\r\n]|%25|%0D|%0A|%3A|%2C)+"
_DATA = r"(?:[^%\r\n]|%25|%0D|%0A)*"
COMMAND = re.compile(
    rf"^::(error|warning|notice) file={_PROP}"
    rf"(?:,line=\d+(?:,col=\d+,endLine=\d+,endColumn=\d+|,endLine=\d+))?"
    rf"(?:,title=[a-z0-9-]+)?::{_DATA}$"
)


def test_github_commands(results, ruleset):
    out = github.render(results, ruleset).splitlines()
    emitted = [f for _, f in _findings(results) if not f.suppressed]
    assert len(out) == len(emitted) + 1
    for line in out:
        assert COMMAND.match(line), line
    assert "::error file=missing/letter.txt::cannot read file (No such file or directory)" in out
    levels = [line.split(" ", 1)[0] for line in out if "title=" in line]
    assert levels == ["::" + {"error": "error", "warning": "warning", "info": "notice"}[f.severity.value] for f in emitted]


def test_github_escaping(results, ruleset):
    out = github.render(results, ruleset).splitlines()
    (line,) = [line for line in out if line.startswith("::warning file=letters/odd")]
    assert line == (
        "::warning file=letters/odd%2C name%3A v2.txt,line=3,col=5,endLine=3,endColumn=12,"
        "title=quantity-differs-within-letter::item 1: 50%25 of 3,000 mg: too much%0D%0Asee line 2"
    )
    assert github.escape_property("a%b:c,d\ne") == "a%25b%3Ac%2Cd%0Ae"


def test_github_multiline_span_sends_no_columns():
    finding = Finding("amount-said-unspecified", "fact-conflict", Severity.WARNING, "m", Span(105, 61, 107, 46))
    (line,) = github.render([FileResult("a.txt", findings=[finding])]).splitlines()
    assert line == "::warning file=a.txt,line=105,endLine=107,title=amount-said-unspecified::m"


# --------------------------------------------------------------------- CSV
def test_csv_reads_back(results, ruleset):
    text = csv_report.render(results, ruleset)
    assert text.startswith(",".join(csv_report.HEADER) + "\n")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames) == csv_report.HEADER
    assert ",".join(reader.fieldnames) == (
        "path,line,column,end_line,end_column,severity,category,rule,item,message,evidence,suppressed"
    )
    rows = list(reader)
    findings = _findings(results)
    assert len(rows) == len(findings) + 1
    for row, (result, finding) in zip(rows, findings):
        assert row["path"] == result.path and row["rule"] == finding.rule
        assert row["line"] == str(finding.span.line) and row["severity"] == finding.severity.value
        assert row["item"] == ("" if finding.item is None else str(finding.item))
        assert row["message"] == finding.message
        assert row["evidence"] == " | ".join(f"line {e.span.line}: {e.text}" for e in finding.evidence)
        assert row["suppressed"] == (finding.suppressed or "")
    assert rows[-1]["rule"] == "unreadable" and rows[-1]["severity"] == "error"
    assert rows[-1]["path"] == "missing/letter.txt"


def test_csv_uses_newline_line_endings_and_neutralises_formulas():
    finding = Finding("spelling", "spelling", Severity.INFO, "=HYPERLINK(\"x\")", Span(1, 1, 1, 2), suppressed="@once")
    text = csv_report.render([FileResult("a.txt", findings=[finding])])
    assert "\r" not in text and text.count("\n") == 2
    (row,) = csv.DictReader(io.StringIO(text))
    assert row["message"] == "'=HYPERLINK(\"x\")" and row["suppressed"] == "'@once"
