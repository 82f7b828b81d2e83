"""Step 2: normalising PDF-extracted text into paragraphs (checker/text/normalise.py).

The small letters here are written the way extraction leaves them: every
physical line followed by an empty line, a paragraph break written as a line
holding one space, lines wrapped at ~90 columns.
"""

from __future__ import annotations

import operator
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checker.letter.layouts import by_number, detect
from checker.text import normalise as normalise_module
from checker.text.normalise import NormalText, _Builder, normalise
from checker.input.decode import decode
from checker.input.source import SourceText
from tests import messify
from tests.conftest import LETTERS, SEEDS

PARAGRAPH_BREAK = " "


def extracted(lines: list[str], newline: str = "\n") -> str:
    """Lines as PDF extraction writes them: trailing space, empty line after each."""
    out = []
    for line in lines:
        out.append(" " if line == PARAGRAPH_BREAK else line + " ")
        out.append("")
    return newline.join(out) + newline


def norm(text: str) -> NormalText:
    return normalised(SourceText(text))


def normalised(source: SourceText) -> NormalText:
    """Normalise as the pipeline does: with the structural lines of the letter's own layout."""
    return normalise(source, detect(source.text).classify)


def paragraphs(text: str) -> list[str]:
    return norm(text).text.split("\n")[:-1]


HOW = [
    "HOW THE IMR FINAL DETERMINATION WAS MADE",
    "MAXIMUS Federal Services sent the complete case file to an expert reviewer. He/she has no",
    "affiliation with the employer, employee, providers or the claims administrator. The expert",
    "reviewer is Board Certified in Family Medicine and is licensed to practice in California.",
    PARAGRAPH_BREAK,
]
SUMMARY_HEAD = ["CLINICAL CASE SUMMARY"]
SUMMARY = [
    "The injured worker is a 45-year-old male who was injured at work lifting heavy boxes from a",
    "shelf in the warehouse and he has had chronic pain in the low back ever since that date of",
    "injury with some radiation down the right leg to the foot and numbness in the toes on that",
    "side.",
]
SUMMARY_2 = [
    "Treatment to date has included physical therapy, chiropractic care, acupuncture and oral",
    "medications including Soma and Norco for several years.",
]
ISSUES = [
    "IMR ISSUES, DECISIONS AND RATIONALES",
    "The Final Determination was based on decisions for the disputed items/services set forth below:",
    PARAGRAPH_BREAK,
]


def test_double_spaced_wrapped_paragraph_joins_into_one_line():
    text = extracted(HOW + SUMMARY_HEAD + SUMMARY + [PARAGRAPH_BREAK] + ISSUES)
    got = paragraphs(text)
    assert " ".join(SUMMARY) in got
    assert got.index("CLINICAL CASE SUMMARY") + 1 == got.index(" ".join(SUMMARY))


def test_paragraph_break_separates_paragraphs():
    text = extracted(HOW + SUMMARY_HEAD + SUMMARY + [PARAGRAPH_BREAK] + SUMMARY_2 + [PARAGRAPH_BREAK] + ISSUES)
    got = paragraphs(text)
    first, second = " ".join(SUMMARY), " ".join(SUMMARY_2)
    assert first in got and second in got
    assert got.index(second) == got.index(first) + 1


def test_section_headings_stay_on_their_own_lines():
    text = extracted(HOW + SUMMARY_HEAD + SUMMARY + ISSUES)  # no paragraph break before the heading
    got = paragraphs(text)
    for heading in ("HOW THE IMR FINAL DETERMINATION WAS MADE", "CLINICAL CASE SUMMARY",
                    "IMR ISSUES, DECISIONS AND RATIONALES"):
        assert heading in got, got


def test_page_footer_mid_paragraph_is_removed_and_the_sentence_joins():
    body = SUMMARY[:1] + ["", "Page 2 of 4"] + SUMMARY[1:]  # an empty line then the footer
    text = extracted(HOW + SUMMARY_HEAD + body + [PARAGRAPH_BREAK] + ISSUES)
    normal = norm(text).text
    assert "Page 2 of 4" not in normal
    assert " ".join(SUMMARY) in normal.split("\n")


