"""Step 4: extract the facts later steps need from the parsed letter.

The grammar says where things are; this step reads what they say: header
fields, the patient's age, sex and date of injury as the letter states them,
the reviewer's specialty and licensure, and each rationale's conclusion on
medical necessity.  Every fact keeps its span in the original file.
"""

from __future__ import annotations

import datetime as dt
import re

from checker.model import NECESSARY, NOT_NECESSARY, OVERTURNED, UPHELD, Conclusion, Field, Letter
from checker.text.normalise import NormalText
from checker.letter.reader import necessity_polarity
from checker.text.sentences import sentence_spans

# Labels of header fields; several may share one line ("Case Number: ... Date of Injury: ...").
_FIELD_LABELS = re.compile(
    r"(?<![\w(])(Case (?:Number|No\.?)|IMR Case (?:Number|No\.?)|Date Assigned|Date of Injury|DOI|Decision Date|"
    r"Date of (?:UR )?Decision|UR Denial Date|Priority|(?:IMR )?Application Received|State\(s\) of Licensure|"
    r"States? of Licensure|Certification\(s\)/Specialty|Certifications?|Specialty|Employee|Injured Worker|"
    r"Claims? (?:Number|No\.?)|Claims Administrator|Employer|Treating (?:Provider|Physician)|"
    r"Requesting (?:Provider|Physician)|Provider)\s*:",
    re.I,
)

_MONTHS = {
    m: i
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for m in names
}
MONTH_PATTERN = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
DATE_PATTERN = (
    r"(?:\d{1,2}[/-]\d{1,2}[/-](?:\d{4}|\d{2})(?!\d)"
    rf"|{MONTH_PATTERN}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
)
_DATE = re.compile(DATE_PATTERN, re.I)

_AGE_SEX = re.compile(
    r"\b(\d{1,3})[\s-]*(?:years?|yrs?|y/o|yo)[\s-]*(?:old)?,?\s+(?:(?:white|black|hispanic|asian|right[\s-]handed|left[\s-]handed)\s+)?"
    r"(male|female|man|woman|gentleman|lady)\b",
    re.I,
)
_AGE_ONLY = re.compile(r"\b(\d{1,3})[\s-]*years?[\s-]*old\b", re.I)
INJURY_PHRASES = [
    re.compile(rf"(?:industrial\s+)?injury\s+(?:date\s+)?(?:on|of|dated)\s+({DATE_PATTERN})", re.I),
    re.compile(rf"({DATE_PATTERN})\s+(?:industrial\s+)?(?:date\s+of\s+injury|DOI)\b", re.I),
    re.compile(rf"(?:date\s+of\s+injury|DOI)\s*(?:of|on|was|is|:)?\s*({DATE_PATTERN})", re.I),
    re.compile(rf"(?:was\s+)?injured\s+(?:at\s+work\s+)?on\s+({DATE_PATTERN})", re.I),
    re.compile(rf"injur(?:ed|ing)\s+(?:his|her|their)\s+[\w\s-]{{1,40}}?\s+on\s+({DATE_PATTERN})", re.I),
]
_SPECIALTY_END = r"(?=,|\.|;|\s+and\s+(?:is\s+|are\s+)?(?:licensed|has|holds)\b)"
_BOARD_CERTIFIED = re.compile(
    rf"board[\s-]+certified\s+in\s+([A-Z][\w&/()\s-]*?){_SPECIALTY_END}"
    rf"(?:,?\s+(?:and\s+)?(?:has|with|holds)\s+(?:a\s+)?sub-?specialty\s+(?:certification\s+)?in\s+([A-Z][\w&/()\s-]*?){_SPECIALTY_END})?",
    re.I,
)
_LICENSED = re.compile(r"licensed\s+(?:to\s+practice\s+)?in\s+(?:the\s+state\s+of\s+)?([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)")


def parse_date(text: str) -> dt.date | None:
    """Read ``6/9/2005``, ``4/10/02``, ``08-02-2013`` or ``October 10, 2007``."""
    text = text.strip()
    m = re.fullmatch(r"(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})", text)
    if m:
        month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if year < 100:
            year += 2000 if year <= 40 else 1900
        return _date(year, month, day)
    m = re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", text)
    if m and m.group(1).lower() in _MONTHS:
        return _date(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))
    return None


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def extract_facts(letter: Letter) -> None:
    """Fill header fields, patient, reviewer and conclusions into ``letter``."""
    normal = letter.normal
    if normal is None:
        return
    _header_fields(letter, normal)
    _patient(letter, normal)
    _reviewer(letter, normal)
    for item in letter.items:
        item.conclusion = find_conclusion(item.rationale_text, item.rationale_start, normal)
        if letter.format == 3 and item.decision is None and item.conclusion is not None:
            # Format 3 states its determination in the rationale's last sentence.
            item.decision = UPHELD if item.conclusion.polarity == NOT_NECESSARY else OVERTURNED
            item.decision_span = item.conclusion.span


