"""A user's rule folder adds drugs, brand names and misspellings (``drugs:`` in a rule file).

A rule author names a drug the shipped lexicon (rules/drugs.yaml) lacks, or a
name a known drug goes by, without touching the shipped files: the rule's
``drugs:`` accepts it, letters are read with it, and the misspelling rule
knows its misspellings.  Through the command line, as a rule author meets it.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from checker.cli.session import EXIT_RULES
from tests.conftest import run_cli

ADDITIONS = """\
    drugs:
      - generic: suvorexant
        names: [belsomra]
        misspellings: [belsamra]
        class: hypnotic
      - generic: gabapentin
        names: [gbp]
"""

RULE = """\
    rules:
      - id: suvorexant-approved
        title: Suvorexant approved
        category: guideline-criteria
        severity: info
        drugs: [suvorexant]
        when: item.approved
        at: item.decision
        message: "suvorexant approved"
        tests:
          - name: brand name, approved
            expect: hit
            letter:
              items:
                - request: "Belsomra 10mg #30"
                  decision: Overturned
                  rationale: "Sleep improved. The request is medically necessary."
          - name: denied
            expect: ok
            letter:
              items:
                - request: "Belsomra 10mg #30"
                  decision: Upheld
                  rationale: "The request is not medically necessary."
"""

# A Format 3 letter (one issue) and a Format 1 letter, in other wording.
FORMAT3 = """\
MEDICAL PROFESSIONAL REVIEW

ISSUE AT DISPUTE: Belsomra 10 mg, thirty count

CASE SUMMARY:
The patient is a 47-year-old woman injured on March 3, 2015, while lifting a box. She has chronic neck pain and insomnia. She has used Belsamra nightly with better sleep. Utilization review dated 05/02/2018 non-certified the request.

MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL REVIEWER AND WHY:
Official Disability Guidelines, Pain (Chronic), Insomnia treatment.

RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:
The patient sleeps six hours a night with Belsamra instead of three. The requested Belsomra 10 mg, thirty count is medically necessary.

Determination: The request is overturned.

MEDICAL REVIEWER QUALIFICATIONS:
The reviewer is board certified in Internal Medicine and licensed in California.
"""

FORMAT1 = """\
Date of Injury: 04/20/2016    Decision Date: 05/02/2019
UR Denial Date: 03/14/2019    Priority: Standard

HOW THE IMR FINAL DETERMINATION WAS MADE
MAXIMUS Federal Services sent the case to an expert reviewer.

CLINICAL CASE SUMMARY
The patient is a 52-year-old man who injured his back at work on 04/20/2016. He takes GBP for burning leg pain.

IMR ISSUES, DECISIONS AND RATIONALES
The Final Determination was based on decisions for the disputed items/services set forth below:

GBP 300 mg #90: Overturned

Claims Administrator guideline: Decision based on MTUS Chronic Pain Treatment Guidelines Page(s): 18.

MAXIMUS guideline: Decision based on MTUS Chronic Pain Treatment Guidelines Gabapentin Page(s): 18-19.

Decision rationale: Leg pain fell from 8/10 to 4/10 on GBP, and he walks twice as far. The request for GBP 300 mg #90 is medically necessary.
"""


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path, monkeypatch):
    """Run from an empty directory: no .imr-check.yaml of the repository's applies."""
    monkeypatch.chdir(tmp_path)


def _folder(tmp_path: Path, *parts: str) -> Path:
    folder = tmp_path / "sleep-rules"
    folder.mkdir()
    text = "ruleset: sleep\nextends: [mtus]\n" + "".join(textwrap.dedent(p) for p in parts)
    (folder / "sleep.yaml").write_text(text, encoding="utf-8")
    return folder


def _invoke(*args: str):
    return run_cli(args)


def _check(tmp_path: Path, letter: str, *options: str) -> dict:
    path = tmp_path / "letter.txt"
    path.write_text(letter, encoding="utf-8")
    done = _invoke(*options, "--format", "json", str(path))
    assert done.exit_code in (0, 1), done.output
    return json.loads(done.stdout)["files"][0]


def test_a_rule_may_name_a_drug_its_file_adds(tmp_path):
    folder = _folder(tmp_path, ADDITIONS, RULE)
    assert _invoke("rules", "validate", str(folder)).exit_code == 0
    done = _invoke("rules", "test", str(folder), "--rule", "suvorexant-approved")
    assert done.exit_code == 0, done.output
    assert "1 hits, 0 misses, 0 false alarms, 1 quiet" in done.stdout


def test_without_the_addition_the_drug_is_unknown(tmp_path):
    done = _invoke("rules", "validate", str(_folder(tmp_path, RULE)))
    assert done.exit_code == EXIT_RULES
    assert "sleep.yaml:" in done.stderr and "rules[0].drugs[0]" in done.stderr
    assert "suvorexant" in done.stderr


def test_letters_are_read_with_the_added_names_and_misspellings(tmp_path):
    folder = _folder(tmp_path, ADDITIONS, RULE)
    plain = _check(tmp_path, FORMAT3)
    assert plain["letter"]["items"][0]["drug"] is None
    assert not [f for f in plain["findings"] if f["rule"] == "drug-name-misspelled"]

    added = _check(tmp_path, FORMAT3, "--rules", str(folder))
    item = added["letter"]["items"][0]
    assert (item["drug"], item["drug_class"], item["quantity"]) == ("suvorexant", "hypnotic", 30)
    rules = {f["rule"]: f for f in added["findings"]}
    assert rules["suvorexant-approved"]["line"] == 14
    misspelt = rules["drug-name-misspelled"]
    assert '"Belsamra"' in misspelt["message"] and "suvorexant" in misspelt["message"]
    assert misspelt["line"] == 6


def test_a_name_added_to_a_known_drug_keeps_what_the_lexicon_knows(tmp_path):
    folder = _folder(tmp_path, ADDITIONS)
    assert _check(tmp_path, FORMAT1)["letter"]["items"][0]["drug"] is None
    item = _check(tmp_path, FORMAT1, "--rules", str(folder))["letter"]["items"][0]
    assert (item["drug"], item["drug_as_written"], item["strength"], item["quantity"]) == ("gabapentin", "GBP", "300 mg", 90)
    assert item["drug_class"] == "anti-epilepsy drug"  # as rules/drugs.yaml has it


def test_a_drug_entry_needs_its_generic_name(tmp_path):
    folder = _folder(tmp_path, "drugs:\n  - names: [belsomra]\n")
    done = _invoke("rules", "validate", str(folder))
    assert done.exit_code == EXIT_RULES
    assert "sleep.yaml:4" in done.stderr and "generic" in done.stderr