def test_bare_case_number_header_mid_paragraph_is_removed():
    body = SUMMARY[:2] + ["CM15-0012345"] + SUMMARY[2:]
    text = extracted(HOW + SUMMARY_HEAD + body + [PARAGRAPH_BREAK] + ISSUES)
    normal = norm(text).text
    assert "CM15-0012345" not in normal
    assert " ".join(SUMMARY) in normal.split("\n")


@pytest.mark.parametrize(
    "furniture",
    ["Page 3 of 7", "CM15-0012345", "CM15-0012345                         Page 2 of 4", "- 2 -", "2 of 4",
     "Case Number: CM15-0012345   Page 2 of 4"],
)
def test_running_furniture_between_lines_is_removed(furniture):
    body = SUMMARY[:2] + [furniture] + SUMMARY[2:]
    text = extracted(HOW + SUMMARY_HEAD + body + [PARAGRAPH_BREAK] + ISSUES)
    got = paragraphs(text)
    assert " ".join(SUMMARY) in got
    assert all(furniture.strip() not in p for p in got)


def test_labelled_case_number_in_header_is_kept_and_its_repeats_removed():
    header = ["Case Number: CM15-0012345        Date Assigned: 1/2/2015", "Case Number: CM15-0099999"]
    body = SUMMARY[:2] + ["Case Number: CM15-0099999"] + SUMMARY[2:]
    text = extracted(header + [PARAGRAPH_BREAK] + HOW + SUMMARY_HEAD + body + [PARAGRAPH_BREAK] + ISSUES)
    got = paragraphs(text)
    assert got[0] == "Case Number: CM15-0012345 Date Assigned: 1/2/2015"
    assert got[1] == "Case Number: CM15-0099999"  # first labelled occurrence: a header field
    assert sum("CM15-0099999" in p for p in got) == 1  # the running repeat is furniture
    assert " ".join(SUMMARY) in got


def test_hyphenated_word_across_a_break_is_rejoined():
    lines = [
        "The patient has been prescribed a muscle relaxant for spasm over the last year, namely Cyclobenza-",
        "prine 7.5 mg three times a day, and according to the treating physician's progress report on 07-27-",
        "2015, when the injured worker reported increased low back pain over the past year with long-",
        "term muscle spasm.",
    ]
    text = extracted(HOW + SUMMARY_HEAD + lines + [PARAGRAPH_BREAK] + ISSUES)
    normal = norm(text).text
    assert "Cyclobenzaprine 7.5 mg" in normal
    assert "Cyclobenza-" not in normal and "Cyclobenza prine" not in normal
    assert "report on 07-27-2015, when" in normal
    assert "long-term muscle spasm." in normal


def test_wrapped_format1_item_heading_becomes_one_line():
    item = [
        "OXYCODONE 20 MG ONE TAB PO Q 8 HOURS PRN # 60 FOR BREAKTHROUGH",
        "PAIN:  Upheld",
        PARAGRAPH_BREAK,
        "Claims Administrator guideline: Decision based on MTUS Chronic Pain Treatment Guidelines",
        "Page(s): 79-81.",
        PARAGRAPH_BREAK,
        "Decision rationale: California MTUS Chronic Pain Medical Treatment Guidelines identifies",
        "documentation of moderate to severe pain. Therefore, the request is not medically necessary.",
    ]
    text = extracted(HOW + SUMMARY_HEAD + SUMMARY + [PARAGRAPH_BREAK] + ISSUES + item)
    got = paragraphs(text)
    heading = "OXYCODONE 20 MG ONE TAB PO Q 8 HOURS PRN # 60 FOR BREAKTHROUGH PAIN: Upheld"
    assert heading in got
    assert by_number(1).classify(heading) == "ITEM_HEAD"
    assert "PAIN: Upheld" not in got


