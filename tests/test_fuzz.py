"""Fuzzing: real letters mutated every which way, through the whole pipeline with the shipped rules.

Each input is a real letter (the fixtures, the examples, the example PDF
and Word draft) after a few mutations: lines deleted, duplicated, swapped,
cut or taken from another letter, structural headings injected, very long
lines of the adversarial shapes, two letters spliced, bytes flipped,
inserted or cut off, the encoding and line endings changed.  Whatever comes
out, reading it must

* never let an exception escape, nor turn one into "internal error";
* give a one-line error or a letter whose every span lies inside the file;
* give the same result when read again (findings are deterministic).

In the normal suite hypothesis draws the mutations (derandomized, a few
dozen examples from the profile in tests/conftest.py, no deadline).  Before
a release run the long mode, which draws the same mutations from a seeded
random generator until the time is up, gives each input a time budget, and
saves every failing input:

    FUZZ_SECONDS=600 python -m pytest tests/test_fuzz.py -s

It prints how many inputs it ran (and writes a JSON summary to
``FUZZ_REPORT`` when set).
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol, TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.cli.runner import LetterTimeout, time_budget
from checker.input.discover import InputRef
from checker.input.read import read_input
from checker.input.source import SourceText
from checker.knowledge.guideline import default_guideline
from checker.model import FileResult
from checker.pipeline import read_letter
from checker.reports.json import file_entry
from checker.rules.loader import RuleSet, load_ruleset
from tests.badinputs import EXAMPLES, SHAPES
from tests.conftest import FIXTURES
from tests.test_properties import SETTINGS, all_spans

T = TypeVar("T")

#: Letters the mutations start from: every text fixture and example, and the example documents.
TEXT_SEEDS = sorted(FIXTURES.glob("*/*.txt")) + sorted(EXAMPLES.glob("*.txt"))
DOCUMENT_SEEDS = sorted(EXAMPLES.glob("*.pdf")) + sorted(EXAMPLES.glob("*.docx"))

#: Lines that give a letter structure, injected anywhere.
HEADINGS = [
    "IMR ISSUES, DECISIONS AND RATIONALES", "IMR DECISION(S) AND RATIONALE(S)", "CLINICAL CASE SUMMARY",
    "HOW THE IMR FINAL DETERMINATION WAS MADE", "Decision rationale:", "Claims Administrator guideline:",
    "MAXIMUS guideline: Decision based on MTUS Chronic Pain Treatment Guidelines Page(s): 29.",
    "SOMA 350MG #120:  Upheld", ":  Overturned", "1. Soma 350mg #120 is not medically necessary.",
    "1) Regarding the request for Soma:", "ISSUE AT DISPUTE", "RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS",
    "MEDICAL PROFESSIONAL REVIEW", "Final Determination: Upheld", "Page 2 of 4", "CM15-0012345",
    "imr-check: ignore quantity-differs-within-letter -- fuzz", "Case Number: CM15-0012345", "\f", "", " ",
]


class Chooser(Protocol):
    """Where the mutations' choices come from: hypothesis (the suite) or a seeded random generator (long mode)."""

    def integer(self, low: int, high: int) -> int: ...

    def choice(self, options: Sequence[T]) -> T: ...


class DrawChooser:
    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def integer(self, low: int, high: int) -> int:
        return self.data.draw(st.integers(min_value=low, max_value=high))

    def choice(self, options: Sequence[T]) -> T:
        return self.data.draw(st.sampled_from(options))


class RandomChooser:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def choice(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]


@lru_cache(maxsize=None)
def _seed_bytes(path: Path) -> bytes:
    return path.read_bytes()


