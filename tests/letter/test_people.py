"""The patient's sex and age as letters state them, and the words for the patient that contradict them.

"45 yo M", "female, age 52", "Mrs. Nakamura is a 61 year-old cook"; "Mr.
Ferreira" for Ms. Ferreira and "this gentleman" for a woman are
contradictions; "her husband ... he" and "his wife ... she" are other people.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.input.discover import InputRef
from checker.knowledge.guideline import default_guideline
from checker.pipeline import read_letter
from checker.rules.loader import load_ruleset
from tests.letter.test_header_and_conclusions import format1, read


@pytest.fixture(scope="module")
def ruleset():
    return load_ruleset(default_guideline())


@pytest.mark.parametrize(
    "summary,age,sex",
    [
        ("The injured worker is a 45 yo M who sustained an industrial injury on 07/19/2012.", 45, "male"),
        ("The applicant is a 38 y/o F with a date of injury of 4/10/2002.", 38, "female"),
        ("The injured worker, female, age 52, was working as a home health aide on 08/19/2005.", 52, "female"),
        ("The patient is a male aged 61 who was injured on 3/3/2010.", 61, "male"),
        ("Mrs. Nakamura is a 61 year-old school cafeteria cook who injured her low back on 10/15/2011.", 61, "female"),
        ("Mr. Halvorsen is a 64-year-old groundskeeper who injured both knees on 04/02/2009.", 64, "male"),
        ("Ms. Ferreira is a 50-year-old female assembly line worker.", 50, "female"),
        ("The injured worker is a 44-year-old woman who was robbed on 11/08/2014.", 44, "female"),
        ("The patient is a 45 yo man. MS Contin was started in 2012.", 45, "male"),  # "MS" is no title
        ("The patient is 45 years old. Dr. Smith is his physician.", 45, None),  # a doctor's title says nothing
    ],
)
def test_age_and_sex_from_the_summary(tmp_path, summary, age, sex):
    patient = read(format1(summary=summary), tmp_path).patient
    assert (patient.age, patient.sex) == (age, sex)


def _sex_findings(tmp_path, ruleset, summary, rationale):
    path = tmp_path / "letter.txt"
    path.write_text(format1(summary=summary, rationale=rationale), encoding="utf-8")
    result = read_letter(InputRef(str(path)), ruleset).result
    assert result.error is None
    return [f for f in result.findings if f.category == "fact-conflict"]


@pytest.mark.parametrize(
    "summary,rationale,words",
    [
        ("Ms. Ferreira is a 50-year-old female who injured her back on 3/11/2012.",
         "Mr. Ferreira reports relief. The request is not medically necessary.", '"Mr. Ferreira"'),
        ("Mr. Halvorsen is a 64-year-old groundskeeper injured on 4/2/2009. He works full time.",
         "Ms. Halvorsen has continued to work. The request is not medically necessary.", '"Ms. Halvorsen"'),
        ("The patient is a 46-year-old female letter carrier injured on 2/27/2011.",
         "According to the treating physician, this gentleman has had no sedation. The request is not medically "
         "necessary.", '"this gentleman"'),
        ("The patient is a 58-year-old male injured on 2/27/2011.",
         "This pleasant lady reports no benefit. The request is not medically necessary.", '"This pleasant lady"'),
    ],
)
def test_a_title_or_noun_for_the_other_sex_is_a_conflict(tmp_path, ruleset, summary, rationale, words):
    found = _sex_findings(tmp_path, ruleset, summary, rationale)
    assert [f.rule for f in found] == ["patient-age-or-sex-differs"]
    assert words in found[0].message and found[0].severity.value == "warning"


@pytest.mark.parametrize(
    "summary,rationale",
    [
        ("The injured worker is a 45 yo M injured on 7/19/2012. His wife reported that she has found him asleep.",
         "The only change is sedation, which his wife has observed. The request is not medically necessary."),
        ("The injured worker, female, age 52, was injured on 8/19/2005. Her husband reported that he now does the "
         "household chores and that he has found her asleep.",
         "Her function has declined: her husband performs the chores. The request is not medically necessary."),
        ("The injured worker is a 44-year-old woman injured on 11/8/2014. Her husband told the psychiatrist that he "
         "has had to wake her and that his own sleep is disturbed.",
         "Her husband's report suggests sedation. The request is not medically necessary."),
        ("Ms. Ferreira is a 50-year-old female injured on 3/11/2012. Her physician, Mr. Ortega, is a PA.",
         "Ms. Ferreira reports relief. The request is not medically necessary."),  # another person's title
        ("The patient is a 46-year-old female injured on 2/27/2011.",
         "She was assaulted by a man at work; the man was arrested. The request is not medically necessary."),
    ],
)
def test_other_people_are_not_the_patient(tmp_path, ruleset, summary, rationale):
    assert _sex_findings(tmp_path, ruleset, summary, rationale) == []


# The age is found by ``header.AGE_DIGITS``, which the engine can skip to digit by digit; it must
# find what the plain ``\b(\d{1,3})`` finds, in any text (other scripts' digits and letters too).
_AGE_TEXT = st.text(alphabet=st.sampled_from(list("45 1-yoMFmale,.y/o\u0663\u00e9_x\n")) | st.characters(), max_size=40)


@settings(max_examples=500, deadline=None)
@given(_AGE_TEXT)
def test_the_age_digits_match_what_a_word_boundary_matches(text):
    import re

    from checker.facts.conflicts import _SEX_WORDS
    from checker.letter.header import _AGE_ONLY, _AGE_SEX, AGE_DIGITS

    for lazy in (_AGE_SEX, _AGE_ONLY, _SEX_WORDS):
        assert lazy.pattern.startswith(AGE_DIGITS)
        plain = re.compile(r"\b(\d{1,3})" + lazy.pattern[len(AGE_DIGITS):], lazy.flags)
        # An age glued to what goes before it ("x45 yo M") or after it, and an age alone.
        for said in (text, text + "45 year old male", text + " 45 yo M.", "7" + text + "45-year-old male " + text):
            assert [(m.span(), m.groups()) for m in lazy.finditer(said)] == [
                (m.span(), m.groups()) for m in plain.finditer(said)
            ]
