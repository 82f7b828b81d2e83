"""How a letter rules on medical necessity: decision words and conclusion sentences.

An item's decision is read from its heading or determination line
(``decision_word``); its rationale's conclusion is the last sentence that rules
on the request (``find_conclusion``), with its polarity (``read_ruling``).

A ruling is a verdict phrase of ``rules/language/conclusions.yaml`` (ruling):
"medically necessary", "is upheld", "non-certified", "is warranted" ... Its
polarity is the phrase's own, flipped once by every negation cue before it in
its clause (``negation.yaml``, ruling).  A verdict of someone else (the
treating physician, utilization review, a prior IMR) or of the past is not a
ruling; a condition or a question ("would be medically necessary if ...",
"whether ...") leaves the polarity unknown, and an unknown polarity is never
read as either answer.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from checker.model import NECESSARY, NOT_NECESSARY, OVERTURNED, UPHELD, Conclusion, Letter
from checker.text import language
from checker.text.normalise import NormalText
from checker.text.sentences import sentence_spans
from checker.text.stored_patterns import compile_pattern


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


# ------------------------------------------------------------------ the language of rulings
_RULING = "conclusions.ruling"
#: Verdict levels, lowest first: a higher level outranks a lower one in a sentence.
_LEVELS = ("other", "certification", "decision", "necessity")
_VERDICT, _NOUN, _CERTIFICATION_NOUN = "verdict", "noun", "certification-noun"


@dataclass(frozen=True)
class Ruling:
    """What one sentence rules: its polarity (None: a ruling whose polarity cannot be read) and level."""

    polarity: str | None
    level: int


def _key(phrase: str) -> str:
    return " ".join(phrase.lower().split())


@lru_cache(maxsize=1)
def _verdicts() -> dict[str, tuple[str, int, str]]:
    """Every verdict phrase (lower case, single spaces) -> (kind, level, polarity)."""
    found: dict[str, tuple[str, int, str]] = {}
    for level, name in enumerate(_LEVELS, start=1):
        for polarity, answer in (("positive", NECESSARY), ("negative", NOT_NECESSARY)):
            key = f"{_RULING}.{name}.{polarity}"
            if polarity in language.section(f"{_RULING}.{name}"):
                for phrase in language.phrases(key):
                    found.setdefault(_key(phrase), (_VERDICT, level, answer))
    for phrase in language.phrases(f"{_RULING}.necessity.noun"):
        found.setdefault(_key(phrase), (_NOUN, _LEVELS.index("necessity") + 1, NECESSARY))
    for polarity, answer in (("positive", NECESSARY), ("negative", NOT_NECESSARY)):
        for phrase in language.phrases(f"{_RULING}.certification.nouns.{polarity}"):
            found.setdefault(_key(phrase), (_CERTIFICATION_NOUN, _LEVELS.index("certification") + 1, answer))
    return found


def _alt(key: str) -> str:
    return language.alternation(key, lower=True)


def _words(key: str, before: str = r"\b", after: str = r"\b") -> language.LazyRegex:
    """A pattern of a list's phrases (for lower-cased text) between ``before`` and ``after``."""
    return language.lazy(lambda: f"{before}{_alt(key)}{after}")


def _comma_break() -> str:
    """A comma, semicolon or colon, except a comma that goes on with the request ("Norco 10/325, 120 count")."""
    numbers = language.phrase_alternation(language.number_words())
    goes_on = _alt("sentences.clauses.request_continues")
    return rf";|:|,(?!\s*(?:\d|#|\(|(?:{numbers}|{goes_on})\b))"


