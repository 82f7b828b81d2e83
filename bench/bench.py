"""The benchmark: every speed and memory figure of imr-check in one run.

    python bench/bench.py                      # this checkout
    python bench/bench.py --against ../old     # and another checkout, A/B in the same run, taking turns
    python bench/bench.py --medspacy /path/to/venv/bin/python   # and the medspaCy peer
    python bench/bench.py --quick              # fewer letters and runs, for a first look

Run it with the Python that has imr-check's dependencies (the project's venv:
``.venv/bin/python bench/bench.py``).  Every figure is measured on whole
processes (``python -m checker ...``) with the operating system's own
accounting (CPU seconds and peak resident memory of the child, from
``os.wait4``), as the median of several runs.  With ``--against``, the two checkouts take
turns run by run (A B A B ...), and each time ratio is also given run by run
(drift on a busy machine moves both alike); the letters are generated from
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
* ``--jobs 2`` against ``--jobs 1`` (wall-clock speed-up; needs an idle machine):
  each ``--jobs 2`` run comes right after a ``--jobs 1`` run of the same
  letters, and the figure is the median of the pairs' ratios, so drift
  between the two does not pass for a speed-up; beside it, the CPU seconds
  of the pair's ``--jobs 2`` run (parent and workers) over its ``--jobs 1``
  run's: what running two processes at once costs on this machine;
* with ``--medspacy``: the same letters through medspaCy's ConText with
  spaCy's sentencizer, and imr-check's speed relative to it;
* with ``--instructions`` (needs valgrind): instructions executed (cachegrind,
  no cache simulation) by one letter cold and per letter over 100 letters,
  and per letter over the Python floor's per letter.
  CPU time moves 10-20% from run to run on a shared machine; instruction
  counts repeat to about 0.1%, so an A/B difference of a few percent shows
  in them where the times hide it.  They are no speed by themselves (a
  cache miss or a system call costs more than an instruction): quote the
  times, and the counts beside them.
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


def instructions(cmd: list[str], cwd: Path, env: dict[str, str]) -> int:
    """Instructions ``cmd`` executes under cachegrind (no cache simulation): the same from run to run."""
    out = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", *cmd],
        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False,
    ).stderr
    counted = [line.split(":", 1)[1] for line in out.splitlines() if "I" in line and "refs:" in line]
    if not counted:
        raise SystemExit(f"valgrind counted nothing for {' '.join(cmd)}:\n{out[-2000:]}")
    return int(counted[-1].replace(",", "").strip())


def instruction_figures(trees: dict[str, Path], work: Path) -> dict[str, dict[str, float]]:
    """Millions of instructions: one letter cold, and per letter (100 letters less one, over 99).

    Per letter over the Python floor's per letter is the floor ratio in a
    measure that does not move with the machine's speed, as CPU time does.
    """
    hundred = letters(work, 100)
    one = work / "letters-1"
    if not one.exists():
        one.mkdir()
        first = sorted(hundred.rglob("*.txt"))[0]
        shutil.copy(first, one / first.name)
    floor_one, floor_hundred = (instructions([sys.executable, "-c", FLOOR, str(folder)], work, os.environ.copy())
                                for folder in (one, hundred))
    floor = (floor_hundred - floor_one) / 99
    out = {}
    for name, tree in trees.items():
        env = environment(tree, work)
        measure([sys.executable, "-m", "checker", "-q", "-f", "text", str(one)], work, env)  # bytecode, cache
        cold, batch = (
            instructions([sys.executable, "-m", "checker", "-q", "-f", "text", str(folder)], work, env)
            for folder in (one, hundred)
        )
        out[name] = {
            "one letter cold, M instructions": cold / 1e6,
            "per letter, M instructions": (batch - cold) / 99 / 1e6,
            "per letter / floor (instructions)": (batch - cold) / 99 / floor,
        }
    return out


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


@dataclass(frozen=True)
class Probe:
    """One command run on each checkout: a name, its arguments after ``python``, and how it is run."""

    name: str
    args: tuple[str, ...]
    runs: int  # how many times (the median is used)
    env: tuple[tuple[str, str], ...] = ()  # changes to the checkout's environment
    #: Arguments of a baseline run just before each run (kept as ``name + " baseline"``), for a paired ratio.
    baseline: tuple[str, ...] | None = None


def probes(work: Path, runs: int, counts: dict[str, int]) -> list[Probe]:
    """Every command the figures are made from."""
    cli = ("-m", "checker")
    batch = str(letters(work, counts["batch"]))
    example = str(ROOT / "examples" / "carisoprodol-hydrocodone.txt")
    small, large = str(big_letter(work, 50)), str(big_letter(work, 500))
    found = [
        Probe("check", (*cli, "-q", "-f", "text", "--jobs", "1", batch), runs),
        Probe("parse", (*cli, "parse", "-f", "json", batch), runs),
        Probe("floor", ("-c", FLOOR, batch), runs),
        Probe("version", (*cli, "--version"), runs * 2),
        Probe("cold", (*cli, example), runs * 2),
        Probe("cold, no cache", (*cli, example), runs * 2, (("IMR_CHECK_CACHE_DIR", ""),)),
        Probe("50 KB", (*cli, "-q", "-f", "text", small), runs),
        Probe("500 KB", (*cli, "-q", "-f", "text", large), runs),
        Probe("jobs 2", (*cli, "-q", "-f", "text", "--jobs", "2", batch), runs,
              baseline=(*cli, "-q", "-f", "text", "--jobs", "1", batch)),
    ]
    for size in (counts["small"], counts["large"]):
        found.append(Probe(f"memory {size}", (*cli, "-f", "json", str(letters(work, size))), 1))
    return found


def measure_all(
    trees: dict[str, Path], work: Path, runs: int, counts: dict[str, int]
) -> dict[str, dict[str, list[Measure]]]:
    """Every probe on every checkout, the checkouts taking turns run by run (A B A B ...).

    Taking turns puts the machine's drift (another process, a warmer CPU)
    on both checkouts alike, so their ratio holds where the figures
    themselves move.
    """
    envs = {name: environment(tree, work) for name, tree in trees.items()}
    for name in trees:
        measure([sys.executable, "-m", "checker", str(ROOT / "examples")], work, envs[name])  # bytecode, start-up cache
    done: dict[str, dict[str, list[Measure]]] = {name: {} for name in trees}
    for probe in probes(work, runs, counts):
        for _ in range(probe.runs):
            for name in trees:
                env = {**envs[name], **dict(probe.env)}
                if probe.baseline is not None:
                    before = measure([sys.executable, *probe.baseline], work, env)
                    done[name].setdefault(f"{probe.name} baseline", []).append(before)
                done[name].setdefault(probe.name, []).append(measure([sys.executable, *probe.args], work, env))
    return done


def figures(done: dict[str, list[Measure]], counts: dict[str, int]) -> dict[str, float]:
    """The figures of one checkout from its measures (medians)."""
    cpu = {name: statistics.median(m.cpu for m in ms) for name, ms in done.items()}
    n = counts["batch"]
    out = {
        "check letters per CPU-second": n / cpu["check"],
        "parse letters per CPU-second": n / cpu["parse"],
        "Python floor, CPU seconds": cpu["floor"],
        "check / floor (CPU)": cpu["check"] / cpu["floor"],
        "--version, CPU ms": 1000 * cpu["version"],
        "one letter cold, CPU ms": 1000 * cpu["cold"],
        "one letter cold, no start-up cache, CPU ms": 1000 * cpu["cold, no cache"],
    }
    for size in (counts["small"], counts["large"]):
        out[f"peak MiB, {size} letters -f json"] = max(m.rss_mib for m in done[f"memory {size}"])
    out["500 KB letter / 50 KB letter (CPU)"] = cpu["500 KB"] / cpu["50 KB"]
    out["--jobs 2 speed-up (wall)"] = statistics.median(
        one.wall / two.wall for one, two in zip(done["jobs 2 baseline"], done["jobs 2"]) if two.wall > 0
    )
    # What the same letters cost in CPU with two processes at once: above 1, the machine slows each process
    # when both run (shared caches, a host's other guests), and the speed-up cannot reach 2 / this.
    out["--jobs 2 CPU / --jobs 1 CPU"] = statistics.median(
        two.cpu / one.cpu for one, two in zip(done["jobs 2 baseline"], done["jobs 2"]) if one.cpu > 0
    )
    return out


def paired(this: dict[str, list[Measure]], against: dict[str, list[Measure]]) -> dict[str, float]:
    """This checkout's CPU time over the other's, run by run (the runs took turns), as medians."""
    return {
        name: statistics.median(a.cpu / b.cpu for a, b in zip(this[name], against[name]) if b.cpu > 0)
        for name in ("check", "parse", "version", "cold", "cold, no cache")
    }


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
    parser.add_argument(
        "--instructions", action="store_true", help="also count instructions with valgrind (repeatable A/B on a busy machine)"
    )
    args = parser.parse_args()
    if args.instructions and shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind on the PATH")  # said now, not after the timed runs
    counts = {"batch": 1000, "small": 100, "large": 5000}
    runs = args.runs
    if args.quick:
        counts, runs = {"batch": 200, "small": 50, "large": 500}, 1
    work = Path(tempfile.mkdtemp(prefix="imr-bench-"))
    try:
        trees = {"this checkout": ROOT}
        if args.against:
            trees = {"against": args.against.resolve(), **trees}
        done = measure_all(trees, work, runs, counts)
        results = {name: figures(measures, counts) for name, measures in done.items()}
        if args.medspacy:
            seconds = peer(args.medspacy, work, counts, runs)
            for name, values in results.items():
                values["medspaCy peer, CPU seconds"] = seconds
                values["speed relative to medspaCy"] = seconds / (counts["batch"] / values["check letters per CPU-second"])
        if args.instructions:
            for name, values in instruction_figures(trees, work).items():
                results[name].update(values)
        print(f"{counts['batch']} letters, median of {runs} runs, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
        names = list(results)
        print(f"{'figure':42}" + "".join(f"{name:>18}" for name in names))
        for figure in results[names[-1]]:
            print(f"{figure:42}" + "".join(f"{results[name].get(figure, float('nan')):>18.2f}" for name in names))
        if args.against:
            print("\nCPU time of this checkout / the other's, run by run (the checkouts took turns), median:")
            for name, ratio in paired(done["this checkout"], done["against"]).items():
                print(f"  {name:40}{ratio:>8.3f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
