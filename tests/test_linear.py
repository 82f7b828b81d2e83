"""Bounded work per letter: the linear rewrites say what the plain searches said.

Several steps used to search the text before each mention once per mention,
which is quadratic in a long sentence ("Soma " 10,000 times took 98 s).
Their rewrites read a sentence once; the tests here hold each rewrite
against the plain search it replaced (kept in the module, or copied here,
as the reference), on sentences built from the words that matter to it.

Tests never time anything: how the work grows with the size of an
adversarial line is measured by ``bench/adversarial.py`` (``--growth``).
"""

from __future__ import annotations

import pickle

import re
from unittest import mock

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from checker.facts import conflicts, documentation
from checker.facts.documentation import _CLAUSE_VERB, _LIST_NEGATION, _NEGATION_BEFORE, _OPENER, Mention
from checker.knowledge.guideline import default_concepts
from checker.text.prefilter import lower_in_step
from checker.input.source import SourceText
from checker.knowledge.lexicon import default_lexicon
from checker.knowledge.sources import edition_near, guideline_parts, part_at, sources
from checker.letter import citations, conclusions
from checker.letter.layouts import format3, layouts
from checker.model import Span
from checker.text import normalise as normalise_module
from checker.text.sentences import sentence_at, sentence_spans
from tests.conftest import SEEDS
from tests.test_properties import SETTINGS


def _sentences_of(words: list[str]) -> st.SearchStrategy[str]:
    """Text made of ``words`` joined by the separators letters have (and some they should not)."""
    separators = st.sampled_from([" ", " ", " ", "  ", "", ", ", ". ", "; ", "\n", " - "])
    return st.lists(st.tuples(st.sampled_from(words), separators), max_size=60).map(
        lambda pairs: "".join(word + sep for word, sep in pairs)
    )


# --------------------------------------------------------------------------- normalise
@SETTINGS
@given(st.text(alphabet="ab1Z- \t.", max_size=40))
@example("medi-")
@example(" ab-")
@example("x ab-")
@example("-ab-")
@example("abc--")
def test_hyphen_helpers_say_what_the_searches_said(text):
    plain = re.search(r"([A-Za-z0-9]+)-$", text)
    assert normalise_module._hyphenated_head(text) == (plain.group(1) if plain else None)
    assert normalise_module._ends_in_split_word(text) == bool(normalise_module._SPLIT_WORD.search(text))


# --------------------------------------------------------------------------- sentences
@SETTINGS
@given(_sentences_of(["Dr.", "p.", "Soma", "He", "is", "24", '"Yes."', "e.g.", "(see", "No.", "3", "X"]), st.data())
def test_sentence_at_is_the_sentence_a_scan_finds(text, data):
    offset = data.draw(st.integers(min_value=-1, max_value=len(text) + 1))
    expected = next(((a, b) for a, b in sentence_spans(text) if a <= offset < b), (0, len(text)))
    assert sentence_at(text, offset) == expected


# --------------------------------------------------------------------------- layout markers
_MARKER_LINES = [
    "IMR ISSUES, DECISIONS AND RATIONALES", "Decision rationale:", "Soma:  Upheld", "CLINICAL CASE SUMMARY",
    "1. Soma is not medically necessary", "ISSUE AT DISPUTE", "MEDICAL PROFESSIONAL REVIEW", "x", "",
    "Claims Administrator guideline:", "1) Regarding the request for", "\t", " ", "\x0b", "\x0c", "\u2028",
    "imr issues, decisions and rationales", "CLINICAL CA\u017fE SUMMARY", "1) \u0130\u0131", "1) regarding the REQUEST for",
]


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(_MARKER_LINES), st.sampled_from(["\n", "\n\n", " \n", "\n \n", " "])),
                max_size=30).map(lambda pairs: "".join(a + b for a, b in pairs)))
def test_layout_markers_are_found_where_they_were(text):
    for layout in layouts():
        plain = sum(weight for pattern, weight in layout.markers if re.search(pattern, text, re.I | re.M))
        assert layout.score(text) == plain, layout.number
        assert layout.score(text, lower_in_step(text)) == plain, layout.number  # markers looked for by their plain part


