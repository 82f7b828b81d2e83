"""What a text says is documented, not documented, or merely required.

Rationales argue in three registers:

* documented:      "there is documentation of moderate to severe pain",
                   "UDS was obtained", "ADL's are mentioned"
* not documented:  "there is no documentation of functional benefit",
                   "without", "lack of", "absence of", "no evidence of",
                   "does not mention", "however, there is no ..."
* a requirement:   "MTUS page 78 also requires documentation of the 4A's",
                   "... as criteria necessary to support ..." (says nothing
                   about this patient)

Each concept mention (concepts live in ``rules/concepts.yaml``) is classified
by the cues in its own clause.  Issue-level rules then ask, per item, which
concepts the rationale says are documented and which it says are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checker.knowledge.guideline import Concept
from checker.text.sentences import sentence_spans

DOCUMENTED = "documented"
NOT_DOCUMENTED = "not-documented"
REQUIREMENT = "requirement"

# Negation cues that govern a concept named after them in the same clause.
_NEGATION_BEFORE = re.compile(
    r"\b(?:no|not|nor|neither|never|none|without|lack(?:s|ing)?\s+of|lacks|absence\s+of|absent|"
    r"insufficient|inadequate(?:ly)?|fail(?:s|ed)?\s+to|unable\s+to|unclear|denies|denied|"
    r"does\s+not|did\s+not|do\s+not|has\s+not|have\s+not|had\s+not|cannot|can't|isn't|wasn't|aren't|weren't)\b",
    re.I,
)
# Cues after the concept: "functional improvement has not been documented".
_NEGATION_AFTER = re.compile(
    r"^[^,;]{0,40}?\b(?:(?:was|were|is|are|has|have|had)\s+(?:not|never)\b|not\s+(?:documented|noted|mentioned|"
    r"demonstrated|established|reported|provided|evident|described|discussed)|(?:was|were|is|are)\s+absent)",
    re.I,
)
# Words that make a clause a statement of what the guideline requires.
_REQUIREMENT = re.compile(
    r"\b(?:guidelines?|MTUS|ODG|ACOEM|CPMTG|recommend(?:s|ed|ation)?|requires?|required|criteria|should|must|"
    r"needs?\s+to|in\s+order\s+to|identif(?:y|ies)|states?|support\s+the\s+medical\s+necessity|prior\s+to|"
    r"if\s+there\s+is|when\s+there\s+is|unless|per\s+the)\b",
    re.I,
)
# A guideline as the subject of the clause makes it a statement of the guideline.
_GUIDELINE_SUBJECT = re.compile(r"\b(?:MTUS|CPMTG|ODG|ACOEM|guidelines?)\b", re.I)
# ... unless the clause goes on to state a fact about this patient.
_FACT_NEGATION = re.compile(
    r"\bthere\s+(?:is|was|are|were)\s+no\b|\bno\s+(?:documentation|evidence|report)\b|\bnot\s+documented\b|"
    r"\bdoes\s+not\s+(?:mention|document)\b|\bwithout\s+documentation\b",
    re.I,
)
# Requirement cues after the concept: "... as criteria necessary to support ...".
_REQUIREMENT_AFTER = re.compile(r"\b(?:as\s+criteria|(?:is|are)\s+required|should\s+be|must\s+be|is\s+necessary\s+to)\b", re.I)
# A new clause starts a new context; semicolons do not (they separate list items
# that share one "there is no documentation of ...").
_CLAUSE_BREAK = re.compile(
    r",\s*(?:but|however|although|though|whereas|while)\b|\b(?:but|however|although|in\s+this\s+case|"
    r"within\s+the\s+medical\s+information)\b",
    re.I,
)


@dataclass(frozen=True)
class Mention:
    """One mention of a concept with what the text says about it."""

    concept: str
    status: str  # DOCUMENTED, NOT_DOCUMENTED or REQUIREMENT
    start: int  # offsets in the analysed text
    end: int
    sentence: tuple[int, int]


def find_mentions(text: str, concepts: dict[str, Concept]) -> list[Mention]:
    """Every concept mention in ``text``, each classified by its own clause.

    Cached per text and concept set: the case summary is read once per item.
    """
    key = (text, id(concepts))
    cached = _CACHE.get(key)
    if cached is None:
        cached = _find_mentions(text, concepts)
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[key] = cached
    return cached


_CACHE: dict[tuple[str, int], list[Mention]] = {}


def _find_mentions(text: str, concepts: dict[str, Concept]) -> list[Mention]:
    hits = []
    for concept in concepts.values():
        for m in concept.pattern.finditer(text):
            hits.append((m.start(), -(m.end() - m.start()), m.end(), concept.id))
    if not hits:
        return []
    spans = sentence_spans(text)
    mentions: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for start, _, end, cid in sorted(hits):
        if any(start < e and end > s for s, e in taken):
            continue  # a longer term already covers this text
        taken.append((start, end))
        s_start, s_end = next(((a, b) for a, b in spans if a <= start < b), (0, len(text)))
        status = classify(text[s_start:s_end], start - s_start, end - s_start)
        mentions.append(Mention(cid, status, start, end, (s_start, s_end)))
    return mentions


def classify(sentence: str, start: int, end: int) -> str:
    """Classify the mention at [start, end) of ``sentence`` by the cues of its clause.

    The later of a requirement cue ("MTUS requires documentation of") and a
    negation cue ("there is no documentation of") before the mention wins, so
    "MTUS requires X; however, there is no X" reads as not documented.
    """
    clause_start = 0
    for m in _CLAUSE_BREAK.finditer(sentence, 0, start):
        clause_start = m.end()
    before = sentence[clause_start:start]
    guideline = _GUIDELINE_SUBJECT.search(before)
    if guideline and not _FACT_NEGATION.search(before, guideline.end()):
        # "MTUS ... should not be continued in the absence of functional benefit"
        return REQUIREMENT
    negations = [m.end() for m in _NEGATION_BEFORE.finditer(before) if _governs(before, m)]
    requirements = [m.end() for m in _REQUIREMENT.finditer(before)]
    last_negation = negations[-1] if negations else -1
    last_requirement = requirements[-1] if requirements else -1
    if _NEGATION_AFTER.search(sentence[end:]) and last_requirement < 0:
        return NOT_DOCUMENTED
    if last_requirement > last_negation or (last_negation < 0 and _REQUIREMENT_AFTER.search(sentence[end:])):
        return REQUIREMENT
    if last_negation >= 0:
        return NOT_DOCUMENTED
    return DOCUMENTED


def _governs(before: str, cue: re.Match[str]) -> bool:
    """Does a negation cue reach the mention at the end of ``before``?

    "no documentation of A, B; or C" negates the whole list; a plain "no",
    "without" or "absence of" reaches only to the next comma ("there are no
    side effects, the urine drug screen was consistent").
    """
    between = before[cue.end() :]
    if _LIST_NEGATION.match(before[cue.start() :]):
        return True
    if len(between.split()) > 12 or ";" in between:
        return False
    # "no pain scores, functional measures, urine drug screen ..." is a list of
    # things the cue denies; a comma followed by a new clause ("..., the urine
    # drug screen was consistent") ends its reach.
    later = between.split(",")[1:]
    return not any(_NEW_CLAUSE.search(part) for part in later)


_NEW_CLAUSE = re.compile(r"^\s*(?:the|a|an|this|that|he|she|they|it|there|his|her)\b|\b(?:is|are|was|were|has|have|had)\b", re.I)


_LIST_NEGATION = re.compile(
    r"(?:no|not|without|lack\s+of|absence\s+of|insufficient|inadequate)\s+(?:\w+\s+){0,2}?"
    r"(?:documentation|documented|evidence|report(?:ed)?|indication|mention|demonstration)\b"
    r"|(?:does|did|do)\s+not\s+(?:document|mention|demonstrate|show|report)",
    re.I,
)


def status_by_concept(mentions: list[Mention]) -> dict[str, str]:
    """One verdict per concept: documented, not-documented, mixed (both said) or requirement."""
    seen: dict[str, set[str]] = {}
    for mention in mentions:
        seen.setdefault(mention.concept, set()).add(mention.status)
    verdicts = {}
    for concept, statuses in seen.items():
        facts = statuses - {REQUIREMENT}
        if not facts:
            verdicts[concept] = REQUIREMENT
        elif len(facts) == 1:
            verdicts[concept] = facts.pop()
        else:
            verdicts[concept] = "mixed"
    return verdicts
