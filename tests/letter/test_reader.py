"""Step 3: the letter's structure (checker/letter/reader.py and the layouts beside their grammars)."""

from __future__ import annotations

import pytest

from checker.model import OVERTURNED, UPHELD
from tests import messify
from tests.conftest import LETTERS, SEEDS, load_expected, read_path, read_text

SEED_NAMES = sorted(load_expected(SEEDS))
LETTER_NAMES = sorted(load_expected(LETTERS))


def lines_of(path) -> list[str]:
    return path.read_bytes().decode("utf-8").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def line_number(lines: list[str], needle: str, start: int = 1) -> int:
    """1-based number of the first line at or after ``start`` containing ``needle``."""
    for number in range(start, len(lines) + 1):
        if needle in lines[number - 1]:
            return number
    raise AssertionError(f"{needle!r} not found")


def rules(result) -> list[str]:
    return [f.rule for f in result.findings]


# --------------------------------------------------------------------------- formats and items


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seeds_are_format_1(name):
    letter = read_path(SEEDS / name).letter
    assert letter.format == 1
    assert [s.kind for s in letter.sections] == ["how", "summary", "issues"]


@pytest.mark.parametrize("name", LETTER_NAMES)
def test_format_detection_on_fixture_letters(name):
    letter = read_path(LETTERS / name).letter
    assert letter.format == int(name[1])  # f1_..., f2_..., f3_...
    kinds = {s.kind for s in letter.sections}
    if letter.format == 3:
        assert {"issue", "summary", "guidelines", "rationale", "qualifications"} <= kinds
    else:
        assert {"how", "summary", "issues"} <= kinds


@pytest.mark.parametrize("name", LETTER_NAMES + SEED_NAMES)
def test_item_decisions_and_clean_parse(name):
    folder = SEEDS if name in SEED_NAMES else LETTERS
    expected = load_expected(folder)[name]
    result = read_path(folder / name)
    assert [i.decision for i in result.letter.items] == [i["decision"] for i in expected["items"]]
    assert [i.index for i in result.letter.items] == list(range(1, len(expected["items"]) + 1))
    assert not [f for f in result.findings if f.category == "parse"], rules(result)


@pytest.mark.parametrize(
    "name,final",
    [("f2_soma_upheld.txt", "uphold"), ("f2_methocarbamol_overturned.txt", "overturn"),
     ("f2_partial_overturn_flexeril_norco.txt", "partial-overturn"),
     ("f2_four_items_ultram_ambien_prilosec_lorazepam.txt", "partial-overturn"),
     ("f2_two_items_alprazalam_temazepam.txt", "uphold")],
)
def test_format2_final_determination(name, final):
    letter = read_path(LETTERS / name).letter
    assert letter.final_determination == final
    decisions = {i.decision for i in letter.items}
    if final == "uphold":
        assert decisions == {UPHELD}
    elif final == "overturn":
        assert decisions == {OVERTURNED}
    else:
        assert decisions == {UPHELD, OVERTURNED}


def test_format1_has_no_final_determination():
    assert read_path(SEEDS / "000_a530ee4abe81adc8.txt").letter.final_determination is None


def test_format2_item_heading_holds_the_decision():
    path = LETTERS / "f2_soma_upheld.txt"
    letter = read_path(path).letter
    item = letter.items[0]
    assert item.request_text == "Soma 350mg #120"
    lines = lines_of(path)
    n = line_number(lines, "1. Soma 350mg #120 is not medically necessary")
    assert item.request_span.line == n
    assert lines[n - 1][item.request_span.column - 1 : item.request_span.end_column - 1] == "Soma 350mg #120"
    decision = lines[n - 1][item.decision_span.column - 1 : item.decision_span.end_column - 1]
    assert "not medically necessary" in decision


def test_guideline_lines_become_admin_and_reviewer_citations():
    letter = read_path(SEEDS / "001_ed7318db5454d5ef.txt").letter
    soma = letter.items[0]
    assert [c.kind for c in soma.citations] == ["admin", "reviewer", "rationale"]
    assert soma.pages("admin") == [29]
    assert soma.pages("reviewer") == [29, 65]
    assert soma.citations_of("reviewer")[0].source == "MTUS"


