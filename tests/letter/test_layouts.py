"""Letter layouts: each module beside its grammar owns detection, headings and example letters."""

from __future__ import annotations

import pytest

from checker.input.source import SourceText
from checker.letter.layouts import by_number, detect, layouts
from checker.pipeline import read_source
from checker.rules.ruletests import letter_text
from tests.conftest import LETTERS, SEEDS, builtin_rules, load_expected

LAYOUTS = layouts()


def test_every_layout_module_is_found_in_order():
    numbers = [layout.number for layout in LAYOUTS]
    assert numbers == sorted(numbers) and numbers[:3] == [1, 2, 3]
    assert all(layout.name and layout.description and layout.grammar_path.is_file() for layout in LAYOUTS)


@pytest.mark.parametrize("folder", [SEEDS, LETTERS], ids=["seeds", "letters"])
def test_detection_picks_each_fixture_letters_own_layout(folder):
    expected = load_expected(folder)
    assert expected
    for name, reading in expected.items():
        text = (folder / name).read_text(encoding="utf-8", errors="replace")
        assert detect(text).number == reading["format"], name


def test_text_without_any_marker_falls_back_to_format_1_and_reads_no_structure():
    text = "A note about a patient.\nNothing here is an IMR letter.\n"
    assert detect(text).number == 1
    result = read_source("note.txt", SourceText(text), builtin_rules()).result
    assert result.letter.format is None
    assert [f.rule for f in result.findings] == ["parse-no-structure"]


def test_markers_are_found_whatever_the_line_endings():
    text = (LETTERS / "f3_alprazolam.txt").read_text(encoding="utf-8")
    for newline in ("\r\n", "\r"):
        assert detect(text.replace("\n", newline)).number == 3


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
def test_each_layout_names_its_header_fields_in_its_grammar(layout):
    labels = layout.field_label
    assert labels is not None
    assert labels.search("Date of Injury: 6/9/2005") is not None
    assert labels.search("The date of injury was 6/9/2005") is None


SPEC = {
    "summary": "The injured worker is a 52-year-old female who sustained an industrial injury on 3/2/2011. "
    "She has chronic low back pain. The request was for Soma 350 mg #60 and Norco 10/325 mg #90.",
    "items": [
        {
            "request": "Soma 350 mg #60",
            "decision": "Upheld",
            "admin": "MTUS Chronic Pain Treatment Guidelines Carisoprodol (Soma), page 29.",
            "reviewer": "MTUS Chronic Pain Treatment Guidelines Carisoprodol (Soma), pages 29, 65.",
            "rationale": "Carisoprodol is not recommended. Therefore, the request for Soma 350 mg #60 is not medically necessary.",
        },
        {
            "request": "Norco 10/325 mg #90",
            "decision": "Overturned",
            "reviewer": "MTUS Chronic Pain Treatment Guidelines Opioids, pages 76-80.",
            "rationale": "Pain falls from 8/10 to 4/10 and she has returned to work. "
            "Therefore, the request for Norco 10/325 mg #90 is medically necessary.",
        },
    ],
}


def _single(spec: dict) -> dict:
    return {**spec, "items": spec["items"][:1]}


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
def test_each_layout_writes_example_letters_it_reads_back(layout):
    """Rule tests write their letters through the layout, so every layout can carry rule examples."""
    try:
        spec = {**SPEC, "layout": layout.number}
        text = letter_text(spec)
    except ValueError:  # a one-issue layout takes one item
        spec = {**_single(SPEC), "layout": layout.number}
        text = letter_text(spec)
    assert detect(text) is layout
    result = read_source("example.txt", SourceText(text), builtin_rules()).result
    letter = result.letter
    assert letter.format == layout.number
    assert [f.rule for f in result.findings] == []
    assert letter.patient.age == 52 and letter.patient.sex == "female"
    got = [(i.request_text, i.decision, i.conclusion.polarity if i.conclusion else None) for i in letter.items]
    want = [
        (i["request"], i["decision"].lower(), "not-medically-necessary" if i["decision"] == "Upheld" else "medically-necessary")
        for i in spec["items"]
    ]
    assert got == want
    assert letter.items[0].pages("reviewer") == [29, 65]


