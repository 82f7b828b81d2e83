"""Properties that hold for any input: the reader never crashes and every position is in the file.

Hypothesis runs derandomized (the same examples every run), so the suite is
deterministic.  The example counts come from the hypothesis profile
(tests/conftest.py): "fast" by default (40 examples, 26 for the strategies
that build whole letters) keeps the suite quick; ``HYPOTHESIS_PROFILE=thorough``
(or ``pytest --hypothesis-profile=thorough``) runs 150 and 100.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from checker.letter.layouts import detect
from checker.model import FileResult, Span
from checker.text.normalise import normalise
from checker.letter.reader import parse_letter
from checker.pipeline import read_letter
from checker.input.decode import decode
from checker.input.discover import InputRef
from checker.input.source import InputError, SourceText
from tests import messify
from tests.conftest import LETTERS, SEEDS, builtin_rules

#: The loaded profile's example count, never a wall-clock deadline (the first
#: example pays for building the grammar), always the same examples.
SETTINGS = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: For the slower strategies that build whole letters: two thirds as many.
FEWER = settings(SETTINGS, max_examples=max(10, SETTINGS.max_examples * 2 // 3))

#: Bytes that are mostly text: ASCII, line breaks, form feeds, cp1252 quotes, UTF-8 and BOM bytes.
texty_bytes = st.lists(
    st.sampled_from(list(range(0x20, 0x7F)) + [0x0A, 0x0A, 0x0D, 0x0C, 0x09, 0x93, 0x94, 0x96, 0x81, 0xC3, 0xA9,
                                                  0xEF, 0xBB, 0xBF, 0x00, 0x01]),
    max_size=1500,
).map(bytes)

_FIXTURE_LINES = sorted(
    {
        line
        for path in sorted(SEEDS.glob("*.txt")) + sorted(LETTERS.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
    }
)
_JUNK = [
    "", " ", "\f", "\t", "\u00a0", "\x0b", "-", ":", "1.", "#", "Page 2 of 4", "CM15-0012345",
    "CM15-0012345                         Page 3 of 4", "Case Number: CM15-0012345", ": Upheld", ":  Overturned",
    "Decision rationale:", "Claims Administrator guideline:", "MAXIMUS guideline:", "Final Determination:",
    "DETERMINATION:", "IMR ISSUES, DECISIONS AND RATIONALES", "CLINICAL CASE SUMMARY", "CASE SUMMARY:",
    "ISSUE AT DISPUTE:", "MEDICAL PROFESSIONAL REVIEW", "MAXIMUS FEDERAL SERVICES, INC.", "Cyclobenza-", "prine",
    "07-27-", "2015", "Page(s): 1-", "page 80-", "pages 29 and", "1. Soma 350mg #120 is not medically necessary.",
    "x" * 300, "\u201cquoted\u201d \u2013 dash", "\ufeff", "\x00", "\x1b[0m",
]
_BREAKS = ["\n", "\r\n", "\r", "\n\n", " \n", "\n \n\n", "\f\n", "\n\f", "\r\n\r\n"]


@st.composite
def letter_like(draw) -> str:
    """Text built from real letter lines, furniture and junk, with mixed line endings."""
    count = draw(st.integers(min_value=1, max_value=40))
    parts = []
    for _ in range(count):
        line = draw(st.sampled_from(_FIXTURE_LINES) | st.sampled_from(_JUNK) | st.text(max_size=20))
        if line and draw(st.booleans()) and draw(st.booleans()):
            cut = draw(st.integers(min_value=0, max_value=len(line)))
            line = line[:cut] if draw(st.booleans()) else line[cut:]
        parts.append(line + draw(st.sampled_from(_BREAKS)))
    return "".join(parts)


@st.composite
def mangled_fixture_letter(draw) -> bytes:
    """A fixture letter with lines dropped or repeated, made messy like PDF extraction."""
    paths = sorted(LETTERS.glob("*.txt")) + sorted(SEEDS.glob("*.txt"))
    path = draw(st.sampled_from(paths))
    lines = path.read_text(encoding="utf-8").replace("\r", "").split("\n")
    keep = []
    for line in lines:
        action = draw(st.sampled_from(["keep"] * 6 + ["drop", "twice", "cut"]))
        if action == "drop":
            continue
        if action == "cut" and line:
            line = line[: draw(st.integers(min_value=0, max_value=len(line)))]
        keep.append(line)
        if action == "twice":
            keep.append(line)
    text = "\n".join(keep) + "\n"
    style = draw(st.sampled_from(messify.FURNITURE_STYLES + ("none",)))
    if style != "none" and text.strip():
        text = messify.pdf_like(text, style=style, seed=draw(st.integers(0, 50)),
                                page_lines=draw(st.integers(10, 60)))
    ending = draw(st.sampled_from(["lf", "crlf", "cr"]))
    text = messify.crlf(text) if ending == "crlf" else messify.cr_only(text) if ending == "cr" else text
    encoding = draw(st.sampled_from(["utf-8", "bom", "cp1252"]))
    if encoding == "bom":
        return messify.with_bom(text)
    if encoding == "cp1252":
        try:
            return messify.to_cp1252(text)
        except UnicodeEncodeError:
            return text.encode("utf-8")
    return text.encode("utf-8")


def run_steps(source: SourceText) -> None:
    """normalise -> parse -> extract, as the pipeline runs them."""
    layout = detect(source.text)
    parse_letter("letter.txt", normalise(source, layout.classify), layout)


def decode_and_run(data: bytes) -> None:
    try:
        source = decode(data)
    except InputError as error:
        assert str(error) and "\n" not in str(error)
        return
    run_steps(source)


# --------------------------------------------------------------------------- never crash


@SETTINGS
@given(st.binary(max_size=3000) | texty_bytes)
@example(b"")
@example(b"\xef\xbb\xbf")
@example(b"\x00")
@example(b"\r")
@example(b"\x93\x94\x96")
def test_arbitrary_bytes_raise_only_input_error(data):
    decode_and_run(data)


@SETTINGS
@given(st.text(max_size=2000))
@example("\n\x01")
@example("\r\n\r\n\f")
@example("IMR ISSUES, DECISIONS AND RATIONALES\n:\n")
def test_arbitrary_text_raises_only_input_error(text):
    decode_and_run(text.encode("utf-8", errors="surrogatepass"))
    run_steps(SourceText(text))  # the steps after decoding accept any text


@FEWER
@given(letter_like())
def test_letter_like_text_never_crashes(text):
    decode_and_run(text.encode("utf-8", errors="surrogatepass"))
    run_steps(SourceText(text))


# --------------------------------------------------------------------------- read_letter


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("properties") / "letter.txt"


def read_bytes_as_letter(scratch: Path, data: bytes) -> FileResult:
    """Read as ``imr-check parse`` does: with the built-in rules, so parse findings (and their spans) come too."""
    scratch.write_bytes(data)
    result = read_letter(InputRef(str(scratch)), builtin_rules()).result
    assert result.path == str(scratch)
    if result.error is not None:
        assert result.letter is None
        assert "\n" not in result.error
        assert not result.error.startswith("internal error"), result.error
    else:
        assert result.letter is not None
    return result


@SETTINGS
@given(data=st.binary(max_size=3000) | texty_bytes)
def test_read_letter_on_arbitrary_bytes_never_raises(scratch, data):
    read_bytes_as_letter(scratch, data)


# --------------------------------------------------------------------------- spans


def all_spans(result: FileResult) -> list[tuple[str, Span]]:
    letter = result.letter
    found: list[tuple[str, Span | None]] = []
    for finding in result.findings:
        found.append((f"finding {finding.rule}", finding.span))
        found += [(f"evidence of {finding.rule}", e.span) for e in finding.evidence]
    found += [("age", letter.patient.age_span), ("injury date", letter.patient.injury_date_span),
              ("reviewer", letter.reviewer.span)]
    found += [(f"field {f.label}", f.span) for f in letter.header]
    found += [(f"section {s.kind}", s.span) for s in letter.sections]
    for item in letter.items:
        found += [(f"item {item.index} request", item.request_span), (f"item {item.index} heading", item.heading_span),
                  (f"item {item.index} decision", item.decision_span),
                  (f"item {item.index} rationale", item.rationale_span)]
        if item.conclusion is not None:
            found.append((f"item {item.index} conclusion", item.conclusion.span))
        for citation in item.citations:
            found.append((f"item {item.index} {citation.kind} citation", citation.span))
            found += [(f"item {item.index} page ref {r.text!r}", r.span) for r in citation.page_refs]
    return [(name, span) for name, span in found if span is not None]


def assert_spans_inside(data: bytes, result: FileResult) -> None:
    if result.error is not None:
        return
    source = decode(data)
    count = source.line_count
    for name, span in all_spans(result):
        assert 1 <= span.line <= count, (name, span, count)
        assert 1 <= span.end_line <= count, (name, span, count)
        assert 1 <= span.column <= len(source.line_text(span.line)) + 1, (name, span, source.line_text(span.line))
        assert 1 <= span.end_column <= len(source.line_text(span.end_line)) + 1, (
            name, span, source.line_text(span.end_line))
        assert (span.end_line, span.end_column) >= (span.line, span.column), (name, span)


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")) + sorted(LETTERS.glob("*.txt")), ids=lambda p: p.name)
def test_spans_of_fixture_letters_lie_inside_the_file(scratch, path):
    data = path.read_bytes()
    result = read_bytes_as_letter(scratch, data)
    assert result.error is None
    assert len(all_spans(result)) > 5
    assert_spans_inside(data, result)


@FEWER
@given(data=mangled_fixture_letter())
def test_spans_of_mangled_letters_lie_inside_the_file(scratch, data):
    result = read_bytes_as_letter(scratch, data)
    assert result.error is None  # a mangled letter is still text: the spans below are always checked
    assert all_spans(result)
    assert_spans_inside(data, result)


@FEWER
@given(text=letter_like())
def test_spans_of_letter_like_text_lie_inside_the_file(scratch, text):
    data = text.encode("utf-8", errors="surrogatepass")
    assert_spans_inside(data, read_bytes_as_letter(scratch, data))


@SETTINGS
@given(data=st.binary(max_size=2000) | texty_bytes)
def test_spans_of_arbitrary_bytes_lie_inside_the_file(scratch, data):
    assert_spans_inside(data, read_bytes_as_letter(scratch, data))
