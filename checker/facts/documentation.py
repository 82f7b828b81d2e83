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
from checker.knowledge.sources import sources
from checker.text import language
from checker.text.sentences import sentence_spans

DOCUMENTED = "documented"
NOT_DOCUMENTED = "not-documented"
REQUIREMENT = "requirement"

# Negation cues that govern a concept named after them in the same clause.
_NEGATION_BEFORE = language.lazy(lambda: rf"\b{language.alternation('negation.documentation.before')}\b", re.I)
# Cues after the concept: "functional improvement has not been documented".
_NEGATION_AFTER = language.lazy(
    lambda: rf"^[^,;]{{0,40}}?\b(?:{_alt('negation.documentation.after.auxiliaries')}\s+"
    rf"{_alt('negation.documentation.after.negations')}\b|{_alt('negation.documentation.after.not_participles')}"
    rf"|{_alt('negation.documentation.after.absent')})",
    re.I,
)
# Words that make a clause a statement of what the guideline requires (guideline names among them).
_REQUIREMENT = language.lazy(
    lambda: rf"\b{_alt_of(sources().guideline_word_list, 'documentation.requirement.before')}\b", re.I
)
# ... unless the clause goes on to state a fact about this patient.
_FACT_NEGATION = language.lazy(
    lambda: rf"\b{_alt_of(language.phrases('negation.existential'), 'negation.documentation.fact')}\b", re.I
)
# Requirement cues after the concept: "... as criteria necessary to support ...".
_REQUIREMENT_AFTER = language.lazy(lambda: rf"\b{_alt('documentation.requirement.after')}\b", re.I)
# A new clause starts a new context; semicolons do not (they separate list items
# that share one "there is no documentation of ...").
_CLAUSE_BREAK = language.lazy(
    lambda: rf",\s*{_alt('sentences.clauses.contrast')}\b|\b{_alt('sentences.clauses.breaks')}\b", re.I
)


def _alt(key: str) -> str:
    return language.alternation(key)


def _alt_of(first: tuple[str, ...], key: str) -> str:
    """One alternation of ``first`` and the phrases at ``key``."""
    return language.phrase_alternation([*first, *language.phrases(key)])


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
    guideline = sources().guideline_words.search(before)  # a guideline as the subject of the clause
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


_NEW_CLAUSE = language.lazy(
    lambda: rf"^\s*{_alt('sentences.clauses.new_clause_openers')}\b|\b{_alt('sentences.clauses.new_clause_verbs')}\b", re.I
)
_LIST_NEGATION = language.lazy(
    lambda: rf"{_alt('negation.documentation.list.cues')}\s+(?:\w+\s+){{0,2}}?{_alt('negation.documentation.list.nouns')}\b"
    rf"|{_alt('negation.documentation.list.failed')}\s+{_alt('negation.documentation.list.verbs')}",
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
