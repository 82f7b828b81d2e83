"""Benchmark: adversarial long lines through the whole pipeline, per shape and place.

    python bench/adversarial.py [--chars N] [--limit SECONDS] [--shape NAME ...] [--place NAME ...] [--growth]

Each shape of line (one word repeated, letters without spaces, digits,
"Soma " repeated, page lists, punctuation, hyphens, ...) of ``--chars``
characters (default 200,000) is put into a real letter in each place a
letter has prose: the case summary, an item's rationale, an item heading,
and a guideline line's page list.  The letter is then decoded and read by
``checker.pipeline.read_source`` with the shipped rules, as
``imr-check`` does, and timed.  A run longer than ``--limit`` seconds
(default 60) is stopped and reported as ">LIMIT".

The targets are absolute: any shape of 200,000 characters under 2 s, a
page list of 100,000 entries under 2 s.  Tests never assert times
(machines differ; tests/test_linear.py holds each linear rewrite against
the search it replaced); this script is where the seconds are measured:
run it before a release and after any change to the reader.

Prints one row per shape with the time in each place, and the worst time
per KB of adversarial text; ``--growth`` adds how the time grows from a
quarter of the length to the whole (linear work: about 4; quadratic: 16).
Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.cli.runner import LetterTimeout, time_budget  # noqa: E402
from checker.input.decode import decode  # noqa: E402
from checker.knowledge.guideline import default_guideline  # noqa: E402
from checker.pipeline import read_source  # noqa: E402
from checker.rules.loader import RuleSet, load_ruleset  # noqa: E402
from tests.badinputs import PLACES, SHAPES, letter_text, page_list  # noqa: E402  (the corpus's shapes and places)

#: The target of the issue: any 200,000-character line, and 100,000 page entries, under this many seconds.
TARGET_SECONDS = 2.0


def timed(ruleset: RuleSet, text: str, limit: float) -> float | None:
    """Seconds to decode and read ``text`` with ``ruleset``; None past ``limit``."""
    data = text.encode("utf-8")
    started = time.perf_counter()
    try:
        with time_budget(limit):
            result = read_source("adversarial.txt", decode(data), ruleset).result
    except LetterTimeout:
        return None
    elapsed = time.perf_counter() - started
    if result.error is not None:
        print(f"  (read as an error: {result.error})", file=sys.stderr)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=200_000, help="length of each adversarial line")
    parser.add_argument("--pages", type=int, default=100_000, help="entries in the page-list letter")
    parser.add_argument("--limit", type=float, default=60.0, help="stop one run after this many seconds")
    parser.add_argument("--shape", action="append", choices=sorted(SHAPES), help="only these shapes")
    parser.add_argument("--place", action="append", choices=sorted(PLACES), help="only these places")
    parser.add_argument("--growth", action="store_true", help="also time a quarter of the length; print the ratio")
    args = parser.parse_args()

    ruleset = load_ruleset(default_guideline())
    base = letter_text()  # a real layout with a summary, two items, guideline lines and rationales
    timed(ruleset, base, args.limit)  # warm up: grammars and patterns are built once per process
    plain = min(timed(ruleset, base, args.limit) or 0.0 for _ in range(3))
    places = args.place or list(PLACES)
    shapes = args.shape or list(SHAPES)
    kb = args.chars / 1000
    print(f"{args.chars:,} characters per line; the plain letter takes {plain * 1000:.0f} ms")
    print(f"{'shape':<18}" + "".join(f"{p:>11}" for p in places) + f"{'worst ms/KB':>13}"
          + (f"{'growth x4':>11}" if args.growth else ""))
    missed = []
    worst_overall = 0.0
    for shape in shapes:
        line = SHAPES[shape](args.chars)
        cells, worst, growth = [], 0.0, 0.0
        for place in places:
            text = PLACES[place](base, line)
            assert text != base, (shape, place)
            seconds = timed(ruleset, text, args.limit)
            if seconds is None:
                cells.append(f">{args.limit:g} s")
                worst = max(worst, args.limit)
                missed.append(f"{shape} in {place}")
                continue
            cells.append(f"{seconds:.2f} s")
            worst = max(worst, seconds)
            if args.growth:
                quarter = timed(ruleset, PLACES[place](base, SHAPES[shape](args.chars // 4)), args.limit)
                growth = max(growth, (seconds - plain) / max((quarter or 0.0) - plain, 0.001))
            if seconds > TARGET_SECONDS:
                missed.append(f"{shape} in {place}")
        worst_overall = max(worst_overall, worst)
        print(f"{shape:<18}" + "".join(f"{c:>11}" for c in cells) + f"{worst / kb * 1000:>13.3f}"
              + (f"{growth:>11.1f}" if args.growth else ""), flush=True)

    pages = PLACES["guideline"](base, page_list(args.pages))
    seconds = timed(ruleset, pages, args.limit)
    shown = f">{args.limit:g} s" if seconds is None else f"{seconds:.2f} s"
    print(f"page list of {args.pages:,} entries ({len(page_list(args.pages)) / 1000:,.0f} KB) in a guideline line: {shown}")
    if seconds is None or seconds > TARGET_SECONDS:
        missed.append(f"page list of {args.pages:,} entries")
    print(f"worst time per KB over all shapes: {worst_overall / kb * 1000:.3f} ms/KB")
    if missed:
        print(f"over the {TARGET_SECONDS:g} s target: " + ", ".join(missed))
        return 1
    print(f"every run under the {TARGET_SECONDS:g} s target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
