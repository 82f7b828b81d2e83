"""Tests for tests/messify.py, the PDF-extraction simulator used by other tests.

It is test infrastructure, so it has to be trustworthy: these tests pin down
that each transform produces the layout it claims and never changes a word.
"""

from __future__ import annotations

import re

import pytest
from tests.conftest import FIXTURES

try:
    import messify
except ImportError:  # tests/ became a package
    from tests import messify

CLEAN = (
    "Case Number: CM15-0012345 Date Assigned: 02/10/2015\n"
    "\n"
    "CLINICAL CASE SUMMARY\n"
    "\n"
    "The injured worker is a 50-year-old female who sustained an industrial injury on 4/10/2002. "
    "Her diagnoses included chronic low back pain with referral down the left leg - increased "
    'without medication; status-post lumbosacral "MILD" followed by "ALIF" in 2009. The '
    "physician's requests included Cyclobenzaprine and Oxycodone.\n"
    "\n"
    "IMR ISSUES, DECISIONS AND RATIONALES\n"
    "\n"
    "OXYCODONE 20 MG ONE TAB PO Q 8 HOURS PRN # 60 FOR BREAKTHROUGH PAIN:  Upheld\n"
    "\n"
    "Claims Administrator guideline: Decision based on MTUS Chronic Pain Treatment Guidelines "
    "Page(s): 74-80; 92.\n"
    "\n"
    "MAXIMUS guideline: Decision based on MTUS Chronic Pain Treatment Guidelines Opioids, "
    "Page(s): 74-80.\n"
    "\n"
    "Decision rationale: MTUS identifies documentation of functional improvement as a requirement "
    "for ongoing opioid treatment. There is no documentation of functional benefit with use of "
    "Oxycodone. Therefore, the request for Oxycodone 20 mg one tab PO Q 8 hours PRN #60 for "
    "breakthrough pain is not medically necessary.\n"
)
HEADING = "OXYCODONE 20 MG ONE TAB PO Q 8 HOURS PRN # 60 FOR BREAKTHROUGH PAIN:  Upheld"
WIDTH = 60

SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
FURNITURE = re.compile(r"(?:CM\d\d-\d{7})?(?: +)?(?:Page \d+ of \d+)?")


def paragraphs(clean: str) -> list[str]:
    return [line for line in clean.split("\n") if line.strip()]


def norm(s: str) -> str:
    return " ".join(s.split())


def blocks(text: str) -> list[list[str]]:
    """Runs of non-blank lines of single-spaced text."""
    out: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.strip():
            out[-1].append(line)
        elif out[-1]:
            out.append([])
    return [b for b in out if b]


def join_wrapped(lines: list[str]) -> str:
    """Undo wrap/hyphenate for one paragraph: "Cyclobe-" + "nzaprine" glue, else a space."""
    text = ""
    glue = False
    for line in lines:
        if glue:
            text = text[:-1] + line.strip()
        else:
            text = f"{text} {line.strip()}" if text else line.strip()
        glue = re.search(r"[A-Za-z]-\Z", line) is not None
    return text


def unmessify(messy: str) -> list[str]:
    """Undo pdf_like() exactly as it is built; return the paragraphs."""
    assert messy.endswith("\n")
    lines = [line.lstrip("\f") for line in messy[:-1].split("\n")]
    assert all(line == "" for line in lines[1::2]), "double-spacing artefact pattern broken"
    content = [line for line in lines[0::2] if not (line.strip() and FURNITURE.fullmatch(line.strip()))]
    paras: list[list[str]] = [[]]
    for line in content:
        if line.strip():
            paras[-1].append(line)
        elif paras[-1]:
            paras.append([])
    return [join_wrapped(p) for p in paras if p]


def seed_to_clean(raw: str) -> str:
    """A clean one-paragraph-per-line version of a real seed letter."""
    paras: list[str] = []
    cur = ""
    for line in raw.split("\n"):
        if line == "":
            continue  # artefact line
        if not line.strip():  # " " paragraph break
            if cur:
                paras.append(cur)
            cur = ""
        elif cur.endswith("-"):  # e.g. "07-27-" / "2015": a hard hyphen at a break
            cur += line.strip()
        else:
            cur = f"{cur} {line.strip()}" if cur else line.strip()
    if cur:
        paras.append(cur)
    return "\n\n".join(paras) + "\n"


# ---------------------------------------------------------------- wrap


