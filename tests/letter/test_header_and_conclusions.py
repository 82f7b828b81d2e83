"""What the letter states: dates, the patient and the reviewer (checker/letter/header.py), decisions and conclusions (checker/letter/conclusions.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from checker.text.dates import parse_date
from checker.model import NECESSARY, NOT_NECESSARY, OVERTURNED, UPHELD
from checker.letter.conclusions import decision_word, necessity_polarity
from tests import messify
from tests.conftest import FIXTURES, LETTERS, SEEDS, read_path, read_text

HOW = ("MAXIMUS Federal Services sent the complete case file to an expert reviewer. He/she has no affiliation with "
       "the employer, employee, providers or the claims administrator. The expert reviewer is Board Certified in "
       "Family Medicine and is licensed to practice in California.")


def format1(summary: str = "The injured worker is a 45-year-old male who sustained an industrial injury on 6/9/2005.",
            rationale: str = "Guidelines do not support long-term use. The request is not medically necessary.",
            how: str = HOW, header: str = "", item: str = "Soma 350 mg #60: Upheld") -> str:
    return (
        f"{header}HOW THE IMR FINAL DETERMINATION WAS MADE\n{how}\n\n"
        f"CLINICAL CASE SUMMARY\nThe expert reviewer developed the following clinical case summary based on a review "
        f"of the case file, including all medical records:\n{summary}\n\n"
        "IMR ISSUES, DECISIONS AND RATIONALES\n"
        "The Final Determination was based on decisions for the disputed items/services set forth below:\n\n"
        f"{item}\n"
        "Claims Administrator guideline: Decision based on MTUS Chronic Pain Treatment Guidelines Carisoprodol (Soma), "
        "page 29.\n"
        "MAXIMUS guideline: Decision based on MTUS Chronic Pain Treatment Guidelines Carisoprodol (Soma), page 29.\n"
        f"Decision rationale: {rationale}\n"
    )


def read(text: str, tmp_path, name: str = "letter.txt"):
    result = read_text(text, tmp_path, name)
    assert result.error is None, result.error
    return result.letter


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "text,date",
    [
        ("6/9/2005", dt.date(2005, 6, 9)),
        ("4/10/02", dt.date(2002, 4, 10)),
        ("10/10/98", dt.date(1998, 10, 10)),
        ("1/1/00", dt.date(2000, 1, 1)),
        ("08-02-2013", dt.date(2013, 8, 2)),
        ("07-27-15", dt.date(2015, 7, 27)),
        ("October 10, 2007", dt.date(2007, 10, 10)),
        ("Aug. 13, 2009", dt.date(2009, 8, 13)),
        ("Aug 13 2009", dt.date(2009, 8, 13)),
        ("August 13th, 2009", dt.date(2009, 8, 13)),
        ("Sept. 3, 2015", dt.date(2015, 9, 3)),
        ("MAY 5, 2010", dt.date(2010, 5, 5)),
        ("February 29, 2016", dt.date(2016, 2, 29)),
        ("  6/9/2005 ", dt.date(2005, 6, 9)),
    ],
)
def test_parse_date(text, date):
    assert parse_date(text) == date


@pytest.mark.parametrize(
    "text",
    ["13/45/2001", "2/30/2015", "February 29, 2015", "June 31, 2010", "0/0/2000", "Foo 10, 2007", "2005",
     "6/9", "", "yesterday", "6/9/2005 and 7/1/2006"],
)
def test_invalid_dates_are_none(text):
    assert parse_date(text) is None


# --------------------------------------------------------------------------- necessity and decisions


@pytest.mark.parametrize(
    "sentence,polarity",
    [
        ("The request is not medically necessary.", NOT_NECESSARY),
        ("Therefore, the request IS NOT medically necessary.", NOT_NECESSARY),
        ("The request is medically necessary and appropriate.", NECESSARY),
        ("Therefore, the request for Soma 350mg #120 is not medically necessary and appropriate.", NOT_NECESSARY),
        ("Therefore, medical necessity has not been established.", NOT_NECESSARY),
        ("Medical necessity for the requested item has not been established.", NOT_NECESSARY),
        ("Medical necessity has been established.", NECESSARY),
        ("The request cannot be considered medically necessary.", NOT_NECESSARY),
        ("It isn't medically necessary.", NOT_NECESSARY),
        ("The requested Alprazolam 0.5 mg #60 is not medically necessary.", NOT_NECESSARY),
        ("The request for Norco 10/325 mg #120 is medically necessary.", NECESSARY),
        ("The patient has pain.", None),
        ("", None),
        # A question leaves its own clause unsettled, not the sentence's other clauses.
        ("An evaluation to determine whether she is a candidate is warranted, and the request for a functional "
         "restoration program evaluation is medically necessary.", NECESSARY),
        ("To determine whether the patient would benefit, a two-week trial is medically necessary.", NECESSARY),
        ("It is not clear, based on the records provided, whether the request is medically necessary.", None),
        ("Whether the injections are medically necessary cannot be determined from these records.", None),
        # A condition still reaches its whole part of the sentence.
        ("If the patient had documented improvement, and the dose were lower, the request would be medically "
         "necessary.", None),
    ],
)
def test_necessity_polarity(sentence, polarity):
    assert necessity_polarity(sentence) == polarity


@pytest.mark.parametrize(
    "text,decision",
    [("Upheld", UPHELD), ("Overturned", OVERTURNED), ("UPHOLD", UPHELD), ("OVERTURN", OVERTURNED),
     ("The request is not medically necessary", UPHELD), ("The request is medically necessary", OVERTURNED),
     ("non-certified", UPHELD), ("certified", OVERTURNED), ("PARTIAL OVERTURN", None), ("pending", None)],
)
def test_decision_word(text, decision):
    assert decision_word(text) == decision


@pytest.mark.parametrize(
    "rationale,polarity,text",
    [
        ("Guidelines do not support long-term use. The request is not medically necessary.", NOT_NECESSARY,
         "The request is not medically necessary."),
        ("Soma is not recommended. Therefore, the request IS NOT medically necessary.", NOT_NECESSARY,
         "Therefore, the request IS NOT medically necessary."),
        ("Function improved on Norco. The request is medically necessary and appropriate.", NECESSARY,
         "The request is medically necessary and appropriate."),
        ("No spasm is documented. Therefore, medical necessity has not been established.", NOT_NECESSARY,
         "Therefore, medical necessity has not been established."),
        ("The request is medically necessary. Page 3 of the report was reviewed.", NECESSARY,
         "The request is medically necessary."),
    ],
)
def test_conclusion_of_a_rationale(tmp_path, rationale, polarity, text):
    letter = read(format1(rationale=rationale), tmp_path)
    conclusion = letter.items[0].conclusion
    assert conclusion is not None
    assert conclusion.polarity == polarity
    assert conclusion.text == text
    span = conclusion.span
    line = (tmp_path / "letter.txt").read_text().split("\n")[span.line - 1]
    assert line[span.column - 1 : span.end_column - 1] == text


def test_conclusion_skips_a_quoted_criterion(tmp_path):
    rationale = ("MTUS identifies documentation of moderate to severe pain, as criteria necessary to support the "
                 "medical necessity of Oxycodone. There is no documentation of functional benefit.")
    letter = read(format1(rationale=rationale), tmp_path)
    assert letter.items[0].conclusion is None


def test_no_conclusion_when_the_rationale_never_rules(tmp_path):
    letter = read(format1(rationale="Soma is a muscle relaxant. It has been used for years."), tmp_path)
    assert letter.items[0].conclusion is None


def test_conclusion_is_the_last_ruling_sentence(tmp_path):
    rationale = ("A prior reviewer found the request medically necessary. Since then, no improvement was documented. "
                 "The request is not medically necessary.")
    letter = read(format1(rationale=rationale), tmp_path)
    assert letter.items[0].conclusion.polarity == NOT_NECESSARY


# --------------------------------------------------------------------------- patient


@pytest.mark.parametrize(
    "summary,age,sex,injury",
    [
        ("The injured worker is a 45-year-old male who sustained an industrial injury on 6/9/2005.",
         45, "male", dt.date(2005, 6, 9)),
        ("According to the records made available for review, this is a 38 year old female with a 4/10/02 date of "
         "injury.", 38, "female", dt.date(2002, 4, 10)),
        ("The patient is a 62-year-old man who was injured on 08-02-2013.", 62, "male", dt.date(2013, 8, 2)),
        ("The patient is a 53-year-old female who has submitted a claim for cervical radiculopathy associated with an "
         "industrial injury date of October 10, 2007.", 53, "female", dt.date(2007, 10, 10)),
        ("This 70 year old woman was injured at work on Aug. 13, 2009.", 70, "female", dt.date(2009, 8, 13)),
        ("The applicant is a 44 y/o male with a date of injury of 3/14/2011.", 44, "male", dt.date(2011, 3, 14)),
        ("The injured worker is a 51 year-old right-handed female, DOI 1/5/2012.", 51, "female", dt.date(2012, 1, 5)),
        ("The claimant is a 40-year-old gentleman who reported an injury on 01/22/2010 while lifting.",
         40, "male", dt.date(2010, 1, 22)),
        ("The injured worker (IW) is a 45-year-old Hispanic male with a date of injury of 04/10/2002.",
         45, "male", dt.date(2002, 4, 10)),
        ("The patient is a 29-year-old who was injured on 5/5/2010.", 29, None, dt.date(2010, 5, 5)),
        ("The patient has chronic low back pain.", None, None, None),
    ],
)
def test_patient_from_summary(tmp_path, summary, age, sex, injury):
    letter = read(format1(summary=summary), tmp_path)
    patient = letter.patient
    assert (patient.age, patient.sex, patient.injury_date) == (age, sex, injury)
    lines = (tmp_path / "letter.txt").read_text().split("\n")
    if age is not None:
        span = patient.age_span
        assert lines[span.line - 1][span.column - 1 :].startswith(str(age))
    if injury is not None:
        span = patient.injury_date_span
        written = lines[span.line - 1][span.column - 1 : span.end_column - 1]
        assert parse_date(written) == injury


def test_header_date_of_injury_wins_over_the_summary(tmp_path):
    header = "Case Number: CM15-0012345    Date of Injury: 03/14/2011\nDecision Date: 05/01/2015\n\n"
    letter = read(format1(header=header), tmp_path)
    assert letter.patient.injury_date == dt.date(2011, 3, 14)
    assert letter.patient.injury_date_span.line == 1
    assert letter.header_value("Case Number").value == "CM15-0012345"
    assert letter.header_value("Date of Injury").value == "03/14/2011"
    assert letter.header_value("Decision Date").value == "05/01/2015"


def test_age_needs_years_old(tmp_path):
    summary = ("She was seen by 2 female physicians in 2014. The patient is a 45-year-old female with an injury date "
               "of 6/9/2005.")
    assert read(format1(summary=summary), tmp_path).patient.age == 45


def test_patient_facts_survive_pdf_extraction_mess(tmp_path):
    clean = format1(summary="According to the records made available for review, this is a 38 year old female with "
                            "a 4/10/02 date of injury. She has chronic neck pain and has been treated with Soma.")
    messy = messify.pdf_like(clean, seed=3)
    for name, text in (("clean.txt", clean), ("messy.txt", messy)):
        patient = read(text, tmp_path, name).patient
        assert (patient.age, patient.sex, patient.injury_date) == (38, "female", dt.date(2002, 4, 10)), name


# --------------------------------------------------------------------------- reviewer


def test_reviewer_from_credential_fields(tmp_path):
    how = ("MAXIMUS Federal Services sent the complete case file to an expert reviewer.\n"
           "The Expert Reviewer has the following credentials:\n"
           "State(s) of Licensure: North Carolina\n"
           "Certification(s)/Specialty: Physical Medicine & Rehabilitation")
    letter = read(format1(how=how), tmp_path)
    assert letter.reviewer.specialty == "Physical Medicine & Rehabilitation"
    assert letter.reviewer.licensure == "North Carolina"
    line = (tmp_path / "letter.txt").read_text().split("\n")[letter.reviewer.span.line - 1]
    assert line.startswith("State(s) of Licensure")


def test_the_reviewer_and_injury_header_labels_are_language_data():
    """The header fields read for the reviewer and the date of injury are named in the YAML, in the order tried."""
    from checker.text import language

    assert language.phrases("people.reviewer.header_fields.licensure") == ("State(s) of Licensure", "State of Licensure")
    assert language.phrases("people.reviewer.header_fields.specialty") == ("Certification(s)/Specialty", "Specialty")
    assert language.phrases("dates.header_dates.injury") == ("Date of Injury", "DOI")


_CREDENTIALS = "MAXIMUS Federal Services sent the complete case file to an expert reviewer.\nThe Expert Reviewer has the following credentials:\n"


@pytest.mark.parametrize(
    "fields,specialty,licensure,line",
    [
        # The shorter labels of other letters.
        ("State of Licensure: Oregon\nSpecialty: Neurology", "Neurology", "Oregon", "State of Licensure"),
        # Capitals, and the fields in the other order; the value's period is dropped.
        ("CERTIFICATION(S)/SPECIALTY: Orthopaedic Surgery.\nSTATE(S) OF LICENSURE: Texas.", "Orthopaedic Surgery",
         "Texas", "STATE(S) OF LICENSURE"),
        # Both labels: the first of the list wins wherever it stands.
        ("State of Licensure: Oregon\nState(s) of Licensure: Nevada, Utah\nSpecialty: Neurology\n"
         "Certification(s)/Specialty: Internal Medicine", "Internal Medicine", "Nevada, Utah", "State(s) of Licensure"),
        # No licence field: the specialty field, and the licence from nothing.
        ("Specialty: Psychiatry", "Psychiatry", None, "Specialty"),
    ],
)
def test_reviewer_from_other_credential_fields(tmp_path, fields, specialty, licensure, line):
    letter = read(format1(how=_CREDENTIALS + fields), tmp_path)
    assert (letter.reviewer.specialty, letter.reviewer.licensure) == (specialty, licensure)
    lines = (tmp_path / "letter.txt").read_text().split("\n")
    assert lines[letter.reviewer.span.line - 1].startswith(line)


def test_reviewer_credential_fields_survive_pdf_extraction(tmp_path):
    text = messify.pdf_like(format1(how=_CREDENTIALS + "State of Licensure: Oregon\nSpecialty: Neurology"), seed=5)
    letter = read(text, tmp_path)
    assert (letter.reviewer.specialty, letter.reviewer.licensure) == ("Neurology", "Oregon")


def test_a_specialty_label_added_to_the_yaml_is_read(tmp_path):
    """A label the grammars read ("Certification:") that a rule author adds to the specialty fields is read."""
    from tests.language_support import edited_language

    text = format1(how=_CREDENTIALS + "Certification: Anesthesiology")
    assert read(text, tmp_path).reviewer.specialty is None
    with edited_language("people", lambda data: data["reviewer"]["header_fields"]["specialty"].append("Certification")):
        assert read(text, tmp_path).reviewer.specialty == "Anesthesiology"


@pytest.mark.parametrize(
    "header,injury,written",
    [
        ("Case Number: CM15-0012345    DOI: 03/14/2011\n\n", dt.date(2011, 3, 14), "DOI: 03/14/2011"),
        ("IMR Case No.: CM15-0012345\nDATE OF INJURY: 7/1/2012\n\n", dt.date(2012, 7, 1), "DATE OF INJURY: 7/1/2012"),
        # "Date of Injury" comes first in the list, wherever it stands.
        ("DOI: 03/14/2011\nDate of Injury: 7/1/2012\n\n", dt.date(2012, 7, 1), "Date of Injury: 7/1/2012"),
        # The first field the header has decides: with no date in it, the summary's date counts.
        ("Date of Injury: [Redacted]\nDOI: 03/14/2011\n\n", dt.date(2005, 6, 9), "6/9/2005"),
    ],
)
def test_header_date_of_injury_in_other_wording(tmp_path, header, injury, written):
    letter = read(format1(header=header), tmp_path)
    assert letter.patient.injury_date == injury
    span = letter.patient.injury_date_span
    line = (tmp_path / "letter.txt").read_text().split("\n")[span.line - 1]
    assert line[span.column - 1 :].startswith(written)


@pytest.mark.parametrize(
    "sentence,specialty,licensure",
    [
        ("The expert reviewer is Board Certified in Anesthesiology, has a subspecialty in Pain Management and is "
         "licensed to practice in California.", "Anesthesiology (Pain Management)", "California"),
        ("The expert reviewer is Board Certified in Occupational Medicine and is licensed to practice in California.",
         "Occupational Medicine", "California"),
        ("The Physician Reviewer is Board Certified in Physical Medicine and Rehabilitation and is licensed to "
         "practice in Maryland.", "Physical Medicine and Rehabilitation", "Maryland"),
        ("The expert reviewer is Board Certified in Psychiatry and is licensed to practice in New York.",
         "Psychiatry", "New York"),
    ],
)
def test_reviewer_from_prose(tmp_path, sentence, specialty, licensure):
    how = f"MAXIMUS Federal Services sent the complete case file to an expert reviewer. {sentence} He/she has been in practice."
    letter = read(format1(how=how), tmp_path)
    assert letter.reviewer.specialty == specialty
    assert letter.reviewer.licensure == licensure


def test_the_reviewer_qualification_words_are_language_data():
    """The phrasings of a reviewer's certification and licence live in people.yaml (reviewer)."""
    from checker.text import language

    assert language.phrases("people.reviewer.board_certified") == ("board certified",)
    assert "sub-specialty certification" in language.phrases("people.reviewer.subspecialty")
    assert "licensed to practice in the state of" in language.phrases("people.reviewer.licensed")
    assert set(language.phrases("people.reviewer.holding")) == {"has", "with", "holds"}


