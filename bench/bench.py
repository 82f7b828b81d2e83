"""The benchmark: every speed and memory figure of imr-check in one run.

    python bench/bench.py                      # this checkout
    python bench/bench.py --against ../old     # and another checkout, A/B in the same run
    python bench/bench.py --medspacy /path/to/venv/bin/python   # and the medspaCy peer
    python bench/bench.py --quick              # fewer letters and runs, for a first look

Run it with the Python that has imr-check's dependencies (the project's venv:
``.venv/bin/python bench/bench.py``).  Every figure is measured on whole
processes (``python -m checker ...``) with the operating system's own
accounting (CPU seconds and peak resident memory of the child, from
``os.wait4``), as the median of several runs; the letters are generated from
the repository's examples and fixtures (bench/generate_letters.py) into a
temporary folder and deleted afterwards.  Nothing here asserts anything: the
tests never time; this script is how speed is measured and quoted.

Figures:

* check and parse throughput, one core: letters per CPU-second;
* the Python floor: reading the same letters, dropping blank lines and two
  regular-expression scans, in CPU seconds; the ratio of a full check to it;
* ``--version`` and one letter, cold: CPU milliseconds of a fresh process
  (one letter twice: with imr-check's start-up cache filled, as every run
  after the first has it, and with the cache switched off);
* peak memory checking 100 and 5,000 letters with ``-f json``;
* a 500 KB letter against a 50 KB one (time ratio for 10x the size);
* ``--jobs 2`` against ``--jobs 1`` (wall-clock speed-up; needs an idle machine);
* with ``--medspacy``: the same letters through medspaCy's ConText with
  spaCy's sentencizer, and imr-check's speed relative to it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate_letters import generate  # noqa: E402

FLOOR = r"""
import re, sys
from pathlib import Path
words = re.compile(r"[A-Za-z]+")
numbers = re.compile(r"\d+")
count = 0
for path in sorted(Path(sys.argv[1]).rglob("*.txt")):
    text = path.read_text(encoding="utf-8", errors="replace")
    lines = [line for line in text.splitlines() if line.strip()]
    joined = "\n".join(lines)
    count += len(words.findall(joined)) + len(numbers.findall(joined))
