"""Benchmark of ``imr-check audit``: speed, peak memory and the rerun, at 100 and 20,000 letters.

    python bench/audit_bench.py [--letters 100 20000] [--jobs N] [--report]

For each size: generate that many letters (bench/generate_letters.py, into a
temporary folder; not timed), audit them into a new database, audit them
again with nothing changed, and (with --report) write the HTML report.  Each
command runs in a fresh process whose peak resident memory is read with
``resource`` (the largest process of the run: the writer or a worker), so
the figures for 100 and 20,000 letters can be compared: flat memory means
they are about the same.  Never assert timings in tests; run this before and
after a change that may cost speed or memory.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate_letters import generate  # noqa: E402

_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)\n"
)


def measure(*args: str) -> tuple[float, float]:
    """Run ``imr-check ARGS`` in a fresh process: (seconds, peak RSS in MiB)."""
    command = [sys.executable, "-c", _MEASURE, sys.executable, "-m", "checker", *args]
    out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout.split()
    seconds, peak_kib, code = float(out[0]), int(out[1]), int(out[2])
    if code != 0:
        sys.exit(f"imr-check {' '.join(args)} exited {code}")
    return seconds, peak_kib / 1024


def run(count: int, jobs: int, report: bool, work: Path) -> None:
    folder, db = work / f"letters-{count}", work / f"audit-{count}.sqlite"
    generate(folder, count, seed=count)
    first, first_rss = measure("audit", str(folder), "--db", str(db), "--jobs", str(jobs))
    again, again_rss = measure("audit", str(folder), "--db", str(db), "--jobs", str(jobs))
    print(f"{count:>7,} letters: first run {first:8.1f} s, {count / first:5.1f} letters/s, peak RSS {first_rss:5.0f} MiB; "
          f"rerun {again:6.2f} s = {100 * again / first:.2f}% of the first (peak RSS {again_rss:.0f} MiB); "
          f"database {db.stat().st_size / 2**20:.0f} MiB", flush=True)
    if report:
        seconds, rss = measure("report", "--db", str(db), "-o", str(work / f"report-{count}"))
        print(f"{count:>7,} letters: report {seconds:.1f} s, peak RSS {rss:.0f} MiB", flush=True)
    shutil.rmtree(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, nargs="+", default=[100, 20000])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--report", action="store_true", help="also time the HTML report")
    args = parser.parse_args()
    print(f"imr-check audit, --jobs {args.jobs}, {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory(prefix="imr-audit-bench-") as work:
        for count in args.letters:
            run(count, args.jobs, args.report, Path(work))


if __name__ == "__main__":
    main()
