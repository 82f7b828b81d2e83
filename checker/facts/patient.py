"""Facts: the injured worker as the case summary (or header) describes them.

The consistency facts hold the rest of the letter against these; rules may
also read them directly (``letter.patient.sex == "female"``).
"""

from __future__ import annotations

from checker.facts.records import Record
from checker.facts.registry import DateString, fact, record
from checker.facts.scope import LetterFacts

PATIENT = record(
    "patient",
    "the injured worker as the case summary describes them",
    spanned=False,
    age=(int | None, "age in years"),
    sex=(str | None, "`male` / `female`"),
    injury_date=(DateString | None, "date of injury"),
)


@fact("letter.patient", PATIENT, "the patient: `letter.patient.age`, `letter.patient.sex`, `letter.patient.injury_date`")
def patient(scope: LetterFacts) -> Record:
    stated = scope.letter.patient
    return {
        "age": stated.age,
        "sex": stated.sex,
        "injury_date": stated.injury_date.isoformat() if stated.injury_date else None,
    }
