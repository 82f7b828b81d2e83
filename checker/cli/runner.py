"""Run a batch of inputs: every result in input order, as soon as it is ready, with bounded work.

One letter never stops or slows the batch beyond its budget: each letter has
a time budget (``--time-budget``, default 30 s) after which it gets an error
result and the batch goes on.  In one process the budget is a timer signal
that interrupts the letter between Python steps.  With ``--jobs N`` letters
are checked in N worker processes; a worker that outlives a letter's budget
(stuck inside one C call, say) is killed and replaced.  Results are handed
on in input order, a letter at a time, so reporters write and forget them:
memory stays flat however large the batch.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from checker.cli.startup import settle
from checker.input.discover import STDIN, InputRef
from checker.model import FileResult

class LetterTimeout(BaseException):
    """A letter ran past its time budget (a BaseException, so no step's ``except Exception`` swallows it)."""


@dataclass(frozen=True)
class Batch:
    """How to check: ``make_check`` builds, in each process, the function that checks one input."""

    make_check: Callable[[], Callable[[InputRef], FileResult]]
    jobs: int = 1
    time_budget: float = 30.0


def run(refs: list[InputRef], batch: Batch) -> Iterator[FileResult]:
    """Each input's result, in input order."""
    if batch.jobs > 1 and len(refs) > 1 and not any(ref.path == STDIN for ref in refs):
        from checker.cli.pool import Pool  # multiprocessing: imported only when it is used

        yield from Pool(batch).run(refs)
        return
    check = batch.make_check()
    settle()
    for ref in refs:
        yield checked(check, ref, batch.time_budget)


def checked(check: Callable[[InputRef], FileResult], ref: InputRef, budget: float) -> FileResult:
    """``check(ref)`` within the time budget; past it, an error result for that input."""
    try:
        with time_budget(budget):
            return check(ref)
    except LetterTimeout:
        return over_budget(ref, budget)


def over_budget(ref: InputRef, budget: float) -> FileResult:
    return FileResult(ref.shown, error=f"took longer than the {budget:g} s time budget (raise it with --time-budget)")


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise :class:`LetterTimeout` in this thread after ``seconds`` (where a timer signal can be used)."""
    usable = seconds > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise LetterTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
