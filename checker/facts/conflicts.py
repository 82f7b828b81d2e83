"""Hold the letter against itself: the facts behind fact-conflict and spelling rules.

An IMR determination can be appealed for a plainly erroneous finding of fact
(DOMAIN.md section 1): a rationale that contradicts the letter's own case
summary, header or item lines.  This module finds the candidate
disagreements; the rules in ``rules/consistency/`` decide which to report and
how loudly.  Every record carries both sides, each with its span.

Compare like with like:

* quantities and strengths: the item line and the rationale against what the
  summary says was *requested* (RFA, UR, IMR application), never against a
  UR modification ("modified ... #120 to #100": 100 is history) or a
  medication history ("previously prescribed ...");
* "the amount was not specified" against a quantity the letter states;
* age, sex and pronouns for the patient against the case summary, skipping
  "He/she" boilerplate and pronouns that belong to someone else;
* dates of injury between header, summary and rationale;
* "no documentation of X" in a rationale against a summary that documents X
  (concepts from ``rules/concepts.yaml``; a negated summary mention such as
  "denies spasm" is not documentation).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from checker.facts.documentation import DOCUMENTED, NOT_DOCUMENTED, find_mentions
from checker.letter.header import TITLED_NAME, age_and_sex, age_sex_pattern, injury_date_matches, sex_of
from checker.text.dates import parse_date
from checker.knowledge.guideline import Concept
from checker.knowledge.lexicon import DrugMatch, Lexicon
from checker.model import Item, Letter, Span
from checker.text.normalise import NormalText
from checker.facts.records import Record, spanned
from checker.text import language
from checker.text.prefilter import compile_searching
from checker.text.sentences import sentence_at, sentence_spans
from checker.letter.request_line import parse_request
from checker.text.stored_patterns import compile_pattern

_MORE = r"\w+"  # after a stem: at least one more letter ("prescri" + "bed")

# Where a sentence speaks of the disputed request (not of history).
_REQUEST_CONTEXT = language.lazy(lambda: rf"\b{_alt('context.request')}\b", re.I)
_HISTORY_CONTEXT = language.lazy(
    lambda: rf"\b{_alt('context.history.words')}\s+(?:\w+\s+){{0,2}}?{_alt('context.history.of', _MORE)}", re.I
)


def _to_at_end() -> str:
    """The word before a modified mention (``context.modification.to``: "... to X #100") ending the text
    but for spaces; its phrases only, so that :meth:`_SentenceRoles._modified_to` knows how long it is."""
    return rf"\b{language.phrase_alternation(language.phrases('context.modification.to'))}\s*$"


def _not_granted() -> str:
    """One lookbehind for each phrase of ``context.modification.not_granted_after`` and the space after
    it ("not certified"): a lookbehind has a fixed width, so the words of a phrase are one space apart."""
    return "".join(
        rf"(?<!{_one_spaced(phrase)}\s)" for phrase in language.phrases("context.modification.not_granted_after")
    )


def _one_spaced(phrase: str) -> str:
    return r"\s".join(re.escape(word) for word in phrase.split())


# "... modified the request for X #120 to X #100": the part after "to" is the modification.
_MODIFIED_TO = language.lazy(lambda: rf"\b{_alt('context.modification.verbs', _MORE)}\b[^.;]*?{_to_at_end()}", re.I)
#: Words a grant word may stand before the mention it grants: "certified Soma", "approved the Soma".
_GRANTED_WORDS_BEFORE = 3
# "... certified X #100": a grant word within three words before the mention, not after "not".
_GRANTED_BEFORE = language.lazy(
    lambda: rf"(?<![-\w]){_not_granted()}{_alt('context.modification.granted')}\s+(?:\w+\s+){{0,{_GRANTED_WORDS_BEFORE}}}?$",
    re.I,
)
# The parts of the first, found once per sentence (see _SentenceRoles).
_MODIFICATION_VERB = language.lazy(lambda: rf"\b{_alt('context.modification.verbs', _MORE)}\b", re.I)
_TO_AT_END = language.lazy(_to_at_end, re.I)
_CLAUSE_STOP = compile_pattern(r"[.;]")
_TOKEN = compile_pattern(r"\S+")
_ONE_WORD = compile_pattern(r"\w+")


def _alt(key: str, stem_tail: str = r"\w*") -> str:
    return language.alternation(key, stem_tail=stem_tail)


def _no_amount() -> str:
    """The rationale says no amount was requested: "did not specify the quantity" and two other forms."""
    key = "documentation.amount_not_specified"
    a = {part: _alt(f"{key}.{part}") for part in language.section(key)}
    failed_to_state = (
        rf"\b{a['failed']}\s+{a['verbs']}\s+(?:{a['articles']}\s+)?(?:{a['specific']}\s+)?{a['nouns']}"
    )
    not_stated = (
        rf"\b{a['subjects']}\s+(?:of\s+\w+\s+)?(?:{a['dispensed']}\s+)?(?:{a['requested']}\s+)?"
        rf"{a['auxiliaries']}\s+{a['negations']}\s+(?:{a['been']}\s+)?{a['participles']}"
    )
    without = (
        rf"\b(?:{a['glued']}|{a['without']}\s+(?:{a['articles']}\s+)?)(?:{a['specified']}\s+)?{a['short_nouns']}\s+"
        rf"(?:{a['short_auxiliaries']}\s+)?{a['short_participles']}?"
    )
    return f"{failed_to_state}|{not_stated}|{without}"


_NO_AMOUNT = language.lazy(_no_amount, re.I)


def _pronouns(sex: str) -> list[str]:
    """The patient's pronouns for ``sex`` (``people.pronouns``): he, him, his, himself."""
    return list(dict.fromkeys(language.section(f"people.pronouns.{sex}").values()))