def test_rationale_text_and_span():
    path = SEEDS / "000_a530ee4abe81adc8.txt"
    item = read_path(path).letter.items[0]
    assert item.rationale_text.startswith("Per MTUS Chronic Pain Guidelines on muscle relaxant")
    lines = lines_of(path)
    n = line_number(lines, "Decision rationale: Per MTUS")
    assert item.rationale_span.line == n
    assert lines[n - 1][item.rationale_span.column - 1 :].startswith("Per MTUS")
    assert item.rationale_span.end_line > n


# --------------------------------------------------------------------------- positions


def test_seed_002_wrapped_item_request_span():
    path = SEEDS / "002_79c63337c1751a54.txt"
    lines = lines_of(path)
    item = read_path(path).letter.items[1]
    first = line_number(lines, "OXYCODONE 20 MG")
    last = line_number(lines, "PAIN:", first)
    assert last > first
    assert item.request_text == "OXYCODONE 20 MG ONE TAB PO Q 8 HOURS PRN # 60 FOR BREAKTHROUGH PAIN"
    span = item.request_span
    assert (span.line, span.column) == (first, 1)
    assert span.end_line == last
    assert lines[last - 1][: span.end_column - 1] == "PAIN"
    assert item.decision_span.line == last
    assert lines[last - 1][item.decision_span.column - 1 : item.decision_span.end_column - 1] == "Upheld"
    assert item.heading_span.line == first and item.heading_span.end_line == last


def test_seed_002_first_item_spans():
    path = SEEDS / "002_79c63337c1751a54.txt"
    lines = lines_of(path)
    item = read_path(path).letter.items[0]
    n = line_number(lines, "SOMA 350 MG BID # 60 FOR MUSCLE RELAXATION:")
    text = lines[n - 1]
    assert item.request_span.line == item.request_span.end_line == n
    assert text[item.request_span.column - 1 : item.request_span.end_column - 1] == item.request_text
    assert text[item.decision_span.column - 1 : item.decision_span.end_column - 1] == "Upheld"


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_section_spans_start_at_their_headings(name):
    path = SEEDS / name
    lines = lines_of(path)
    letter = read_path(path).letter
    assert [s.kind for s in letter.sections] == ["how", "summary", "issues"]
    for section in letter.sections:
        assert section.title in lines[section.span.line - 1]
        assert lines[section.span.line - 1][section.span.column - 1 :].startswith(section.title)


# --------------------------------------------------------------------------- partial reads

GOOD_ITEM = "Soma 350 mg #60: Upheld"


def letter_text(item: str = GOOD_ITEM, summary: bool = True, rationale: str | None = None) -> str:
    rationale_line = (
        "Decision rationale: Per MTUS, Soma is not recommended for long-term use. The request is not medically "
        "necessary.\n" if rationale is None else rationale
    )
    return (
        "HOW THE IMR FINAL DETERMINATION WAS MADE\n"
        "The expert reviewer is Board Certified in Family Medicine and is licensed to practice in California.\n\n"
        + ("CLINICAL CASE SUMMARY\nThe injured worker is a 45-year-old male injured on 6/9/2005.\n\n" if summary else "")
        + "IMR ISSUES, DECISIONS AND RATIONALES\n"
        "The Final Determination was based on decisions for the disputed items/services set forth below:\n\n"
        f"{item}\n"
        "Claims Administrator guideline: Decision based on MTUS Chronic Pain Treatment Guidelines, page 29.\n"
        "MAXIMUS guideline: Decision based on MTUS Chronic Pain Treatment Guidelines Carisoprodol (Soma), page 29.\n"
        + rationale_line
    )


def test_control_letter_parses_cleanly(tmp_path):
    result = read_text(letter_text(), tmp_path)
    assert result.findings == []
    assert result.letter.format == 1
    assert [i.decision for i in result.letter.items] == [UPHELD]


@pytest.mark.parametrize("messy", [False, True], ids=["clean", "pdf-like"])
def test_item_heading_without_decision_still_yields_the_item(tmp_path, messy):
    text = letter_text(item="Soma 350 mg #60")
    if messy:
        text = messify.crlf(messify.pdf_like(text, seed=1))
    result = read_text(text, tmp_path)
    letter = result.letter
    assert len(letter.items) == 1
    item = letter.items[0]
    assert item.decision is None
    assert item.request_text == "Soma 350 mg #60"
    assert item.request.drug == "carisoprodol"
    assert item.pages("reviewer") == [29]
    parse = [f for f in result.findings if f.category == "parse"]
    assert parse, rules(result)
    lines = lines_of(tmp_path / "letter.txt")
    heading_line = next(n for n, ln in enumerate(lines, 1) if ln.strip() == "Soma 350 mg #60")
    assert parse[0].span.line == heading_line
    assert item.heading_span.line == heading_line