def test_seed_002_wrapped_heading_is_one_paragraph():
    normal = normalised(decode((SEEDS / "002_79c63337c1751a54.txt").read_bytes()))
    assert "OXYCODONE 20 MG ONE TAB PO Q 8 HOURS PRN # 60 FOR BREAKTHROUGH PAIN: Upheld" in normal.text.split("\n")


def test_form_feeds_and_odd_spaces_become_plain_spaces():
    lines = ["\fCLINICAL CASE SUMMARY", "The\u00a0patient\tis a 45-year-old male."]
    got = paragraphs("\n\n".join(lines) + "\n")
    assert got == ["CLINICAL CASE SUMMARY", "The patient is a 45-year-old male."]


@given(st.text(alphabet=st.sampled_from([*map(chr, range(0x20)), "\x7f", "\x85", "\u00a0", "\u2003", "\u3000", "a", " "]), max_size=60))
def test_odd_white_space_and_control_characters_become_one_space_each_and_lines_stay(text):
    from checker.text.normalise import _physical_lines

    control = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # the definition: every control character but \n and \r
    odd = "\t\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
    cleaned = control.sub(" ", text.translate({ord(c): " " for c in odd}))
    lines = _physical_lines(SourceText(text))
    assert [(ln.start, ln.text) for ln in lines] == [
        (ln.start, cleaned[ln.start : ln.start + len(ln.text)]) for ln in lines
    ]
    assert "".join(ln.text for ln in lines) == re.sub(r"[\r\n]", "", cleaned)


def test_runs_of_spaces_are_squeezed():
    got = paragraphs("Soma 350 mg:     Upheld   \n")
    assert got == ["Soma 350 mg: Upheld"]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_line_endings_do_not_change_the_normalised_text(newline):
    lines = HOW + SUMMARY_HEAD + SUMMARY + [PARAGRAPH_BREAK] + ISSUES
    assert norm(extracted(lines, newline)).text == norm(extracted(lines)).text


def test_empty_text_normalises_to_nothing():
    normal = norm("\n \n\n")
    assert normal.text == ""
    assert normal.offset(0) == 0


# --------------------------------------------------------------------------- the offset map

_WHITESPACE_SOURCE = re.compile(r"[\s\x00-\x1f\x7f\u00a0\u2000-\u200a\u202f\u205f\u3000]")


def assert_offset_map(source: SourceText, normal: NormalText, label: str) -> None:
    """Every normalised character comes from the source character it maps to.

    Spaces and newlines may be synthetic (a joining space, a paragraph end);
    they must then map to whitespace of the source (a line break, a trailing
    space). The map only ever moves forward.

    Every character is checked; the per-character work is done with map/zip
    (this runs over a million characters per suite run).
    """
    text, src = normal.text, source.text
    origin = list(map(normal.offset, range(len(text))))  # offset() of every character
    if not origin:
        return
    assert 0 <= min(origin) and max(origin) <= len(src), (label, min(origin), max(origin), len(src))
    if not all(map(operator.lt, origin, origin[1:])):
        i = next(i for i in range(1, len(origin)) if origin[i] <= origin[i - 1])
        raise AssertionError((label, i, "origin must increase"))
    padded = src + "\n"  # a synthetic end may map one past the source
    mapped = "".join(map(padded.__getitem__, origin))
    for i in (i for i, (ch, got) in enumerate(zip(text, mapped)) if ch != got):
        ch, at = text[i], origin[i]
        if ch in " \n":
            assert at == len(src) or _WHITESPACE_SOURCE.match(src[at]), (label, i, repr(src[at]))
        else:
            assert src[at : at + 1] == ch, (label, i, ch, src[max(0, at - 10) : at + 10])


def _all_fixture_letters() -> list[Path]:
    return sorted(SEEDS.glob("*.txt")) + sorted(LETTERS.glob("*.txt"))


@pytest.mark.parametrize("path", _all_fixture_letters(), ids=lambda p: p.name)
def test_offset_map_on_fixture_letters(path):
    source = decode(path.read_bytes())
    assert_offset_map(source, normalise(source, detect(source.text).classify), path.name)