# --------------------------------------------------------------------------- roles of drug mentions
_ROLE_WORDS = [
    "modified", "Modification", "modify", "modifies", "to", "TO", "into", "certified", "approved", "authorized",
    "not", "previously", "prescribed", "prior", "UR", "request", "requested", "RFA", "history", "past", "of",
    "Soma", "Carisoprodol", "Norco", "the", "#120", "350mg", "(approved", "pre-approved", "X", "and", "for",
]


@SETTINGS
@given(_sentences_of(_ROLE_WORDS))
@example("UR modified the request for Soma #120 to Soma #60; the request for Soma #90.")
@example("Previously prescribed Soma. The current request for Soma 350mg #90 certified Soma and X Norco")
@example("modified Soma to Soma to Soma to Soma")
@example("(approved Soma not approved Soma approved the X of Soma")
@example("UR modified the Soma; then sent to Soma #90, and modified. X to Soma")
@example("modified X. to Soma; modified to Soma")
@example("The request for Soma and Norco, previously prescribed Soma and Norco and Soma")
def test_roles_read_a_sentence_at_a_time_are_the_roles_read_mention_by_mention(text):
    lexicon = default_lexicon()
    matches = sorted(lexicon.find_all(text) + lexicon.find_near(text), key=lambda m: m.start)
    expected = [conflicts._role(text, sentence_at(text, m.start)[0], m.start) for m in matches]
    assert conflicts._roles(text, matches) == expected
    assert conflicts._requested(text, matches) == [role == "request" for role in expected]  # read short where it can


def test_the_fast_role_reading_applies_to_the_shipped_language():
    assert conflicts._fast_roles()


def test_language_the_fast_reading_cannot_take_is_read_mention_by_mention(monkeypatch):
    monkeypatch.setattr(conflicts, "_fast_roles", lambda: False)
    text = "UR modified Soma #120 to Soma #60; the request for Soma #90, previously prescribed Soma."
    matches = sorted(default_lexicon().find_all(text), key=lambda m: m.start)
    roles = conflicts._roles(text, matches)
    assert roles == ["request", "modification", "request", "history"]


# --------------------------------------------------------------------------- documentation mentions
def _reference_find_mentions(text: str, concepts) -> list[Mention]:
    """``documentation._find_mentions`` as it was before it was made linear (the reference)."""
    hits = []
    for concept in concepts.values():
        for m in concept.pattern.finditer(text):
            hits.append((m.start(), -(m.end() - m.start()), m.end(), concept.id))
    spans = sentence_spans(text)
    mentions: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for start, _, end, cid in sorted(hits):
        if any(start < e and end > s for s, e in taken):
            continue
        taken.append((start, end))
        s_start, s_end = next(((a, b) for a, b in spans if a <= start < b), (0, len(text)))
        with mock.patch.object(documentation, "_last_governing_negation", _reference_last_governing_negation):
            status = documentation.classify(text[s_start:s_end], start - s_start, end - s_start)
        mentions.append(Mention(cid, status, start, end, (s_start, s_end)))
    return mentions


def _reference_last_governing_negation(before: str, rest: str = "") -> int:
    """Every cue tested, the last that governs taken: what ``classify`` did before."""
    negations = [m.end() for m in _NEGATION_BEFORE.finditer(before) if _reference_governs(before, m, rest)]
    return negations[-1] if negations else -1


def _reference_governs(before: str, cue: re.Match[str], rest: str) -> bool:
    between = before[cue.end() :]
    if _LIST_NEGATION.match(before[cue.start() :]):
        part = re.split(r"[,;]", between)[-1]
        return not (part != between and _OPENER.search(part) and _CLAUSE_VERB.search(rest))
    if len(between.split()) > 12 or ";" in between:
        return False
    later = between.split(",")[1:]
    return not any(_OPENER.search(part) or _CLAUSE_VERB.search(part) for part in later)