def _pronoun(sex: str, role: str) -> str:
    return re.escape(language.text(f"people.pronouns.{sex}.{role}"))


_NOT_PATIENT = language.lazy(lambda: rf"\b{_alt('people.others')}\b", re.I)
_POSSESSIVE = language.lazy(
    lambda: rf"\b({_pronoun('male', 'possessive')}|{_pronoun('female', 'possessive')})\s+"
    rf"{_alt('people.patient_nouns')}\b",
    re.I,
)
_ANY_PRONOUN = language.lazy(
    lambda: rf"\b({language.phrase_alternation(_pronouns('male') + _pronouns('female'))})\b(?!\s*/)", re.I
)
# "he/she", "his/her": boilerplate about the reviewer, not the patient.
_EITHER_SEX = language.lazy(
    lambda: rf"\b(?:{_pronoun('male', 'subject')}|{_pronoun('female', 'subject')})\s*/\s*"
    rf"(?:{_pronoun('female', 'subject')}|{_pronoun('male', 'subject')})\b"
    rf"|\b{_pronoun('male', 'possessive')}\s*/\s*{_pronoun('female', 'possessive')}\b"
    rf"|\b{_pronoun('male', 'object')}\s*/\s*{_pronoun('female', 'object')}\b|\bs/he\b",
    re.I,
)
_SEX_WORDS = language.lazy(lambda: age_sex_pattern(handedness=False), re.I)
# "this gentleman", "this pleasant lady": the patient.
_PATIENT_REFERENT = language.lazy(
    lambda: rf"\b{_alt('people.patient_referents.before')}\s+(?:[a-z]+\s+)?({_alt('people.patient_referents.nouns')})\b", re.I
)

# "requested Flexeril for muscle spasm": the reason for a request, not a finding.
_PURPOSE = language.lazy(
    lambda: rf"\b{_alt('context.purpose.reason')}\s+(?:\w+\s+){{0,2}}[\"'\u201c\u2018(]?$", re.I
)  # the purpose may be quoted: prescribed for "muscle spasm"
# Qualifiers that make "no documentation of acute spasm" a narrower claim than "spasm".
_QUALIFIERS = language.lazy(lambda: rf"\b{_alt('documentation.qualifiers')}\b", re.I)
# Negations that deny the record documents something (rather than what the treater said it is for).
_DOCUMENTATION_NEGATION = language.lazy(
    lambda: rf"\b{_alt('negation.claim.cues')}\s+(?:\w+\s+){{0,2}}?{_alt('negation.claim.nouns')}\b"
    rf"|\b{_alt('negation.existential')}\b",
    re.I,
)
# A claim limited in time ("since 2013", "recent", "current") is narrower than the record.
_TEMPORAL = language.lazy(lambda: rf"\b{_alt('time.temporal')}\b", re.I)


@dataclass(frozen=True)
class _Mention:
    """A mention of a drug as the request, with the strength and quantity written right after it."""

    drug: str
    strength: str | None
    quantity: int | None
    start: int  # offsets in the normalised letter
    end: int