def test_a_new_licence_phrasing_in_the_yaml_is_read():
    """A phrasing a rule author adds ("authorized to practice medicine in Oregon") is read, with no Python change."""
    import re

    from checker.letter import header
    from tests.language_support import edited_language

    sentence = "The reviewer is authorized to practice medicine in Oregon."
    assert re.search(header._licensed(), sentence) is None
    with edited_language("people", lambda data: data["reviewer"]["licensed"].append("authorized to practice medicine in")):
        assert re.search(header._licensed(), sentence).group(1) == "Oregon"


@pytest.mark.parametrize(
    "sentence,specialty,licensure",
    [
        # Hyphenated, a subspecialty "certification", and the state "of".
        ("The reviewer is Board-certified in Internal Medicine, with a sub-specialty certification in Pulmonary "
         "Disease, and is licensed to practice in the state of Texas.", "Internal Medicine (Pulmonary Disease)", "Texas"),
        # Extraction broke the line between "Board" and "Certified" (joined by a space) and dropped the comma.
        ("The physician reviewer is BOARD\nCERTIFIED IN Orthopaedic Surgery and holds a subspecialty in Sports "
         "Medicine; licensed in Nevada.", "Orthopaedic Surgery (Sports Medicine)", "Nevada"),
        ("This reviewer is board certified in Neurology and has been licensed in the state of North Carolina since 1998.",
         "Neurology", "North Carolina"),
        # A capitalised "Licensed" opening a sentence is not read (the phrasings are matched as written).
        ("The reviewer is board certified in Dermatology. Licensed in Oregon.", "Dermatology", None),
        # The subspecialty brought in without a comma, and a subspecialty "certificate" (with a comma or not).
        ("The reviewer is board certified in Neurology with a subspecialty certificate in Pain Medicine, is licensed "
         "to practice in California.", "Neurology (Pain Medicine)", "California"),
        ("The reviewer is board certified in Anesthesiology with a subspecialty in Pain Medicine and is licensed in "
         "New York.", "Anesthesiology (Pain Medicine)", "New York"),
        ("The reviewer is Board-certified in Physical Medicine and Rehabilitation, with a sub-specialty certificate "
         "in Spinal Cord Injury Medicine, and is licensed in Oregon.",
         "Physical Medicine and Rehabilitation (Spinal Cord Injury Medicine)", "Oregon"),
    ],
)
def test_reviewer_from_prose_in_other_wording(tmp_path, sentence, specialty, licensure):
    how = f"MAXIMUS Federal Services sent the complete case file to an expert reviewer. {sentence} He/she has been in practice."
    letter = read(format1(how=how), tmp_path)
    assert letter.reviewer.specialty == specialty
    assert letter.reviewer.licensure == licensure