_VERDICT_WORDS = language.lazy(lambda: rf"(?<![\w-]){language.phrase_alternation(_verdicts())}(?![\w-])")
_NEGATION = language.lazy(lambda: rf"\b{_alt('negation.ruling.before')}\b|{_alt('negation.ruling.endings')}\b")
_CONTINUING_NEGATION = _words("negation.ruling.continuing")
_NOT_A_NEGATION = _words("negation.ruling.not_negations")
_CLAUSE_BREAK = language.lazy(lambda: rf"{_comma_break()}|\b{_alt('sentences.clauses.conclusion_breaks')}\b")
_PART_BREAK = language.lazy(lambda: rf"[;:]|\b{_alt('sentences.clauses.conclusion_parts')}\b")
_HARD_BREAK = language.lazy(_comma_break)
_CONDITION = language.lazy(lambda: rf"\b{_alt(f'{_RULING}.conditions')}\b|\?")
_QUESTION = language.lazy(lambda: rf"\b{_alt(f'{_RULING}.questions')}\b")
_CONCESSIVE = _words(f"{_RULING}.concessive", before=r"^\W*")
_HISTORY = _words(f"{_RULING}.history")
_PARTY = _words(f"{_RULING}.attribution.parties")
#: "the physician states": a party, then a verb of saying or finding on the same line.  The definition
#: ``_says`` reads in one pass (tests/test_linear.py holds the two together).
_SAYS = language.lazy(
    lambda: rf"\b{_alt(f'{_RULING}.attribution.parties')}\b.*\b{_alt(f'{_RULING}.attribution.verbs')}\b"
)
_SAYING = _words(f"{_RULING}.attribution.verbs")
_OBJECT_AFTER = _words(f"{_RULING}.attribution.objects", before=r"^\s+")
_BY_PARTY = language.lazy(
    lambda: rf"^[^,;:]*?\b{_alt(f'{_RULING}.attribution.by')}\s+(?:the\s+)?{_alt(f'{_RULING}.attribution.parties')}\b"
)
_SUBJECT = _words(f"{_RULING}.other.subjects")
_NOT_A_RULING_AFTER = _words(f"{_RULING}.other.not_followed_by", before=r"^\s+")
_MARKER = _words(f"{_RULING}.markers", before=r"^\W*")
_RECOMMENDING = _words(f"{_RULING}.certification.recommending")
_NOUN_DENIED = _words(f"{_RULING}.necessity.noun_denied", after=r"\s+$")
_NOUN_VERDICT = _words(f"{_RULING}.necessity.noun_after.participles", before=r"^(?P<between>[^;:]*?)\b")
_NOUN_AUXILIARY = _words(f"{_RULING}.necessity.noun_after.auxiliaries")
_QUOTED_CRITERION = _words("conclusions.quoted_criterion", before="", after="")
# A strength or quantity: the sentence speaks of a request ("Fexmid 7.5 mg #60").
_REQUEST_DETAIL = language.lazy(lambda: rf"#\s*\d|\b\d+(?:\.\d+)?\s*{language.alternation('requests.strength.units')}", re.I)
_LABEL = re.compile(r"^\s*\w+\s*:\s*")


# ------------------------------------------------------------------ words glued by extraction
@lru_cache(maxsize=1)
def _glue_words() -> frozenset[str]:
    """Words a glued word may be made of: ``conclusions.glued_words``, and every word of a verdict or negation cue."""
    words = set(language.words("conclusions.glued_words"))
    for phrase in [*_verdicts(), *language.phrases("negation.ruling.before"), *language.phrases("negation.ruling.continuing")]:
        words.update(w for w in re.split(r"[\s-]+", phrase.lower()) if w.isalpha())
    return frozenset(words)


_GLUED_CANDIDATE = re.compile(r"[a-z]{5,}")
_SPLIT_HYPHEN = re.compile(r"\b([a-z]+)- +([a-z]+)\b")


def unglue(text: str) -> str:
    """Lower-cased ``text`` with words that extraction glued or split read as written apart.

    "isnotmedically necessary" -> "is not medically necessary"; "medi- cally"
    -> "medically"; "non- certified" -> "non-certified".  Only a word made
    wholly of ``conclusions.glued_words`` is split.
    """
    low = text.lower()
    words = _glue_words()
    prefixes = language.words("sentences.compound_prefixes")

    def rejoin(m: re.Match[str]) -> str:
        head, tail = m.group(1), m.group(2)
        return f"{head}-{tail}" if head in prefixes and head + tail not in words else head + tail

    low = _SPLIT_HYPHEN.sub(rejoin, low)
    return _GLUED_CANDIDATE.sub(lambda m: _split_glued(m.group(), words) or m.group(), low)


