"""How a letter rules on medical necessity: decision words and conclusion sentences.

An item's decision is read from its heading or determination line
(``decision_word``); its rationale's conclusion is the last sentence that rules
on medical necessity (``find_conclusion``), with its polarity
(``necessity_polarity``).
"""

from __future__ import annotations

import re

from checker.model import NECESSARY, NOT_NECESSARY, OVERTURNED, UPHELD, Conclusion, Letter
from checker.text.normalise import NormalText
from checker.text.sentences import sentence_spans


def decision_word(text: str) -> str | None:
    """Read a decision from a determination sentence or word."""
    low = text.lower()
    if re.search(r"\bpartial", low):
        return None
    if re.search(r"\b(?:overturn(?:ed)?|reversed|certified|approved)\b", low) and not re.search(
        r"\bnon-?certified\b|\bnot\s+certified\b", low
    ):
        return OVERTURNED
    if re.search(r"\b(?:uph(?:e|o)ld|upheld|non-?certified|not\s+certified|denied)\b", low):
        return UPHELD
    polarity = necessity_polarity(low)
    if polarity == NECESSARY:
        return OVERTURNED
    if polarity == NOT_NECESSARY:
        return UPHELD
    return None


_NECESSITY = re.compile(r"medically\s+necessary|medical\s+necessity", re.I)
_NEGATION_BEFORE = re.compile(
    r"(?:\bnot|n't|\bnever|\bcannot|\bno\s+longer|\bneither|\bnor)\b[^.;]{0,40}$", re.I
)
_NEGATION_AFTER = re.compile(
    r"^[^.;]{0,45}\b(?:has|have|is|was|were|are)\s+not\s+(?:been\s+)?(?:established|demonstrated|supported|substantiated|met)"
    r"|^[^.;]{0,15}\b(?:not\s+(?:established|supported|demonstrated))",
    re.I,
)


def necessity_polarity(sentence: str) -> str | None:
    """NECESSARY / NOT_NECESSARY for a sentence that rules on medical necessity."""
    matches = list(_NECESSITY.finditer(sentence))
    if not matches:
        return None
    m = matches[-1]
    before = sentence[max(0, m.start() - 60) : m.start()]
    after = sentence[m.end() : m.end() + 60]
    clause_before = re.split(r"[,;:]|\b(?:therefore|thus|hence|so)\b", before)[-1]
    negated = bool(_NEGATION_BEFORE.search(clause_before) or _NEGATION_AFTER.search(after))
    return NOT_NECESSARY if negated else NECESSARY


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


def read_conclusions(letter: Letter, decide: bool = False) -> None:
    """Each item's conclusion; with ``decide``, an item with no decision of its own takes it from there.

    Some layouts (Format 3) state the determination only in the rationale's last sentence.
    """
    normal = letter.normal
    if normal is None:
        return
    for item in letter.items:
        item.conclusion = find_conclusion(item.rationale_text, item.rationale_start, normal)
        if decide and item.decision is None and item.conclusion is not None:
            item.decision = UPHELD if item.conclusion.polarity == NOT_NECESSARY else OVERTURNED
            item.decision_span = item.conclusion.span