@pytest.mark.parametrize("path", sorted(LETTERS.glob("*.txt")), ids=lambda p: p.name)
def test_offset_map_on_messy_letters(path):
    clean = path.read_text(encoding="utf-8")
    for index, style in enumerate(messify.FURNITURE_STYLES):
        variants = {
            f"{style}-pdf": messify.pdf_like(clean, style=style, seed=index).encode(),
            f"{style}-crlf": messify.crlf(messify.pdf_like(clean, style=style, form_feed=True)).encode(),
        }
        if index == 0:
            variants["cr"] = messify.cr_only(messify.pdf_like(clean, seed=7)).encode()
            variants["cp1252"] = messify.to_cp1252(messify.pdf_like(clean, seed=3))
            variants["bom"] = messify.with_bom(messify.pdf_like(clean, seed=5))
        for label, data in variants.items():
            source = decode(data)
            assert_offset_map(source, normalise(source, detect(source.text).classify), f"{path.name} {label}")


# --------------------------------------------------------------------------- spans


def _word_span_text(source: SourceText, normal: NormalText, word: str, start: int = 0) -> tuple:
    i = normal.text.index(word, start)
    span = normal.span(i, i + len(word))
    return span, source.line_text(span.line)


def test_span_of_a_word_points_at_the_original_line_and_column():
    lines = HOW + SUMMARY_HEAD + SUMMARY[:2] + ["Page 2 of 4"] + SUMMARY[2:] + [PARAGRAPH_BREAK] + ISSUES
    text = extracted(lines, "\r\n")
    source = SourceText(text)
    normal = normalise(source, detect(source.text).classify)
    for word in ("warehouse", "radiation", "45-year-old", "Family Medicine", "RATIONALES", "toes"):
        span, line = _word_span_text(source, normal, word)
        assert span.line == span.end_line
        assert line[span.column - 1 : span.end_column - 1] == word
        # the line number is the physical line in the file
        assert text.replace("\r\n", "\n").split("\n")[span.line - 1].startswith(line)


def test_span_of_a_rejoined_hyphenated_word_starts_at_its_first_half():
    lines = SUMMARY_HEAD + [
        "The patient has been prescribed a muscle relaxant for spasm over the last year, namely Cyclobenza-",
        "prine 7.5 mg three times a day, and according to the treating physician's progress report on 07-27-",
        "2015, when the injured worker reported increased low back pain over the past year with",
        "muscle spasm.",
    ]
    source = SourceText(extracted(lines))
    normal = normalise(source, detect(source.text).classify)
    span, line = _word_span_text(source, normal, "Cyclobenzaprine")
    assert line[span.column - 1 :].startswith("Cyclobenza-")
    assert span.end_line == span.line + 2  # "prine" sits two physical lines below
    assert source.line_text(span.end_line)[: span.end_column - 1] == "prine"


@pytest.mark.parametrize("path", _all_fixture_letters()[:7], ids=lambda p: p.name)
def test_span_of_every_word_matches_the_original_text(path):
    """Words of the normalised text sit where the span says, in the original file."""
    source = decode(messify.crlf(messify.pdf_like(path.read_text(encoding="utf-8"), seed=11)).encode())
    normal = normalise(source, detect(source.text).classify)
    checked = 0
    for m in re.finditer(r"[A-Za-z]{4,}", normal.text):
        span = normal.span(m.start(), m.end())
        if span.line != span.end_line:
            continue  # a hyphenated word split over lines
        line = source.line_text(span.line)
        assert line[span.column - 1 : span.end_column - 1] == m.group(), (path.name, m.group(), span)
        checked += 1
    assert checked > 200, f"only {checked} words checked in {path.name}"


def test_span_of_an_empty_range_is_one_character():
    source = SourceText("CLINICAL CASE SUMMARY\nThe patient is a 45-year-old male.\n")
    normal = normalise(source, detect(source.text).classify)
    i = normal.text.index("patient")
    span = normal.span(i, i)
    assert (span.line, span.column, span.end_line, span.end_column) == (2, 5, 2, 6)