# ------------------------------------------------------------------ drug mentions
def requested_mentions(text: str, offset: int, lexicon: Lexicon, drug: str | None) -> list[_Mention]:
    """Mentions of ``drug`` (a generic name) in ``text`` as the request, with the strength/quantity written
    right after them.

    Mentions of the drug's history ("prescribed since 2013") or of a UR
    modification ("modified to #60") say nothing of the request, so only
    the request's own mentions have what follows them read (more than half
    of a summary's mentions are history), and only the drug's own: an item
    is compared with what the letter says of its drug, and a case summary
    names many drugs.  Cached: every item compares itself with the same
    case summary.
    """
    key = (id(lexicon), text, offset, drug)
    cached = _MENTION_CACHE.get(key)
    if cached is None:
        cached = _requested_mentions(text, offset, lexicon, drug)
        if len(_MENTION_CACHE) > 256:
            _MENTION_CACHE.clear()
        _MENTION_CACHE[key] = cached
    return cached


_MENTION_CACHE: dict[tuple[int, str, int, str | None], list[_Mention]] = {}


def _drug_names(text: str, lexicon: Lexicon) -> tuple[list[DrugMatch], list[DrugMatch]]:
    """The lexicon's exact (or listed misspelt) names in ``text``, and its near spellings.

    Cached: the mentions and the misspellings both read the case summary, and
    reading a long one costs more than all the rest of a letter.
    """
    key = (id(lexicon), text)
    cached = _NAMES_CACHE.get(key)
    if cached is None:
        cached = (lexicon.find_all(text), lexicon.find_near(text))
        if len(_NAMES_CACHE) > 256:
            _NAMES_CACHE.clear()
        _NAMES_CACHE[key] = cached
    return cached


_NAMES_CACHE: dict[tuple[int, str], tuple[list[DrugMatch], list[DrugMatch]]] = {}


#: The most drug mentions read in one text.  A case summary names drugs a few dozen times; a damaged
#: file's line of "Soma Soma ..." names one 40,000 times, each with its role and what follows it.
MOST_DRUG_MENTIONS = 1_000


def _requested_mentions(text: str, offset: int, lexicon: Lexicon, drug: str | None) -> list[_Mention]:
    found, near = _drug_names(text, lexicon)
    matches = sorted(found + near, key=lambda m: m.start)[:MOST_DRUG_MENTIONS]
    chosen = [i for i, match in enumerate(matches) if match.drug.generic == drug]
    requested = _requested(text, [matches[i] for i in chosen])  # a mention's role is read from its sentence alone
    # What follows a mention repeats (a list of the same drug): parse_request reads each different tail once.
    mentions = []
    for i, is_request in zip(chosen, requested):
        if not is_request:
            continue
        match = matches[i]
        end_of_tail = matches[i + 1].start if i + 1 < len(matches) else len(text)
        s_end = sentence_at(text, match.start)[1]
        tail = text[match.start : min(end_of_tail, s_end, match.start + 90)]
        tail = _TAIL_END.split(tail, maxsplit=1)[0]
        tail = _TAIL_JOINER.sub("", tail)
        parsed = parse_request(tail, lexicon)
        mentions.append(
            _Mention(match.drug.generic, parsed.strength, parsed.quantity, offset + match.start, offset + match.start + len(tail))
        )
    return mentions


#: Where what follows a drug mention stops (requests.yaml, ``mention_tail``): the next drug joined by a
#: conjunction, unless the request goes on ("with no refills"); a list separator, unless a quantity follows.
_TAIL_END = language.lazy(
    lambda: rf"\s+{_alt('requests.mention_tail.joins')}\s+(?=[A-Za-z])(?!{_alt('requests.mention_tail.continued')})"
    rf"|[;,](?!\s*(?:#|\d|(?:{_alt('requests.quantity.before')}|\w+\s+{_alt('requests.quantity.after')})(?![A-Za-z])))",
    re.I,
)
#: A conjunction or separator left at the end of a tail.
_TAIL_JOINER = language.lazy(
    lambda: rf"[\s,;]+(?:{_alt('requests.mention_tail.joins')}|{_alt('requests.mention_tail.dangling')})?[\s,;]*$", re.I
)


def _roles(text: str, matches: list[DrugMatch]) -> list[str]:
    """The role of each mention (request, modification or history), read from its sentence.

    Mentions are taken a sentence at a time: a sentence naming a drug
    thousands of times ("Soma Soma ...") must not be searched once per
    mention (quadratic); :class:`_SentenceRoles` reads it once.
    """
    roles = [""] * len(matches)
    for sentence, indexes in _by_sentence(text, matches):
        for index, role in zip(indexes, sentence.roles([matches[i].start for i in indexes])):
            roles[index] = role
    return roles


