"""How a letter rules on medical necessity: decision words and conclusion sentences.

An item's decision is read from its heading or determination line
(``decision_word``); its rationale's conclusion is the last sentence that rules
on medical necessity (``find_conclusion``), with its polarity
(``necessity_polarity``).
"""

from __future__ import annotations

import re

from checker.model import NECESSARY, NOT_NECESSARY, OVERTURNED, UPHELD, Conclusion, Letter
from checker.text import language
from checker.text.normalise import NormalText
from checker.text.sentences import sentence_spans


def _decision(key: str) -> str:
    """A list of decision words (``conclusions.decision``), for lower-cased text."""
    return language.alternation(f"conclusions.decision.{key}", lower=True)


_PARTIAL = language.lazy(lambda: rf"\b{_decision('partial')}")  # a word beginning: "partially"
_OVERTURNED = language.lazy(lambda: rf"\b{_decision('overturned')}\b")
_NOT_CERTIFIED = language.lazy(lambda: rf"\b{_decision('not_certified')}\b")
_UPHELD = language.lazy(lambda: rf"\b(?:{_decision('upheld')}|{_decision('not_certified')})\b")


def decision_word(text: str) -> str | None:
    """Read a decision from a determination sentence or word."""
    low = text.lower()
    if _PARTIAL.search(low):
        return None
    if _OVERTURNED.search(low) and not _NOT_CERTIFIED.search(low):
        return OVERTURNED
    if _UPHELD.search(low):
        return UPHELD
    polarity = necessity_polarity(low)
    if polarity == NECESSARY:
        return OVERTURNED
    if polarity == NOT_NECESSARY:
        return UPHELD
    return None


_NECESSITY = language.lazy(lambda: language.alternation("conclusions.necessity"), re.I)
_NEGATION_BEFORE = language.lazy(
    lambda: rf"(?:\b{language.alternation('negation.necessity.before')}|{language.alternation('negation.necessity.endings')})"
    r"\b[^.;]{0,40}$",
    re.I,
)
_NEGATION_AFTER = language.lazy(
    lambda: rf"^[^.;]{{0,45}}\b{language.alternation('negation.necessity.after.auxiliaries')}\s+"
    rf"{language.alternation('negation.necessity.after.negations')}\s+{language.alternation('negation.necessity.after.participles')}"
    rf"|^[^.;]{{0,15}}\b{language.alternation('negation.necessity.right_after')}",
    re.I,
)
# The ruling is read from its own clause: "..., therefore the request is ..." (no re.I, as ever).
_CLAUSE_BREAK = language.lazy(lambda: rf"[,;:]|\b{language.alternation('sentences.clauses.conclusion_breaks', lower=True)}\b")


def necessity_polarity(sentence: str) -> str | None:
    """NECESSARY / NOT_NECESSARY for a sentence that rules on medical necessity."""
    matches = list(_NECESSITY.finditer(sentence))
    if not matches:
        return None
    m = matches[-1]
    before = sentence[max(0, m.start() - 60) : m.start()]
    after = sentence[m.end() : m.end() + 60]
    clause_before = _CLAUSE_BREAK.split(before)[-1]
    negated = bool(_NEGATION_BEFORE.search(clause_before) or _NEGATION_AFTER.search(after))
    return NOT_NECESSARY if negated else NECESSARY


# A conclusion without the words "medically necessary": "Therefore, the request is not certified."
_VERDICT = language.lazy(
    lambda: rf"\b{language.alternation('conclusions.verdict.subjects')}\b[^.]{{0,80}}?\b{language.alternation('conclusions.verdict.verbs')}\s+"
    rf"(?P<not>{language.alternation('negation.verdict.words')}\s+|{language.alternation('negation.verdict.prefixes')})?"
    rf"{language.alternation('conclusions.verdict.words')}\b",
    re.I,
)
_QUOTED_CRITERION = language.lazy(lambda: language.alternation("conclusions.quoted_criterion", lower=True))


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
    return not _QUOTED_CRITERION.search(sentence.lower())


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