def test_an_unknown_layout_in_a_rule_example_is_refused():
    with pytest.raises(ValueError, match="no layout 99"):
        letter_text({**SPEC, "layout": 99})
    assert by_number(99) is None


# ------------------------------------------------------------------ Format 3's determination sentence
def test_the_format3_determination_words_are_language_data():
    """The words that make an issue-section sentence a determination live in conclusions.yaml."""
    from checker.text import language

    assert language.phrases("conclusions.determination_sentence.words") == ("upheld", "overturned")
    assert language.phrases("conclusions.determination_sentence.glued") == ("medically necessary",)


@pytest.mark.parametrize(
    "text, sentences",
    [
        ("Alprazolam 0.5 mg #60\nAfter review, the UR decision is OVERTURNED. The file was complete.",
         ["After review, the UR decision is OVERTURNED"]),
        ("The prior denial was upheld", ["The prior denial was upheld"]),
        # Extraction glued the words: still a determination.
        ("Tramadol ER 150 mg\nThe request isnotmedically necessary. See below.", ["The request isnotmedically necessary"]),
        ("The request is MEDICALLYNECESSARY.", ["The request is MEDICALLYNECESSARY"]),
        # Decision words of other places are not this layout's determination words.
        ("The UR decision is reversed. The request is denied. It was certified.", []),
        # Whole words only.
        ("It was reupheld and overturnedly so.", []),
        ("Upheld. Reviewed. Overturned", ["Upheld", " Overturned"]),
    ],
)
def test_format3_determination_sentences_in_other_wording(text, sentences):
    from checker.letter.layouts.format3 import decision_sentences

    assert [text[start:end] for start, end in decision_sentences(text)] == sentences


def test_a_format3_letter_without_a_determination_line_takes_its_issue_sentence(tmp_path):
    """The issue section's sentence decides even where the rationale's conclusion says the opposite."""
    from checker.model import OVERTURNED
    from tests.conftest import read_text

    text = (LETTERS / "f3_alprazolam.txt").read_text(encoding="utf-8")
    text = text.replace("DETERMINATION: Upheld\n", "").replace(
        "ISSUE AT DISPUTE: Alprazolam 0.5 mg #60\n",
        "ISSUE AT DISPUTE: Alprazolam 0.5 mg #60\nOn appeal, the Utilization Review decision is overturned.\n",
    )
    result = read_text(text, tmp_path)
    item = result.letter.items[0]
    assert item.decision == OVERTURNED
    assert item.decision_span.line == text.splitlines().index(
        "On appeal, the Utilization Review decision is overturned.") + 1


# ------------------------------------------------------------------ the letter-level "Final Determination:" line
def test_the_final_determination_words_are_language_data():
    """The label and the form's three verdicts of a "Final Determination:" line live in conclusions.yaml."""
    from checker.text import language

    assert language.phrases("conclusions.final_determination.label") == ("final determination",)
    assert language.phrases("conclusions.final_determination.partial_overturn") == ("partial",)
    assert language.phrases("conclusions.final_determination.overturn") == ("overturn",)
    assert set(language.phrases("conclusions.final_determination.uphold")) == {"uphold", "upheld"}


@pytest.mark.parametrize(
    "value, verdict",
    [
        ("UPHOLD", "uphold"),
        (" Upheld. ", "uphold"),
        ("PARTIAL OVERTURN", "partial-overturn"),
        ("Partially Overturned", "partial-overturn"),
        ("Overturned", "overturn"),
        # Extraction glued the words: still read.
        ("PARTIALOVERTURN", "partial-overturn"),
        ("UPHOLDPage 2 of 4", "uphold"),
        # Not the form's verdicts: nothing is read.
        ("Certified", None),
        ("Non-certified", None),
        ("Denied", None),
        ("", None),
    ],
)
def test_final_verdicts_in_other_wording(value, verdict):
    from checker.letter.layouts.base import final_verdict

    assert final_verdict(value) == verdict