_DOCUMENTATION_WORDS = [
    "spasm", "spasms", "functional improvement", "pain relief", "side effects", "ADLs", "urine drug screen",
    "no", "without", "lack of", "absence of", "no documentation of", "there is no", "has not been documented",
    "not documented", "does not document", "failed to", "MTUS", "guidelines", "requires", "recommended",
    "should be", "as criteria", "however", "but", "although", "the", "there", "was", "is", "patient", "of",
    "documentation", "evidence", "a", "b", "c", "d", "e", "f",
]


@SETTINGS
@given(_sentences_of(_DOCUMENTATION_WORDS))
@example("MTUS requires documentation of spasm; however, there is no documentation of spasm, the patient was seen.")
@example("no side effects, the urine drug screen was consistent, and spasm a b c d e f a b c d e f a b spasm")
@example("without a b c d e f a b c d e f a b c spasm; no documentation of a b c d e f a b c d e f spasm")
@example("no pain relief, recommended, without spasm")
@example("there is no a, b, MTUS requires, lack of c d, spasm")
@example("no documentation of a, b; the spasm was c, and no documentation of spasm, the spasm is")
def test_documentation_mentions_are_classified_as_before(text):
    concepts = default_concepts()
    assert len(text) < documentation.CONTEXT  # within the window the reading is the plain one
    assert documentation._find_mentions(text, concepts) == _reference_find_mentions(text, concepts)


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name)
def test_documentation_mentions_of_real_letters_are_classified_as_before(path):
    concepts = default_concepts()
    for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
        text = " ".join(paragraph.split())
        assert documentation._find_mentions(text, concepts) == _reference_find_mentions(text, concepts)


# --------------------------------------------------------------------------- line lengths
@SETTINGS
# Only \r\n, \r and \n break a line: not what str.splitlines() also splits at (\x0c, \x85, \u2028).
@given(st.lists(st.sampled_from(["abc", "", "x y", "\r\n", "\n", "\r", "\r\r\n", "\n\n", "\u00e9", "\x0c", "\x85", "\u2028"]),
                max_size=20), st.data())
def test_line_length_is_the_length_of_the_line_text(pieces, data):
    source = SourceText("".join(pieces))
    line = data.draw(st.integers(min_value=-1, max_value=source.line_count + 2))
    assert source.line_length(line) == len(source.line_text(line))
    sent = pickle.loads(pickle.dumps(source))  # as a worker process sends it
    assert sent.line_length(line) == len(source.line_text(line))
    assert source.line_starts == [0, *(m.end() for m in re.finditer(r"\r\n|\r|\n", source.text))]
    if 1 <= line <= source.line_count:
        start = source.line_starts[line - 1]
        end = source.line_starts[line] if line < source.line_count else len(source.text)
        assert source.line_text(line) == source.text[start:end].rstrip("\r\n")  # the slice it used to be


# --------------------------------------------------------------------------- words glued by extraction
def _reference_split_glued(word: str, words: frozenset[str]) -> str | None:
    """The search ``conclusions._split_glued`` replaced: every substring tried, the fewest parts kept."""
    if word in words:
        return None
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[0] = []
    for end in range(1, len(word) + 1):
        for start in range(end):
            part = word[start:end]
            if best[start] is not None and part in words:
                candidate = [*best[start], part]
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    parts = best[len(word)]
    return " ".join(parts) if parts and len(parts) > 1 else None


_GLUE_PIECES = ["is", "not", "no", "t", "medically", "necessary", "the", "request", "a", "re", "be", "x", "s", "e"]


@SETTINGS
@given(st.lists(st.sampled_from(_GLUE_PIECES), max_size=12).map("".join))
@example("isnotmedically")
@example("therequestisnot")
@example("isnotx")
@example("aaaa")
def test_glued_words_are_split_as_the_full_search_split_them(word):
    words = conclusions._glue_words()
    assert conclusions._split_glued.__wrapped__(word, words) == _reference_split_glued(word, words)


# --------------------------------------------------------------------------- the request in a ruling
_REQUEST_WORDS = ["soma", "350", "mg", "#60", "the", "request", "is", "a", "aa", "x", "-", "(", "bid"]