@pytest.mark.parametrize("width", [30, 60, 95])
def test_wrap_respects_width_and_keeps_paragraphs(width):
    out = messify.wrap(CLEAN, width)
    for line in out.split("\n"):
        if len(line) > width:
            assert len(line.split()) == 1, f"overlong multi-word line: {line!r}"
        if line:
            assert line.endswith(" ") and not line.endswith("  "), repr(line)
    got = [join_wrapped(b) for b in blocks(out)]
    assert [norm(g) for g in got] == [norm(p) for p in paragraphs(CLEAN)]
    # single-spaced paragraphs come back exactly
    assert got[0] == paragraphs(CLEAN)[0]
    assert got[2] == paragraphs(CLEAN)[2]


def test_wrap_heading_wraps_at_60_like_seed_002():
    out = messify.wrap(HEADING + "\n", WIDTH)
    assert out == "OXYCODONE 20 MG ONE TAB PO Q 8 HOURS PRN # 60 FOR \nBREAKTHROUGH PAIN:  Upheld \n"


def test_wrap_keeps_blank_lines_and_trailing_newline():
    out = messify.wrap(CLEAN, WIDTH)
    assert out.endswith(" \n") and not out.endswith("\n\n")
    assert len(blocks(out)) == len(paragraphs(CLEAN))
    assert "\n\n\n" not in out
    assert messify.wrap("", WIDTH) == ""


def test_wrap_long_single_word_is_left_alone():
    word = "x" * 80
    out = messify.wrap(f"aa {word} bb\n", 20)
    assert out == f"aa \n{word} \nbb \n"


# ---------------------------------------------------------------- hyphenate


def test_hyphenate_splits_word_across_break():
    out = messify.hyphenate(messify.wrap(CLEAN, WIDTH), ["breakthrough", "Cyclobenzaprine"])
    lines = out.split("\n")
    splits = []  # (line number, prefix, suffix) at every line ending in letter + "-"
    for n, line in enumerate(lines):
        m = re.search(r"([A-Za-z]+)-\Z", line)
        if m:
            splits.append((n, m.group(1), re.match(r"[A-Za-z]+", lines[n + 1]).group()))
    for word in ("BREAKTHROUGH", "Cyclobenzaprine"):
        found = [(n, pre, suf) for n, pre, suf in splits if pre + suf == word]
        assert len(found) == 1, word
        n, prefix, suffix = found[0]
        assert len(prefix) >= 3 and len(suffix) >= 3
        assert abs(len(prefix) - len(suffix)) <= len(word) // 2
        assert len(lines[n]) <= WIDTH
    # exactly two hyphenation points, words otherwise untouched
    assert len(splits) == 2
    assert [norm(join_wrapped(b)) for b in blocks(out)] == [norm(p) for p in paragraphs(CLEAN)]


def test_hyphenate_item_heading():
    out = messify.wrap(HEADING + "\n", WIDTH, hyphenate=["BREAKTHROUGH"])
    first, second = out.rstrip("\n").split("\n")
    assert re.search(r"[A-Za-z]-\Z", first)
    assert second.startswith("HROUGH PAIN:  Upheld") or re.match(r"[A-Z]{3,}", second)
    assert first[:-1].split()[-1] + second.split()[0] == "BREAKTHROUGH"


def test_hyphenate_pushes_last_word_down_when_line_is_full():
    text = "aaaa bbbb cccc dddd Cyclobenzaprine eeee\n"
    assert messify.wrap(text, 20) == "aaaa bbbb cccc dddd \nCyclobenzaprine \neeee \n"
    assert messify.wrap(text, 20, hyphenate=["cyclobenzaprine"]) == "aaaa bbbb cccc \ndddd Cyclobe-\nnzaprine eeee \n"


def test_hyphenate_skips_first_word_of_paragraph():
    text = "Cyclobenzaprine is a muscle relaxant used for spasm, not Cyclobenzaprine alone\n"
    out = messify.wrap(text, 30, hyphenate=["cyclobenzaprine"])
    assert out.startswith("Cyclobenzaprine is ")
    assert "-\n" in out
    with pytest.raises(ValueError):
        messify.wrap("Cyclobenzaprine is a muscle relaxant\n", 20, hyphenate=["cyclobenzaprine"])


def test_hyphenate_equivalent_forms():
    words = ["breakthrough", "documentation"]
    via_option = messify.wrap(CLEAN, WIDTH, hyphenate=words)
    assert messify.hyphenate(messify.wrap(CLEAN, WIDTH), words, width=WIDTH) == via_option
    assert messify.hyphenate(messify.wrap(CLEAN, WIDTH), words) == via_option  # inferred width
    # one word at a time keeps the earlier hyphenation
    step = messify.hyphenate(messify.wrap(CLEAN, WIDTH), words[:1])
    assert messify.hyphenate(step, words[1:]) == via_option


