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
from checker.text.prefilter import lower_in_step
from checker.text.sentences import sentence_at
from checker.text.stored_patterns import compile_pattern

DOCUMENTED = "documented"
NOT_DOCUMENTED = "not-documented"
REQUIREMENT = "requirement"
#: Neither documented nor not: negated but not as being there ("a urine drug screen ... was never explained"),
#: or a goal ("motivated to return to work").
UNSETTLED = "unsettled"

# Negation cues that govern a concept named after them in the same clause.
_NEGATION_BEFORE = language.lazy(lambda: rf"\b{language.alternation('negation.documentation.before')}\b", re.I)
# Cues after the concept: "functional improvement has not been documented", "was not performed".
_NEGATION_AFTER = language.lazy(
    lambda: _after_concept(
        rf"{_auxiliary_negation()}\s+(?:{_alt('negation.documentation.after.between')}\s+)?(?:\w+ly\s+)?"
        rf"{_alt('negation.documentation.after.participles')}\b|{_alt('negation.documentation.after.not_participles')}"
        rf"|{_alt('negation.documentation.after.absent')}"
    ),
    re.I,
)
# ... and an auxiliary and a negation that say something else of it: "was never explained", "was not consistent".
_OTHER_NEGATION_AFTER = language.lazy(lambda: _after_concept(rf"{_auxiliary_negation()}\b"), re.I)
# A goal or a wish just before the concept: "motivated to return to work" (it says nothing documented).
_INTENT = language.lazy(lambda: rf"\b{_alt('documentation.intent')}\s+$", re.I)
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
#: Where a list item or a clause after a mention ends, for reading what governs it.
_COMMA_OR_SEMICOLON = compile_pattern(r"[,;]")


def _after_concept(cues: str) -> str:
    """One of ``cues`` within 40 characters after the concept, in its clause (no comma or semicolon between)."""
    return rf"^[^,;]{{0,40}}?\b(?:{cues})"


def _auxiliary_negation() -> str:
    """An auxiliary and a negation: "has not", "was never"."""
    return rf"{_alt('negation.documentation.after.auxiliaries')}\s+{_alt('negation.documentation.after.negations')}"


def _alt(key: str) -> str:
    return language.alternation(key)


def _alt_of(first: tuple[str, ...], key: str) -> str:
    """One alternation of ``first`` and the phrases at ``key``."""
    return language.phrase_alternation([*first, *language.phrases(key)])


@dataclass(frozen=True)
class Mention:
    """One mention of a concept with what the text says about it."""

    concept: str
    status: str  # DOCUMENTED, NOT_DOCUMENTED, REQUIREMENT or UNSETTLED
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


#: A mention is classified by the words around it in its sentence, this many characters either
#: side at most, so a sentence naming a concept thousands of times is not re-read for each
#: (quadratic).  The longest clause before a mention in the test letters is under 400 characters.
CONTEXT = 1_000


def _find_mentions(text: str, concepts: dict[str, Concept]) -> list[Mention]:
    hits = []
    lowered = lower_in_step(text)  # once for every concept
    for concept in concepts.values():
        for m in concept.finditer(text, lowered):
            hits.append((m.start(), -(m.end() - m.start()), m.end(), concept.id))
    if not hits:
        return []
    mentions: list[Mention] = []
    # Mentions are taken in order of start and never overlap, so the one that ends last
    # is the only one a later hit can overlap.
    last_start, last_end = -1, -1
    # A list that repeats itself ("no A, no A, ...") gives the same window again: read it once.
    readings: dict[tuple[str, int, int], str] = {}
    for start, _, end, cid in sorted(hits):
        if start < last_end and (end > start or last_start < start):
            continue  # a longer term already covers this text
        if end > last_end:
            last_start, last_end = start, end
        s_start, s_end = sentence_at(text, start)
        low, high = max(s_start, start - CONTEXT), min(s_end, end + CONTEXT)
        key = (text[low:high], start - low, end - low)
        status = readings.get(key)
        if status is None:
            status = readings[key] = classify(*key)
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
    before, after = sentence[clause_start:start], sentence[end:]
    if _INTENT.search(before):
        return UNSETTLED
    guideline = sources().guideline_words.search(before)  # a guideline as the subject of the clause
    if guideline and not _FACT_NEGATION.search(before, guideline.end()):
        # "MTUS ... should not be continued in the absence of functional benefit"
        return REQUIREMENT
    last_negation = _last_governing_negation(before, _COMMA_OR_SEMICOLON.split(after, maxsplit=1)[0])
    last_requirement = -1
    for m in _REQUIREMENT.finditer(before):
        last_requirement = m.end()
    if _NEGATION_AFTER.search(after) and last_requirement < 0:
        return NOT_DOCUMENTED
    if last_requirement > last_negation or (last_negation < 0 and _REQUIREMENT_AFTER.search(after)):
        return REQUIREMENT
    if last_negation >= 0:
        return NOT_DOCUMENTED
    if _OTHER_NEGATION_AFTER.search(after):
        return UNSETTLED
    return DOCUMENTED


