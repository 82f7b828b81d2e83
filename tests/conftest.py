"""Shared test helpers: fixture locations, a one-call letter reader, and the CLI run in-process.

The checker, hypothesis and typer are imported where they are used, not here:
the xdist controller loads this file too, before it starts the workers, and
runs no test itself.
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

# The suite never writes to the user's cache (checker/cache.py): each test process gets its own, removed at exit.
_CACHE = tempfile.mkdtemp(prefix="imr-check-test-cache-")
os.environ["IMR_CHECK_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

if TYPE_CHECKING:
    from typer.testing import Result

    from checker.model import FileResult
    from checker.rules.loader import RuleSet

#: The repository, and its tests folder: every test finds files from these, wherever it sits.
ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
FIXTURES = TESTS / "fixtures"
SEEDS = FIXTURES / "seeds"
LETTERS = FIXTURES / "letters"

#: The smallest valid rule file: one rule, every required key (tests edit one key at a time).
GOOD_RULE = """\
ruleset: mine
rules:
  - id: my-rule
    title: A rule of mine
    category: guideline-criteria
    severity: warning
    when: item.approved
    message: "approved {item.drug}"
"""

# --------------------------------------------------------------------------- hypothesis
# Property tests run derandomized (the same examples every run).  The default
# profile keeps the suite quick; ``HYPOTHESIS_PROFILE=thorough`` (or
# ``pytest --hypothesis-profile=thorough``) runs the full example counts.
def _hypothesis_profiles() -> None:
    from hypothesis import HealthCheck, settings

    common = {
        "deadline": None,
        "derandomize": True,
        "database": None,
        "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    }
    settings.register_profile("fast", max_examples=40, **common)
    settings.register_profile("thorough", max_examples=150, **common)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))


def _xdist_controller(config: pytest.Config) -> bool:
    """This process hands the tests to xdist workers and runs none itself."""
    option = config.option
    return (
        not hasattr(config, "workerinput")
        and not option.collectonly
        and getattr(option, "dist", "no") != "no"
        and bool(getattr(option, "tx", None))
    )


@pytest.hookimpl(tryfirst=True)  # before hypothesis's plugin loads a --hypothesis-profile
def pytest_configure(config: pytest.Config) -> None:
    if not _xdist_controller(config) or config.getoption("--hypothesis-profile", None):
        _hypothesis_profiles()


# --------------------------------------------------------------------------- fixtures
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path):
    """A test's own YAML data file, read safely with libyaml where PyYAML has it (ten times faster)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)


@cache
def _expected(folder: Path) -> dict:
    return read_yaml(folder / "expected.yaml")


def load_expected(folder: Path) -> dict:
    """The expectations of a fixture folder (parsed once; each caller gets its own copy)."""
    return copy.deepcopy(_expected(folder))


@lru_cache(maxsize=1)
def builtin_rules() -> RuleSet:
    """The built-in rules only: what the reader could not read (parse findings)."""
    from checker.knowledge.guideline import default_guideline
    from checker.rules.loader import load_ruleset

    return load_ruleset(default_guideline(), use_defaults=False)


def read_path(path: Path | str) -> FileResult:
    """Run the reading pipeline on a file, as ``imr-check parse`` does (parse findings only)."""
    from checker.input.discover import InputRef
    from checker.pipeline import read_letter

    return read_letter(InputRef(str(path)), builtin_rules()).result


def read_text(text: str | bytes, tmp_path: Path, name: str = "letter.txt") -> FileResult:
    """Write ``text`` to a temporary file and read it."""
    path = tmp_path / name
    if isinstance(text, str):
        path.write_bytes(text.encode("utf-8"))
    else:
        path.write_bytes(text)
    return read_path(path)


@pytest.fixture
def seeds_expected() -> dict:
    return load_expected(SEEDS)


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch) -> Path:
    """An empty start-up cache folder (checker/cache.py) for one test: what it stores is found by the next read."""
    from checker import cache

    folder = tmp_path / "cache"
    monkeypatch.setenv("IMR_CHECK_CACHE_DIR", str(folder))
    cache.cache_dir.cache_clear()
    yield folder
    cache.cache_dir.cache_clear()


