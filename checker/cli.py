"""The ``imr-check`` command line.

``imr-check PATH...`` checks letters (``check`` is the default command, so it
need not be typed); ``imr-check parse PATH...`` shows what the letters say;
``imr-check rules ...`` lists, shows, validates and tests rules.

Exit codes: 0 nothing at or above the failure threshold, 1 findings reach it
(or rule tests fail), 2 usage errors or unreadable input, 3 a broken rule
file.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from checker import __version__
from checker.config import Config, ConfigError, find_config, load_config
from checker.guideline import default_guideline
from checker.model import FileResult, Severity
from checker.pipeline import Reading, read_letter
from checker.reading import discover
from checker.reports import json_report, rules_report, terminal
from checker.rules import RuleError, RuleSet, load_ruleset
from checker.ruletests import run_rule_tests

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_RULES = 0, 1, 2, 3

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Check California IMR determination letters against the MTUS guidelines.",
    context_settings={"help_option_names": ["-h", "--help"]},
)
rules_app = typer.Typer(
    no_args_is_help=True,
    help="List, show, validate and test the rules.",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(rules_app, name="rules")


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"imr-check {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Check California IMR determination letters against the MTUS guidelines."""


# ----------------------------------------------------------------- helpers
def _error(message: str) -> None:
    print(f"imr-check: error: {message}", file=sys.stderr)


def _config() -> Config:
    try:
        return load_config(find_config(Path.cwd()))
    except ConfigError as error:
        _error(str(error))
        raise typer.Exit(EXIT_USAGE) from None


def _ruleset(config: Config, rule_dirs: list[Path], no_default_rules: bool) -> RuleSet:
    """Load the run's rules or stop every command with exit code 3."""
    try:
        return load_ruleset(
            default_guideline(),
            extra_dirs=[*config.rule_dirs, *rule_dirs],
            use_defaults=not (no_default_rules or config.no_default_rules),
            severities=config.rules,
        )
    except RuleError as error:
        print(f"imr-check: rule error: {error}", file=sys.stderr)
        raise typer.Exit(EXIT_RULES) from None


def _read_all(paths: list[str], ruleset: RuleSet | None) -> list[Reading]:
    refs = discover(paths)
    if not refs:
        _error(f"no letters found in {' '.join(paths)}")
        raise typer.Exit(EXIT_USAGE)
    return [read_letter(ref, ruleset) for ref in refs]


def _report_unreadable(results: list[FileResult]) -> bool:
    """One line on stderr per unreadable input; True when there was any."""
    bad = False
    for result in results:
        if result.error:
            _error(f"{result.path}: {result.error}")
            bad = True
    return bad


_PATHS = typer.Argument(..., metavar="PATH...", help="Letters (.txt), directories, or - for stdin.")
_RULE_DIRS = typer.Option([], "--rules", help="Add a directory (or file) of rules; repeatable.")
_NO_DEFAULTS = typer.Option(False, "--no-default-rules", help="Do not load the shipped rule set.")


# ----------------------------------------------------------------- commands
@app.command()
def parse(
    paths: List[str] = _PATHS,
    output_format: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="Output format."),
    tree: bool = typer.Option(False, "--tree", help="Print the raw Lark parse tree (for grammar and rule authors)."),
) -> None:
    """Show what each letter says: layout, patient, items, decisions and cited pages."""
    readings = _read_all(paths, None)
    results = [r.result for r in readings]
    if tree:
        for reading in readings:
            if reading.tree is not None:
                print(f"# {reading.result.path}")
                print(reading.tree.pretty())
    elif output_format is OutputFormat.json:
        sys.stdout.write(json_report.render(results, include_findings=False))
    else:
        terminal.render_parse(Console(), results)
    bad = _report_unreadable(results)
    raise typer.Exit(EXIT_USAGE if bad else EXIT_OK)


