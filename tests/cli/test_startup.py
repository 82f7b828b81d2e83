"""Starting the command line: the garbage collector, kept dataclass methods and kept patterns (checker/cli/startup.py)."""

from __future__ import annotations

import dataclasses
import gc
import inspect
import re
import uuid

import pytest

from checker import cache
from checker.cli import startup
from checker.text import stored_patterns
from tests.conftest import LETTERS, run_cli


@pytest.fixture
def collector():
    """The test process's collector and dataclasses as they were, put back afterwards (freezing included)."""
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    yield threshold, frozen
    startup._saved = None
    gc.set_threshold(*threshold)
    gc.unfreeze()
    vars(dataclasses).pop("exec", None)
    stored_patterns.keep_all(False)


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


# ----------------------------------------------------------------- dataclass methods kept between runs
def _make_class() -> type:
    """A dataclass with what its generated methods must get right: defaults, a factory, order, frozen."""

    @dataclasses.dataclass(frozen=True, order=True)
    class Dose:
        """A drug and its strength."""

        drug: str
        strength: float = 10.0
        forms: tuple[str, ...] = dataclasses.field(default_factory=tuple)

    return Dose


def _behaviour(cls: type) -> tuple:
    a, b = cls("Norco"), cls("Soma", 350.0, ("tablet",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.drug = "x"
    return (str(inspect.signature(cls)), cls.__init__.__annotations__, repr(a), repr(b), a == cls("Norco"),
            a < b, hash(a) == hash(cls("Norco")), sorted([b, a]) == [a, b])


def _next_run_table() -> cache.KeptTable:
    """The methods table as the next process finds it: read from the file, nothing added yet."""
    return cache.KeptTable(startup._methods_file, max_entries=2_000, json_values=False)


def test_a_class_made_from_kept_methods_behaves_as_a_plain_one(collector, fresh_cache, monkeypatch):
    plain = _behaviour(_make_class())
    startup.quiet_start()
    monkeypatch.setattr(startup, "METHODS", _next_run_table())  # this test's own table
    compiled_here = _behaviour(_make_class())  # compiled by startup (nothing kept yet), annotations included
    startup.METHODS.save()
    monkeypatch.setattr(startup, "METHODS", _next_run_table())  # the next run
    read_back = _behaviour(_make_class())
    assert plain == compiled_here == read_back
    assert read_back[1]["return"] is None  # compiled as dataclasses compiles: no __future__ flags of startup.py


def test_the_kept_code_is_what_runs(collector, fresh_cache, monkeypatch):
    """The next run executes the code it finds under a method's source, without compiling the source."""
    startup.quiet_start()
    monkeypatch.setattr(startup, "METHODS", _next_run_table())
    _make_class()
    startup.METHODS.save()
    kept = _next_run_table()
    repr_source = next(source for source in cache._read_table(kept.path()) if "def __repr__" in source)
    kept.put(repr_source, compile(repr_source.replace("return ", "return 'kept' or ", 1), "<string>", "exec"))
    kept.save()
    monkeypatch.setattr(startup, "METHODS", _next_run_table())
    assert repr(_make_class()("Norco")) == "kept"


# ----------------------------------------------------------------- patterns compiled while the run starts
def _next_run_patterns() -> cache.KeptTable:
    """The patterns table as the next process finds it: read from the file, nothing added yet."""
    return cache.KeptTable(stored_patterns._file_name, max_entries=5_000)


def test_while_the_run_starts_every_pattern_re_compiles_is_kept(collector, fresh_cache, monkeypatch):
    monkeypatch.setattr(stored_patterns, "_TABLE", _next_run_patterns())
    source = rf"(?P<drug>soma|norco)\s+(\d+)\s*mg {uuid.uuid4().hex}"  # a pattern no one compiled before
    startup.quiet_start()
    compiled = re.compile(source, re.I)  # as a library compiles at import
    assert compiled == stored_patterns._RE_COMPILE(source, re.I) and compiled.groupindex == {"drug": 1}
    assert re.compile(b"[a-z]+").match(b"soma")  # bytes patterns compile the ordinary way
    with pytest.raises(re.error):
        re.compile("(unclosed")
    stored_patterns._TABLE.save()
    startup.settle()
    assert re._compiler.compile is stored_patterns._RE_COMPILE  # letters are read with re as Python has it
    kept = cache._read_table(_next_run_patterns().path())
    assert stored_patterns._key("compile", source, re.I) in kept


def test_the_next_run_gets_the_pattern_from_the_table(collector, fresh_cache, monkeypatch):
    """A kept entry is what the next run's re.compile returns: planted code shows it is not compiled again."""
    monkeypatch.setattr(stored_patterns, "_TABLE", _next_run_patterns())
    source, planted = f"soma {uuid.uuid4().hex}", f"norco {uuid.uuid4().hex}"
    startup.quiet_start()
    re.compile(planted)
    stored_patterns._TABLE.save()
    startup.settle()
    table = _next_run_patterns()
    table.put(stored_patterns._key("compile", source, 0), table.get(stored_patterns._key("compile", planted, 0)))
    table.save()
    monkeypatch.setattr(stored_patterns, "_TABLE", _next_run_patterns())
    startup.quiet_start()
    re.purge()
    assert re.compile(source).pattern == planted
    startup.settle()
    re.purge()
    assert re.compile(source).pattern == source  # after the start, the ordinary way