@SETTINGS
@given(
    st.lists(st.tuples(st.sampled_from(_REQUEST_WORDS), st.sampled_from([" ", "  ", "\n", "", "\u00a0", " \t "])),
             max_size=20).map(lambda pairs: "".join(a + b for a, b in pairs)),
    st.lists(st.sampled_from(_REQUEST_WORDS), min_size=1, max_size=4),
)
@example("soma 350  mg soma 350\nmg", ["soma", "350", "mg"])
@example("aaa a", ["a", "a"])
def test_request_words_are_replaced_where_the_pattern_replaced_them(text, words):
    pattern = r"\s+".join(re.escape(w) for w in words)
    assert conclusions._replace_words(text, words, "the request") == re.sub(pattern, "the request", text)


# --------------------------------------------------------------------------- page references in a rationale
_RATIONALE_WORDS = [
    "page", "pages", "29", "63", "of", "the", "MTUS", "ODG", "2016", "2009", "ACOEM", "Chronic", "Pain",
    "Medical", "Treatment", "Guidelines", "progress", "report", "notes", "that", "per", "and", "Soma", "guidelines",
]


def _reference_rationale_guidelines(text: str) -> list[tuple]:
    """Each rationale citation's (reference, guideline, edition, named), its sentence searched for each page."""
    found = []
    for ref in citations.page_refs(text)[0]:
        start, end = sentence_at(text, ref.start)
        sentence = text[start:end]
        read_once = citations._Sentence(text, start, end)
        src = sources()
        assert read_once.names_guideline == bool(src.guideline_words.search(sentence) or src.name_pattern.search(sentence))
        if not citations._is_guideline_page(text, ref, read_once):
            continue
        part = part_at(guideline_parts(sentence), ref.start - start)
        family, edition, named = None, None, False
        if part is not None:
            family, named, edition = part.family, part.named, edition_near(sentence, part)
        found.append((text[ref.start : ref.end], family, edition, named))
    return found


@SETTINGS
@given(_sentences_of(_RATIONALE_WORDS))
@example("Per the 2016 MTUS, page 29 and page 63 of the ODG. Page 29 of the progress report notes that page 63")
@example("ODG page 29, ACOEM page 63, the MTUS page 29, page 63 of the 2009 MTUS")
def test_rationale_pages_read_a_sentence_at_a_time_are_read_as_page_by_page(text):
    read = citations.read_rationale_citations(text, lambda a, b: Span(1, a + 1, 1, b + 1))
    assert [(c.text, c.guideline, c.edition, c.named) for c in read] == _reference_rationale_guidelines(text)


# --------------------------------------------------------------------------- Format 3's decision sentence
@SETTINGS
@given(st.lists(st.sampled_from(["Upheld", "upheldx", "overturned", "medically", "necessary", "medically\nnecessary",
                                 "not", ".", "\n", " ", "a", "x.", "medicallynecessary", "OVERTURNED."]),
                max_size=25).map(" ".join))
@example("a medically\nnecessary b. upheld\nx")
@example("overturned upheld. x")
def test_format3_decision_sentences_are_what_the_pattern_found(text):
    pattern = r"[^.\n]*(?:\bupheld|\boverturned|medically\s*necessary)\b[^.\n]*"
    expected = [(m.start(), m.end()) for m in re.finditer(pattern, text, re.I)]
    assert list(format3.decision_sentences(text)) == expected


# --------------------------------------------------------------------------- someone else's verdict
@SETTINGS
@given(_sentences_of(["he", "she", "the", "physician", "states", "stated", "ur", "reviewer", "ur reviewer", "said",
                      "hesaid", "notes", "x", "prior imr", "prior", "imr", "found", "\n", "worker", "-he", "states-", " \n "]))
@example("she\nsaid")
@example("he said she")
@example("physicians states")
@example("ur \nreviewer-said. ")
@example("prior\n\n imr said")
def test_a_party_before_a_verb_of_saying_is_found_as_the_pattern_found_it(text):
    assert conclusions._says(text) == bool(conclusions._SAYS.search(text))