@app.command()
def check(
    paths: List[str] = _PATHS,
    output_format: Optional[OutputFormat] = typer.Option(None, "--format", "-f", help="Output format (default text)."),
    fail_on: Optional[Severity] = typer.Option(None, "--fail-on", help="Exit 1 when a finding reaches this severity (default error)."),
    rule_dirs: List[Path] = _RULE_DIRS,
    no_default_rules: bool = _NO_DEFAULTS,
) -> None:
    """Check letters against the rules and report findings (the default command)."""
    config = _config()
    ruleset = _ruleset(config, rule_dirs, no_default_rules)
    results = [r.result for r in _read_all(paths, ruleset)]
    chosen = output_format or OutputFormat(config.format or "text")
    if chosen is OutputFormat.json:
        sys.stdout.write(json_report.render(results))
    else:
        terminal.render_check(Console(), results)
    bad = _report_unreadable(results)
    if bad:
        raise typer.Exit(EXIT_USAGE)
    threshold = fail_on or Severity(config.fail_on or "error")
    failing = any(f.severity.rank >= threshold.rank for r in results for f in r.findings)
    raise typer.Exit(EXIT_FINDINGS if failing else EXIT_OK)


@rules_app.command("list")
def rules_list(rule_dirs: List[Path] = _RULE_DIRS, no_default_rules: bool = _NO_DEFAULTS) -> None:
    """List the rules of this run: id, category, severity, title."""
    ruleset = _ruleset(_config(), rule_dirs, no_default_rules)
    rules_report.render_list(Console(), ruleset)


@rules_app.command("show")
def rules_show(
    rule_id: str = typer.Argument(..., metavar="RULE-ID"),
    rule_dirs: List[Path] = _RULE_DIRS,
    no_default_rules: bool = _NO_DEFAULTS,
) -> None:
    """Show one rule: what it checks, its guideline reference, condition and examples."""
    ruleset = _ruleset(_config(), rule_dirs, no_default_rules)
    rule = ruleset.get(rule_id)
    if rule is None:
        _error(f"no rule {rule_id!r} (see `imr-check rules list`)")
        raise typer.Exit(EXIT_USAGE)
    rules_report.render_rule(Console(), rule)


@rules_app.command("validate")
def rules_validate(
    paths: List[Path] = typer.Argument(None, metavar="[PATH]...", help="Rule files or directories (default: the run's rules)."),
    no_default_rules: bool = _NO_DEFAULTS,
) -> None:
    """Validate rule files against the schema and compile their conditions."""
    ruleset = _ruleset(_config(), list(paths or []), no_default_rules or bool(paths))
    print(f"ok: {len(ruleset.rules)} rules in {len(ruleset.files)} files")


@rules_app.command("test")
def rules_test(
    paths: List[Path] = typer.Argument(None, metavar="[PATH]...", help="Rule files or directories (default: the run's rules)."),
    rule: List[str] = typer.Option([], "--rule", help="Only test this rule id; repeatable."),
    no_default_rules: bool = _NO_DEFAULTS,
) -> None:
    """Run the examples rule files carry: hits, misses and false alarms per rule."""
    ruleset = _ruleset(_config(), list(paths or []), no_default_rules or bool(paths))
    outcomes = run_rule_tests(ruleset, set(rule) or None)
    failed = rules_report.render_tests(Console(), outcomes)
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


@app.command("config")
def show_config() -> None:
    """Print the effective configuration and the file it came from."""
    config = _config()
    rules_report.render_config(Console(), config)


_COMMANDS = {"parse", "check", "rules", "config"}


def _with_default_command(args: list[str]) -> list[str]:
    """``imr-check letter.txt`` means ``imr-check check letter.txt``."""
    if not args or args[0] in _COMMANDS or args[0] in ("-h", "--help", "--version"):
        return args
    return ["check", *args]


def main(argv: Optional[list[str]] = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    app(args=_with_default_command(list(args)), prog_name="imr-check")
