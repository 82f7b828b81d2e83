"""How long the letter says a drug has been used (checker/facts/durations.py).

Periods need no date; a date counts to the request's date as the letter
states it, and from the last day of a month or year written alone (the
shortest use it can mean); with no request or UR date the letter leaves the
duration unknown.
"""

from __future__ import annotations

import datetime as dt

import pytest

from checker.facts.durations import durations
from checker.input.source import SourceText
from checker.pipeline import read_source
from checker.rules.ruletests import letter_text

REQUEST = dt.date(2015, 2, 9)
INJURY = dt.date(2013, 6, 30)


@pytest.mark.parametrize(
    "sentence,days",
    [
        ("Soma 350 mg three times a day has been prescribed since at least 10/2014.", 101),  # from 10/31/2014
        ("The patient has been taking Soma since 11/2014.", 71),
        ("She has been taking Soma four times a day since 2012.", 770),  # from 12/31/2012
        ("Soma was first prescribed in 11/2014.", 71),
        ("Soma was started in 05/2014.", 254),
        ("She has been taking Soma for over a year.", 365),
        ("He has also been on Soma 350 mg twice a day x 6 months.", 180),
        ("He has been on Soma x6 weeks.", 42),
        ("Soma has been used for 2-3 months.", 60),  # the shorter end
        ("Soma has been used for two to three weeks.", 14),
        ("She has taken Soma since the injury.", 589),
        ("She took Soma from 10/2014 to 01/2015.", 92),  # 10/31/2014 to 1/31/2015
        ("She has taken Soma from 2013 through the present.", 405),
        ("Soma intake was noted since February, 2014.", 346),  # from 2/28/2014
        ("She has used Soma for at least 3 months.", 90),
    ],
)
def test_a_stated_duration(sentence, days):
    found = durations(sentence, ["soma"], REQUEST, INJURY)
    assert max(d.days for d in found) == days


@pytest.mark.parametrize(
    "sentence",
    [
        "Soma should not be used for more than 3 weeks.",  # a limit, not a history
        "PPIs are recommended for patients over 65 years of age on Soma.",  # an age
        "Naproxen has been taken since 2012.",  # another drug
        "Soma was prescribed in 2016.",  # after the request
    ],
)
def test_no_duration(sentence):
    assert durations(sentence, ["soma"], REQUEST, INJURY) == []


def _other_drugs(sentence: str) -> list[tuple[int, int]]:
    """Where the sentence names drugs other than Soma (carisoprodol), as the lexicon finds them."""
    from checker.knowledge.lexicon import default_lexicon

    return [(m.start, m.end) for m in default_lexicon().find_all(sentence) if m.drug.generic != "carisoprodol"]


@pytest.mark.parametrize(
    "sentence,days",
    [
        # A duration stated for another drug named after this one's own is that drug's ...
        ("He has taken Soma 350 mg three times a day since 2014 and Norco 10/325 mg since 2010.", 40),
        ("Norco has been prescribed since 2010, and Soma since 2014.", 40),
        ("She takes Soma for six weeks now, alongside tramadol, which she has used for over a year.", 42),
        ("Since 2014 she has taken Soma; her gabapentin dates from 2011.", 40),  # no drug named before the date
        # ... but drugs named together share one.
        ("The patient has been on Soma and Oxycodone for at least 3 months.", 90),
        ("She has taken Soma 350 mg, Norco 10/325 mg and gabapentin since 2012.", 770),
        # The same drug under two names is one drug.
        ("He has used carisoprodol (Soma) since 2014, and Soma for over a year.", 365),
    ],
)
def test_a_duration_stated_for_another_drug_is_that_drugs(sentence, days):
    found = durations(sentence, ["soma", "carisoprodol"], REQUEST, INJURY, _other_drugs)
    assert max(d.days for d in found) == days


def test_without_other_drugs_every_duration_in_the_sentence_counts():
    found = durations("He has taken Soma since 2014 and Norco since 2010.", ["soma"], REQUEST, INJURY)
    assert max(d.days for d in found) == 1501


def test_a_date_without_a_request_date_is_unknown():
    """No request or UR date in the letter: "since 10/2014" cannot be counted (a period still can)."""
    assert durations("She has taken Soma since at least 10/2014.", ["soma"], None) == []
    assert [d.days for d in durations("She has taken Soma for over a year.", ["soma"], None)] == [365]


@pytest.mark.parametrize(
    "summary,header,expected",
    [
        ("The request for authorization dated 02/09/2015 was for Soma 350 mg TID #90.", "", dt.date(2015, 2, 9)),
        ("On 05/06/2015 the physician requested Tramadol 50 mg three times daily #90.", "", dt.date(2015, 5, 6)),
        ("The physician requested Lidoderm 5% patch #30 on 04/16/2014.", "", dt.date(2014, 4, 16)),
        ("Utilization Review non-certified the request on 04/22/2015.", "", dt.date(2015, 4, 22)),
        ("UR denied both on 8/30/2013.", "", dt.date(2013, 8, 30)),
        ("The patient has pain.", "UR Denial Date: 09/19/2013", dt.date(2013, 9, 19)),
        ("The patient has pain.", "Date of UR Decision: 10/01/2013 UR Denial Date: 09/19/2013", dt.date(2013, 9, 19)),
        ("The patient was seen on 03/02/2016.", "", None),  # a date, but not the request's: unknown
    ],
)
def test_the_request_date_is_the_one_the_letter_states(summary, header, expected):
    """The case summary's request (or UR) date, else the earliest UR date of the header (letter.dates)."""
    spec = {"header": header, "summary": summary, "items": [
        {"request": "Soma 350 mg #60", "decision": "Upheld", "rationale": "The request is not medically necessary."}]}
    letter = read_source("letter.txt", SourceText(letter_text(spec))).result.letter
    assert (letter.dates.request or letter.dates.ur_decision) == expected


# --------------------------------------------------------------------------- ranges of counts
def test_the_range_words_are_language_data():
    from checker.text import language

    assert language.phrases("time.period.range") == ("to",)


@pytest.mark.parametrize(
    "sentence,days",
    [
        ("Soma has been used for TWO TO THREE months.", 60),
        # Extraction doubled the spaces (a justified line).
        ("Soma has been used for 3  to  4 weeks.", 21),
        ("He has been on Soma x 2 to 3 weeks.", 14),
        ("Soma has been used for over 2 - 3 years.", 730),
    ],
)
def test_a_range_of_counts_in_other_wording(sentence, days):
    found = durations(sentence, ["soma"], REQUEST, INJURY)
    assert [d.days for d in found] == [days]


@pytest.mark.parametrize("sentence", ["Soma has been used for 2 into 3 weeks.", "Soma has been used for two or three weeks."])
def test_other_words_between_counts_make_no_range(sentence):
    assert durations(sentence, ["soma"], REQUEST, INJURY) == []


def test_a_range_word_added_to_the_yaml_is_read():
    """A word a rule author adds ("or": "two or three weeks") parts a range, with no Python change."""
    import re

    from checker.facts import durations as module
    from tests.language_support import edited_language

    assert re.fullmatch(module._period_count(), "two or three", re.I) is None
    with edited_language("time", lambda data: data["period"]["range"].append("or")):
        assert re.fullmatch(module._period_count(), "Two OR three", re.I) is not None
        assert re.split(module._range_parts(), "two or three") == ["two", "three"]
