"""Turn a clean IMR letter into text that looks like real PDF-extracted text.

Why this exists
---------------
Real IMR letters are PDFs. The text the checker sees was extracted from them,
and extraction damages the layout (see the project DOMAIN.md, section 2, and the real
letters in ``tests/fixtures/seeds``). Looked at with ``cat -A``, a seed shows:

* every paragraph wrapped at roughly 95 characters, each physical line ending
  in one trailing space (``... He/she has no $``). An item heading can wrap as
  well (seed 002: ``...# 60 FOR BREAKTHROUGH $`` / ``PAIN:  Upheld $``);
* an empty line after *every* physical line, so a soft wrap inside a paragraph
  reads ``text $``, ``$``, ``more $``;
* a paragraph break written as a line holding a single space between those
  empty artefact lines: ``text $``, ``$``, `` $``, ``$``, ``next $``.

Other letters also carry running page headers/footers (``Page 2 of 4``, a
bare case number like ``CM15-0012345``) that land wherever the page ends, even
mid-sentence, form feeds at page starts, words hyphenated across line breaks,
CRLF or CR line endings, curly quotes and en dashes stored as cp1252 bytes, or
a UTF-8 byte-order mark.

Tests write a CLEAN letter (one paragraph per line, paragraphs separated by
one blank line, LF endings) and use these transforms to produce the messy
version, so they can check that the checker reads both item-for-item alike:

``wrap``                greedy line wrapping, single trailing space per line
``hyphenate``           split chosen words across a line break ("Cyclobe-" /
                        "nzaprine")
``double_space``        the empty-line-after-every-line artefact, paragraph
                        breaks as a " " line
``add_page_furniture``  running footers/headers (and form feeds) every N lines
``crlf`` / ``cr_only``  line-ending conversion
``to_cp1252``           curly quotes and en dashes, encoded as cp1252 bytes
``with_bom``            UTF-8 with a byte-order mark
``pdf_like``            wrap -> hyphenate -> double_space -> add_page_furniture

Contract: no transform changes the words of the letter. They change only
whitespace, line breaks, hyphenation at a line break, inserted furniture
lines, quote/dash style (``to_cp1252`` only) and the encoding. Everything is
deterministic; ``pdf_like(seed=...)`` uses ``random.Random(seed)`` and nothing
else random. Standard library only.

The text transforms expect LF line endings (apply ``crlf``/``cr_only`` last)
and raise ``ValueError`` on input containing "\\r".
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence

__all__ = [
    "FURNITURE_STYLES",
    "add_page_furniture",
    "cr_only",
    "crlf",
    "double_space",
    "hyphenate",
    "page_footer",
    "pdf_like",
    "to_cp1252",
    "with_bom",
    "wrap",
]

FURNITURE_STYLES = ("footer", "header", "both", "combined")
DEFAULT_CASE_NUMBER = "CM15-0012345"
#: Gap between the case number and "Page i of N" in the "combined" style.
COMBINED_GAP = " " * 25
#: Fewest letters left on either side of a hyphenation point.
MIN_HYPHEN_PART = 3

_WS_SPLIT = re.compile(r"(\s+)")
# A line ending in letter + "-" with no trailing space is a hyphenation
# artefact: wrap() always leaves a trailing space after a whole word.
_HYPHEN_END = re.compile(r"[A-Za-z]-\Z")
_ALPHA_WORD = re.compile(r"[A-Za-z]+")

# Per paragraph: token index -> hyphenation points (prefix lengths within the
# token) to try, best first.
_Splits = dict[int, tuple[int, ...]]


# --------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------


def _require_lf(text: str) -> None:
    if "\r" in text:
        raise ValueError("messify text transforms expect LF line endings; apply crlf()/cr_only() last")


def _split_lines(text: str) -> tuple[list[str], bool]:
    """Split LF text into lines; also report whether it ended with a newline."""
    if text.endswith("\n"):
        return text[:-1].split("\n"), True
    return text.split("\n"), False


def _join_lines(lines: list[str], trailing_newline: bool) -> str:
    return "\n".join(lines) + ("\n" if trailing_newline else "")


def _is_blank(line: str) -> bool:
    return not line.strip()


def _tokenize(paragraph: str) -> tuple[list[str], list[str]]:
    """Words and the whitespace runs between them (len(seps) == len(words) - 1)."""
    parts = _WS_SPLIT.split(paragraph.strip())
    return parts[0::2], parts[1::2]


def _split_points(word: str, start: int, end: int) -> tuple[int, ...]:
    """Hyphenation points inside word[start:end], nearest the middle first."""
    lo, hi = start + MIN_HYPHEN_PART, end - MIN_HYPHEN_PART
    return tuple(sorted(range(lo, hi + 1), key=lambda k: (abs(2 * k - (start + end)), k)))


def _word_pattern(word: str) -> re.Pattern[str]:
    if not _ALPHA_WORD.fullmatch(word):
        raise ValueError(f"hyphenation word must be ASCII letters only, got {word!r}")
    if len(word) < 2 * MIN_HYPHEN_PART:
        raise ValueError(
            f"hyphenation word {word!r} is too short: need {MIN_HYPHEN_PART} letters on each side of the break"
        )
    return re.compile(r"(?<![A-Za-z])" + re.escape(word) + r"(?![A-Za-z])", re.IGNORECASE)


# --------------------------------------------------------------------------
# line filling
# --------------------------------------------------------------------------


def _flow(words: list[str], seps: list[str], width: int, splits: _Splits) -> tuple[list[str], set[int]]:
    """Greedy-fill one paragraph into physical lines of at most ``width`` chars.

    Every line ends in a single space, except a line ending in a hyphenation
    point, which ends in "-". Whitespace runs inside a line are kept as they
    were; the run at a line break becomes that single trailing space.

    A token listed in ``splits`` is forced to straddle a line break: the first
    of its hyphenation points that fits the current line is used; if none fits,
    the line's last word is pushed down with it so the split lands at the end of
    the next line. Returns the lines and the token indices actually split.
    """
    lines: list[str] = []
    done: set[int] = set()
    cur = ""  # line being built, without its trailing space
    sep_start = word_start = 0  # where the last separator / word of cur begin; word_start == 0: one word
    for i, w in enumerate(words):
        sep = seps[i - 1] if i else ""
        if cur and i in splits:
            placed = False
            for k in splits[i]:
                if len(cur) + len(sep) + k + 1 <= width:
                    lines.append(cur + sep + w[:k] + "-")
                    placed = True
                    break
            if not placed and word_start > 0:
                head, last = cur[:sep_start], cur[word_start:]
                for k in splits[i]:
                    if len(last) + len(sep) + k + 1 <= width:
                        lines.append(head + " ")
                        lines.append(last + sep + w[:k] + "-")
                        placed = True
                        break
            if placed:
                done.add(i)
                cur, word_start = w[k:], 0
                continue
        if not cur:
            cur, word_start = w, 0
        elif len(cur) + len(sep) + len(w) + 1 <= width:
            sep_start = len(cur)
            cur = cur + sep + w
            word_start = len(cur) - len(w)
        else:
            lines.append(cur + " ")
            cur, word_start = w, 0
    if cur:
        lines.append(cur + " ")
    return lines, done


def _plan(
    paragraphs: list[tuple[list[str], list[str]]],
    width: int,
    targets: Iterable[str],
    base: dict[int, _Splits],
    strict: bool,
) -> dict[int, _Splits]:
    """Choose, for each target word, its first occurrence that can be hyphenated.

    Eligible: a paragraph that wraps to two or more lines, not the paragraph's
    first token, a token not already split, and a split that actually fits
    together with the splits already chosen. Returns splits per paragraph
    (including ``base``); raises ValueError for a word with no eligible
    occurrence when ``strict``.
    """
    splits = {p: dict(s) for p, s in base.items()}
    multi = [len(_flow(ws, ss, width, splits.get(p, {}))[0]) >= 2 for p, (ws, ss) in enumerate(paragraphs)]
    for target in targets:
        pattern = _word_pattern(target)
        found = False
        for p, (ws, ss) in enumerate(paragraphs):
            if not multi[p]:
                continue
            for i in range(1, len(ws)):
                if i in splits.get(p, {}):
                    continue
                m = pattern.search(ws[i])
                if not m:
                    continue
                trial = dict(splits.get(p, {}))
                trial[i] = _split_points(ws[i], m.start(), m.end())
                if _flow(ws, ss, width, trial)[1] >= set(trial):
                    splits[p] = trial
                    found = True
                    break
            if found:
                break
        if not found and strict:
            raise ValueError(f"no occurrence of {target!r} inside a wrapped paragraph can be hyphenated at width {width}")
    return splits


# --------------------------------------------------------------------------
# public transforms
# --------------------------------------------------------------------------


def wrap(text: str, width: int = 95, hyphenate: Sequence[str] | None = None, *, strict: bool = True) -> str:
    """Greedy-wrap every paragraph line at ``width`` characters, as a PDF would.

    ``width`` bounds the whole physical line including its trailing space; only a
    single word too long for the width can exceed it. Every wrapped line ends in
    one space ("word \\n"), as in the seeds; whitespace runs inside a line (e.g.
    ``PAIN:  Upheld``) are kept, the run at a break becomes that trailing space.
    Blank lines stay (as empty lines). ``hyphenate`` words are split across a
    break as described in :func:`hyphenate`.
    """
    _require_lf(text)
    if width < 2:
        raise ValueError("width must be at least 2")
    lines, nl = _split_lines(text)
    para_of: dict[int, int] = {}
    paragraphs: list[tuple[list[str], list[str]]] = []
    for n, line in enumerate(lines):
        if not _is_blank(line):
            para_of[n] = len(paragraphs)
            paragraphs.append(_tokenize(line))
    splits = _plan(paragraphs, width, hyphenate or (), {}, strict)
    out: list[str] = []
    for n, line in enumerate(lines):
        if n not in para_of:
            out.append("")
            continue
        p = para_of[n]
        out.extend(_flow(*paragraphs[p], width, splits.get(p, {}))[0])
    return _join_lines(out, nl)


def _parse_block(block: list[str]) -> tuple[list[str], list[str], _Splits]:
    """Rebuild one wrapped paragraph's tokens, remembering existing hyphenation points."""
    words: list[str] = []
    seps: list[str] = []
    fixed: _Splits = {}
    glue = False
    for line in block:
        lw, ls = _tokenize(line)
        if not words:
            words, seps = lw, ls
        elif glue:
            words[-1] = words[-1][:-1]  # drop the artefact hyphen
            fixed[len(words) - 1] = (len(words[-1]),)
            words[-1] += lw[0]
            words.extend(lw[1:])
            seps.extend(ls)
        else:
            seps.append(" ")
            words.extend(lw)
            seps.extend(ls)
        glue = _HYPHEN_END.search(line) is not None
    return words, seps, fixed


