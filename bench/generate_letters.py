"""Generate N letters for benchmarks and the audit's kill-and-resume test.

    python bench/generate_letters.py OUT_DIR N [--seed S]

Each letter is one of the repository's example and fixture letters (every
layout) with its particulars varied consistently within the letter: brand
and generic drug names swapped, quantities scaled, dates moved by whole
years, the patient's age and the case number changed.  Generated letters are
never committed: they are made when needed, the same ones for the same seed.
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Names a letter may use for the same drug (DOMAIN.md section 5).
SWAPS = (
    ("Soma", "Carisoprodol"), ("Norco", "Hydrocodone/APAP"), ("Xanax", "Alprazolam"),
    ("Flexeril", "Cyclobenzaprine"), ("Ultram", "Tramadol"), ("Neurontin", "Gabapentin"),
    ("Klonopin", "Clonazepam"), ("Percocet", "Oxycodone/APAP"),
)
_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(20[01]\d)\b")
_QUANTITY = re.compile(r"#\s?(\d{1,3})\b")
_AGE = re.compile(r"\b(\d{2})-year-old\b")
_CASE = re.compile(r"\bCM(\d\d)-\d{7}\b")


def sources() -> list[Path]:
    """The letters to vary: examples and fixtures, text only, sorted."""
    found = sorted(ROOT.glob("examples/*.txt")) + sorted((ROOT / "tests" / "fixtures").glob("**/*.txt"))
    return [p for p in found if "expected" not in p.name]


def vary(text: str, number: int, rng: random.Random) -> str:
    """One letter's particulars changed the same way everywhere in it."""
    shift, scale, age = rng.randrange(0, 6), rng.choice((1, 1, 2, 3)), rng.randrange(-8, 9)
    text = _DATE.sub(lambda m: f"{m[1]}/{m[2]}/{int(m[3]) + shift}", text)
    text = _QUANTITY.sub(lambda m: f"#{int(m[1]) * scale}", text)
    text = _AGE.sub(lambda m: f"{max(18, int(m[1]) + age)}-year-old", text)
    text = _CASE.sub(lambda m: f"CM{m[1]}-{number % 10_000_000:07d}", text)
    for brand, generic in SWAPS:
        if rng.random() < 0.5:
            text = re.sub(rf"\b{re.escape(brand)}\b", generic, text)
            text = re.sub(rf"\b{re.escape(brand.upper())}\b", generic.upper(), text)
    return text


def generate(out: Path, count: int, seed: int = 0, per_folder: int = 1000) -> list[Path]:
    """Write ``count`` letters under ``out`` (``per_folder`` to a folder); returns their paths."""
    rng = random.Random(seed)
    originals = [(p.stem, p.read_bytes()) for p in sources()]
    written = []
    for number in range(count):
        stem, data = originals[number % len(originals)]
        encoding = "cp1252" if b"\x92" in data or b"\x93" in data else "utf-8"
        text = vary(data.decode(encoding, errors="replace"), number, rng)
        path = out / f"{number // per_folder:03d}" / f"{number:06d}-{stem}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode(encoding, errors="replace"))
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"{len(generate(args.out, args.count, args.seed))} letters in {args.out}")


if __name__ == "__main__":
    main()