def _requested(text: str, matches: list[DrugMatch]) -> list[bool]:
    """Whether each mention's role is the request (``_roles``): a sentence without request words holds
    no request, and is read no further (most sentences naming a drug tell its history)."""
    requested = [False] * len(matches)
    for sentence, indexes in _by_sentence(text, matches):
        if sentence.request:
            for index, role in zip(indexes, sentence.roles([matches[i].start for i in indexes])):
                requested[index] = role == "request"
    return requested


def _by_sentence(text: str, matches: list[DrugMatch]) -> list[tuple[_SentenceRoles, list[int]]]:
    """The mentions (their indexes) grouped by sentence, in order."""
    by_sentence: dict[tuple[int, int], list[int]] = {}
    for index, match in enumerate(matches):
        by_sentence.setdefault(sentence_at(text, match.start), []).append(index)
    return [(_SentenceRoles(text, start, end), indexes) for (start, end), indexes in by_sentence.items()]


def _role(text: str, sentence_start: int, at: int) -> str:
    """The role of the mention at ``at``, by searching its sentence: the definition :class:`_SentenceRoles` follows.

    Kept as the reference (tests compare the two) and for language data the
    fast reading cannot take (see :func:`_fast_roles`).
    """
    before = text[sentence_start:at]
    if _MODIFIED_TO.search(before) or _GRANTED_BEFORE.search(before):
        return "modification"
    sentence_end = sentence_at(text, at)[1]
    sentence = text[sentence_start:sentence_end]
    if _HISTORY_CONTEXT.search(before):
        return "history"
    return "request" if _REQUEST_CONTEXT.search(sentence) else "history"


class _SentenceRoles:
    """The roles of mentions in one sentence, as :func:`_role` defines them, in time linear in the sentence.

    :func:`_role` searches the text before each mention; with many mentions
    in one long sentence that is quadratic.  The same answers come from one
    pass over the sentence:

    * request words: the sentence holds them or not, whatever the mention;
    * history words: a match before a mention stays a match before every
      later one (the pattern looks at nothing past its own end), so only
      the first mention after one is needed, found by bisection;
    * "modified ... to X": the text before X ends in "to"; the last
      modification verb ending before that "to" has no "." or ";" between
      (then the lazy ``[^.;]*?`` reaches the "to"; from an earlier verb it
      would cross that one too);
    * "certified X": the grant word and at most three words, each followed
      by white space, end at X, so only the text from the few last
      white-space-separated tokens before X is searched.
    """

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.start, self.end = text, start, end
        self.sentence = text[start:end]
        self.request = _REQUEST_CONTEXT.search(self.sentence) is not None

    # What a role is read from, found when a role is first asked for.
    @cached_property
    def verb_ends(self) -> list[int]:
        return [self.start + m.end() for m in _MODIFICATION_VERB.finditer(self.sentence)]

    @cached_property
    def stops(self) -> list[int]:
        return [self.start + m.start() for m in _CLAUSE_STOP.finditer(self.sentence)]

    @cached_property
    def tokens(self) -> list[int]:
        return [self.start + m.start() for m in _TOKEN.finditer(self.sentence)]

    def roles(self, starts: list[int]) -> list[str]:
        """The roles of the mentions at ``starts`` (sorted offsets inside this sentence)."""
        if not _fast_roles():
            return [_role(self.text, self.start, start) for start in starts]
        history_from = self._first_after_history(starts)
        roles = []
        for index, start in enumerate(starts):
            if self._modified_to(start) or self._granted(start):
                roles.append("modification")
            elif index >= history_from:
                roles.append("history")
            else:
                roles.append("request" if self.request else "history")
        return roles

    def _first_after_history(self, starts: list[int]) -> int:
        """Index of the first mention with history words before it (``len(starts)``: none)."""
        low, high = 0, len(starts)
        while low < high:
            middle = (low + high) // 2
            if _HISTORY_CONTEXT.search(self.text[self.start : starts[middle]]):
                high = middle
            else:
                low = middle + 1
        return low

    def _modified_to(self, at: int) -> bool:
        text = self.text
        end = at
        while end > self.start and text[end - 1].isspace():
            end -= 1
        window = max(self.start, end - _to_reach())
        to_at_end = _TO_AT_END.search(text[window:at])
        if to_at_end is None:
            return False
        to = window + to_at_end.start()  # "to" is the last word before the mention
        last = bisect.bisect_right(self.verb_ends, to) - 1
        if last < 0:
            return False
        verb_end = self.verb_ends[last]
        return bisect.bisect_left(self.stops, verb_end) == bisect.bisect_left(self.stops, to)

    def _granted(self, at: int) -> bool:
        tokens = bisect.bisect_left(self.tokens, at)
        reach = _GRANTED_WORDS_BEFORE + _granted_phrase_words()
        first = self.tokens[tokens - reach] if tokens >= reach else self.start
        # Characters more for the lookbehinds ("not "), which then see what they saw in the whole sentence.
        window = max(self.start, first - _not_granted_reach())
        return _GRANTED_BEFORE.search(self.text[window:at]) is not None


