"""Benchmark: read and parse the example letters repeated to about 2,000 letters.

    python bench/bench.py [--letters N] [--check]

--check also applies the shipped rules (the default command's full cost).

Prints letters per second and the process's peak resident memory.
Run it before and after a change that may cost speed; never assert timings in
tests.
"""

from __future__ import annotations

import argparse
import sys
import time
import resource
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.pipeline import read_letter  # noqa: E402
from checker.knowledge.guideline import default_guideline  # noqa: E402
from checker.input.discover import InputRef  # noqa: E402
from checker.rules.loader import load_ruleset  # noqa: E402


def corpus() -> list[Path]:
    """Every example letter plus the test fixtures, so all layouts are timed."""
    found = sorted(ROOT.glob("examples/**/*.txt"))
    found += sorted((ROOT / "tests" / "fixtures").glob("**/*.txt"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=2000, help="how many letters to process")
    parser.add_argument("--check", action="store_true", help="also apply the shipped rules")
    args = parser.parse_args()
    ruleset = load_ruleset(default_guideline()) if args.check else None
    files = corpus()
    if not files:
        sys.exit("no letters found")
    refs = [InputRef(str(files[i % len(files)])) for i in range(args.letters)]

    read_letter(refs[0], ruleset)  # warm up: grammars are compiled once per process
    started = time.perf_counter()
    items = 0
    for ref in refs:
        result = read_letter(ref, ruleset).result
        items += len(result.letter.items) if result.letter else 0
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    mode = "parsed and checked" if args.check else "parsed"
    print(f"{len(refs)} letters ({len(files)} distinct, {items} items) {mode} in {elapsed:.2f} s")
    print(f"{len(refs) / elapsed:.0f} letters/s, peak memory {peak_kb / 1024:.0f} MiB (RSS)")


if __name__ == "__main__":
    main()
