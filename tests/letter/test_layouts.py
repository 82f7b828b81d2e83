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