@lru_cache(maxsize=1)
def _fast_roles() -> bool:
    """Whether :class:`_SentenceRoles` may read roles in one pass: the modification cues are plain words.

    Its reasoning holds for verbs that are single words or word beginnings,
    for a "to" of single words (its length is where it starts), and for
    grant words and history words without patterns (a pattern could look
    past its own end); other language data is read by :func:`_role`,
    mention by mention.
    """
    verbs = [*language.phrases("context.modification.verbs"), *language.stems("context.modification.verbs")]
    plain_verbs = all(_ONE_WORD.fullmatch(verb) for verb in verbs) and not language.patterns("context.modification.verbs")
    plain_to = all(_ONE_WORD.fullmatch(word) for word in language.phrases("context.modification.to"))
    return plain_verbs and plain_to and not any(
        language.patterns(key) for key in ("context.modification.granted", "context.history.words", "context.history.of")
    )


@lru_cache(maxsize=1)
def _to_reach() -> int:
    """How far before the end of the text "to" may start, and a character more for its word boundary."""
    return max(len(phrase) for phrase in language.phrases("context.modification.to")) + 1


@lru_cache(maxsize=1)
def _not_granted_reach() -> int:
    """How far the lookbehinds of ``not_granted_after`` look before a grant word: the phrase and its space."""
    return max(len(" ".join(phrase.split())) for phrase in language.phrases("context.modification.not_granted_after")) + 1


@lru_cache(maxsize=1)
def _granted_phrase_words() -> int:
    """The most words a grant phrase has ("approved", "partially certified": 2)."""
    return max(len(phrase.split()) for phrase in language.phrases("context.modification.granted"))


def quantity_and_strength_conflicts(letter: Letter, item: Item, lexicon: Lexicon) -> tuple[list[Record], list[Record]]:
    """The item line or rationale against the summary's description of the same request."""
    normal = letter.normal
    drug = item.request.drug
    if normal is None or drug is None:
        return [], []
    summary = letter.section("summary")
    summary_mentions = requested_mentions(summary.text, summary.body_start, lexicon, drug) if summary else []
    rationale_mentions = requested_mentions(item.rationale_text, item.rationale_start, lexicon, drug)
    stated = []  # (where, quantity, strength, span, text): the item line and the rationale
    if item.request.quantity is not None or item.request.strength is not None:
        stated.append(("item line", item.request.quantity, item.request.strength, item.request_span, item.request_text))
    for m in rationale_mentions:
        stated.append(("rationale", m.quantity, m.strength, normal.span(m.start, m.end), normal.text[m.start : m.end]))
    others = [("summary", m) for m in summary_mentions]
    if item.request.quantity is not None or item.request.strength is not None:
        others += [("rationale", m) for m in rationale_mentions]
    quantity_conflicts = _grouped(stated, others, normal, "quantity")
    strength_conflicts = _grouped(stated, others, normal, "strength")
    return quantity_conflicts, strength_conflicts


def _grouped(stated: list, others: list, normal: NormalText, kind: str) -> list[Record]:
    """One record per value the item line or rationale states, listing every place that says otherwise."""
    records: dict[Any, Record] = {}
    listed: dict[Any, set[Span]] = {}  # the spans each record's "others" hold: a set, not a scan of the list
    # Values each place gives for the request; a place that also gives the
    # stated value somewhere (several requests over time) is not a conflict.
    said: dict[str, set] = {}
    for other_where, other in others:
        other_value = other.quantity if kind == "quantity" else other.strength
        if other_value is not None:
            said.setdefault(other_where, set()).add(_strength_key(other_value) if kind == "strength" else other_value)
    for where, quantity, strength, span, text in stated:
        value = quantity if kind == "quantity" else strength
        if value is None:
            continue
        comparable = _strength_key(value) if kind == "strength" else value
        for other_where, other in others:
            other_value = other.quantity if kind == "quantity" else other.strength
            if other_where == where or other_value is None or _same(kind, value, other_value):
                continue
            if comparable in said.get(other_where, set()):
                continue
            if other_where == "rationale" and _summary_sides_with(said, comparable, other_value, kind):
                continue  # the rationale is the odd one out: its own record says so, at the rationale
            key = _strength_key(value) if kind == "strength" else value
            record = records.get(key)
            other_span = normal.span(other.start, other.end)
            if record is None:
                other_record = spanned(normal.text[other.start : other.end], other_span, value=other_value, where=other_where)
                record = records[key] = spanned(text, span, value=value, where=where, other=other_record,
                                                others=[other_record], other_places=[], other_values=[])
                listed[key] = {other_span}
            elif other_span not in listed[key]:
                listed[key].add(other_span)
                record["others"].append(spanned(normal.text[other.start : other.end], other_span,
                                                value=other_value, where=other_where))
            if other_where not in record["other_places"]:
                record["other_places"].append(other_where)
            if other_value not in record["other_values"]:
                record["other_values"].append(other_value)
    for record in records.values():
        places = record["other_places"]
        record["others_say"] = "the " + " and the ".join(places) + (" give" if len(places) > 1 else " gives")
    return list(records.values())