def test_span_of_any_single_character_stays_inside_its_line():
    source = SourceText("CLINICAL CASE SUMMARY\nThe patient is a 45-year-old male.\n")
    normal = normalise(source, detect(source.text).classify)
    for i in range(len(normal.text)):
        span = normal.span(i, i + 1)
        assert span.end_column <= len(source.line_text(span.end_line)) + 1, (i, repr(normal.text[i]), span)


def test_page_break_after_a_page_label_keeps_the_pages():
    """'... Page(s):' at the foot of a page, '29, 65.' at the top of the next (found by the PDF tests)."""
    text = (
        "MAXIMUS guideline: Decision based on MTUS Chronic Pain Treatment Guidelines Carisoprodol (Soma), Page(s):\n\n"
        "Page 2 of 3\n\nCM15-0012345\n\n29, 65.\n\nDecision rationale: Carisoprodol is not recommended.\n"
    )
    normal = normalised(SourceText(text))
    assert "Page(s): 29, 65." in normal.text
    assert "below:\nSoma" in normalised(
        SourceText("set forth below:\n\nPage 2 of 3\n\nSoma 350 mg #60\n")
    ).text.replace("set forth below:", "below:")


def test_a_heading_glued_to_the_end_of_a_sentence_starts_its_own_paragraph():
    """PDF extraction can put a heading at the end of the previous sentence's line."""
    glued = "He/she is familiar with governing laws and regulations. CLINICAL CASE SUMMARY"
    text = "\n".join(HOW[:1] + [glued] + SUMMARY + ISSUES) + "\n"
    normal = norm(text)
    lines = normal.text.split("\n")
    assert "CLINICAL CASE SUMMARY" in lines
    assert "He/she is familiar with governing laws and regulations." in lines
    heading = normal.text.index("CLINICAL CASE SUMMARY")
    line, column = normal.source.position(normal.offset(heading))
    assert (line, column) == (2, glued.index("CLINICAL") + 1)  # the original position


@pytest.mark.parametrize(
    "sentence",
    [
        "The records were reviewed. Case summary indicates chronic pain.",  # mixed case, not alone: prose
        "The reviewer read the clinical case summary",  # no sentence end before it
    ],
)
def test_prose_that_names_a_heading_is_not_split(sentence):
    text = "\n".join(HOW[:1] + [sentence] + SUMMARY + ISSUES) + "\n"
    assert sentence in norm(text).text.split("\n")


# --------------------------------------------------------------------------- the map kept as runs
_STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.text(alphabet="ab -", max_size=8), st.integers(0, 3)),
        st.tuples(st.just("synthetic"), st.sampled_from(" \n"), st.integers(0, 3)),
        st.tuples(st.just("drop"), st.just(""), st.just(0)),
        st.tuples(st.just("trim"), st.just(""), st.just(0)),
    ),
    max_size=30,
)


@given(_STEPS)
def test_the_runs_map_every_character_as_a_list_of_offsets_would(steps):
    """The builder's runs against the plainest model: one source offset per character written."""
    builder, offsets, at = _Builder(), [], 0
    for kind, piece, gap in steps:
        at += gap
        if kind == "add":
            before = len("".join(builder.parts))
            builder.add(piece, at)
            written = "".join(builder.parts)[before:]
            offsets += _squeezed_offsets(piece, at, written)
            at += len(piece)
        elif kind == "synthetic":
            before = len("".join(builder.parts))
            builder.add_synthetic(piece, at)
            offsets += [at] * (len("".join(builder.parts)) - before)
        elif kind == "drop" and builder.parts:
            builder.drop_last_char()
            offsets.pop()
        elif kind == "trim":
            builder.drop_trailing_space()
            del offsets[len("".join(builder.parts)):]
    normal = builder.build(decode(b"x" * (at + 1)))
    assert [normal.offset(i) for i in range(len(normal.text))] == offsets