@lru_cache(maxsize=2048)
def _split_glued(word: str, words: frozenset[str]) -> str | None:
    """``word`` as two or more glue words ("isnot" -> "is not"), or None.

    The fewest parts win; among splits with as few parts, the one whose last
    part starts first.  Only a glue word's length back from each position is
    tried, and the search stops once no split can reach the next position, so
    a long run of letters costs time in proportion to its length, not its square.
    """
    if word in words:
        return None
    longest = max(map(len, words), default=0)
    count: list[int | None] = [None] * (len(word) + 1)  # fewest parts that spell word[:end]
    previous = [0] * (len(word) + 1)  # where the last of those parts starts
    count[0] = 0
    reached = 0  # the last position some split reaches
    for end in range(1, len(word) + 1):
        if end - reached > longest:
            return None  # no part can bridge the gap: word[:end] and everything after cannot be spelt
        for start in range(max(0, end - longest), end):
            parts = count[start]
            if parts is not None and word[start:end] in words and (count[end] is None or parts + 1 < count[end]):
                count[end], previous[end] = parts + 1, start
        if count[end] is not None:
            reached = end
    if count[len(word)] is None or count[len(word)] < 2:
        return None
    cuts = [len(word)]
    while cuts[-1] > 0:
        cuts.append(previous[cuts[-1]])
    cuts.reverse()
    return " ".join(word[a:b] for a, b in zip(cuts, cuts[1:]))


# ------------------------------------------------------------------ reading one sentence
@dataclass(frozen=True)
class _Verdict:
    level: int
    polarity: str | None
    concessive: bool


#: The most verdict words a ruling sentence holds (letters hold at most three).  Each is read in its
#: clause, which in a sentence of thousands ("UPHELD UPHELD ...") is the whole sentence: quadratic.
_MOST_VERDICT_WORDS = 12


def read_ruling(sentence: str, request: str | None = None) -> Ruling | None:
    """What ``sentence`` rules on the request, or None when it rules on nothing.

    ``request`` is the item's request as written: it is read as "the request",
    so its own words ("No Refills", "not to exceed", commas) are not read as
    part of the ruling.
    """
    text = unglue(sentence)
    if request and request.strip():
        text = _without_request(text, request)
    if _QUOTED_CRITERION.search(text):
        return None
    words = list(_VERDICT_WORDS.finditer(text))
    if len(words) > _MOST_VERDICT_WORDS:
        return None  # not a sentence anyone wrote: "UPHELD UPHELD ...", or extraction running sentences together
    verdicts = [v for m in words if (v := _verdict(text, m)) is not None]
    if not verdicts:
        return None
    top = max(v.level for v in verdicts)
    highest = [v for v in verdicts if v.level == top]
    answers = {v.polarity for v in highest}
    if None not in answers and len(answers) > 1:
        answers = {v.polarity for v in highest if not v.concessive}
    return Ruling(answers.pop() if len(answers) == 1 else None, top)


def necessity_polarity(sentence: str) -> str | None:
    """NECESSARY / NOT_NECESSARY for a sentence that rules on the request (None otherwise)."""
    ruling = read_ruling(sentence)
    return ruling.polarity if ruling else None


def _without_request(text: str, request: str) -> str:
    """``text`` with each place it writes the request's words (any spacing between them) read as "the request"."""
    return _replace_words(text, unglue(request).split(), "the request")


_NON_SPACE = re.compile(r"\S+")


def _replace_words(text: str, words: list[str], replacement: str) -> str:
    """``text`` with every run of ``words`` separated by whitespace (leftmost first, not overlapping) replaced.

    The same as substituting the pattern ``word\\s+word...``, but found with
    one ``str.find`` in the text with its spaces squeezed: a request heading
    of 40,000 words would take seconds to compile as a pattern.
    """
    if not words or words[0] not in text:
        return text
    tokens = [(m.start(), m.end()) for m in _NON_SPACE.finditer(text)]
    squeezed = " ".join(text[a:b] for a, b in tokens)
    starts, position = [], 0  # where each token starts in ``squeezed``
    for a, b in tokens:
        starts.append(position)
        position += b - a + 1

    def original(index: int) -> int:
        """The offset in ``text`` of the character at ``index`` in ``squeezed`` (never a joining space)."""
        token = bisect.bisect_right(starts, index) - 1
        return tokens[token][0] + index - starts[token]

    needle = " ".join(words)
    out, kept, found = [], 0, squeezed.find(needle)
    while found >= 0:
        first, last = original(found), original(found + len(needle) - 1) + 1
        out += [text[kept:first], replacement]
        kept = last
        found = squeezed.find(needle, found + len(needle))
    return "".join(out) + text[kept:] if out else text