def hyphenate(text: str, words: Sequence[str], *, width: int | None = None, strict: bool = True) -> str:
    """Split each word across a line break with a hyphen ("Cyclobe-" / "nzaprine").

    ``text`` is :func:`wrap` output (single-spaced; a paragraph is a run of
    non-blank lines). For each word (ASCII letters, at least 6; matched
    case-insensitively as a whole word, so "Hydrocodone/APAP" matches
    "hydrocodone") its first occurrence inside a paragraph that wraps to two or
    more lines, and not the paragraph's first word, is split nearest its middle
    with at least 3 letters on each side; the rest of that paragraph is re-flowed.
    The hyphenated line ends in "-" with no trailing space. Paragraphs without
    a new split are left byte-for-byte alone; earlier hyphenations are kept.

    ``width`` defaults to the longest multi-word line, which reproduces
    :func:`wrap`'s layout; pass the wrap width to be explicit. With ``strict``
    (default) a word that cannot be placed raises ValueError.
    """
    _require_lf(text)
    lines, nl = _split_lines(text)
    blocks: list[tuple[int, int]] = []
    n = 0
    while n < len(lines):
        if _is_blank(lines[n]):
            n += 1
            continue
        start = n
        while n < len(lines) and not _is_blank(lines[n]):
            n += 1
        blocks.append((start, n))
    if width is None:
        multi_word = [len(line) for line in lines if len(line.split()) >= 2]
        width = max(multi_word or [len(line) for line in lines] or [2])
    parsed = [_parse_block(lines[s:e]) for s, e in blocks]
    paragraphs = [(ws, ss) for ws, ss, _ in parsed]
    base = {p: fixed for p, (_, _, fixed) in enumerate(parsed) if fixed}
    splits = _plan(paragraphs, width, words, base, strict)
    out: list[str] = []
    pos = 0
    for p, (s, e) in enumerate(blocks):
        out.extend(lines[pos:s])
        if splits.get(p, {}) != base.get(p, {}):
            out.extend(_flow(*paragraphs[p], width, splits[p])[0])
        else:
            out.extend(lines[s:e])
        pos = e
    out.extend(lines[pos:])
    return _join_lines(out, nl)


