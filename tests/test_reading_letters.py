"""Letters that pin the basic readings (tests/fixtures/reading): item for item, and only the planted findings.

Each letter pins a bullet of the issue "a new user's plain phrasing gets basic
readings wrong" (see expected.yaml for which): the reading must be exactly
the expected one, the MED of every opioid item is shown with its formula,
and a letter reports its planted defects at warning or error and nothing else
above info.
"""

from __future__ import annotations

import json

import pytest

from checker.input.discover import InputRef
from checker.knowledge.guideline import default_guideline
from checker.pipeline import read_letter
from checker.reports.json import letter_dict
from checker.rules.loader import load_ruleset
from tests import messify
from tests.conftest import FIXTURES, load_expected, read_path, read_text, run_cli
from tests.test_expected_readings import assert_reads_as_expected
from tests.test_messy_letters import _plain_quotes, _semantic

READING = FIXTURES / "reading"
EXPECTED = load_expected(READING)
NAMES = sorted(EXPECTED)


@pytest.fixture(scope="module")
def ruleset():
    return load_ruleset(default_guideline())


def _checked(name: str, ruleset):
    result = read_letter(InputRef(str(READING / name)), ruleset).result
    assert result.error is None
    return result


def _close(want, got) -> bool:
    if want is None or got is None:
        return want is got
    return abs(float(want) - float(got)) < 0.01


@pytest.mark.parametrize("name", NAMES)
def test_letter_reads_as_expected(name):
    expected = load_expected(READING)[name]
    result = read_path(READING / name)
    assert_reads_as_expected(result, expected)
    assert result.letter.format == expected["layout"]
    items = letter_dict(result.letter)["items"]
    for want, have in zip(expected["items"], items):
        for key in ("tablets_per_dose", "doses_per_day", "med"):
            if key in want:
                assert _close(want[key], have[key]), f"item {have['index']} {key}: {have[key]} ({have['med_formula']})"


@pytest.mark.parametrize("name", NAMES)
def test_only_the_planted_findings_are_reported(name, ruleset):
    """Planted defects at warning or error, by category and item; nothing else above info."""
    result = _checked(name, ruleset)
    loud = sorted({(f.category, f.item) for f in result.findings if f.severity.value in ("error", "warning")})
    planted = sorted({(f["category"], f["item"]) for f in EXPECTED[name]["findings"]})
    assert loud == planted, [(f.rule, f.severity.value, f.item, f.message) for f in result.findings]


@pytest.mark.parametrize("name", [n for n in NAMES if "_damaged" in n])
def test_the_damaged_copy_reads_like_the_clean_letter(name):
    want = _semantic(read_path(READING / name.replace("_damaged", "_clean")).letter)
    got = _semantic(read_path(READING / name).letter)
    for reading in (want, got):
        reading.pop("header")
        for item in reading["items"]:
            item.pop("conclusion_text")
    assert got == want


@pytest.mark.parametrize("index,name", list(enumerate(n for n in NAMES if "_damaged" not in n)))
def test_messy_versions_read_like_the_clean_letter(index, name, tmp_path):
    clean = (READING / name).read_text(encoding="utf-8")
    want = _plain_quotes(_semantic(read_text(clean, tmp_path, "clean.txt").letter))
    style = messify.FURNITURE_STYLES[index % len(messify.FURNITURE_STYLES)]
    messy = messify.pdf_like(clean, style=style, page_lines=30 + index % 7)
    assert _plain_quotes(_semantic(read_text(messy, tmp_path, "messy.txt").letter)) == want


# --------------------------------------------------------------------------- the bullets, one by one
def _item(name: str, index: int):
    return read_path(READING / name).letter.items[index - 1]


def _rules(name: str, ruleset, item: int | None = None) -> set[str]:
    return {f.rule for f in _checked(name, ruleset).findings if item is None or f.item == item}


def test_unable_to_recommend_as_medically_necessary_is_a_denial(ruleset):
    assert _item("p1_soma_unable_to_recommend.txt", 1).conclusion.polarity == "not-medically-necessary"
    assert not _rules("p1_soma_unable_to_recommend.txt", ruleset) & {"decision-contradicts-conclusion",
                                                                      "rationale-without-conclusion"}
    assert _item("r4_norco_prn_maximum_flexeril_since_injury.txt", 2).conclusion.polarity == "not-medically-necessary"


@pytest.mark.parametrize(
    "name",
    ["p2_flexeril_upheld_but_appropriate_and_necessary.txt", "p1_lidoderm_upheld_but_recommended_for_certification.txt",
     "p3_xanax_upheld_but_warranted.txt"],
)
def test_a_contradiction_in_other_words_is_an_error(name, ruleset):
    found = [f for f in _checked(name, ruleset).findings if f.rule == "decision-contradicts-conclusion"]
    assert [(f.item, f.severity.value) for f in found] == [(1, "error")]


def test_a_conditional_conclusion_is_no_contradiction(ruleset):
    rules = _rules("r3_norco_conditional_conclusion.txt", ruleset)
    assert "decision-contradicts-conclusion" not in rules and "rationale-without-conclusion" in rules


@pytest.mark.parametrize(
    "name,index,quantity,tablets",
    [("p4_oxycodone_two_tabs_q6h.txt", 1, 240, 2), ("r1_oxycodone_sig_tylenol_codeine.txt", 1, 240, 2),
     ("p1_tramadol_norco_two_tabs_mrs.txt", 2, 240, 2), ("p3_tylenol_codeine_ms_for_male.txt", 1, 60, 1),
     ("r1_oxycodone_sig_tylenol_codeine.txt", 2, 60, None)],
)
def test_the_quantity_is_never_the_tablets_of_a_dose_or_a_product_number(name, index, quantity, tablets, ruleset):
    request = _item(name, index).request
    assert (request.quantity, request.tablets_per_dose) == (quantity, tablets)
    assert "quantity-differs-within-letter" not in _rules(name, ruleset)