# --------------------------------------------------------------------------- the CLI, in-process
#: The environment every in-process run sees: no colour, a fixed width (so a
#: long temporary path cannot wrap a report line differently from run to run),
#: and none of the variables that would force colour or a terminal on.
CLI_ENV: dict[str, str | None] = {
    "NO_COLOR": "1",
    "COLUMNS": "100",
    "LINES": "50",
    "TERM": "dumb",
    "FORCE_COLOR": None,
    "CLICOLOR_FORCE": None,
    "TTY_COMPATIBLE": None,
    "TTY_INTERACTIVE": None,
}


def run_cli(
    args: Sequence[str],
    cwd: Path | str | None = None,
    input: str | bytes | None = None,
    env: Mapping[str, str | None] | None = None,
) -> Result:
    """``imr-check ARGS`` run in this process, as ``checker.cli.app.main`` runs it.

    The arguments go through ``_with_default_command`` (``imr-check x.txt``
    means ``imr-check check x.txt``) exactly as ``main()`` sends them.  The
    working directory is ``cwd`` for the run (configuration is found by
    walking up from it), stdin holds ``input`` (empty when None), and stdout
    and stderr are captured separately: ``result.stdout``/``result.stderr``
    (text) and ``result.stdout_bytes``/``result.stderr_bytes``.  An exception
    the command does not turn into an exit code propagates (the test fails
    with its traceback), as a crash would in a real run.
    """
    from typer.testing import CliRunner

    from checker.cli.app import _with_default_command, app

    runner = CliRunner()
    with contextlib.chdir(cwd) if cwd is not None else contextlib.nullcontext():
        result = runner.invoke(
            app,
            _with_default_command(list(args)),
            input=input if input is not None else b"",
            env={**CLI_ENV, **(env or {})},
            prog_name="imr-check",
            catch_exceptions=False,
        )
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout
    return result


def assert_findings_as_expected(result: FileResult, expected: dict) -> None:
    """Exactly the findings an expected.yaml entry lists at warning or error; info only where it is listed or arguable."""
    from checker.model import Severity

    listed = {(f["category"], f["item"]) for f in expected["findings"]}
    arguable = {(f["category"], f["item"]) for f in expected.get("arguable") or []}
    loud = {(f.category, f.item) for f in result.findings if f.severity.rank >= Severity.WARNING.rank}
    assert loud == listed
    quiet = {(f.category, f.item) for f in result.findings if f.severity is Severity.INFO}
    assert quiet <= arguable | listed


# --------------------------------------------------------------------------- built once per run
try:
    import fcntl
except ImportError:  # Windows: every worker builds its own
    fcntl = None


def built_once(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """A folder ``build(folder)`` fills once per test run, shared read-only by every xdist worker.

    The first worker to ask builds it under the run's common temporary folder
    while holding a lock; the others wait for the lock and reuse it (as
    pytest-xdist's documentation suggests for session fixtures).  Without
    xdist, or without ``fcntl``, the folder is this process's own.
    """
    if os.environ.get("PYTEST_XDIST_WORKER") is None or fcntl is None:
        folder = tmp_path_factory.mktemp(name, numbered=True)
        build(folder)
        return folder
    common = tmp_path_factory.getbasetemp().parent
    folder, done = common / name, common / f"{name}.done"
    with open(common / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a build that failed in another worker
            folder.mkdir()
            build(folder)
            done.touch()
    return folder


# --------------------------------------------------------------------------- the audited corpus (audit and report tests)
def _audited_corpus(folder: Path) -> None:
    from tests import audit_support

    corpus = audit_support.build_corpus(folder / "letters")
    assert audit_support.run_cli("audit", str(corpus), "--db", str(folder / "audit.sqlite")) == 0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The modules that read the audited corpus run first, each module's tests in their own order.

    xdist hands each worker a contiguous share of this order: one worker
    builds the corpus as it starts while the other starts on the rest of the
    suite, rather than both needing it at once and one waiting for the other.
    """
    first = {item.module for item in items if "audited_corpus" in getattr(item, "fixturenames", ())}
    items.sort(key=lambda item: getattr(item, "module", None) not in first)


@pytest.fixture(scope="session")
def audited_corpus(tmp_path_factory) -> Path:
    """The corpus (letters/) and its audit (audit.sqlite), made once per run (read them; do not change them)."""
    return built_once(tmp_path_factory, "audited-corpus", _audited_corpus)


@pytest.fixture(scope="session")
def corpus(audited_corpus: Path) -> Path:
    return audited_corpus / "letters"


@pytest.fixture(scope="session")
def audited(audited_corpus: Path) -> Path:
    """The corpus audited once for the run (read it; do not change it)."""
    return audited_corpus / "audit.sqlite"