# --------------------------------------------------------------------------- mutations
def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _line_mutation(lines: list[str], choose: Chooser, long_line: int) -> list[str]:
    """One change to the lines of a letter."""
    at = choose.integer(0, len(lines))
    kind = choose.choice(["delete", "duplicate", "swap", "cut", "heading", "other", "long", "long"])
    if kind == "delete" and at < len(lines):
        return lines[:at] + lines[at + 1 :]
    if kind == "duplicate" and at < len(lines):
        return lines[: at + 1] + lines[at : at + choose.integer(1, 3)] + lines[at + 1 :]
    if kind == "swap" and lines:
        other = choose.integer(0, len(lines) - 1)
        at = min(at, len(lines) - 1)
        lines = list(lines)
        lines[at], lines[other] = lines[other], lines[at]
        return lines
    if kind == "cut" and at < len(lines):
        line = lines[at]
        return lines[:at] + [line[: choose.integer(0, len(line))]] + lines[at + 1 :]
    if kind == "heading":
        return lines[:at] + [choose.choice(HEADINGS)] + lines[at:]
    if kind == "other":
        donor = _lines(_seed_bytes(choose.choice(TEXT_SEEDS)))
        start = choose.integer(0, len(donor) - 1)
        return lines[:at] + donor[start : start + choose.integer(1, 8)] + lines[at:]
    if kind == "long":
        line = SHAPES[choose.choice(sorted(SHAPES))](choose.integer(1, long_line))
        if at < len(lines) and choose.integer(0, 1):
            return lines[:at] + [lines[at] + " " + line] + lines[at + 1 :]
        return lines[:at] + [line] + lines[at:]
    return lines


def _byte_mutation(data: bytes, choose: Chooser) -> bytes:
    """One change to the bytes of a file."""
    kind = choose.choice(["flip", "flip", "insert", "truncate", "splice", "delete"])
    if not data:
        return bytes([choose.integer(0, 255)])
    at = choose.integer(0, len(data) - 1)
    if kind == "flip":
        return data[:at] + bytes([data[at] ^ (1 << choose.integer(0, 7))]) + data[at + 1 :]
    if kind == "insert":
        junk = choose.choice([b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"%PDF-1.4", b"PK\x03\x04", b"\r", b"\x85", b"\xed\xa0\x80"])
        return data[:at] + junk * choose.integer(1, 4) + data[at:]
    if kind == "truncate":
        return data[:at]
    if kind == "delete":
        return data[:at] + data[at + choose.integer(1, 64) :]
    donor = _seed_bytes(choose.choice(TEXT_SEEDS + DOCUMENT_SEEDS))
    return data[:at] + donor[choose.integer(0, len(donor) - 1) :]


def _encode(text: str, choose: Chooser) -> bytes:
    ending = choose.choice(["\n", "\n", "\r\n", "\r"])
    text = text.replace("\n", ending)
    encoding = choose.choice(["utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"])
    return text.encode(encoding, errors="replace")


@dataclass
class Mutant:
    """A mutated letter: its bytes, the name it is saved under, and how it was made (for a failure report)."""

    data: bytes
    name: str
    recipe: str


def mutant(choose: Chooser, long_line: int) -> Mutant:
    """A letter after one to five mutations."""
    if choose.integer(0, 5) == 0:  # a PDF or Word file: bytes only
        seed = choose.choice(DOCUMENT_SEEDS)
        data = _seed_bytes(seed)
        for _ in range(choose.integer(1, 3)):
            data = _byte_mutation(data, choose)
        return Mutant(data, "fuzz" + seed.suffix, f"{seed.name}, bytes")
    seed = choose.choice(TEXT_SEEDS)
    lines = _lines(_seed_bytes(seed))
    steps = []
    for _ in range(choose.integer(1, 5)):
        if choose.integer(0, 4) == 0:  # splice: the start of this letter, the end of another
            donor = _lines(_seed_bytes(choose.choice(TEXT_SEEDS)))
            lines = lines[: choose.integer(0, len(lines))] + donor[choose.integer(0, len(donor)) :]
            steps.append("splice")
        else:
            lines = _line_mutation(lines, choose, long_line)
            steps.append("lines")
    data = _encode("\n".join(lines), choose)
    if choose.integer(0, 3) == 0:
        data = _byte_mutation(data, choose)
        steps.append("bytes")
    return Mutant(data, "fuzz.txt", f"{seed.name}, {' '.join(steps)}")


# --------------------------------------------------------------------------- what must hold
@lru_cache(maxsize=1)
def shipped_rules() -> RuleSet:
    return load_ruleset(default_guideline())


