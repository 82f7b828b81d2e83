"""What every command sets up: configuration, rules, inputs, and how it stops.

Exit codes: 0 nothing at or above the failure threshold, 1 findings reach it
(or rule tests fail), 2 a usage or configuration error or an unreadable
input, 3 a broken rule file.  Every error is one line on stderr, starting
``imr-check: error:`` (``imr-check: rule error:`` for rule files).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from checker.cli.config import Config, ConfigError, find_config, load_config, validate
from checker.input.discover import STDIN, InputRef, discover

if TYPE_CHECKING:  # pragma: no cover
    from checker.model import FileResult
    from checker.rules.loader import RuleSet

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_RULES = 0, 1, 2, 3
COMMAND_LINE = "command line"


class Stop(Exception):
    """End the command with ``code`` (the message, if any, is already printed)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def error(message: str) -> None:
    print(f"imr-check: error: {message}", file=sys.stderr)


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    error(message)
    raise Stop(code)


def cannot_write(where: object, problem: OSError) -> NoReturn:
    """End the run because its output cannot be written (a full disk, a file system gone read-only)."""
    fail(f"{where}: cannot write output ({problem.strerror or problem})")


class _NamedStdout:
    """Standard output while a command runs: a write that fails ends the run with one line naming it.

    Every command's output goes here (reports, rule listings, ``config``),
    so none ends in a traceback on a full disk.  A reader that goes away
    (``| head``) is left to click, which ends the run quietly.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as problem:
            cannot_write("standard output", problem)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as problem:
            cannot_write("standard output", problem)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def named_stdout() -> Iterator[None]:
    """Standard output as :class:`_NamedStdout` for the body of a command, flushed at its end."""
    stream = sys.stdout
    sys.stdout = _NamedStdout(stream)  # type: ignore[assignment]
    try:
        yield
        sys.stdout.flush()  # what is still buffered fails here, not at exit
    finally:
        sys.stdout = stream


def config() -> Config:
    """The configuration found from the working directory (exit 2 on a bad one)."""
    try:
        return load_config(find_config(Path.cwd()))
    except ConfigError as problem:
        fail(str(problem))


def ruleset(settings: Config) -> RuleSet:
    """The run's rules, with the config's severities, select and ignore (exit 3 on a broken rule file)."""
    from checker.knowledge.guideline import default_guideline
    from checker.rules.loader import RuleError, apply_severities, load_ruleset

    try:
        rules = load_ruleset(default_guideline(), extra_dirs=list(settings.rule_dirs), use_defaults=not settings.no_default_rules)
    except RuleError as problem:
        print(f"imr-check: rule error: {problem}", file=sys.stderr)
        raise Stop(EXIT_RULES) from None
    unknown = apply_severities(rules, settings.rules)
    if unknown:
        fail(f"{settings.where('rules', unknown[0])}: unknown rule {unknown[0]!r} (see `imr-check rules list`)")
    _select(rules, settings)
    return rules


def _select(rules: RuleSet, settings: Config) -> None:
    """Apply select/ignore (rule ids or categories), as ruff does."""
    from checker.model import CATEGORIES

    known = {r.id for r in rules.rules} | set(CATEGORIES)
    for key, names in (("select", settings.select), ("ignore", settings.ignore)):
        unknown = [n for n in names if n not in known]
        if unknown:
            fail(f"{settings.where(key)}: unknown rule or category {unknown[0]!r} (see `imr-check rules list`)")
    for rule in rules.rules:
        if settings.select and rule.id not in settings.select and rule.category not in settings.select:
            rule.enabled = False
        if rule.id in settings.ignore or rule.category in settings.ignore:
            rule.enabled = False


def inputs(paths: list[str]) -> list[InputRef]:
    """The inputs the paths name (every one accounted for); exit 2 when there are none."""
    refs = discover(paths)
    if not refs:
        fail(f"no letters found in {' '.join(paths)}")
    return refs


def refuse_overwriting(refs: list[InputRef], outputs: dict[str, Path | None]) -> None:
    """Letters are evidence: never write a report or baseline over an input (checked before reading)."""
    targets = {flag: path for flag, path in outputs.items() if path is not None}
    if not targets:
        return
    for ref in refs:
        if ref.path == STDIN:
            continue
        for flag, target in targets.items():
            if _same_file(Path(ref.path), target):
                fail(f"{target}: {flag} would overwrite an input letter; choose another file")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def report_unreadable(result: FileResult) -> bool:
    """One line on stderr for an input that could not be read; True when it could not."""
    if result.error is None:
        return False
    error(f"{result.path}: {result.error}")
    return True


@dataclass
class Flags:
    """Command-line values that override the configuration (None: not given)."""

    values: dict[str, object] = field(default_factory=dict)

    def apply(self, settings: Config) -> Config:
        """Set each given flag, checked by the same schema as the configuration file (exit 2 when wrong)."""
        for key, value in self.values.items():
            if value is not None and value != [] and value is not False:
                settings.sources[key] = COMMAND_LINE
                try:
                    settings.set(key, validate(settings, key, value), COMMAND_LINE)
                except ConfigError as problem:
                    fail(str(problem))
        return settings


def split(values: list[str]) -> list[str]:
    """``--select a,b --select c`` -> [a, b, c]."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]