def _verdict(text: str, m: re.Match[str]) -> _Verdict | None:
    kind, level, polarity = _verdicts()[_key(m.group())]
    start, end = m.start(), m.end()
    clause_start = _last_end(_CLAUSE_BREAK, text, start)
    clause = text[clause_start:start]
    after = text[end : _next_start(_CLAUSE_BREAK, text, end)]
    part = text[_last_end(_PART_BREAK, text, start) : _next_start(_PART_BREAK, text, end)]
    negations = _negations(clause)
    if kind == _NOUN:
        found = _noun_ruling(text, start, end, clause)
        if found is None:
            return None
        negations = found
    elif kind == _CERTIFICATION_NOUN:
        if not _RECOMMENDING.search(clause):
            later = _RECOMMENDING.search(after)
            if later is None:
                return None  # "certification" that nobody recommends: not a ruling
            negations += _negations(after[: later.start()])
    decision = _LEVELS[level - 1] == "decision"
    if not decision and _attributed(clause, after):
        return None
    if not decision and _HISTORY.search(clause):
        return None
    if _LEVELS[level - 1] == "other" and not _speaks_of_request(text, start, after):
        return None
    if negations % 2:
        polarity = NOT_NECESSARY if polarity == NECESSARY else NECESSARY
    if _CONDITION.search(part) or _QUESTION.search(clause) or _QUESTION.search(after):
        polarity = None
    hard = text[_last_end(_HARD_BREAK, text, start) : start]
    return _Verdict(level, polarity, bool(_CONCESSIVE.search(hard)))


def _last_end(pattern: language.LazyRegex, text: str, before: int) -> int:
    """Where the last match of ``pattern`` before ``before`` ends (0: none)."""
    last = 0
    for m in pattern.finditer(text, 0, before):
        last = m.end()
    return last


def _next_start(pattern: language.LazyRegex, text: str, after: int) -> int:
    m = pattern.search(text, after)
    return m.start() if m else len(text)


def _negations(text: str) -> int:
    """Negation cues in ``text``; "nor" counts only when nothing before it negated."""
    text = _NOT_A_NEGATION.sub(" ", text)
    count = len(_NEGATION.compiled.findall(text))
    if not count and _CONTINUING_NEGATION.search(text):
        count = 1
    return count


def _noun_ruling(text: str, start: int, end: int, clause: str) -> int | None:
    """Negations of a "medical necessity" ruling, or None when the noun rules on nothing.

    "There is no medical necessity for ..." (one); "medical necessity has not
    been established" (one); "Medical necessity is established." (none);
    "to support the medical necessity of ..." (not a ruling).
    """
    if _NOUN_DENIED.search(text[:start]):
        return 1 + _negations(clause)
    m = _NOUN_VERDICT.search(text[end:])
    if m is None or _VERDICT_WORDS.search(m.group("between")):
        return None
    between = m.group("between")
    if not _NOUN_AUXILIARY.search(between) and not _negations(between):
        return None
    return _negations(clause) + _negations(between)


def _attributed(clause: str, after: str) -> bool:
    """Someone else's verdict: "the physician states that ...", "UR non-certified the request", "denied by UR"."""
    if _says(clause):
        return True
    if _PARTY.search(clause) and _OBJECT_AFTER.search(after):
        return True
    return bool(_BY_PARTY.search(after))


_LINE_BREAK = compile_pattern("\n")
_LOWER_WORD = compile_pattern(r"[a-z]+")


def _says(clause: str) -> bool:
    """What ``_SAYS`` matches, found in time linear in the clause (the pattern tried every party word).

    On each line, a party word ends before the line's last verb of saying (a
    party before an earlier verb is before the last one too).  A party of
    several words may begin on the line before ("UR\\nreviewer said").
    """
    reach = _party_words() - 1
    line_start = 0
    for line_end in [*(m.start() for m in _LINE_BREAK.finditer(clause)), len(clause)]:
        last = None
        for last in _SAYING.compiled.finditer(clause, line_start, line_end):
            pass
        if last is not None:
            since = _words_back(clause, line_start, reach)
            if any(m.end() >= line_start for m in _PARTY.compiled.finditer(clause, since, last.start())):
                return True
        line_start = line_end + 1
    return False