def _summary_sides_with(said: dict[str, set], value: Any, rationale_value: Any, kind: str) -> bool:
    """Whether the summary gives ``value`` (the item line's) and not the rationale's: two places against one."""
    summary = said.get("summary", set())
    other = _strength_key(rationale_value) if kind == "strength" else rationale_value
    return value in summary and other not in summary


def _same(kind: str, a: Any, b: Any) -> bool:
    return _strength_key(a) == _strength_key(b) if kind == "strength" else a == b


def _strength_key(strength: str) -> str:
    return "".join(strength.lower().split())


def amount_not_specified(letter: Letter, item: Item, lexicon: Lexicon) -> Record:
    """The rationale's claim that no amount was specified, with a quantity the letter does state."""
    normal = letter.normal
    claim = _NO_AMOUNT.search(item.rationale_text) if item.rationale_text else None
    empty = spanned(None, None, value=False, stated=spanned(None, None, value=None))
    if normal is None or claim is None or item.request.drug is None:
        return empty
    s_start, s_end = sentence_at(item.rationale_text, claim.start())
    claim_span = normal.span(item.rationale_start + s_start, item.rationale_start + s_end)
    claim_text = item.rationale_text[s_start:s_end]
    stated = None
    if item.request.quantity is not None:
        stated = spanned(item.request_text, item.request_span, value=item.request.quantity, where="item line")
    else:
        summary = letter.section("summary")
        for m in requested_mentions(summary.text, summary.body_start, lexicon, item.request.drug) if summary else []:
            if m.quantity is not None:
                stated = spanned(normal.text[m.start : m.end], normal.span(m.start, m.end), value=m.quantity, where="summary")
                break
    return spanned(claim_text, claim_span, value=True, stated=stated or spanned(None, None, value=None))


# ------------------------------------------------------------------ patient
def _sections_about_patient(letter: Letter) -> list[tuple[str, int, int | None]]:
    """(text, offset, item index) of the summary and every rationale."""
    parts: list[tuple[str, int, int | None]] = []
    summary = letter.section("summary")
    if summary is not None:
        parts.append((summary.text, summary.body_start, None))
    for item in letter.items:
        if item.rationale_text:
            parts.append((item.rationale_text, item.rationale_start, item.index))
    return parts


def pronoun_conflicts(letter: Letter) -> list[Record]:
    """Pronouns for the patient that do not fit the sex the case summary states."""
    normal, sex = letter.normal, letter.patient.sex
    if normal is None or sex not in ("male", "female") or letter.patient.age_span is None:
        return []
    other_sex = "female" if sex == "male" else "male"
    wrong = set(_pronouns(other_sex))
    stated = spanned(_text_at(normal, letter.patient.age_span), letter.patient.age_span, value=sex)
    by_place: dict[int | None, Record] = {}  # one record per item (None: the summary)
    for text, offset, index in _sections_about_patient(letter):
        if not _pronoun_words(other_sex).search(text):
            continue  # no pronoun of the other sex anywhere: no sentence needs reading
        for m in _patient_pronouns(text):
            if m.group(1).lower() not in wrong:
                continue
            start, end = offset + m.start(1), offset + m.end(1)
            record = by_place.get(index)
            if record is None:
                by_place[index] = spanned(m.group(1), normal.span(start, end), value=m.group(1), item=index, stated=stated,
                                          occurrences=1, others=[],
                                          context=spanned(_sentence(text, m.start()), normal.span(start, end)))
            else:
                record["occurrences"] += 1
                if len(record["others"]) < 3:
                    record["others"].append(spanned(_sentence(text, m.start()), normal.span(start, end)))
    return list(by_place.values())


