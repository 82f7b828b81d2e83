"""What a rationale says is documented, not documented or merely required (checker/facts/documentation.py)."""

from __future__ import annotations

import pytest

from checker.facts.documentation import (
    DOCUMENTED,
    NOT_DOCUMENTED,
    REQUIREMENT,
    UNSETTLED,
    find_mentions,
    status_by_concept,
)
from checker.knowledge.guideline import default_concepts


def _status(text: str, concept: str) -> str:
    return status_by_concept(find_mentions(text, default_concepts()))[concept]


@pytest.mark.parametrize(
    "text,concept,status",
    [
        # A negation reaches along a list of things it denies ...
        ("There is no documentation of pain scores, functional measures or urine drug screening.",
         "urine-drug-screen", NOT_DOCUMENTED),
        ("There are no side effects, aberrant behaviors or urine drug screens on file.", "urine-drug-screen", NOT_DOCUMENTED),
        ("The records do not include a urine drug screen.", "urine-drug-screen", NOT_DOCUMENTED),
        ("No urine drug screen has been performed since 2014.", "urine-drug-screen", NOT_DOCUMENTED),
        # ... and stops where a comma opens a new clause, with or without a joining word.
        ("There are no side effects, the urine drug screen was consistent.", "urine-drug-screen", DOCUMENTED),
        ("There are no side effects, and the urine drug screen, CURES report and opioid agreement show no aberrant "
         "behavior.", "urine-drug-screen", DOCUMENTED),
        ("She reports no side effects or aberrant behaviors, with a consistent urine drug screen and CURES report.",
         "urine-drug-screen", DOCUMENTED),
        ("There is no sedation, and a urine drug screen of 5/1/2015 was negative for illicit drugs.",
         "urine-drug-screen", DOCUMENTED),
        ("Pain is 4/10 with medication; a urine drug screen of 3/2/2015 was consistent.", "urine-drug-screen", DOCUMENTED),
        # A list negation ("no reported", "no documentation of") reaches every item of its list ...
        ("There is no documentation of pain relief, functional improvement, the 4 A's, or a urine drug screen.",
         "urine-drug-screen", NOT_DOCUMENTED),
        ("There is no reported pain relief, functional gain; or urine drug screening.", "urine-drug-screen",
         NOT_DOCUMENTED),
        # ... but not a mention that opens a clause of its own, with its own verb.
        ("There are no reported side effects, the urine drug screen was appropriate, and an opioid agreement is "
         "on file.", "urine-drug-screen", DOCUMENTED),
        ("There is no documentation of pain relief; the urine drug screen of 6/2/2014 was consistent.",
         "urine-drug-screen", DOCUMENTED),
        # What the guideline asks for says nothing about the patient.
        ("MTUS page 78 requires a urine drug screen before continued opioid therapy.", "urine-drug-screen", REQUIREMENT),
        # A negation after the concept denies it only when it denies its being there (or its degree) ...
        ("Functional improvement has not been documented.", "functional-improvement", NOT_DOCUMENTED),
        ("Objective functional improvement has not yet been clearly demonstrated.", "functional-improvement",
         NOT_DOCUMENTED),
        ("A urine drug screen was never performed.", "urine-drug-screen", NOT_DOCUMENTED),
        ("Muscle spasm was not noted on examination.", "spasm", NOT_DOCUMENTED),
        ("Functional improvement was not significant.", "functional-improvement", NOT_DOCUMENTED),
        # ... otherwise it says something else of a thing that is there: neither documented nor not.
        ("The patient has not returned to work, and a urine drug screen negative for the prescribed opioid was "
         "never explained.", "urine-drug-screen", UNSETTLED),
        ("The UDS was not consistent with the prescribed medications.", "urine-drug-screen", UNSETTLED),
        ("Muscle spasm has not improved with the medication.", "spasm", UNSETTLED),
        # A goal or a wish documents nothing.
        ("He noted that she is motivated to return to work and that no surgery is planned.", "functional-improvement",
         UNSETTLED),
        ("The patient would like to return to work at modified duty.", "functional-improvement", UNSETTLED),
        ("She has returned to work at modified duty.", "functional-improvement", DOCUMENTED),
        # A verdict of its own only when nothing else is said of the concept.
        ("The UDS was not consistent. No urine drug screen has been repeated since.", "urine-drug-screen", NOT_DOCUMENTED),
    ],
)
def test_what_a_sentence_says_about_a_concept(text, concept, status):
    assert _status(text, concept) == status


def test_the_lead_in_words_are_language_data():
    from checker.text import language

    assert {"and", "with"} <= {w.lower() for w in language.phrases("sentences.clauses.new_clause_lead_ins")}