def test_reviewer_from_format3_qualifications(tmp_path):
    text = (LETTERS / "f3_alprazolam.txt").read_text(encoding="utf-8").replace(
        "The reviewer is board certified in Psychiatry and licensed in California.",
        "The reviewer is board certified in Physical Medicine and Rehabilitation and licensed in New Mexico.",
    )
    letter = read(text, tmp_path)
    assert letter.format == 3
    assert letter.reviewer.specialty == "Physical Medicine and Rehabilitation"
    assert letter.reviewer.licensure == "New Mexico"


@pytest.mark.parametrize(
    "path,specialty,licensure",
    [
        (SEEDS / "000_a530ee4abe81adc8.txt", "Physical Medicine & Rehabilitation", "California"),
        (SEEDS / "002_79c63337c1751a54.txt", "Anesthesiology (Pain Management)", "California"),
        (SEEDS / "004_343a21e034c38e79.txt", "Family Practice", "North Carolina"),
        (LETTERS / "f3_alprazolam.txt", "Psychiatry", "California"),
    ],
    ids=lambda v: getattr(v, "name", None),
)
def test_reviewer_styles_in_fixture_letters(path, specialty, licensure):
    letter = read_path(path).letter
    assert (letter.reviewer.specialty, letter.reviewer.licensure) == (specialty, licensure)
    assert letter.reviewer.span is not None


