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

import multiprocessing
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from checker.input.discover import STDIN, InputRef
from checker.model import FileResult

#: A worker gets this much longer than the budget before it is killed (its own timer fires first).
_GRACE = 2.0
#: Results a fast worker may run ahead of the slowest one (per worker), bounding what waits in memory.
_AHEAD = 8


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
        yield from _Pool(batch).run(refs)
        return
    check = batch.make_check()
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
    path = "<stdin>" if ref.path == STDIN else ref.path
    return FileResult(path, error=f"took longer than the {budget:g} s time budget (raise it with --time-budget)")


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


# --------------------------------------------------------------------------- worker processes
def _serve(connection: Connection, make_check: Callable[[], Callable[[InputRef], FileResult]], budget: float) -> None:
    """A worker: build the checker once, then check each input sent until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    check = make_check()
    while True:
        task = connection.recv()
        if task is None:
            return
        index, ref = task
        connection.send((index, checked(check, ref, budget)))


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: Connection
    task: tuple[int, InputRef] | None = None
    started: float = 0.0


class _Pool:
    """Worker processes fed one input at a time; results come back in input order."""

    def __init__(self, batch: Batch) -> None:
        self.batch = batch
        methods = multiprocessing.get_all_start_methods()
        self.context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.workers: list[_Worker] = []

    def run(self, refs: list[InputRef]) -> Iterator[FileResult]:
        pending = deque(enumerate(refs))
        done: dict[int, FileResult] = {}
        next_index = 0
        self.workers = [self._start() for _ in range(min(self.batch.jobs, len(refs)))]
        try:
            while next_index < len(refs):
                self._dispatch(pending, next_index)
                self._collect(done)
                while next_index in done:
                    yield done.pop(next_index)
                    next_index += 1
        finally:
            self._stop()

    def _start(self) -> _Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=_serve, args=(child, self.batch.make_check, self.batch.time_budget), daemon=True
        )
        process.start()
        child.close()
        return _Worker(process, parent)

    def _dispatch(self, pending: deque, next_index: int) -> None:
        limit = next_index + _AHEAD * len(self.workers)
        for worker in self.workers:
            if worker.task is None and pending and pending[0][0] < limit:
                worker.task = pending.popleft()
                worker.started = time.monotonic()
                worker.connection.send(worker.task)

    def _collect(self, done: dict[int, FileResult]) -> None:
        busy = [w for w in self.workers if w.task is not None]
        if not busy:
            return
        deadline = min(w.started for w in busy) + self.batch.time_budget + _GRACE
        ready = wait([w.connection for w in busy], timeout=max(0.05, deadline - time.monotonic()))
        for worker in busy:
            if worker.connection in ready:
                self._receive(worker, done)
            elif time.monotonic() > worker.started + self.batch.time_budget + _GRACE:
                self._replace(worker, done, over_budget(worker.task[1], self.batch.time_budget))

    def _receive(self, worker: _Worker, done: dict[int, FileResult]) -> None:
        try:
            index, result = worker.connection.recv()
        except (EOFError, OSError):  # the worker died (killed, out of memory)
            self._replace(worker, done, _crashed(worker.task[1]))
            return
        done[index] = result
        worker.task = None

    def _replace(self, worker: _Worker, done: dict[int, FileResult], result: FileResult) -> None:
        """Record the worker's letter as failed, end the worker and start a fresh one in its place."""
        done[worker.task[0]] = result
        worker.process.kill()
        worker.process.join()
        worker.connection.close()
        fresh = self._start()
        self.workers[self.workers.index(worker)] = fresh

    def _stop(self) -> None:
        for worker in self.workers:
            try:
                if worker.task is None:
                    worker.connection.send(None)
            except OSError:
                pass
        for worker in self.workers:
            worker.process.join(timeout=1)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.connection.close()


def _crashed(ref: InputRef) -> FileResult:
    return FileResult(ref.path, error="the worker process checking this letter ended unexpectedly")