@lru_cache(maxsize=1)
def _party_words() -> int:
    """The most words a party has ("UR reviewer": 2)."""
    return max(len(phrase.split()) for phrase in language.phrases(f"{_RULING}.attribution.parties"))


def _words_back(text: str, position: int, count: int) -> int:
    """Where the ``count``-th word before ``position`` starts (white space between skipped)."""
    for _ in range(count):
        while position > 0 and text[position - 1].isspace():
            position -= 1
        while position > 0 and not text[position - 1].isspace():
            position -= 1
    return position


def _speaks_of_request(text: str, start: int, after: str) -> bool:
    """An "other" verdict rules only on the request, tersely, or after a marker of conclusion."""
    if _NOT_A_RULING_AFTER.search(after):
        return False
    if _OBJECT_AFTER.search(after) and not _SUBJECT.search(" ".join(after.split()[:4])):
        return False  # "recommended a taper": something else is recommended
    before = text[:start]
    if _SUBJECT.search(before) or _REQUEST_DETAIL.search(before) or _REQUEST_DETAIL.search(after):
        return True
    if _MARKER.search(text):
        return True
    bare = _LABEL.sub("", text, count=1)
    return len(_LOWER_WORD.findall(bare)) <= language.integer(f"{_RULING}.other.terse_words")


# ------------------------------------------------------------------ a rationale's conclusion
def find_conclusion(text: str, offset: int, normal: NormalText, request: str | None = None) -> Conclusion | None:
    """The sentence of a rationale that concludes on the request, with its polarity (see :func:`closing_ruling`)."""
    found = closing_ruling(text, request)
    if found is None:
        return None
    start, end, ruling = found
    return Conclusion(text[start:end], normal.span(offset + start, offset + end), ruling.polarity)


def closing_ruling(text: str, request: str | None = None) -> tuple[int, int, Ruling] | None:
    """The [start, end) and ruling of the sentence that concludes ``text``, or None when none rules.

    The last sentence that rules on medical necessity, a decision or a
    certification; failing that, another verdict in the last two sentences
    ("Therefore, the request is not warranted.").  When the last such ruling
    cannot be read, an earlier one that can is the conclusion; with none, the
    unreadable one is returned with no polarity.
    """
    spans = sentence_spans(text)
    unknown: tuple[int, int, Ruling] | None = None  # the last ruling of unknown polarity
    last_two: list[tuple[int, int, Ruling | None]] = []
    for i, (start, end) in enumerate(reversed(spans)):  # from the end: the conclusion is near it
        ruling = read_ruling(text[start:end], request)
        if i < 2:
            last_two.insert(0, (start, end, ruling))
        if ruling is None or ruling.level <= 1:
            continue
        if ruling.polarity is not None:
            return start, end, ruling
        unknown = unknown or (start, end, ruling)
    return unknown if unknown is not None else _latest([r for r in last_two if r[2]])


def _latest(rulings: list[tuple[int, int, Ruling | None]]) -> tuple[int, int, Ruling] | None:
    """The last ruling whose polarity is known, else the last one."""
    for found in reversed(rulings):
        if found[2] is not None and found[2].polarity is not None:
            return found  # type: ignore[return-value]
    return rulings[-1] if rulings else None  # type: ignore[return-value]


def read_conclusions(letter: Letter, decide: bool = False) -> None:
    """Each item's conclusion; with ``decide``, an item with no decision of its own takes it from there.

    Some layouts (Format 3) state the determination only in the rationale's last sentence.
    """
    normal = letter.normal
    if normal is None:
        return
    for item in letter.items:
        item.conclusion = find_conclusion(item.rationale_text, item.rationale_start, normal, item.request_text)
        if decide and item.decision is None and item.conclusion is not None and item.conclusion.polarity is not None:
            item.decision = UPHELD if item.conclusion.polarity == NOT_NECESSARY else OVERTURNED
            item.decision_span = item.conclusion.span