@lru_cache(maxsize=2)
def _pronoun_words(sex: str) -> re.Pattern[str]:
    """Any pronoun of ``sex`` as a word: a text without one holds no pronoun conflict to look for.

    A pronoun counts when the whole word (``\\b`` on both sides, as in
    ``_ANY_PRONOUN`` and ``_POSSESSIVE``) is one of ``people.pronouns``.
    """
    return compile_searching(rf"\b{language.phrase_alternation(_pronouns(sex))}\b", re.I)


def _patient_pronouns(text: str):
    """Pronoun matches that refer to the patient."""
    for s_start, s_end in sentence_spans(text):
        sentence = text[s_start:s_end]
        if "/" in sentence and _EITHER_SEX.search(sentence):  # every form of "he/she" has its slash
            continue  # boilerplate about the reviewer
        other_person = _NOT_PATIENT.search(sentence)
        if other_person:
            # Someone else is named: only "her sleep", "his back" are surely the patient's.
            for m in _POSSESSIVE.finditer(sentence):
                yield _Shifted(m, s_start)
            continue
        # Only the patient is spoken of: every third-person pronoun is theirs.
        for m in _ANY_PRONOUN.finditer(sentence):
            yield _Shifted(m, s_start)


class _Shifted:
    """A regex match moved to offsets of the enclosing text."""

    def __init__(self, match: re.Match[str], offset: int) -> None:
        self._m, self._o = match, offset

    def group(self, n: int = 0) -> str:
        return self._m.group(n)

    def start(self, n: int = 0) -> int:
        return self._m.start(n) + self._o

    def end(self, n: int = 0) -> int:
        return self._m.end(n) + self._o


def age_and_sex_conflicts(letter: Letter) -> list[Record]:
    """Ages or sexes restated elsewhere that differ from the case summary's.

    A restated age and sex ("54-year-old male"); the patient's name with
    another title ("Mr. Ferreira" for Ms. Ferreira); "this gentleman" for a
    woman.  One record per place and kind of word for the last two.
    """
    normal, patient = letter.normal, letter.patient
    if normal is None or patient.age_span is None:
        return []
    stated = spanned(_text_at(normal, patient.age_span), patient.age_span, value=_described(patient.age, patient.sex))
    found = []
    for text, offset, index in _sections_about_patient(letter):
        for m in _SEX_WORDS.finditer(text):
            span = normal.span(offset + m.start(), offset + m.end())
            if span == patient.age_span:
                continue
            age, sex = age_and_sex(m)
            if age != patient.age or (patient.sex and sex != patient.sex):
                kind = "age" if age != patient.age else "sex"
                found.append(spanned(m.group(), span, value=_described(age, sex), kind=kind, item=index, stated=stated))
        if patient.sex is None:
            continue
        titles = [(m, "title") for m in TITLED_NAME.finditer(text) if m.group(2) == patient.name]
        nouns = [(m, "noun") for m in _PATIENT_REFERENT.finditer(text)]
        seen: set[str] = set()
        for m, which in titles + nouns:
            sex = sex_of(m.group(1))
            if sex == patient.sex or which in seen:
                continue
            seen.add(which)
            span = normal.span(offset + m.start(), offset + m.end())
            found.append(spanned(m.group(), span, value=f'{sex} ("{m.group()}")', kind="sex", item=index, stated=stated))
    return found


def _described(age: int | None, sex: str | None) -> str:
    """ "54-year-old male", "54-year-old", "male"."""
    return " ".join(x for x in (f"{age}-year-old" if age is not None else None, sex) if x)


def injury_date_conflicts(letter: Letter) -> list[Record]:
    """Dates of injury that differ between header, summary and rationale."""
    normal, patient = letter.normal, letter.patient
    if normal is None or patient.injury_date is None or patient.injury_date_span is None:
        return []
    stated = spanned(_text_at(normal, patient.injury_date_span), patient.injury_date_span, value=patient.injury_date.isoformat())
    found = []
    summary_dates = set()
    mentions = []
    for text, offset, index in _sections_about_patient(letter):
        seen_at: set[int] = set()
        for _, m in injury_date_matches(text):
            date = parse_date(m.group(1))
            if date is None or m.start(1) in seen_at:
                continue
            seen_at.add(m.start(1))
            start = offset + m.start(1)
            mentions.append((date, m.group(1), normal.span(start, start + len(m.group(1))), index))
            if index is None:
                summary_dates.add(date)
    if len(summary_dates | {patient.injury_date}) > 2:
        return []  # several injuries on the claim: not a contradiction we can judge
    for date, raw, span, index in mentions:
        if date != patient.injury_date:
            found.append(spanned(raw, span, value=date.isoformat(), item=index, stated=stated))
    return found