def test_letter_without_case_summary(tmp_path):
    result = read_text(letter_text(summary=False), tmp_path)
    assert "parse-no-summary" in rules(result)
    finding = next(f for f in result.findings if f.rule == "parse-no-summary")
    assert finding.category == "parse"
    assert finding.item is None
    lines = lines_of(tmp_path / "letter.txt")
    assert finding.span.line == line_number(lines, "IMR ISSUES, DECISIONS AND RATIONALES")
    assert len(result.letter.items) == 1  # the rest is still read


def test_plain_prose_has_no_structure(tmp_path):
    result = read_text("This is just a note about a patient.\nIt is not an IMR letter at all.\n", tmp_path)
    assert rules(result) == ["parse-no-structure"]
    finding = result.findings[0]
    assert finding.category == "parse"
    assert finding.span.line == 1 and finding.span.column == 1
    assert result.letter.format is None
    assert result.letter.items == []


def test_item_without_rationale(tmp_path):
    result = read_text(letter_text(rationale=""), tmp_path)
    assert "parse-no-rationale" in rules(result)
    finding = next(f for f in result.findings if f.rule == "parse-no-rationale")
    assert finding.item == 1
    lines = lines_of(tmp_path / "letter.txt")
    assert finding.span.line == line_number(lines, GOOD_ITEM)
    assert result.letter.items[0].rationale_text == ""
    assert result.letter.items[0].conclusion is None


def test_issues_section_without_items(tmp_path):
    text = letter_text(item="", rationale="").split("Claims Administrator")[0]
    result = read_text(text, tmp_path)
    assert "parse-no-items" in rules(result)
    assert result.letter.items == []


def test_several_items_keep_their_order(tmp_path):
    second = (
        "Norco 10/325 mg #120: Overturned\n"
        "Claims Administrator guideline: Decision based on MTUS Chronic Pain Treatment Guidelines Page(s): 79-80.\n"
        "MAXIMUS guideline: Decision based on MTUS Chronic Pain Treatment Guidelines Opioids Page(s): 76-80; 91.\n"
        "Decision rationale: Function has improved. The request is medically necessary.\n"
    )
    result = read_text(letter_text() + "\n" + second, tmp_path)
    items = result.letter.items
    assert [(i.index, i.request.drug, i.decision) for i in items] == [
        (1, "carisoprodol", UPHELD), (2, "hydrocodone/acetaminophen", OVERTURNED)]
    assert items[1].pages("reviewer") == [76, 77, 78, 79, 80, 91]
    assert items[1].conclusion.polarity == "medically-necessary"
    assert result.findings == []


# --------------------------------------------------------------------------- spans past the end of a line

def _span_bug(name: str, data: bytes, reason: str):
    """A degenerate letter that once gave a span past its line (``reason`` says how); kept as a regression test."""
    return pytest.param(data, id=name)


SPAN_BUGS = [
    _span_bug("empty-rationale", b"IMR ISSUES, DECISIONS AND RATIONALES\nSoma 350 mg: Upheld\nDecision rationale:\n",
              "an empty 'Decision rationale:' gets a rationale_span ending past the line (NormalText.span on a line end)"),
    _span_bug("empty-issue", b"ISSUE AT DISPUTE:\n",
              "an empty Format 3 issue gets a request_span past the end of the heading line"),
    _span_bug("only-furniture", b"\nPage 2 of 4\n",
              "parse-no-structure on a letter of only furniture spans (1,1)-(1,2) on an empty line 1"),
    _span_bug("heading-continued", b"IMR ISSUES, DECISIONS AND RATIONALES\n:\n",
              "parse-no-summary span = column + len(title) on one line, wrong when the heading joined the next line"),
]


@pytest.mark.parametrize("data", SPAN_BUGS)
def test_spans_of_degenerate_letters_stay_inside_their_lines(tmp_path, data):
    result = read_text(data, tmp_path)
    lines = data.decode().split("\n")
    spans = [f.span for f in result.findings]
    for item in result.letter.items:
        spans += [item.request_span, item.heading_span, item.decision_span, item.rationale_span]
    spans = [span for span in spans if span is not None]
    assert spans, "the degenerate letter gave no span to check"
    for span in spans:
        assert span.end_column <= len(lines[span.end_line - 1]) + 1, span
        assert span.column <= len(lines[span.line - 1]) + 1, span