def _f2_letter(line: str) -> str:
    text = (LETTERS / "f2_soma_upheld.txt").read_text(encoding="utf-8")
    assert "\nFinal Determination: UPHOLD\n" in text
    return text.replace("\nFinal Determination: UPHOLD\n", f"\n{line}\n")


@pytest.mark.parametrize(
    "line, verdict, value",
    [
        ("Final Determination: UPHOLD", "uphold", "UPHOLD"),
        ("FINAL DETERMINATION:   Partial Overturn", "partial-overturn", "Partial Overturn"),
        ("  final determination : overturned.", "overturn", "overturned."),
        # A plain "Determination:" line is an item's, not the letter's.
        ("Determination: UPHOLD", None, None),
        ("Final Determination: pending", None, None),
    ],
)
def test_a_final_determination_line_in_other_wording(tmp_path, line, verdict, value):
    from tests.conftest import read_text

    text = _f2_letter(line)
    letter = read_text(text, tmp_path).letter
    assert letter.format == 2
    assert letter.final_determination == verdict
    if value is None:
        assert letter.final_determination_span is None
    else:
        assert letter.final_determination_span.line == text.splitlines().index(line) + 1
        assert letter.final_determination_span.column == line.index(value) + 1


def test_a_verdict_word_added_to_the_yaml_is_read():
    """A word a rule author adds to a verdict ("affirmed") is read, with no Python change."""
    from checker.letter.layouts.base import final_verdict
    from tests.language_support import edited_language

    assert final_verdict("AFFIRMED") is None
    with edited_language("conclusions", lambda data: data["final_determination"]["uphold"].append("affirmed")):
        assert final_verdict("AFFIRMED") == "uphold"
    assert final_verdict("AFFIRMED") is None


def test_a_label_added_to_the_yaml_is_read():
    import re

    from checker.letter.layouts import base
    from tests.language_support import edited_language

    line = "  IMR Final Decision: UPHOLD"
    assert re.match(base._final_label(), line, re.I) is None
    with edited_language("conclusions", lambda data: data["final_determination"]["label"].append("IMR final decision")):
        assert re.match(base._final_label(), line, re.I).group() == "  IMR Final Decision"


# ------------------------------------------------------------------ an item heading the grammar could not read
def _split_heading(decision_line: str) -> str:
    """A Format 1 letter whose item heading lost its line: the request alone, then the decision alone."""
    text = (LETTERS / "f1_norco_overturned.txt").read_text(encoding="utf-8")
    old = "Norco 10/325 mg #120: Overturned\n"
    assert old in text
    return text.replace(old, f"Norco 10/325 mg #120\n\n \n\n{decision_line}\n")


@pytest.mark.parametrize(
    "line, decision",
    [
        (":  Overturned", "overturned"),
        (":  OVERTURNED .", "overturned"),
        (": upheld.  ", "upheld"),
        # Not the words an item heading ends with: the item is built without a decision.
        (": Certified", None),
        (": Overturned in part", None),
    ],
)
def test_the_decision_of_an_unreadable_heading_in_other_wording(tmp_path, line, decision):
    from tests.conftest import read_text

    result = read_text(_split_heading(line), tmp_path)
    (item,) = result.letter.items
    assert item.decision == decision
    assert item.pages("reviewer") == [76, 77, 78, 79, 80, 91]
    assert "parse-item-heading" in {f.rule for f in result.findings}


def test_the_item_heading_words_are_language_data():
    import re

    from checker.letter.layouts import base
    from checker.text import language
    from tests.language_support import edited_language

    assert language.phrases("conclusions.item_heading") == ("upheld", "overturned")
    text = "Norco 10/325 mg #120 : Reversed"
    assert re.search(base._heading_decision(), text, re.I) is None
    with edited_language("conclusions", lambda data: data["item_heading"].append("reversed")):
        assert re.search(base._heading_decision(), text, re.I).group(1) == "Reversed"
