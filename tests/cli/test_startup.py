"""The garbage collector while the command line starts (checker/cli/startup.py)."""

from __future__ import annotations

import gc

import pytest

from checker.cli import startup
from tests.conftest import LETTERS, run_cli


@pytest.fixture
def collector():
    """The test process's collector as it was, put back afterwards (freezing included)."""
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    yield threshold, frozen
    startup._saved = None
    gc.set_threshold(*threshold)
    gc.unfreeze()


def test_the_start_collects_rarely_and_settling_puts_the_thresholds_back(collector):
    threshold, frozen = collector
    startup.quiet_start()
    assert gc.get_threshold() == (startup.START_UP_THRESHOLD, *threshold[1:])
    startup.quiet_start()  # a second call keeps the thresholds it first saw
    startup.settle()
    assert gc.get_threshold() == threshold
    assert gc.get_freeze_count() > frozen  # what the start built is left out of later collections
    now = gc.get_freeze_count()
    startup.settle()  # once is enough
    assert gc.get_threshold() == threshold and gc.get_freeze_count() == now


def test_settling_without_a_quiet_start_changes_nothing(collector):
    threshold, frozen = collector
    startup.settle()
    assert gc.get_threshold() == threshold
    assert gc.get_freeze_count() == frozen


@pytest.mark.parametrize(
    "args",
    [
        ["-f", "json"],
        ["-f", "json", "--jobs", "2"],
        ["parse", "-f", "json"],
    ],
    ids=["check", "check --jobs 2", "parse"],
)
def test_every_command_that_reads_letters_settles_before_them(collector, args):
    """Letters are read with the collector as Python sets it, not the start's rare collections."""
    threshold, _ = collector
    letters = sorted(LETTERS.glob("*.txt"))[:3]
    startup.quiet_start()
    run_cli([*args, *map(str, letters)])
    assert gc.get_threshold() == threshold
