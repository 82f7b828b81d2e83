"""Check letters in worker processes; results come back in input order.

Used by :func:`checker.cli.runner.run` for ``--jobs N``, and imported only
then (``multiprocessing`` is a start-up cost a one-letter run does without).
Each worker holds its next input while it checks one, so it never waits for
the parent between letters.  A worker that outlives a letter's budget (stuck
inside one C call, say) is killed and replaced, that letter gets an error
result, and the input it held goes to another worker.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
from array import array
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait

from checker.cli.runner import Batch, checked, over_budget
from checker.cli.startup import settle
from checker.input.discover import InputRef
from checker.model import FileResult
from checker.text.normalise import NormalText

#: A worker gets this much longer than the budget before it is killed (its own timer fires first).
_GRACE = 2.0
#: Results a fast worker may run ahead of the slowest one (per worker), bounding what waits in memory.
_AHEAD = 8
#: Inputs sent to a worker and not yet answered: the one it checks and the next one.
_DEPTH = 2


def _serve(connection: Connection, make_check: Callable[[], Callable[[InputRef], FileResult]], budget: float) -> None:
    """A worker: build the checker once, then check each input sent until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    check = make_check()
    while True:
        task = connection.recv()
        if task is None:
            return
        index, ref = task
        connection.send((index, _lightened(checked(check, ref, budget))))


def _lightened(result: FileResult) -> FileResult:
    """``result`` less the normalised copies of the letter's text, which only the facts read.

    A report reads the original text (``letter.normal.source``) and the
    model, never these: the normalised text and its map, each section's text
    and each item's rationale.  The parent alone unpickles every worker's
    results; without the normalised copies a letter's result pickles to
    10 KB instead of 15 (and 30 KB with the map), and is written and read
    back about a third faster.
    """
    letter = result.letter
    if letter is None:
        return result
    if letter.normal is not None:
        letter.normal = NormalText("", array("l"), array("l"), letter.normal.source)
    for section in letter.sections:
        section.text = ""
    for item in letter.items:
        item.rationale_text = ""
    return result


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: Connection
    #: Inputs sent and not yet answered, in the order the worker checks them.
    tasks: deque[tuple[int, InputRef]] = field(default_factory=deque)
    started: float = 0.0  # when the worker began the first of ``tasks``


class Pool:
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
        # Built once here, before the workers are forked: they share what it imported and built instead of
        # each doing it again (on the spawn start method each still builds its own).
        self.batch.make_check()
        settle()  # before the fork: see checker/cli/startup.py
        self.workers = [self._start() for _ in range(min(self.batch.jobs, len(refs)))]
        try:
            while next_index < len(refs):
                self._dispatch(pending, next_index)
                self._collect(done, pending)
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
            while len(worker.tasks) < _DEPTH and pending and pending[0][0] < limit:
                if not worker.tasks:
                    worker.started = time.monotonic()
                worker.tasks.append(pending.popleft())
                worker.connection.send(worker.tasks[-1])

    def _collect(self, done: dict[int, FileResult], pending: deque) -> None:
        busy = [w for w in self.workers if w.tasks]
        if not busy:
            return
        deadline = min(w.started for w in busy) + self.batch.time_budget + _GRACE
        ready = wait([w.connection for w in busy], timeout=max(0.05, deadline - time.monotonic()))
        for worker in busy:
            if worker.connection in ready:
                self._receive(worker, done, pending)
            elif time.monotonic() > worker.started + self.batch.time_budget + _GRACE:
                self._replace(worker, done, pending, over_budget(worker.tasks[0][1], self.batch.time_budget))

    def _receive(self, worker: _Worker, done: dict[int, FileResult], pending: deque) -> None:
        try:
            index, result = worker.connection.recv()
        except (EOFError, OSError):  # the worker died (killed, out of memory)
            self._replace(worker, done, pending, _crashed(worker.tasks[0][1]))
            return
        done[index] = result
        worker.tasks.popleft()
        worker.started = time.monotonic()  # the worker has begun the input it held, if any

    def _replace(self, worker: _Worker, done: dict[int, FileResult], pending: deque, result: FileResult) -> None:
        """Record the worker's letter as failed, end the worker and start a fresh one in its place.

        The inputs it held and had not begun go back to the front of ``pending``, in order.
        """
        done[worker.tasks.popleft()[0]] = result
        pending.extendleft(reversed(worker.tasks))
        worker.process.kill()
        worker.process.join()
        worker.connection.close()
        fresh = self._start()
        self.workers[self.workers.index(worker)] = fresh

    def _stop(self) -> None:
        """End every worker: an idle one is told to stop; a busy one is killed.

        A worker is busy here only when the run was cut short (Ctrl-C, a
        failed write): its letters' results are not wanted, and waiting for
        them kept Ctrl-C waiting a second per worker.
        """
        for worker in self.workers:
            if worker.tasks:
                worker.process.kill()
                continue
            try:
                worker.connection.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + 1
        for worker in self.workers:
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.connection.close()


def _crashed(ref: InputRef) -> FileResult:
    return FileResult(ref.shown, error="the worker process checking this letter ended unexpectedly")