def _header_fields(letter: Letter, normal: NormalText) -> None:
    """Every ``Label: value`` field line of the letter, split when several share a line."""
    pos = 0
    text = normal.text
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        labels = list(_FIELD_LABELS.finditer(line))
        if not labels or labels[0].start() > 0 and line[: labels[0].start()].strip():
            continue
        for i, m in enumerate(labels):
            end = labels[i + 1].start() if i + 1 < len(labels) else len(line)
            value = line[m.end() : end].strip()
            label = re.sub(r"\s+", " ", m.group(1))
            letter.header.append(Field(label, value, normal.span(start + m.start(), start + m.start() + len(line[m.start():end].rstrip()))))


def _patient(letter: Letter, normal: NormalText) -> None:
    summary = letter.section("summary")
    patient = letter.patient
    if summary is not None:
        m = _AGE_SEX.search(summary.text)
        if m:
            patient.age = int(m.group(1))
            patient.sex = "male" if m.group(2).lower() in ("male", "man", "gentleman") else "female"
            start = summary.body_start + m.start()
            patient.age_span = normal.span(start, summary.body_start + m.end())
        else:
            m = _AGE_ONLY.search(summary.text)
            if m:
                patient.age = int(m.group(1))
                patient.age_span = normal.span(summary.body_start + m.start(), summary.body_start + m.end())
    field = letter.header_value("Date of Injury") or letter.header_value("DOI")
    if field is not None:
        m = _DATE.search(field.value)
        if m and parse_date(m.group()):
            patient.injury_date = parse_date(m.group())
            patient.injury_date_span = field.span
            return
    if summary is not None:
        for pattern in INJURY_PHRASES:
            m = pattern.search(summary.text)
            if m and parse_date(m.group(1)):
                patient.injury_date = parse_date(m.group(1))
                start = summary.body_start + m.start(1)
                patient.injury_date_span = normal.span(start, summary.body_start + m.end(1))
                return


def _reviewer(letter: Letter, normal: NormalText) -> None:
    reviewer = letter.reviewer
    licensure = letter.header_value("State(s) of Licensure") or letter.header_value("State of Licensure")
    specialty = letter.header_value("Certification(s)/Specialty") or letter.header_value("Specialty")
    if licensure is not None and licensure.value:
        reviewer.licensure = licensure.value.strip(" .")
        reviewer.span = licensure.span
    if specialty is not None and specialty.value:
        reviewer.specialty = specialty.value.strip(" .")
        reviewer.span = reviewer.span or specialty.span
    for kind in ("how", "qualifications"):
        section = letter.section(kind)
        if section is None:
            continue
        m = _BOARD_CERTIFIED.search(section.text)
        if m and reviewer.specialty is None:
            reviewer.specialty = m.group(1).strip()
            if m.group(2):
                reviewer.specialty += f" ({m.group(2).strip()})"
            reviewer.span = normal.span(section.body_start + m.start(), section.body_start + m.end())
        m = _LICENSED.search(section.text)
        if m and reviewer.licensure is None:
            reviewer.licensure = m.group(1)


# A conclusion without the words "medically necessary": "Therefore, the request is not certified."
_VERDICT = re.compile(
    r"\b(?:request|requested|treatment|medication|item|it)\b[^.]{0,80}?\b(?:is|are|was|were|be)\s+(?P<not>not\s+|non-?)?"
    r"(?:certified|supported|recommended|warranted|indicated|appropriate|approved|authorized|justified|reasonable)\b",
    re.I,
)


def find_conclusion(text: str, offset: int, normal: NormalText) -> Conclusion | None:
    """The last sentence of a rationale that rules on medical necessity.

    Failing that, a closing sentence that certifies or does not certify the
    request in other words ("Therefore, the request is not certified.").
    """
    sentences = sentence_spans(text)
    for start, end in reversed(sentences):
        sentence = text[start:end]
        polarity = necessity_polarity(sentence)
        if polarity is None or not _rules_on_request(sentence):
            continue
        return Conclusion(sentence, normal.span(offset + start, offset + end), polarity)
    for start, end in reversed(sentences[-2:]):
        m = _VERDICT.search(text[start:end])
        if m:
            polarity = NOT_NECESSARY if m.group("not") else NECESSARY
            return Conclusion(text[start:end], normal.span(offset + start, offset + end), polarity)
    return None


def _rules_on_request(sentence: str) -> bool:
    """Skip sentences that only quote a criterion ("...as criteria necessary to support the medical necessity of")."""
    low = sentence.lower()
    return not re.search(r"criteria\s+necessary\s+to\s+support\s+the\s+medical\s+necessity", low)