@pytest.mark.parametrize(
    "name,index,med",
    [("p1_tramadol_norco_two_tabs_mrs.txt", 1, 15),  # three times daily: 3 doses, not 1
     ("p1_tramadol_norco_two_tabs_mrs.txt", 2, 80),  # two tabs q6h
     ("p4_apap_codeine_soma_x6_months.txt", 1, 13.5),  # APAP/Codeine 300/30: the codeine's 30
     ("p2_fentanyl_hydrocodone_her_husband.txt", 2, 40),  # Acetaminophen/hydrocodone 325/10: the 10
     ("p2_fentanyl_hydrocodone_her_husband.txt", 1, 180),  # a patch needs no frequency
     ("p3_tylenol_codeine_ms_for_male.txt", 1, 18),  # "#3": 30 mg codeine
     ("r4_norco_prn_maximum_flexeril_since_injury.txt", 1, 60)],  # PRN capped by its stated maximum
)
def test_the_med(name, index, med):
    assert _close(med, _item(name, index).request.med)


@pytest.mark.parametrize(
    "name,index,rule",
    [("p1_soma_overturned_since_10_2014.txt", 1, "carisoprodol-long-term-approved"),  # since at least 10/2014
     ("p3_soma_overturned_over_a_year_mr.txt", 1, "carisoprodol-long-term-approved"),  # for over a year
     ("p4_apap_codeine_soma_x6_months.txt", 2, "carisoprodol-long-term-approved"),  # x 6 months
     ("p2_soma_overturned_since_2012_gentleman.txt", 1, "carisoprodol-long-term-approved"),  # since 2012
     ("r5_alprazolam_certified_since_injury.txt", 1, "benzodiazepine-long-term-approved")],  # since the injury
)
def test_long_term_use_stated_in_plain_words_is_an_error(name, index, rule, ruleset):
    found = [f for f in _checked(name, ruleset).findings if f.rule == rule]
    assert [(f.item, f.severity.value) for f in found] == [(index, "error")]


@pytest.mark.parametrize(
    "layout,supply,severity",
    [(3, "30 day supply", "info"), (1, "31 Day", "info"), (3, "60 day supply", "error"), (2, "45 Day", "error")],
)
def test_a_months_supply_of_a_benzodiazepine_is_about_the_four_weeks(tmp_path, ruleset, layout, supply, severity):
    """MTUS p. 24 limits benzodiazepines to 4 weeks; an approved one-month fill is info, a longer supply an error."""
    from checker.rules.ruletests import letter_text

    spec = {"layout": layout, "items": [{
        "request": f"Clonazepam 0.5 mg #60, {supply}", "decision": "Overturned",
        "reviewer": "MTUS Chronic Pain Medical Treatment Guidelines (2009), Benzodiazepines, page 24.",
        "rationale": "The patient has panic attacks and a short course is appropriate. The request for clonazepam "
                     "0.5 mg #60 is medically necessary.",
    }]}
    path = tmp_path / "supply.txt"
    path.write_text(letter_text(spec), encoding="utf-8")
    found = [f for f in read_letter(InputRef(str(path)), ruleset).result.findings
             if f.rule == "benzodiazepine-long-term-approved"]
    assert [f.severity.value for f in found] == [severity]


@pytest.mark.parametrize(
    "name,words",
    [("p3_soma_overturned_over_a_year_mr.txt", "Mr. Ferreira"), ("p3_tylenol_codeine_ms_for_male.txt", "Ms. Halvorsen"),
     ("p2_soma_overturned_since_2012_gentleman.txt", "this gentleman")],
)
def test_a_title_or_noun_for_the_other_sex_is_reported(name, words, ruleset):
    found = [f for f in _checked(name, ruleset).findings if f.rule == "patient-age-or-sex-differs"]
    assert len(found) == 1 and words in found[0].message


@pytest.mark.parametrize(
    "name,sex,age",
    [("p1_soma_unable_to_recommend.txt", "male", 45),  # 45 yo M
     ("p2_fentanyl_hydrocodone_her_husband.txt", "female", 52),  # female, age 52
     ("p1_tramadol_norco_two_tabs_mrs.txt", "female", 61)],  # Mrs. Nakamura
)
def test_age_and_sex_in_plain_words(name, sex, age):
    patient = read_path(READING / name).letter.patient
    assert (patient.sex, patient.age) == (sex, age)


@pytest.mark.parametrize("name", ["r6_f1_summary_without_decisions.txt", "r7_f3_without_issue.txt"])
def test_a_recognised_letter_without_items_is_never_silent(name, ruleset):
    found = [f for f in _checked(name, ruleset).findings if f.rule == "parse-no-items"]
    assert [f.severity.value for f in found] == ["warning"]


def test_parse_shows_the_med_and_its_formula_for_every_opioid_item(tmp_path):
    paths = [str(READING / name) for name in NAMES]
    text = run_cli(["parse", *paths], cwd=tmp_path, env={"COLUMNS": "200"}).stdout
    data = json.loads(run_cli(["parse", "--format", "json", *paths], cwd=tmp_path).stdout)
    opioids = [item for file in data["files"] for item in file["letter"]["items"] if item["med_formula"]]
    assert len(opioids) >= 10
    for item in opioids:
        shown = item["med_formula"] if item["med"] is None else f"MED {item['med']:g} = {item['med_formula'].rpartition(' = ')[0]}"
        assert shown in text, item["request"]
    assert {item["drug"] for item in opioids} >= {"oxycodone", "fentanyl", "codeine/acetaminophen", "tramadol"}