def test_format3_decision_comes_from_the_determination_line():
    letter = read_path(LETTERS / "f3_alprazolam.txt").letter
    item = letter.items[0]
    assert item.decision == UPHELD
    assert item.conclusion.polarity == NOT_NECESSARY


def test_format3_decision_falls_back_to_the_conclusion(tmp_path):
    text = (LETTERS / "f3_alprazolam.txt").read_text(encoding="utf-8").replace("DETERMINATION: Upheld\n", "")
    item = read(text, tmp_path).items[0]
    assert item.decision == UPHELD
    assert item.decision_span == item.conclusion.span


# --------------------------------------------------------------------------- the letter's own date
@pytest.mark.parametrize(
    "path",
    [LETTERS / "f2_soma_upheld.txt", LETTERS / "f2_three_items_oxycontin_lyrica_tens.txt",
     FIXTURES / "format4" / "f4_soma_upheld_since_10_2012.txt"],
    ids=lambda p: p.stem,
)
@pytest.mark.parametrize(
    "written,date",
    [("11/14/2013", dt.date(2013, 11, 14)), ("November 4, 2013", dt.date(2013, 11, 4)),
     ("Oct. 30, 2013", dt.date(2013, 10, 30)), ("12-02-2013", dt.date(2013, 12, 2))],
)
def test_a_notice_dated_line_is_the_decision_date(path, written, date, tmp_path):
    """Format 2 and 4 notices date themselves on a "Dated:" line under their title."""
    text = path.read_text(encoding="utf-8")
    original = next(line for line in text.splitlines() if line.startswith("Dated:"))
    letter = read(text.replace(original, f"Dated:  {written}"), tmp_path)
    assert letter.dates.decision == date
    assert any(f.label == "Dated" for f in letter.header)