def _squeezed_offsets(piece: str, at: int, written: str) -> list[int]:
    """Offsets of what ``add`` wrote of ``piece``: each word's own, and a squeezed space the one before its word."""
    if "  " not in piece and not piece.startswith(" "):
        return list(range(at, at + len(piece)))
    found = []
    for m in re.finditer(r"[^ ]+", piece):
        if len(found) < len(written) and written[len(found)] == " ":
            found.append(at + m.start() - 1)
        found += range(at + m.start(), at + m.end())
    return found


# ------------------------------------------------------------------ running furniture is language data
def test_the_furniture_words_are_language_data():
    """The words of page furniture live in rules/language/furniture.yaml, not in normalise.py."""
    from checker.text import language

    assert language.phrases("furniture.case_number.prefixes") == ("CM", "CB", "EN")
    assert language.phrases("furniture.page_number.page") == ("page",)
    assert {"number", "no.", "no"} <= set(language.phrases("furniture.case_label.kinds"))
    assert "independent medical review" in language.phrases("furniture.labels")
    assert "maximus federal services" in language.phrases("furniture.organisation.names")


_FURNITURE_WORDS = ["Page", "page", "of", "Case", "Number", "No.", "CM15-", "CB", "-", "|", ":", " ", "  ",
                    "MAXIMUS Federal Services, Inc.", "Independent Medical Review", "#", "\u2013"]


@given(st.lists(st.sampled_from(_FURNITURE_WORDS) | st.text(max_size=6), max_size=12).map("".join))
def test_a_line_without_a_digit_is_never_page_furniture(line):
    """Only lines with a digit are tried as furniture: no page or case-number pattern matches without one."""
    from checker.text import normalise as module

    digit_free = re.sub(r"\d", "", line)
    assert not module._PAGE_PHRASE.search(digit_free)
    assert not module._CASE_NUMBER.search(digit_free)


@given(st.lists(st.sampled_from([*_FURNITURE_WORDS, "3", "12", "\u0663", "\n", "\t"]) | st.text(max_size=4), max_size=10).map("".join))
def test_a_line_holds_a_page_number_as_the_whole_pattern_finds_one(line):
    """Whether a line holds a page number is asked of the pattern's two halves (words anywhere, a
    number alone from the line's start): the same answer as the whole pattern's."""
    from checker.text import normalise as module

    halves = module._PAGE_ALONE.match(line) is not None or module._PAGE_WORDS.search(line) is not None
    assert halves == bool(module._PAGE_PHRASE.search(line))


@pytest.mark.parametrize(
    "line,holds",
    [("- 3 -", True), ("  3 of 7 ", True), ("Page 3", True), ("see page 12 of 40 here", True), ("Ref - 3 -", False),
     ("Items 3 of 7", False), ("3 of 7 items", False), ("pages 3", False)],
)
def test_page_numbers_in_a_line(line, holds):
    from checker.text import normalise as module

    assert (module._PAGE_ALONE.match(line) is not None or module._PAGE_WORDS.search(line) is not None) is holds
    assert bool(module._PAGE_PHRASE.search(line)) is holds


def test_a_page_footer_in_other_digits_is_still_tried():
    """``\\d`` reads any script's digits, in the furniture patterns and in the test before them alike."""
    from checker.text import normalise as module

    footer = "Page \u0663 of \u0667"  # Arabic-Indic 3 and 7
    assert module._PAGE_PHRASE.search(footer) and module._DIGIT.search(footer)


@given(st.text(alphabet=st.sampled_from("aAzZ09 .\u00c9\u00e9\u0130K\u212a@[") | st.characters(), max_size=60))
def test_a_lines_width_counts_its_capitals_a_to_z_as_the_pattern_does(line):
    from checker.text.normalise import _visual_width

    assert _visual_width(line) == len(line) + 0.25 * len(re.findall(r"[A-Z]", line))