def check(mutant: Mutant, folder: Path) -> FileResult:
    """Read ``mutant`` twice with the shipped rules; raise AssertionError when a promise is broken."""
    path = folder / mutant.name
    path.write_bytes(mutant.data)
    ref = InputRef(str(path))
    first = read_letter(ref, shipped_rules()).result
    again = read_letter(ref, shipped_rules()).result
    assert _as_json(first) == _as_json(again), "not deterministic"
    if first.error is not None:
        assert first.letter is None
        assert first.error and "\n" not in first.error, first.error
        assert not first.error.startswith("internal error"), first.error
        return first
    assert first.letter is not None
    _assert_spans_inside(read_input(ref), first)
    return first


def _as_json(result: FileResult) -> str:
    return json.dumps(file_entry(result), sort_keys=True, default=str)


def _assert_spans_inside(source: SourceText, result: FileResult) -> None:
    count = source.line_count
    for name, span in all_spans(result):
        assert 1 <= span.line <= span.end_line <= count, (name, span, count)
        assert 1 <= span.column <= len(source.line_text(span.line)) + 1, (name, span)
        assert 1 <= span.end_column <= len(source.line_text(span.end_line)) + 1, (name, span)
        assert (span.end_line, span.end_column) >= (span.line, span.column), (name, span)


# --------------------------------------------------------------------------- the suite: hypothesis, bounded
@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


#: Each example reads a whole letter twice with every shipped rule: half the profile's count.
FUZZ = settings(SETTINGS, max_examples=max(10, SETTINGS.max_examples // 2))


@FUZZ
@given(st.data())
def test_mutated_letters_read_safely(scratch, data):
    check(mutant(DrawChooser(data), long_line=20_000), scratch)


# --------------------------------------------------------------------------- long mode: FUZZ_SECONDS
FUZZ_SECONDS = float(os.environ.get("FUZZ_SECONDS", "0") or 0)
#: Each input's time budget in long mode: far above any letter, so only a hang or a quadratic step reaches it.
INPUT_BUDGET = 20.0


@pytest.mark.skipif(FUZZ_SECONDS <= 0, reason="long fuzzing runs with FUZZ_SECONDS=600 (before a release)")
def test_fuzz_for_a_while(tmp_path):
    failures_dir = Path(os.environ.get("FUZZ_FAILURES", tmp_path / "failures"))
    deadline = time.monotonic() + FUZZ_SECONDS
    started = time.monotonic()
    counts = {"inputs": 0, "letters": 0, "errors": 0}
    failures: list[str] = []
    seed = int(os.environ.get("FUZZ_SEED", "0"))
    slowest = (0.0, "")
    while time.monotonic() < deadline:
        choose = RandomChooser(random.Random(seed))
        case = mutant(choose, long_line=200_000)
        began = time.monotonic()
        try:
            with time_budget(INPUT_BUDGET):
                result = check(case, tmp_path)
            counts["letters" if result.error is None else "errors"] += 1
        except (Exception, LetterTimeout) as problem:  # every way a promise can break
            failures_dir.mkdir(parents=True, exist_ok=True)
            saved = failures_dir / f"seed-{seed}{Path(case.name).suffix}"
            saved.write_bytes(case.data)
            reason = "over the time budget" if isinstance(problem, LetterTimeout) else f"{type(problem).__name__}: {problem}"
            failures.append(f"seed {seed} ({case.recipe}): {reason} -> {saved}")
        took = time.monotonic() - began
        if took > slowest[0]:
            slowest = (took, f"seed {seed} ({case.recipe}, {len(case.data):,} bytes)")
        counts["inputs"] += 1
        seed += 1
    summary = {
        **counts,
        "seconds": round(time.monotonic() - started, 1),
        "failures": failures,
        "slowest": f"{slowest[0]:.2f} s: {slowest[1]}",
    }
    print(
        f"\nfuzz: {counts['inputs']} inputs in {summary['seconds']} s ({counts['letters']} read as letters, "
        f"{counts['errors']} one-line errors), {len(failures)} failures; slowest {summary['slowest']}",
        file=sys.__stderr__,
    )
    if os.environ.get("FUZZ_REPORT"):
        Path(os.environ["FUZZ_REPORT"]).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    assert not failures, "\n".join(failures)