def test_a_dated_word_inside_prose_is_not_a_field(tmp_path):
    text = (LETTERS / "f2_soma_upheld.txt").read_text(encoding="utf-8")
    original = next(line for line in text.splitlines() if line.startswith("Dated:"))
    letter = read(text.replace(original, "The records were updated: 11/14/2013"), tmp_path)
    assert letter.dates.decision is None


@pytest.mark.parametrize(
    "summary,header,request_date,ur_date",
    [
        ("Utilization review of 3/18/2014 non-certified the request for acupuncture.", "", None, dt.date(2014, 3, 18)),
        ("Utilization Review dated 05/06/2016 modified the request.", "", None, dt.date(2016, 5, 6)),
        ("On 10/14/2016, Utilization Review non-certified Flexeril 10 mg #120.", "", None, dt.date(2016, 10, 14)),
        ("The request for authorization dated 10/05/2016 was for Flexeril 10 mg #120. UR denied it on 10/14/2016.",
         "", dt.date(2016, 10, 5), dt.date(2016, 10, 14)),
        # A header field dates the UR decision before the summary does.
        ("Utilization Review non-certified the request on 09/20/2013.", "UR Denial Date: 09/19/2013",
         None, dt.date(2013, 9, 19)),
        ("The patient was seen on 03/02/2016.", "", None, None),
        # The date of a UR clause inside the request's sentence is the UR's.
        ("The physician requested a lumbar epidural steroid injection, which utilization review non-certified on "
         "08/26/2014.", "", None, dt.date(2014, 8, 26)),
        ("The treating provider requested acupuncture x 6, and UR denied it on 2/11/2016.", "", None,
         dt.date(2016, 2, 11)),
        ("The provider requested Norco 10/325 mg #90 at the visit on 03/02/2015.", "", dt.date(2015, 3, 2), None),
    ],
)
def test_the_summary_dates_the_request_and_the_ur_decision_apart(summary, header, request_date, ur_date):
    from checker.input.source import SourceText
    from checker.pipeline import read_source
    from checker.rules.ruletests import letter_text

    spec = {"header": header, "summary": summary, "items": [
        {"request": "Soma 350 mg #60", "decision": "Upheld", "rationale": "The request is not medically necessary."}]}
    letter = read_source("letter.txt", SourceText(letter_text(spec))).result.letter
    assert (letter.dates.request, letter.dates.ur_decision) == (request_date, ur_date)


