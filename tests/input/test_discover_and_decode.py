"""Step 1: finding input files and decoding their bytes (checker/input/discover.py, decode.py, read.py)."""

from __future__ import annotations

import os
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checker.input.decode import decode, looks_binary
from checker.input.discover import STDIN, InputRef, discover
from checker.input.read import read_bytes
from checker.input.source import InputError, SourceText
from tests.conftest import LETTERS, SEEDS, read_path, read_text

# --------------------------------------------------------------------------- decode


def test_plain_utf8_decodes_as_utf8():
    source = decode("Soma 350 mg \u2013 \u201cnot\u201d recommended\n".encode("utf-8"))
    assert source.encoding == "utf-8"
    assert source.text == "Soma 350 mg \u2013 \u201cnot\u201d recommended\n"


def test_utf8_bom_is_not_part_of_the_text():
    source = decode(b"\xef\xbb\xbfCLINICAL CASE SUMMARY\nThe patient is a 45-year-old male.\n")
    assert source.encoding == "utf-8-sig"
    assert not source.text.startswith("\ufeff")
    assert source.text.startswith("CLINICAL")


def test_utf8_bom_does_not_shift_columns():
    text = "CLINICAL CASE SUMMARY\nThe patient is a 45-year-old male.\n"
    plain = decode(text.encode("utf-8"))
    bom = decode(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert plain.text == bom.text
    # The first character of the file is column 1, with or without the BOM.
    assert bom.position(0) == (1, 1)
    offset = bom.text.index("45-year-old")
    assert bom.position(offset) == plain.position(offset) == (2, 18)


def test_bom_letter_reads_with_the_same_positions_as_without(tmp_path):
    data = (SEEDS / "000_a530ee4abe81adc8.txt").read_bytes()
    plain = read_text(data, tmp_path, "plain.txt")
    bom = read_text(b"\xef\xbb\xbf" + data, tmp_path, "bom.txt")
    assert plain.error is None and bom.error is None
    assert bom.letter.encoding == "utf-8-sig"
    assert [i.request_span for i in bom.letter.items] == [i.request_span for i in plain.letter.items]
    assert [i.decision_span for i in bom.letter.items] == [i.decision_span for i in plain.letter.items]
    assert bom.letter.patient.age_span == plain.letter.patient.age_span


def test_cp1252_fallback_keeps_curly_quotes_and_dashes():
    source = decode(b"\x93quoted\x94 \x96 dash")
    assert source.encoding == "cp1252"
    assert source.text == "\u201cquoted\u201d \u2013 dash"


def test_cp1252_undefined_bytes_do_not_fail():
    # 0x81 is undefined in cp1252: it must not make decoding fail.
    source = decode(b"caf\x81 \x93ok\x94\n")
    assert source.encoding == "cp1252"
    assert "\u201cok\u201d" in source.text


def test_invalid_utf8_after_bom_does_not_fail():
    source = decode(b"\xef\xbb\xbfabc \xff def\n")
    assert source.text.startswith("abc ")
    assert source.text.endswith(" def\n")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_line_endings_give_the_same_line_numbers(newline):
    lines = ["CLINICAL CASE SUMMARY", "", "The patient is a 45-year-old male.", "Soma 350 mg #60: Upheld"]
    source = decode(newline.join(lines).encode() + newline.encode())
    assert source.line_count == len(lines) + 1  # the empty line after the final break
    for number, line in enumerate(lines, 1):
        assert source.line_text(number) == line
    offset = source.text.index("45-year-old")
    assert source.position(offset) == (3, 18)
    offset = source.text.index("Upheld")
    assert source.position(offset) == (4, 18)
    assert source.position(0) == (1, 1)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_line_break_characters_belong_to_the_line_they_end(newline):
    source = SourceText(f"ab{newline}cd")
    assert source.position(2) == (1, 3)  # the break itself
    if newline == "\r\n":
        assert source.position(3) == (1, 4)  # the LF of the CRLF pair
    assert source.position(source.text.index("c")) == (2, 1)


def test_position_clamps_out_of_range_offsets():
    source = SourceText("ab\ncd")
    assert source.position(-5) == (1, 1)
    assert source.position(10_000) == (2, 3)


def test_line_text_out_of_range_is_empty():
    source = SourceText("ab\ncd\n")
    assert source.line_text(0) == ""
    assert source.line_text(99) == ""
    assert source.line_text(2) == "cd"


def test_form_feeds_are_not_binary():
    data = ("Page 1 of 3\n\fSoma 350 mg: Upheld\n" * 40).encode()
    assert decode(data).text.count("\f") == 40


@pytest.mark.parametrize(
    "data",
    [b"", b" ", b"\n\n\n", b" \t\r\n \r\n", b"\f\n"],
    ids=["empty", "space", "newlines", "whitespace-crlf", "form-feed"],
)
def test_empty_and_whitespace_only_input_is_an_input_error(data):
    with pytest.raises(InputError) as info:
        decode(data)
    assert "empty" in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("data", [b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n  \r\n"], ids=["bom-only", "bom-whitespace"])
def test_bom_only_input_is_an_empty_file(data):
    with pytest.raises(InputError, match="empty"):
        decode(data)


@pytest.mark.parametrize(
    "data",
    [b"CLINICAL\x00CASE SUMMARY\n", bytes(range(256)) * 4, b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f" * 10],
    ids=["nul", "all-bytes", "controls"],
)
def test_binary_input_is_an_input_error(data):
    with pytest.raises(InputError) as info:
        decode(data)
    assert "binary" in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "data,needle",
    [(b"", "empty"), (b"   \n\n", "empty"), (b"abc\x00\x00def", "binary")],
    ids=["empty", "whitespace", "binary"],
)
def test_unreadable_input_gives_an_error_result_not_an_exception(tmp_path, data, needle):
    result = read_text(data, tmp_path)
    assert result.letter is None
    assert needle in result.error


# --------------------------------------------------------------------------- discover


def test_directory_yields_every_txt_below_it_in_sorted_order(tmp_path):
    files = ["b.txt", "a.txt", "sub/z.txt", "sub/a.txt", "sub/deeper/m.txt", "c/x.txt", "a/0.txt"]
    for name in files:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n")
    for name in ["notes.md", "sub/letter.pdf", "sub/deeper/data.json", "txt", "sub/readme"]:
        (tmp_path / name).write_text("x\n")
    refs = discover([str(tmp_path)], ("*.txt",))
    got = [ref.path for ref in refs]
    assert all(ref.error is None for ref in refs)
    assert all(p.endswith(".txt") for p in got)
    assert len(got) == len(files)
    assert {p[len(str(tmp_path)) + 1 :] for p in got} == set(files)
    assert got == sorted(got, key=lambda p: p.replace("\\", "/"))


def test_directory_order_does_not_depend_on_creation_order(tmp_path):
    first = tmp_path / "one"
    second = tmp_path / "two"
    for root, names in ((first, ["c.txt", "a.txt", "b/b.txt"]), (second, ["b/b.txt", "a.txt", "c.txt"])):
        for name in names:
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("x\n")
    strip = lambda refs, root: [r.path[len(str(root)) + 1 :] for r in refs]  # noqa: E731
    assert strip(discover([str(first)]), first) == strip(discover([str(second)]), second)


def test_arguments_keep_their_order_and_files_are_kept_as_given(tmp_path):
    (tmp_path / "b.txt").write_text("x\n")
    (tmp_path / "a.md").write_text("x\n")  # a file named explicitly is kept whatever its suffix
    refs = discover([str(tmp_path / "b.txt"), str(tmp_path / "a.md")])
    assert [r.path for r in refs] == [str(tmp_path / "b.txt"), str(tmp_path / "a.md")]


def test_missing_path_is_kept_with_an_error(tmp_path):
    missing = str(tmp_path / "nope.txt")
    (tmp_path / "ok.txt").write_text("x\n")
    refs = discover([missing, str(tmp_path / "ok.txt")])
    assert refs[0] == InputRef(missing, error="no such file or directory")
    assert refs[1] == InputRef(str(tmp_path / "ok.txt"))
    with pytest.raises(InputError, match="no such file or directory"):
        read_bytes(refs[0])


def test_missing_path_reads_as_an_error_result(tmp_path):
    result = read_path(tmp_path / "nope.txt")
    assert result.letter is None
    assert result.error.lower() == "no such file or directory"


def test_dash_is_kept_as_stdin(tmp_path):
    refs = discover(["-"])
    assert refs == [InputRef(STDIN)]
    assert refs[0].error is None


def test_empty_directory_yields_nothing(tmp_path):
    (tmp_path / "notes.md").write_text("x\n")
    assert discover([str(tmp_path)]) == []


def test_fixture_directories_are_discovered():
    refs = discover([str(SEEDS), str(LETTERS)])
    names = [r.path.rsplit("/", 1)[-1] for r in refs]
    assert names[:5] == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert "expected.yaml" not in names
    assert len(names) == len(list(SEEDS.glob("*.txt"))) + len(list(LETTERS.glob("*.txt")))


def test_read_bytes_never_writes(tmp_path):
    path = tmp_path / "letter.txt"
    data = b"\xef\xbb\xbfabc\r\ndef\r\n"
    path.write_bytes(data)
    before = path.stat().st_mtime_ns
    assert read_bytes(InputRef(str(path))) == data
    assert path.read_bytes() == data
    assert path.stat().st_mtime_ns == before


def _binary_by_counting(data: bytes) -> bool:
    """The definition, byte by byte: a NUL, or more control characters than 1 in 20 (at least 9)."""
    sample = data[:4096]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return b"\x00" in sample or controls > max(8, len(sample) // 20)


@given(st.binary(max_size=5000) | st.lists(st.sampled_from(b"ab \t\n\r\x0c\x01\x1b\x7f\xff"), max_size=5000).map(bytes))
def test_looks_binary_counts_the_control_characters_of_the_first_4096_bytes(data):
    assert looks_binary(data) == _binary_by_counting(data)


@pytest.mark.parametrize(
    ("data", "binary"),
    [
        (b"text\x01" * 8, False),  # 8 control characters: not enough
        (b"text\x01" * 9, True),  # 9 in 45 bytes
        (b"a" * 4096 + b"\x01" * 300, False),  # past the first 4096 bytes
        (b"\t\n\x0c\r" * 50, False),  # tab, line and form feeds are text
        (b"x" * 180 + b"\x1b" * 10, True),  # 10 > 190 // 20
    ],
)
def test_looks_binary_at_its_edges(data, binary):
    assert looks_binary(data) is binary


# ------------------------------------------------------------------ names shown for inputs
def test_a_decodable_name_is_shown_as_given_and_stdin_by_name():
    assert InputRef("letters/café [draft].txt").shown == "letters/café [draft].txt"
    assert InputRef(STDIN).shown == "<stdin>"


@pytest.mark.skipif(sys.getfilesystemencoding().lower() not in ("utf-8", "utf8"), reason="a UTF-8 file system")
def test_an_undecodable_byte_of_a_name_is_shown_as_an_escape():
    # Python gives a Latin-1 "café.txt" on a UTF-8 system as "caf\udce9.txt", which no UTF-8 output holds.
    raw = os.fsdecode(b"letters/caf\xe9 \xff.txt")
    shown = InputRef(raw).shown
    assert shown == "letters/caf\\xe9 \\xff.txt"
    shown.encode("utf-8")  # writable anywhere
    assert InputRef(raw).path == raw  # the file is still opened by the name it has


@given(st.binary(min_size=1, max_size=30).filter(lambda b: b"\0" not in b and b"/" not in b))
def test_every_file_name_is_shown_as_text_any_output_can_hold(name):
    shown = InputRef(os.fsdecode(name)).shown
    shown.encode("utf-8")
    if all(byte < 0x80 for byte in name):
        assert shown == name.decode("ascii")


def test_a_stand_in_for_no_byte_is_still_shown_as_text():
    InputRef("odd\ud800name.txt").shown.encode("utf-8")