def test_a_new_furniture_word_in_the_yaml_is_read():
    """Another program's footer ("Seite 2 von 4", case numbers "XY15-..."), once the words are added."""
    from checker.text import normalise as module
    from tests.language_support import edited_language

    def add(data):
        data["page_number"]["page"].append("Seite")
        data["page_number"]["of"].append("von")
        data["case_number"]["prefixes"].append("XY")

    assert not re.search(module._page_phrase(), "Seite 2 von 4", re.I)
    with edited_language("furniture", add):
        assert re.search(module._page_phrase(), "Seite 2 von 4", re.I)
        assert re.fullmatch(module._page_phrase(), "2 von 4", re.I)
    assert not re.search(module._page_phrase(), "Seite 2 von 4", re.I)


@pytest.mark.parametrize(
    "furniture",
    [
        "Page 3 of 7  CB14-0123456",
        "- 4 -",
        "IMR Case No.: EN16-0012345          Page 5 of 9",
        "MAXIMUS Federal Services Inc                Page 2 of 5",  # no comma, no period
        "MAXIMUS Federal Services, Inc. | Independent Medical Review | Page 2",
        "CaseNumber: CM15-0012345 \u2013 Page 2",  # no space between the label's words
        "Case#CB14-0123456",
        "Final Determination Letter for CM13-0001234 \u00b7 page 6",
        "PAGE 6 OF 6",
    ],
)
def test_running_furniture_of_other_programs_and_damaged_extraction_is_removed(furniture):
    body = SUMMARY[:1] + [furniture] + SUMMARY[1:3] + [furniture] + SUMMARY[3:]
    got = paragraphs(extracted(HOW + SUMMARY_HEAD + body + [PARAGRAPH_BREAK] + ISSUES))
    assert " ".join(SUMMARY) in got
    assert not any(furniture in p for p in got)


def test_an_unlabelled_case_number_header_is_furniture_even_the_first_time():
    """"Case #: ..." is never the letter's header field; "Case No.: ..." is, the first time only."""
    header = ["IMR Case No.: EN16-0012345", "Case #: CB14-0123456"]
    body = SUMMARY[:2] + ["IMR Case No.: EN16-0012345"] + SUMMARY[2:]
    got = paragraphs(extracted(header + [PARAGRAPH_BREAK] + HOW + SUMMARY_HEAD + body + [PARAGRAPH_BREAK] + ISSUES))
    assert got[0] == "IMR Case No.: EN16-0012345"
    assert sum("EN16-0012345" in p for p in got) == 1
    assert not any("CB14-0123456" in p for p in got)
    assert " ".join(SUMMARY) in got


@pytest.mark.parametrize(
    "line",
    [
        "Page 3 of the progress report notes CM15-0012345 in its header.",  # words beyond the furniture
        "XY15-0012345",  # not a case number's letters
        "MAXIMUS Federal Services reviewed the case CM15-0012345.",
        "Case management notes, CM15-0012345 attached",
    ],
)
def test_a_line_with_other_words_is_not_furniture(line):
    lines = HOW + SUMMARY_HEAD + SUMMARY + [PARAGRAPH_BREAK, line, PARAGRAPH_BREAK] + ISSUES
    assert line in paragraphs(extracted(lines))


def _physical_lines_by_pattern(text: str) -> list[tuple[int, str, str]]:
    """The definition: every line found by one pattern, break by break (_physical_lines reads the source's line index)."""
    cleaned = text.translate(normalise_module._SPACE_TABLE)
    lines = []
    for m in re.finditer(r"[^\r\n]*(?:\r\n|\r|\n|$)", cleaned):
        if m.start() == len(cleaned) and m.group() == "":
            break
        body = m.group().rstrip("\r\n")
        lines.append((m.start(), body, "content" if body.strip() else "blank"))
    return lines


@given(st.lists(st.sampled_from(["a", "b c", " ", "\t", "\n", "\r\n", "\r", "\x0b", "\u2028", "é"]), max_size=30).map("".join))
def test_physical_lines_are_those_the_line_pattern_finds(text):
    found = [(ln.start, ln.text, ln.kind) for ln in normalise_module._physical_lines(SourceText(text))]
    assert found == _physical_lines_by_pattern(text)
