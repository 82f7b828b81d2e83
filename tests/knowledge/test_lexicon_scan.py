"""The lexicon's one-pass name scan finds exactly what one alternation of all names finds.

``Lexicon.find_all`` tries a name only where a word is its first word; the
plain way is a single regular expression of every name, longest first.  The
two must agree on every text: the letters in the repository, and texts
made of names, near-names, plurals, digits and punctuation.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.knowledge.lexicon import _name_regex, default_lexicon, with_additions, drug_of_entry
from checker.text.prefilter import lower_in_step
from tests.conftest import ROOT

LEXICON = default_lexicon()


def _reference(lexicon, text: str):
    names = sorted({*lexicon.by_name, *lexicon.misspelt}, key=lambda n: (-len(n), n))
    alternation = re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(_name_regex(n) for n in names) + r")(?![A-Za-z])", re.I)
    found = (lexicon._known(m.group(), m.start(), m.end()) for m in alternation.finditer(text))
    return [m for m in found if m is not None]


def _letters() -> list[str]:
    paths = sorted((ROOT / "tests" / "fixtures").rglob("*.txt")) + sorted((ROOT / "examples").glob("*.txt"))
    return [p.read_text(encoding="utf-8", errors="replace") for p in paths]


def test_the_scan_agrees_with_one_alternation_on_every_letter():
    letters = _letters()
    assert len(letters) > 40
    for text in letters:
        assert LEXICON.find_all(text) == _reference(LEXICON, text)


def test_every_shipped_name_starts_with_a_letter_or_digit():
    """A name is indexed by its first word; one that starts otherwise could never be found."""
    names = {*LEXICON.by_name, *LEXICON.misspelt}
    assert [n for n in names if not re.match(r"[a-z0-9]", n)] == []


_NAMES = sorted({*LEXICON.by_name, *LEXICON.misspelt})
_PIECES = st.one_of(
    st.sampled_from(_NAMES),
    st.sampled_from(_NAMES).map(str.upper),
    st.sampled_from(_NAMES).map(lambda n: n + "s"),
    st.sampled_from(_NAMES).map(lambda n: n + "es"),
    st.sampled_from(_NAMES).map(lambda n: n[:-1]),
    st.sampled_from(["10", "#3", "/", " / ", "-", "mg", "x", "2%", "er", "  ", "\n", ".", ",", "apap", "with"]),
    st.text(alphabet="abcs0123456789 /-#", max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=12), st.lists(st.sampled_from(["", " ", "", "/", "1"]), min_size=12, max_size=12))
def test_the_scan_agrees_with_one_alternation_on_made_up_text(pieces, glue):
    text = "".join(p + g for p, g in zip(pieces, glue))
    assert LEXICON.find_all(text) == _reference(LEXICON, text)


def test_a_name_added_by_a_rule_folder_is_found_even_when_it_starts_with_a_digit():
    lexicon = with_additions(LEXICON, [drug_of_entry({"generic": "5-htp", "names": ["griffonia"]})])
    found = lexicon.find_all("He takes 5-HTP 100 mg and 25-htp and Griffonia daily.")
    assert [(m.drug.generic, m.written) for m in found] == [("5-htp", "5-HTP"), ("5-htp", "Griffonia")]
    assert found == _reference(lexicon, "He takes 5-HTP 100 mg and 25-htp and Griffonia daily.")


def test_the_first_word_scan_finds_the_words_a_name_can_start_at():
    """``_first_words`` is the plain word scan (``_WORD_START``) less the words no name starts with."""
    from checker.knowledge.lexicon import _WORD_START

    for text in _letters() + ["Somas SOMAES soma1 1soma _soma x-soma", "\u017foma K\u212aonopin"]:
        plain = [w.span() for w in _WORD_START.finditer(text) if LEXICON._candidates(w.group().lower())]
        assert [w.span() for w in LEXICON._first_words().finditer(text)] == plain
        lowered = lower_in_step(text)
        if lowered is not None:  # the scan of a text in lower case, with case, finds the same words
            assert [w.span() for w in LEXICON._first_words(text_lowered=True).finditer(lowered)] == plain