def _last_governing_negation(before: str, rest: str = "") -> int:
    """The end of the last negation cue in ``before`` that reaches the mention at its end; -1: none.

    "no documentation of A, B; or C" negates the whole list, unless the
    mention opens a clause of its own after a comma or semicolon ("no
    reported side effects, the urine drug screen was appropriate": an opener
    before it and a verb in ``rest``, the words after it up to the next comma).  A plain "no", "without" or
    "absence of" reaches only to the next comma that opens a new clause
    ("there are no side effects, the urine drug screen was consistent", "no
    side effects, and the urine drug screen ...").  Cues are read from the
    last one back: once one is too far (more than 12 words, or a ";"
    between), every earlier one is too, and only a list negation can still
    reach; so a clause with many cues is not re-read for each.
    """
    near = True
    for cue in reversed(list(_NEGATION_BEFORE.finditer(before))):
        between = before[cue.end() :]
        if _LIST_NEGATION.match(before[cue.start() :]):
            part = _COMMA_OR_SEMICOLON.split(between)[-1]
            if part != between and _OPENER.search(part) and _CLAUSE_VERB.search(rest):
                return -1
            return cue.end()
        if not near:
            continue
        if len(between.split()) > 12 or ";" in between:
            near = False
            continue
        # "no pain scores, functional measures, urine drug screen ..." is a list of
        # things the cue denies; a comma followed by a new clause ("..., the urine
        # drug screen was consistent") ends its reach.
        later = between.split(",")[1:]
        if not any(_OPENER.search(part) or _CLAUSE_VERB.search(part) for part in later):
            return cue.end()
    return -1


_OPENER = language.lazy(
    lambda: rf"^\s*(?:{_alt('sentences.clauses.new_clause_lead_ins')}\s+)?{_alt('sentences.clauses.new_clause_openers')}\b",
    re.I,
)
_CLAUSE_VERB = language.lazy(lambda: rf"\b{_alt('sentences.clauses.new_clause_verbs')}\b", re.I)
_LIST_NEGATION = language.lazy(
    lambda: rf"{_alt('negation.documentation.list.cues')}\s+(?:\w+\s+){{0,2}}?{_alt('negation.documentation.list.nouns')}\b"
    rf"|{_alt('negation.documentation.list.failed')}\s+{_alt('negation.documentation.list.verbs')}",
    re.I,
)


def status_by_concept(mentions: list[Mention]) -> dict[str, str]:
    """One verdict per concept: documented, not-documented, mixed (both said), requirement or unsettled."""
    seen: dict[str, set[str]] = {}
    for mention in mentions:
        seen.setdefault(mention.concept, set()).add(mention.status)
    verdicts = {}
    for concept, statuses in seen.items():
        facts = statuses - {REQUIREMENT, UNSETTLED}
        if not facts:
            verdicts[concept] = REQUIREMENT if REQUIREMENT in statuses else UNSETTLED
        elif len(facts) == 1:
            verdicts[concept] = facts.pop()
        else:
            verdicts[concept] = "mixed"
    return verdicts