def test_hyphenate_leaves_other_paragraphs_alone():
    wrapped = messify.wrap(CLEAN, WIDTH)
    out = messify.hyphenate(wrapped, ["Cyclobenzaprine"])
    before, after = blocks(wrapped), blocks(out)
    changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
    assert changed == [2]


def test_hyphenate_errors():
    wrapped = messify.wrap(CLEAN, WIDTH)
    with pytest.raises(ValueError):
        messify.hyphenate(wrapped, ["Zolpidem"])  # not in the letter
    with pytest.raises(ValueError):
        messify.hyphenate(wrapped, ["pain"])  # too short for 3 + 3 letters
    with pytest.raises(ValueError):
        messify.hyphenate(wrapped, ["IMR ISSUES"])
    with pytest.raises(ValueError):  # the heading does not wrap at 95
        messify.wrap(HEADING + "\n", 95, hyphenate=["BREAKTHROUGH"])
    assert messify.hyphenate(wrapped, ["Zolpidem"], strict=False) == wrapped


# ---------------------------------------------------------------- double_space


def test_double_space_pattern_and_inverse():
    wrapped = messify.wrap(CLEAN, WIDTH)
    out = messify.double_space(wrapped)
    lines = out[:-1].split("\n")
    assert all(line == "" for line in lines[1::2])
    assert " \n\n \n\n" in out  # seed 000: "text $", "$", " $", "$"
    back = "\n".join("" if line == " " else line for line in lines[0::2]) + "\n"
    assert back == wrapped


def test_double_space_soft_wrap_vs_paragraph_break():
    out = messify.double_space(messify.wrap(CLEAN, WIDTH))
    lines = out.split("\n")
    n_paras = len(paragraphs(CLEAN))
    runs: list[int] = []
    run = 0
    for line in lines:
        if line.strip():
            if run:
                runs.append(run)
            run = 0
        else:
            run += 1
    # soft wraps are exactly one empty line; paragraph breaks are 3 (``"", " ", ""``)
    assert set(runs) == {1, 3}
    assert runs.count(3) == n_paras - 1


# ---------------------------------------------------------------- page furniture


def _page_numbers(text: str) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in re.findall(r"^\f?(?:CM\d\d-\d{7} +)?Page (\d+) of (\d+)$", text, re.M)]


