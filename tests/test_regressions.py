"""Regressions found by an independent tester writing letters in other reviewers' phrasing."""

from __future__ import annotations

import pytest

from checker.letter.citations import read_guideline_line
from checker.knowledge.guideline import default_guideline
from checker.model import Severity
from checker.pipeline import read_letter
from checker.input.discover import InputRef
from checker.rules.loader import load_ruleset
from checker.rules.ruletests import letter_text


@pytest.fixture(scope="module")
def ruleset():
    return load_ruleset(default_guideline())


def _check(tmp_path, spec, ruleset):
    path = tmp_path / "letter.txt"
    path.write_text(letter_text(spec), encoding="utf-8")
    result = read_letter(InputRef(str(path)), ruleset).result
    assert result.error is None
    return result


def test_pages_after_a_section_list_are_pages():
    line = ("Decision based on MTUS Chronic Pain Medical Treatment 2009, Section(s): Anti-epilepsy drugs (AEDs), "
            "Gabapentin (Neurontin), Page(s): 18-19.")
    [citation] = read_guideline_line("reviewer", line, lambda a, b: None)
    assert citation.pages == [18, 19]
    assert citation.sections == ["Anti-epilepsy drugs (AEDs), Gabapentin (Neurontin)"]


def test_injured_his_knee_on_a_date_is_the_injury_date(tmp_path, ruleset):
    result = _check(tmp_path, {
        "summary": "The patient is a 34-year-old male who injured his right knee on 07/22/2016 while lifting.",
        "items": [{"request": "MRI of the right knee", "decision": "Upheld",
                   "rationale": "There are no red flags. The request is not medically necessary."}],
    }, ruleset)
    assert result.letter.patient.injury_date.isoformat() == "2016-07-22"


def test_her_before_any_word_is_the_patient_when_no_one_else_is_named(tmp_path, ruleset):
    result = _check(tmp_path, {
        "summary": "The injured worker is a 58-year-old male injured on 3/3/2011. He has chronic low back pain.",
        "items": [{"request": "Norco 10/325 #90", "decision": "Upheld",
                   "rationale": "There is no documentation that her standing tolerance has improved. "
                                "The request is not medically necessary."}],
    }, ruleset)
    assert [f.item for f in result.findings if f.rule == "pronoun-contradicts-sex"] == [1]


def test_does_not_document_is_an_explicit_claim(tmp_path, ruleset):
    result = _check(tmp_path, {
        "summary": "The injured worker is a 45-year-old male. Physical examination revealed palpable muscle spasm.",
        "items": [{"request": "Tizanidine 4 mg #60", "decision": "Upheld",
                   "rationale": "The examination does not document any muscle spasm. The request is not medically necessary."}],
    }, ruleset)
    (finding,) = [f for f in result.findings if f.rule == "documented-finding-said-missing"]
    assert finding.severity is Severity.WARNING


def test_a_claim_limited_in_time_is_only_info(tmp_path, ruleset):
    result = _check(tmp_path, {
        "summary": "The injured worker is a 45-year-old male. The most recent urine drug screen in the file is from 2013.",
        "items": [{"request": "Tramadol 50 mg #90", "decision": "Upheld",
                   "rationale": "No urine drug screen has been documented since 2013. The request is not medically necessary."}],
    }, ruleset)
    (finding,) = [f for f in result.findings if f.rule == "documented-finding-said-missing"]
    assert finding.severity is Severity.INFO and finding.item == 1


def test_format3_determination_line_is_not_a_final_determination(tmp_path):
    path = tmp_path / "f3.txt"
    path.write_text(
        "MEDICAL PROFESSIONAL REVIEW\n\nISSUE AT DISPUTE: Soma 350 mg #60\n\nCASE SUMMARY:\nThe injured worker is a "
        "40-year-old male.\n\nRATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:\n"
        "Carisoprodol is not recommended. The request is not medically necessary.\n\nDETERMINATION: Upheld\n",
        encoding="utf-8",
    )
    letter = read_letter(InputRef(str(path))).result.letter
    assert letter.format == 3 and letter.final_determination is None
    assert letter.items[0].decision == "upheld"


def test_page_lists_in_messages_are_compact(tmp_path, ruleset):
    result = _check(tmp_path, {
        "items": [{"request": "Percocet 10/325 mg #90", "decision": "Upheld",
                   "reviewer": "MTUS Chronic Pain Medical Treatment Guidelines (2009), pages 24, 76-80.",
                   "rationale": "There is no documentation of functional improvement. The request is not medically necessary."}],
    }, ruleset)
    (finding,) = [f for f in result.findings if f.rule == "cited-page-off-topic"]
    assert "74-97" in finding.message


def test_a_heading_split_from_its_decision_still_yields_its_item(tmp_path, ruleset):
    """':  Upheld' left alone on its own paragraph: the item is not merged into the one before."""
    from tests.conftest import SEEDS

    text = (SEEDS / "002_79c63337c1751a54.txt").read_text(encoding="utf-8")
    old = "OXYCODONE 20 MG ONE TAB PO Q 8 HOURS PRN # 60 FOR BREAKTHROUGH \n\nPAIN:  Upheld"
    assert old in text
    path = tmp_path / "broken.txt"
    path.write_text(text.replace(old, "OXYCODONE 20 MG ONE TAB PO Q 8 HOURS PRN # 60 FOR BREAKTHROUGH PAIN\n\n \n\n:  Upheld"),
                    encoding="utf-8")
    result = read_letter(InputRef(str(path)), ruleset).result
    items = result.letter.items
    assert [(i.request.drug, i.decision) for i in items] == [("carisoprodol", "upheld"), ("oxycodone", "upheld")]
    assert items[1].pages("reviewer") == [74, 75, 76, 77, 78, 79, 80, 92]
    (parse,) = [f for f in result.findings if f.category == "parse"]
    assert parse.rule == "parse-item-heading" and parse.item == 2
    # and no citation finding is pinned on the wrong drug
    assert {f.rule for f in result.findings} == {"parse-item-heading", "cited-page-off-topic"}
    assert [f.item for f in result.findings if f.rule == "cited-page-off-topic"] == [1]