def double_space(text: str) -> str:
    """Add the empty artefact line after every line; paragraph breaks become " ".

    Input ``a`` / ``b`` / blank / ``c`` becomes ``a``, ``""``, ``b``, ``""``,
    ``" "``, ``""``, ``c``, ``""`` (seed 000 under ``cat -A``: ``text $``, ``$``,
    `` $``, ``$``). Afterwards a soft wrap inside a paragraph is exactly one
    empty line and a paragraph break is a run of 2+ whitespace-only lines.
    The output always ends with the artefact line's newline.
    """
    _require_lf(text)
    if text == "":
        return ""
    lines, _ = _split_lines(text)
    return "".join((" " if _is_blank(line) else line) + "\n\n" for line in lines)


def _is_double_spaced(lines: list[str]) -> bool:
    return len(lines) >= 2 and all(line == "" for line in lines[1::2]) and any(line.strip() for line in lines[0::2])


def page_footer(page: int, pages: int) -> str:
    """The running footer line, e.g. ``Page 2 of 5``."""
    return f"Page {page} of {pages}"


def add_page_furniture(
    text: str,
    lines_per_page: int = 40,
    case_number: str = DEFAULT_CASE_NUMBER,
    style: str = "footer",
    *,
    form_feed: bool = False,
    final_footer: bool = True,
    first_page_lines: int | None = None,
    double_spaced: bool | None = None,
) -> str:
    """Insert running page headers/footers every ``lines_per_page`` physical lines.

    The text is cut into pages of ``lines_per_page`` physical lines (all lines
    count, so a cut may fall mid-paragraph or inside a wrapped item heading);
    the number of pages N follows from the total. Furniture per ``style``:

    * ``"footer"``   -- ``Page k of N`` after page k's lines, for every page
      (including the last, unless ``final_footer=False``);
    * ``"header"``   -- the bare ``case_number`` at the top of pages 2..N;
    * ``"both"``     -- footer of page k, then header of page k+1;
    * ``"combined"`` -- one line ``<case_number>`` + 25 spaces + ``Page k of N``
      where the footer would go.

    ``form_feed`` puts "\\f" at the start of the first line of pages 2..N (the
    header if there is one). ``first_page_lines`` gives page 1 a different
    length (a letterhead page). Double-spaced input (every second line empty;
    auto-detected unless ``double_spaced`` is given) keeps its pattern: pages
    are cut after an even number of lines (odd sizes round down, minimum 2) and
    every furniture line is followed by an empty line.
    """
    _require_lf(text)
    if style not in FURNITURE_STYLES:
        raise ValueError(f"style must be one of {FURNITURE_STYLES}, got {style!r}")
    if lines_per_page < 1:
        raise ValueError("lines_per_page must be positive")
    if text == "":
        return ""
    lines, nl = _split_lines(text)
    ds = _is_double_spaced(lines) if double_spaced is None else double_spaced
    step = 2 if ds else 1

    def page_size(n: int) -> int:
        return max(step, n - n % step)

    size = page_size(first_page_lines if first_page_lines is not None else lines_per_page)
    pages: list[list[str]] = []
    pos = 0
    while pos < len(lines):
        pages.append(lines[pos : pos + size])
        pos += size
        size = page_size(lines_per_page)
    total = len(pages)

    def furniture(line: str) -> list[str]:
        return [line, ""] if ds else [line]

    out: list[str] = []
    for k, body in enumerate(pages, 1):
        page: list[str] = []
        if k > 1 and style in ("header", "both"):
            page += furniture(case_number)
        page += body
        if ds and page and page[-1] != "":
            page.append("")  # keep the artefact line before the footer
        if style in ("footer", "both", "combined") and (k < total or final_footer):
            footer = page_footer(k, total)
            page += furniture(f"{case_number}{COMBINED_GAP}{footer}" if style == "combined" else footer)
        if k > 1 and form_feed:
            page[0] = "\f" + page[0]
        out += page
    return _join_lines(out, nl)