@pytest.mark.parametrize("per_page", [3, 7, 10, 1000])
def test_footer_page_numbers(per_page):
    text = messify.wrap(CLEAN, WIDTH)
    n_lines = len(text[:-1].split("\n"))
    expected_pages = -(-n_lines // per_page)
    out = messify.add_page_furniture(text, per_page, style="footer")
    assert _page_numbers(out) == [(i, expected_pages) for i in range(1, expected_pages + 1)]
    # footers sit after every per_page body lines
    lines = out[:-1].split("\n")
    for i in range(1, expected_pages + 1):
        assert lines.index(f"Page {i} of {expected_pages}") == min(i * per_page, n_lines) + (i - 1)


def test_header_both_combined_and_form_feed():
    text = messify.wrap(CLEAN, WIDTH)
    n_pages = -(-len(text[:-1].split("\n")) // 5)
    assert n_pages >= 3
    header = messify.add_page_furniture(text, 5, "CM15-0099999", "header")
    assert header.split("\n").count("CM15-0099999") == n_pages - 1
    assert "Page" not in header.replace("Page(s)", "")
    both = messify.add_page_furniture(text, 5, style="both", form_feed=True)
    lines = both.split("\n")
    assert _page_numbers(both) == [(i, n_pages) for i in range(1, n_pages + 1)]
    assert lines.count("\fCM15-0012345") == n_pages - 1
    assert both.count("\f") == n_pages - 1
    for n, line in enumerate(lines):
        if line == "\fCM15-0012345":
            assert lines[n - 1].startswith("Page ")  # footer then header
    combined = messify.add_page_furniture(text, 5, style="combined")
    assert "CM15-0012345                         Page 2 of " in combined
    assert _page_numbers(combined) == [(i, n_pages) for i in range(1, n_pages + 1)]
    no_final = messify.add_page_furniture(text, 5, style="footer", final_footer=False)
    assert len(_page_numbers(no_final)) == n_pages - 1


def test_furniture_keeps_double_spacing():
    ds = messify.double_space(messify.wrap(CLEAN, WIDTH))
    for per_page in (7, 8, 13):
        out = messify.add_page_furniture(ds, per_page, style="both", form_feed=True)
        lines = out[:-1].split("\n")
        assert all(line == "" for line in lines[1::2])
        numbers = _page_numbers(out)
        assert numbers and all(n == len(numbers) for _, n in numbers)


def test_furniture_can_split_wrapped_heading():
    ds = messify.double_space(messify.wrap(CLEAN, WIDTH))
    lines = ds.split("\n")
    at = lines.index("OXYCODONE 20 MG ONE TAB PO Q 8 HOURS PRN # 60 FOR ")
    out = messify.add_page_furniture(ds, at + 2, style="footer")
    out_lines = out.split("\n")
    n = out_lines.index("OXYCODONE 20 MG ONE TAB PO Q 8 HOURS PRN # 60 FOR ")
    assert out_lines[n + 2].startswith("Page 1 of ")
    assert out_lines[n + 4].startswith("BREAKTHROUGH PAIN:  Upheld")


def test_furniture_rejects_bad_style():
    with pytest.raises(ValueError):
        messify.add_page_furniture(CLEAN, 5, style="sidebar")


# ---------------------------------------------------------------- encodings


def test_line_endings():
    text = messify.pdf_like(CLEAN, width=WIDTH, page_lines=10)
    assert messify.crlf(text).count("\r\n") == text.count("\n")
    assert "\n" not in messify.crlf(text).replace("\r\n", "")
    assert messify.cr_only(text) == text.replace("\n", "\r")
    assert messify.crlf(messify.cr_only(text)) == messify.crlf(text)
    with pytest.raises(ValueError):
        messify.wrap(messify.crlf(CLEAN), WIDTH)


def test_to_cp1252():
    data = messify.to_cp1252(CLEAN)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("cp1252")
    assert "\u201cMILD\u201d" in text and "physician\u2019s" in text
    assert "leg \u2013 increased" in text
    assert "74-80" in text and "status-post" in text  # hyphens inside words stay
    plain = text.translate({0x201C: '"', 0x201D: '"', 0x2018: "'", 0x2019: "'", 0x2013: "-"})
    assert plain == CLEAN


@pytest.mark.parametrize("width", range(40, 64))
def test_to_cp1252_converts_dash_next_to_a_line_break(width):
    wrapped = messify.wrap("word " * 10 + "leg - increased\n", width)
    text = messify.to_cp1252(wrapped).decode("cp1252")
    assert re.search(r"leg\s+\u2013\s+increased", text)
    assert "-" not in text
    assert text.replace("\u2013", "-") == wrapped


def test_with_bom():
    data = messify.with_bom(CLEAN)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == CLEAN


# ---------------------------------------------------------------- pipeline


@pytest.mark.parametrize("style", messify.FURNITURE_STYLES)
@pytest.mark.parametrize("seed", [None, 0, 1, 7])
def test_pdf_like_preserves_every_word(style, seed):
    out = messify.pdf_like(
        CLEAN, width=WIDTH, page_lines=9, style=style, hyphenate_words=["breakthrough"], seed=seed, form_feed=True
    )
    assert [norm(p) for p in unmessify(out)] == [norm(p) for p in paragraphs(CLEAN)]
    assert all(len(line.lstrip("\f")) <= WIDTH for line in out.split("\n"))


def test_pdf_like_is_deterministic():
    kwargs = dict(width=WIDTH, page_lines=9, hyphenate_words=["breakthrough"])
    assert messify.pdf_like(CLEAN, **kwargs) == messify.pdf_like(CLEAN, **kwargs)
    assert messify.pdf_like(CLEAN, seed=5, **kwargs) == messify.pdf_like(CLEAN, seed=5, **kwargs)
    outs = {messify.pdf_like(CLEAN, seed=s, **kwargs) for s in range(8)}
    assert len(outs) > 1  # the seed does vary the output


def test_pdf_like_is_the_documented_pipeline():
    expected = messify.add_page_furniture(
        messify.double_space(messify.hyphenate(messify.wrap(CLEAN, WIDTH), ["breakthrough"], width=WIDTH)),
        12,
        style="both",
    )
    assert messify.pdf_like(CLEAN, width=WIDTH, page_lines=12, hyphenate_words=["breakthrough"]) == expected


@pytest.mark.skipif(not SEEDS, reason="no seed letters")
@pytest.mark.parametrize("seed_file", SEEDS, ids=lambda p: p.stem)
def test_pdf_like_on_real_letters(seed_file):
    clean = seed_to_clean(seed_file.read_text(encoding="utf-8"))
    for width, seed in ((95, None), (72, 3)):
        out = messify.pdf_like(clean, width=width, page_lines=40, style="both", seed=seed, form_feed=True)
        assert [norm(p) for p in unmessify(out)] == [norm(p) for p in paragraphs(clean)]
        messify.to_cp1252(out).decode("cp1252")
