"""Guidelines and editions: letters of every era, citing every guideline family (tests/fixtures/editions).

Each letter's expected.yaml entry gives its reading, the guideline, edition and
how the edition was decided for every citation, and the findings a correct
checker reports: none on correct citations of any era, and still the wrong
page, the misquote and the criteria breach planted in letters that cite the
2009 CPMTG explicitly.  The known false alarms (fa_*.txt) are gone.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from checker.input.discover import InputRef
from checker.knowledge.guideline import default_guideline, guidelines
from checker.model import DECIDED_BY
from checker.pipeline import read_letter
from checker.reports.json import letter_dict
from checker.rules.loader import load_ruleset
from tests.conftest import FIXTURES, assert_findings_as_expected, read_yaml

EDITIONS = FIXTURES / "editions"
EXPECTED = read_yaml(EDITIONS / "expected.yaml")
NAMES = sorted(EXPECTED)


@pytest.fixture(scope="module")
def results():
    ruleset = load_ruleset(default_guideline())
    return {name: read_letter(InputRef(str(EDITIONS / name)), ruleset).result for name in NAMES}


def _iso(value):
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _citations(entries) -> Counter:
    assert all(c["decided_by"] in DECIDED_BY for c in entries)
    return Counter((c["kind"], c["guideline"], c["edition"], c["decided_by"], tuple(c["pages"])) for c in entries)


@pytest.mark.parametrize("name", NAMES)
def test_reading(name, results):
    """The letter reads as expected.yaml says (what this branch reads: items, pages, editions, header dates)."""
    expected, result = EXPECTED[name], results[name]
    assert result.error is None
    got = letter_dict(result.letter)
    assert got["format"] == expected["format"]
    patient = expected["patient"]
    assert got["patient"] == {"age": patient["age"], "sex": patient["sex"], "injury_date": _iso(patient["injury_date"])}
    assert got["reviewer"] == expected["reviewer"]
    assert got["edition_in_force"] == expected["edition_in_force"]
    header = {f["label"] for f in got["header"]}
    dates = got["dates"]
    if header & {"UR Denial Date", "Date of UR Decision"}:
        assert dates["ur_decision"] == _iso(expected["ur_date"])
    if header & {"Application Received"}:
        assert dates["application"] == _iso(expected["application_date"])
    # The request as the case summary dates it (the RFA, else the UR decision), when its words say.
    assert dates["request"] in (_iso(expected.get("request_date")), _iso(expected.get("ur_date")), None)
    assert len(got["items"]) == len(expected["items"])
    for want, have in zip(expected["items"], got["items"]):
        for key in ("request", "drug", "decision", "conclusion", "pages"):
            assert have[key] == want[key], (have["index"], key)
        if want["drug"] is not None:
            assert have["strength"] == str(want["strength"]) and have["quantity"] == want["quantity"], have["index"]


@pytest.mark.parametrize("name", NAMES)
def test_every_citation_has_its_guideline_and_edition(name, results):
    """Per citation: guideline, edition, how the edition was decided, pages (a rationale's reference to a
    regulation subsection, which names no page, is not a page citation and is left out)."""
    expected, letter = EXPECTED[name], letter_dict(results[name].letter)
    for want, have in zip(expected["items"], letter["items"]):
        pages_cited = [c for c in want["citations"] if c["kind"] != "rationale" or c["pages"]]
        assert _citations(have["citations"]) == _citations(pages_cited), have["index"]


@pytest.mark.parametrize("name", NAMES)
def test_findings(name, results):
    """Exactly the findings expected.yaml lists at warning or error; info only where it is listed or arguable."""
    assert_findings_as_expected(results[name], EXPECTED[name])


def test_one_finding_per_citation(results):
    """"pp. 63-66" in a rationale is one finding with all four pages, not four findings."""
    findings = results["own_2014_f1_cyclobenzaprine_pp63_66.txt"].findings
    (finding,) = [f for f in findings if f.category == "citation-consistency"]
    assert "63-66" in finding.message


def test_the_planted_defects_are_caught_by_the_right_rules(results):
    rules = {name: {f.rule for f in results[name].findings} for name in NAMES if name.startswith("planted_")}
    assert "cited-page-off-topic" in rules["planted_wrong_page_p24_soma.txt"]
    assert "guideline-misquoted" in rules["planted_misquote_soma_6_weeks.txt"]
    assert "carisoprodol-long-term-approved" in rules["planted_criteria_soma_overturned_2014.txt"]
    assert "cited-page-beyond-guideline" in rules["planted_impossible_page_212.txt"]


def test_the_letters_span_every_era_and_guideline_family():
    eras = {entry["era"] for entry in EXPECTED.values()}
    assert eras == {"2013", "2014-2015", "2016-2019", "2019+"}
    cited = {
        (c["guideline"], c["edition"])
        for entry in EXPECTED.values()
        for item in entry["items"]
        for c in item["citations"]
    }
    families = {g.family for g in guidelines().by_id.values()}
    assert {family for family, _ in cited} == families
    assert {("cpmtg", "2009"), ("cpmtg", "2016"), ("opioids-tg", "2016"), ("acoem", "2004"), ("acoem", "2011"),
            ("acoem", "2017")} <= cited


@pytest.mark.parametrize(
    "name,rule",
    [
        ("fa_naproxen_antiinflammatory_p22.txt", "cited-page-off-topic"),
        ("fa_weaning_p124_soma_clonazepam.txt", "cited-page-off-topic"),
        ("fa_voltaren_gel_topical_p111.txt", "cited-page-off-topic"),
        ("fa_baclofen_spasticity_sci.txt", "muscle-relaxant-long-term-approved"),
        ("fa_opioid_intolerable_adverse_effects.txt", "opioid-upheld-with-criteria-documented"),
        ("fa_opioid_nonadherence_uds.txt", "opioid-upheld-with-criteria-documented"),
        ("fa_opioid_taper_planned.txt", "opioid-upheld-with-criteria-documented"),
        ("fa_opioid_uds_methamphetamine.txt", "opioid-upheld-with-criteria-documented"),
        ("era2017_f1_oxycodone_2016mtus_p29.txt", "cited-page-off-topic"),
        ("era2021_f1_oxycodone_acupuncture_formulary.txt", "guideline-misquoted"),
        ("era2013_f4_lumbar_mri_pt_acoem.txt", "cited-page-beyond-guideline"),
    ],
)
def test_a_known_false_alarm_is_gone(name, rule, results):
    """Each false alarm of the editions issue, pinned by its letter: the rule that raised it stays silent."""
    assert rule not in {f.rule for f in results[name].findings}


@pytest.mark.parametrize("name", ["f4_physical_therapy_overturned_acoem.txt", "f4_soma_upheld_since_10_2012.txt"])
def test_acoem_chapter_pages_are_not_cpmtg_pages(name):
    """ACOEM 2nd Edition pages ("Chapter 12, Low Back Complaints, page 308") were reported beyond the CPMTG's 127."""
    result = read_letter(InputRef(str(EDITIONS.parent / "format4" / name)), load_ruleset(default_guideline())).result
    assert [f for f in result.findings if f.category == "citation-topic"] == []
    assert any(c.guideline == "acoem" and c.pages and min(c.pages) > 127 for i in result.letter.items for c in i.citations)


def test_parse_shows_each_citations_guideline_edition_and_how_it_was_decided():
    from tests.conftest import run_cli

    path = str(EDITIONS / "era2017_f1_oxycodone_2016mtus_p29.txt")
    text = run_cli(["parse", path]).stdout
    assert "edition in force: 2016" in text
    assert "rationale: opioids-tg (edition 2016, named by the citation); pages 29" in text
    import json

    letter = json.loads(run_cli(["parse", "--format", "json", path]).stdout)["files"][0]["letter"]
    assert letter["edition_in_force"] == "2016" and letter["dates"]["ur_decision"] == "2017-03-09"
    (item,) = letter["items"]
    assert item["pages"] == {"admin": [], "reviewer": [], "rationale": [29]}  # the contract's key keeps its meaning
    assert [(c["kind"], c["guideline"], c["edition"], c["decided_by"], c["pages"]) for c in item["citations"]] == [
        ("admin", "opioids-tg", "2016", "citation", []),
        ("reviewer", "opioids-tg", "2016", "citation", []),
        ("rationale", "opioids-tg", "2016", "citation", [29]),
    ]