def crlf(text: str) -> str:
    """Convert every line ending (LF, CR or CRLF) to CRLF."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def cr_only(text: str) -> str:
    """Convert every line ending (LF, CR or CRLF) to a bare CR (classic Mac)."""
    return text.replace("\r\n", "\n").replace("\n", "\r")


_OPENING_CONTEXT = set("([{\u2013\u2014")


def _curl_quotes(text: str) -> str:
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch not in "\"'":
            out.append(ch)
            continue
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        opening = prev == "" or prev.isspace() or prev in _OPENING_CONTEXT
        if ch == '"':
            out.append("\u201c" if opening else "\u201d")
        elif prev.isalnum() and nxt.isalnum():
            out.append("\u2019")  # apostrophe: physician's, ADL's
        else:
            out.append("\u2018" if opening and nxt and not nxt.isspace() else "\u2019")
    return "".join(out)


def to_cp1252(text: str) -> bytes:
    """Curly quotes (“ ” ‘ ’) and " – " for " - " between words, encoded as cp1252.

    A free-standing "-" becomes an en dash even when a line break sits next to
    it (wrapped text: "leg - " / "increased" or "leg " / "- increased").

    Those characters encode to bytes 0x91-0x96, which are not valid UTF-8, so a
    reader that assumes UTF-8 fails. A letter with no quotes and no " - " stays
    ASCII (and so decodes as UTF-8 too). Characters outside cp1252 raise
    UnicodeEncodeError. Line endings are left as they are.
    """
    text = re.sub(r"(?<=\S)(\s+)-(?=\s+\S)", "\\1\u2013", text)
    return _curl_quotes(text).encode("cp1252")


def with_bom(text: str) -> bytes:
    """Encode as UTF-8 with a leading byte-order mark (EF BB BF)."""
    return text.encode("utf-8-sig")


def _pick_words(text: str, width: int, rng: random.Random, exclude: Iterable[str], count: int) -> list[str]:
    """Pick ``count`` long words (8+ letters) from clean paragraphs that will wrap at ``width``."""
    excluded = {w.lower() for w in exclude}
    candidates: set[str] = set()
    lines, _ = _split_lines(text)
    for line in lines:
        if _is_blank(line) or len(line) <= width:
            continue
        ws, _ = _tokenize(line)
        for tok in ws[1:]:
            m = re.fullmatch(r"[(\"']?([A-Za-z]{8,})[.,;:)\"']?", tok)
            if m and m.group(1).lower() not in excluded:
                candidates.add(m.group(1).lower())
    pool = sorted(candidates)
    return rng.sample(pool, min(count, len(pool)))


def pdf_like(
    text: str,
    *,
    width: int = 95,
    page_lines: int = 40,
    style: str = "both",
    hyphenate_words: Sequence[str] = (),
    seed: int | None = None,
    case_number: str = DEFAULT_CASE_NUMBER,
    form_feed: bool = False,
) -> str:
    """The typical real extraction: wrap -> hyphenate -> double_space -> add_page_furniture.

    ``hyphenate_words`` must all be placeable (ValueError otherwise). With a
    ``seed``, ``random.Random(seed)`` additionally hyphenates up to three other
    long words (where they fit) and shortens page 1 to between half and all of
    ``page_lines``; the same seed always gives the same text.
    """
    # Hyphenate while wrapping the clean text: wrap knows where paragraphs end,
    # which wrapped text (every line ending in a space) no longer shows.
    wrapped = wrap(text, width, hyphenate=list(hyphenate_words)) if hyphenate_words else wrap(text, width)
    first_page_lines = None
    if seed is not None:
        rng = random.Random(seed)
        extra = _pick_words(text, width, rng, hyphenate_words, 3)
        if extra:
            wrapped = wrap(text, width, hyphenate=[*hyphenate_words, *extra], strict=False)
        first_page_lines = rng.randint(max(1, page_lines // 2), page_lines)
    return add_page_furniture(
        double_space(wrapped),
        page_lines,
        case_number,
        style,
        form_feed=form_feed,
        first_page_lines=first_page_lines,
    )