# --------------------------------------------------------------------------- quantity and strength conflicts
def _grouped_by_scanning(stated, others, normal, kind):
    """The reference: ``conflicts._grouped`` as it was, scanning each record's list for a place already there."""
    records, said = {}, {}
    for other_where, other in others:
        other_value = other.quantity if kind == "quantity" else other.strength
        if other_value is not None:
            said.setdefault(other_where, set()).add(conflicts._strength_key(other_value) if kind == "strength" else other_value)
    for where, quantity, strength, span, text in stated:
        value = quantity if kind == "quantity" else strength
        if value is None:
            continue
        comparable = conflicts._strength_key(value) if kind == "strength" else value
        for other_where, other in others:
            other_value = other.quantity if kind == "quantity" else other.strength
            if other_where == where or other_value is None or conflicts._same(kind, value, other_value):
                continue
            if comparable in said.get(other_where, set()):
                continue
            if other_where == "rationale" and conflicts._summary_sides_with(said, comparable, other_value, kind):
                continue
            key = conflicts._strength_key(value) if kind == "strength" else value
            record = records.get(key)
            if record is None:
                other_record = conflicts.spanned(normal.text[other.start : other.end], normal.span(other.start, other.end),
                                                 value=other_value, where=other_where)
                record = records[key] = conflicts.spanned(text, span, value=value, where=where, other=other_record,
                                                          others=[other_record], other_places=[], other_values=[])
            elif not any(o["_span"] == normal.span(other.start, other.end) for o in record["others"]):
                record["others"].append(conflicts.spanned(normal.text[other.start : other.end],
                                                          normal.span(other.start, other.end),
                                                          value=other_value, where=other_where))
            if other_where not in record["other_places"]:
                record["other_places"].append(other_where)
            if other_value not in record["other_values"]:
                record["other_values"].append(other_value)
    for record in records.values():
        places = record["other_places"]
        record["others_say"] = "the " + " and the ".join(places) + (" give" if len(places) > 1 else " gives")
    return list(records.values())


class _Mentioned:
    def __init__(self, start: int, end: int, quantity, strength):
        self.start, self.end, self.quantity, self.strength = start, end, quantity, strength


class _Normal:
    """A normalised text whose offsets map to themselves, counting the spans asked for."""

    def __init__(self, text: str):
        self.text, self.asked = text, 0

    def span(self, start: int, end: int) -> Span:
        self.asked += 1
        return Span(1, start + 1, 1, end + 1)


_PLACES = st.sampled_from(["item line", "rationale", "summary"])
_OTHERS = st.lists(
    st.tuples(_PLACES, st.integers(0, 30), st.integers(1, 4), st.sampled_from([None, 30, 60, 90]),
              st.sampled_from([None, "10 mg", "10MG", "350 mg"])),
    max_size=25,
)


@SETTINGS
@given(_OTHERS, st.sampled_from(["quantity", "strength"]))
def test_conflicting_places_are_grouped_as_the_scan_grouped_them(mentions, kind):
    normal = _Normal("x" * 40)
    stated = [("item line", 90, "350 mg", Span(1, 1, 1, 5), "Soma"), ("rationale", 60, "10 mg", Span(2, 1, 2, 5), "it")]
    others = [(where, _Mentioned(start, start + length, quantity, strength))
              for where, start, length, quantity, strength in mentions]
    assert conflicts._grouped(stated, others, normal, kind) == _grouped_by_scanning(stated, others, normal, kind)


def test_a_summary_that_repeats_a_conflicting_amount_is_grouped_in_linear_work():
    """Each place is looked up once for each value stated, not once for every place already listed."""
    mentions = 2_000
    normal = _Normal("x" * (mentions * 10))
    stated = [("item line", 90, None, Span(1, 1, 1, 5), "Soma #90")]
    others = [("summary", _Mentioned(i * 10, i * 10 + 6, 120, None)) for i in range(mentions)]
    [record] = conflicts._grouped(stated, others, normal, "quantity")
    assert len(record["others"]) == mentions
    assert normal.asked <= 2 * mentions