# ------------------------------------------------------------------ documentation
def concept_conflicts(letter: Letter, item: Item, concepts: dict[str, Concept], comparable: set[str]) -> list[Record]:
    """The rationale says X is not documented; the case summary documents X."""
    normal = letter.normal
    summary = letter.section("summary")
    if normal is None or summary is None or not item.rationale_text:
        return []
    said_missing = {m.concept for m in find_mentions(item.rationale_text, concepts) if m.status == NOT_DOCUMENTED}
    if not said_missing & comparable:
        return []  # nothing to compare: the summary need not be read
    documented: dict[str, list] = {}
    for m in find_mentions(summary.text, concepts):
        if m.status == DOCUMENTED and m.concept in comparable and not _PURPOSE.search(summary.text[max(0, m.start - 30) : m.start]):
            documented.setdefault(m.concept, []).append(m)
    found = []
    seen = set()
    for m in find_mentions(item.rationale_text, concepts):
        if m.status != NOT_DOCUMENTED or m.concept not in documented or m.concept in seen:
            continue
        seen.add(m.concept)
        said = item.rationale_text[m.start : m.end]
        sentence = item.rationale_text[m.sentence[0] : m.sentence[1]]
        other = documented[m.concept][0]
        other_text = summary.text[other.start : other.end]
        qualifier = _QUALIFIERS.search(item.rationale_text[max(m.sentence[0], m.start - 25) : m.end])
        loose = bool(qualifier and not _QUALIFIERS.search(summary.text[max(0, other.start - 25) : other.end]))
        explicit = bool(_DOCUMENTATION_NEGATION.search(item.rationale_text[m.sentence[0] : m.start]))
        if _TEMPORAL.search(sentence):
            loose = True
        found.append(
            spanned(
                sentence,
                normal.span(item.rationale_start + m.start, item.rationale_start + m.end),
                concept=m.concept,
                title=concepts[m.concept].title,
                said=said,
                loose=loose or not explicit,
                other=spanned(_sentence(summary.text, other.start), normal.span(summary.body_start + other.start, summary.body_start + other.end),
                              value=other_text),
            )
        )
    return found


# ------------------------------------------------------------------ spelling
def misspellings(letter: Letter, lexicon: Lexicon) -> list[Record]:
    """Drug names written within a small edit distance of a known name: one record per word and item."""
    normal = letter.normal
    if normal is None:
        return []
    places: list[tuple[str, int, int | None, bool]] = []  # text, offset, item, is item line
    for item in letter.items:
        places.append((item.request_text, _offset_of(normal, item), item.index, True))
    summary = letter.section("summary")
    if summary is not None:
        places.append((summary.text, summary.body_start, None, False))
    for item in letter.items:
        if item.rationale_text:
            places.append((item.rationale_text, item.rationale_start, item.index, False))
    by_key: dict[tuple[str, int | None], Record] = {}
    drug_items = {i.request.drug: i.index for i in letter.items if i.request.drug}
    for text, offset, index, in_item_line in places:
        if offset is None:
            continue
        found, near = _drug_names(text, lexicon)
        misspelt = [m for m in found if not m.exact] + near
        for match in sorted(misspelt, key=lambda m: m.start):
            owner = index if index is not None else drug_items.get(match.drug.generic)
            key = (match.written.lower(), owner)
            span = normal.span(offset + match.start, offset + match.end)
            record = by_key.get(key)
            if record is None:
                by_key[key] = spanned(
                    match.written, span, value=match.written, suggestion=match.drug.generic,
                    in_item_line=in_item_line, item=owner, occurrences=1, others=[],
                )
            else:
                record["occurrences"] += 1
                if len(record["others"]) < 3:
                    record["others"].append(spanned(_sentence(text, match.start), span))
    return list(by_key.values())


def _offset_of(normal: NormalText, item: Item) -> int | None:
    """Normalised offset of the item's request text (the item line)."""
    return item.request_start if item.request_start >= 0 and item.request_text else None


def _text_at(normal: NormalText, span: Span) -> str:
    lines = [normal.source.line_text(n) for n in range(span.line, span.end_line + 1)]
    if len(lines) == 1:
        return lines[0][span.column - 1 : span.end_column - 1]
    return " ".join([lines[0][span.column - 1 :], *lines[1:-1], lines[-1][: span.end_column - 1]])


def _sentence(text: str, offset: int) -> str:
    start, end = sentence_at(text, offset)
    return text[start:end]