print(count)
"""


@dataclass
class Measure:
    cpu: float  # user + system seconds of the child
    wall: float
    rss_mib: float


def measure(cmd: list[str], cwd: Path, env: dict[str, str]) -> Measure:
    """Run ``cmd`` once as a child process; its CPU time, wall time and peak memory."""
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=sink, stderr=sink)
        _, _status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    return Measure(usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024)


def median(cmd: list[str], cwd: Path, env: dict[str, str], runs: int) -> Measure:
    done = [measure(cmd, cwd, env) for _ in range(runs)]
    return Measure(*(statistics.median(getattr(m, f) for m in done) for f in ("cpu", "wall", "rss_mib")))


def environment(tree: Path, work: Path) -> dict[str, str]:
    """Run ``python -m checker`` from ``tree`` (its package first on the path), with no colour.

    Bytecode is written to (and read from) a folder of the run's own, as an
    installed package has its modules compiled: a start-up that compiles
    every module from source would measure the set-up, not the tool.  The
    start-up cache (checker/cache.py) is the run's own too, so the user's is
    never touched.
    """
    name = str(tree).strip("/").replace("/", "_")
    env = dict(os.environ, PYTHONPATH=str(tree), NO_COLOR="1", COLUMNS="100")
    env["PYTHONPYCACHEPREFIX"] = str(work / "bytecode" / name)
    env["IMR_CHECK_CACHE_DIR"] = str(work / "cache" / name)
    env.pop("PYTHONSTARTUP", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def letters(folder: Path, count: int) -> Path:
    target = folder / f"letters-{count}"
    if not target.exists():
        generate(target, count, seed=1)
    return target


def big_letter(folder: Path, kilobytes: int) -> Path:
    """A real letter whose case summary is padded with its own sentences to about ``kilobytes``."""
    path = folder / f"long-{kilobytes}k.txt"
    if path.exists():
        return path
    text = (ROOT / "examples" / "carisoprodol-hydrocodone.txt").read_text(encoding="utf-8")
    head, marker, tail = text.partition("CLINICAL CASE SUMMARY")
    summary, rest = tail.split("IMR ISSUES", 1)
    filler = summary
    while len(head) + len(filler) + len(rest) < kilobytes * 1024:
        filler += summary
    path.write_text(head + marker + filler + "IMR ISSUES" + rest, encoding="utf-8")
    return path


def figures(tree: Path, work: Path, runs: int, counts: dict[str, int]) -> dict[str, float]:
    """Every figure for one checkout."""
    python = sys.executable
    env = environment(tree, work)
    cli = [python, "-m", "checker"]
    batch = letters(work, counts["batch"])
    measure([*cli, str(ROOT / "examples")], work, env)  # compiles the modules' bytecode once
    n = counts["batch"]
    out: dict[str, float] = {}
    check = median([*cli, "-q", "-f", "text", "--jobs", "1", str(batch)], work, env, runs)
    parse = median([*cli, "parse", "-f", "json", str(batch)], work, env, runs)
    floor = median([python, "-c", FLOOR, str(batch)], work, env, runs)
    out["check letters per CPU-second"] = n / check.cpu
    out["parse letters per CPU-second"] = n / parse.cpu
    out["Python floor, CPU seconds"] = floor.cpu
    out["check / floor (CPU)"] = check.cpu / floor.cpu
    out["--version, CPU ms"] = 1000 * median([*cli, "--version"], work, env, runs * 2).cpu
    example = ROOT / "examples" / "carisoprodol-hydrocodone.txt"
    out["one letter cold, CPU ms"] = 1000 * median([*cli, str(example)], work, env, runs * 2).cpu
    no_cache = {**env, "IMR_CHECK_CACHE_DIR": ""}
    out["one letter cold, no start-up cache, CPU ms"] = 1000 * median([*cli, str(example)], work, no_cache, runs * 2).cpu
    for size in (counts["small"], counts["large"]):
        folder = letters(work, size)
        out[f"peak MiB, {size} letters -f json"] = median([*cli, "-f", "json", str(folder)], work, env, 1).rss_mib
    small, large = big_letter(work, 50), big_letter(work, 500)
    t_small = median([*cli, "-q", "-f", "text", str(small)], work, env, runs).cpu
    t_large = median([*cli, "-q", "-f", "text", str(large)], work, env, runs).cpu
    out["500 KB letter / 50 KB letter (CPU)"] = t_large / t_small
    one = median([*cli, "-q", "-f", "text", "--jobs", "1", str(batch)], work, env, runs).wall
    two = median([*cli, "-q", "-f", "text", "--jobs", "2", str(batch)], work, env, runs).wall
    out["--jobs 2 speed-up (wall)"] = one / two
    return out


def peer(medspacy_python: str, work: Path, counts: dict[str, int], runs: int) -> float:
    """CPU seconds of medspaCy's ConText with spaCy's sentencizer over the batch."""
    script = ROOT / "bench" / "medspacy_peer.py"
    batch = letters(work, counts["batch"])
    return median([medspacy_python, str(script), str(batch)], work, dict(os.environ), runs).cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", type=Path, help="another checkout to measure in the same run (A/B)")
    parser.add_argument("--medspacy", help="a Python that has medspacy installed, for the peer comparison")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the median is shown)")
    parser.add_argument("--quick", action="store_true", help="200 letters, 1 run: a first look")
    args = parser.parse_args()
    counts = {"batch": 1000, "small": 100, "large": 5000}
    runs = args.runs
    if args.quick:
        counts, runs = {"batch": 200, "small": 50, "large": 500}, 1
    work = Path(tempfile.mkdtemp(prefix="imr-bench-"))
    try:
        trees = {"this checkout": ROOT}
        if args.against:
            trees = {"against": args.against.resolve(), **trees}
        results = {name: figures(tree, work, runs, counts) for name, tree in trees.items()}
        if args.medspacy:
            seconds = peer(args.medspacy, work, counts, runs)
            for name, values in results.items():
                values["medspaCy peer, CPU seconds"] = seconds
                values["speed relative to medspaCy"] = seconds / (counts["batch"] / values["check letters per CPU-second"])
        print(f"{counts['batch']} letters, median of {runs} runs, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
        names = list(results)
        print(f"{'figure':42}" + "".join(f"{name:>18}" for name in names))
        for figure in results[names[-1]]:
            print(f"{figure:42}" + "".join(f"{results[name].get(figure, float('nan')):>18.2f}" for name in names))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