def test_a_sentence_of_verdict_words_is_no_ruling():
    """'UPHELD UPHELD ...' (thousands, from a damaged file) rules on nothing; a real sentence holds a few."""
    from checker.letter.conclusions import read_ruling
    from checker.model import NOT_NECESSARY

    assert read_ruling("UPHELD " * 40) is None
    ruling = read_ruling("The request was previously certified; however, it is not medically necessary and is not "
                         "recommended, so the non-certification is upheld.")
    assert ruling is not None and ruling.polarity == NOT_NECESSARY


_DATE_CLAUSES = [
    "At the time (03/02/2015) of the request", "request for authorization (RFA) dated 10/05/2016", "RFA on 1/2/2014",
    "On 4/4/2015, the treating physician requested", "the provider requested Norco on 03/02/2015",
    "On 10/14/2016, Utilization Review", "Utilization Review (UR) dated 05/06/2016", "UR from 7/7/2017",
    "UR denied it on 2/11/2016", "Utilisation review on 1/1/2013", "the request", "utilization", "on 3/3/2013",
    "REQUESTED", "rfa", "Caf\u00e9", "seen on 5/5/2015", "RFA.",
]


@pytest.mark.parametrize("seed", range(40))
def test_a_summary_date_is_what_every_pattern_in_order_would_find(seed):
    """Skipping the patterns whose plain words a summary lacks never changes the date it gives."""
    import random
    import re

    from checker.letter import header
    from checker.model import Section
    from checker.text import language
    from checker.text.dates import with_date

    chosen = random.Random(seed).choices(_DATE_CLAUSES, k=4)
    summary = Section("summary", "CLINICAL CASE SUMMARY", None, ". ".join(chosen) + ".")
    for key in ("dates.request_date", "dates.ur_decision_date"):
        expected = None
        for template in language.patterns(key):  # the definition: every pattern, in order, searched plainly
            pattern = re.compile(with_date(template), re.I)
            m = pattern.search(summary.text)
            if m and parse_date(m.group(1)):
                expected = parse_date(m.group(1))
                break
        assert header._summary_date(summary, key) == expected, (key, summary.text)
