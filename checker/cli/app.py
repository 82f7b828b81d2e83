"""The ``imr-check`` commands.

``imr-check PATH...`` checks letters (``check`` is the default command, so it
need not be typed); ``imr-check parse PATH...`` shows what the letters say;
``imr-check rules ...`` lists, shows, validates and tests rules;
``imr-check explain RULE-ID`` documents a rule; ``imr-check config`` shows the
effective configuration.  A file whose name starts with a dash goes after
``--``: ``imr-check -- -draft.txt``.

Exit codes: 0 nothing at or above the failure threshold, 1 findings reach it
(or rule tests fail), 2 a usage or configuration error or an unreadable
input, 3 a broken rule file.

This module imports only what defining the commands needs; each command
imports the steps it runs, so ``--help`` stays quick.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from typer.core import TyperCommand

from checker import __version__, reports
from checker.cli import session
from checker.cli.config import Config

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Check California IMR determination letters against the MTUS guidelines.",
    context_settings={"help_option_names": ["-h", "--help"]},
)
rules_app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="List, show, validate and test the rules.",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(rules_app, name="rules")


class ParseFormat(str, Enum):
    text = "text"
    json = "json"


class ColorChoice(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"imr-check {__version__}")
        raise typer.Exit()


def _format(value: Optional[str]) -> Optional[str]:
    if value is not None and value not in reports.formats():
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(reports.formats())}")
    return value


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Check California IMR determination letters against the MTUS guidelines."""


def _run(command) -> None:
    """Run a command body, turning a :class:`session.Stop` into its exit code."""
    try:
        with session.named_stdout():
            code = command()
    except session.Stop as stop:
        code = stop.code
    raise typer.Exit(code or 0)


class _PathsCommand(TyperCommand):
    """A command over letters: the usage line reads ``[OPTIONS] PATH...`` (typer would print ``{PATH}...``)."""

    paths = "PATH..."

    def collect_usage_pieces(self, ctx):  # noqa: ANN001, ANN201 - click's signature
        return [self.options_metavar or "", self.paths]


class _RulePathsCommand(_PathsCommand):
    paths = "[PATH]..."


class _RuleIdCommand(_PathsCommand):
    paths = "RULE-ID"


_RULE_ID = typer.Argument(..., metavar="RULE-ID", hidden=True, show_default=False)


#: Documented in each command's help text (typer would show the argument's Python type).
_PATHS = typer.Argument(..., metavar="PATH", hidden=True, show_default=False)
_RULES = typer.Option([], "--rules", metavar="DIR", help="Add a folder (or file) of rules; repeatable.")
_NO_DEFAULT_RULES = typer.Option(False, "--no-default-rules", help="Do not load the shipped rule sets.")


# ----------------------------------------------------------------- check
@app.command(cls=_PathsCommand)
def check(
    paths: List[str] = _PATHS,
    output_format: Optional[str] = typer.Option(
        None, "--format", "-f", metavar="FORMAT", callback=_format,
        help="report (default, for people), " + ", ".join(f for f in reports.formats() if f != "report") + ".",
    ),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write the report to FILE instead of standard output."),
    fail_on: Optional[FailOn] = typer.Option(None, "--fail-on", metavar="SEVERITY", help="Exit 1 when a finding reaches this severity: error (default), warning or info."),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even when findings reach --fail-on."),
    select: List[str] = typer.Option([], "--select", metavar="RULES", help="Only these rule ids or categories (comma-separated, repeatable)."),
    ignore: List[str] = typer.Option([], "--ignore", metavar="RULES", help="Skip these rule ids or categories (comma-separated, repeatable)."),
    rule_dirs: List[Path] = _RULES,
    no_default_rules: bool = _NO_DEFAULT_RULES,
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", metavar="N", help="Check letters in N processes, at most one per CPU (same results, same order)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the findings."),
    statistics: bool = typer.Option(False, "--statistics", help="Print counts per rule, and the total."),
    color: ColorChoice = typer.Option(ColorChoice.auto, "--color", metavar="WHEN", help="Colour in the report: auto (default), always or never."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", metavar="FILE", help="Report only findings not recorded in this baseline file."),
    write_baseline_to: Optional[Path] = typer.Option(None, "--write-baseline", metavar="FILE", help="Record today's findings in FILE and exit 0."),
    max_size: Optional[int] = typer.Option(None, "--max-size", metavar="MB", help="Refuse inputs larger than this many megabytes (default 20)."),
    time_budget: Optional[float] = typer.Option(None, "--time-budget", metavar="SECONDS", help="Give up on a letter after this many seconds, up to 3600 (default 30)."),
) -> None:
    """Check letters against the rules and report findings (the default command).

    PATH: letters (.txt, .pdf, .docx), folders, globs, or - for standard input.
    """
    from checker.cli.check import Run, run

    def body() -> int:
        flags = session.Flags({
            "format": output_format,
            "fail-on": fail_on.value if fail_on else None,
            "select": session.split(select),
            "max-size": max_size,
            "time-budget": time_budget,
            "jobs": jobs,
            "no-default-rules": no_default_rules,
        })
        settings = flags.apply(session.config())
        if ignore:
            settings.set("ignore", [*settings.ignore, *session.split(ignore)], session.COMMAND_LINE)
        if rule_dirs:
            settings.set("rule-dirs", [*settings.rule_dirs, *rule_dirs], session.COMMAND_LINE)
        job = Run(paths, settings, output, exit_zero, quiet, statistics, color.value, baseline, write_baseline_to)
        return run(job)

    _run(body)


# ----------------------------------------------------------------- parse
@app.command(cls=_PathsCommand)
def parse(
    paths: List[str] = _PATHS,
    output_format: ParseFormat = typer.Option(ParseFormat.text, "--format", "-f", metavar="FORMAT", help="text (default) or json."),
    tree: bool = typer.Option(False, "--tree", help="Print the raw Lark parse tree (for grammar and rule authors)."),
) -> None:
    """Show what each letter says: layout, patient, items, decisions and cited pages.

    PATH: letters (.txt, .pdf, .docx), folders, globs, or - for standard input.
    """

    def body() -> int:
        from checker.cli.startup import settle
        from checker.pipeline import read_letter
        from checker.reports import ReportOptions, Summary
        from checker.reports.json import Reporter as JsonReporter
        from checker.reports.report import ParseReporter

        settings = session.config()
        builtin = session.ruleset(Config(no_default_rules=True))
        options = ReportOptions(builtin, include_findings=False)
        reporter = None if tree else (JsonReporter if output_format is ParseFormat.json else ParseReporter)(sys.stdout, options)
        summary = Summary()
        if reporter is not None:
            reporter.begin()
        settle()
        for ref in session.inputs(paths):
            reading = read_letter(ref, builtin, max_bytes=settings.max_bytes)
            session.report_unreadable(reading.result)
            summary.add(reading.result)
            if reporter is not None:
                reporter.add(reading.result)
            elif reading.tree is not None:
                print(f"# {reading.result.path}")
                print(reading.tree.pretty())
        if reporter is not None:
            reporter.end(summary)
        return session.EXIT_USAGE if summary.unreadable else session.EXIT_OK

    _run(body)


# ----------------------------------------------------------------- rules
def _rule_settings(rule_dirs: list[Path], no_default_rules: bool) -> Config:
    settings = session.config()
    if rule_dirs:
        settings.set("rule-dirs", [*settings.rule_dirs, *rule_dirs], session.COMMAND_LINE)
    if no_default_rules:
        settings.set("no-default-rules", True, session.COMMAND_LINE)
    return settings


def _rule(ruleset, rule_id: str):
    rule = ruleset.get(rule_id)
    if rule is None:
        session.fail(f"no rule {rule_id!r} (see `imr-check rules list`)")
    return rule


@app.command(cls=_RuleIdCommand)
def explain(rule_id: str = _RULE_ID) -> None:
    """Explain a rule: what it checks, why (the guideline), and examples."""

    def body() -> int:
        from checker.cli.rules_view import render_explain
        from checker.reports._console import new_console

        render_explain(new_console(), _rule(session.ruleset(session.config()), rule_id))
        return session.EXIT_OK

    _run(body)


@rules_app.command("list")
def rules_list(rule_dirs: List[Path] = _RULES, no_default_rules: bool = _NO_DEFAULT_RULES) -> None:
    """List the rules of this run: id, category, severity, title."""

    def body() -> int:
        from checker.cli.rules_view import render_list
        from checker.reports._console import new_console

        render_list(new_console(), session.ruleset(_rule_settings(rule_dirs, no_default_rules)))
        return session.EXIT_OK

    _run(body)


@rules_app.command("show", cls=_RuleIdCommand)
def rules_show(
    rule_id: str = _RULE_ID,
    rule_dirs: List[Path] = _RULES,
    no_default_rules: bool = _NO_DEFAULT_RULES,
) -> None:
    """Show one rule: what it checks, its guideline reference, condition and examples."""

    def body() -> int:
        from checker.cli.rules_view import render_rule
        from checker.reports._console import new_console

        render_rule(new_console(), _rule(session.ruleset(_rule_settings(rule_dirs, no_default_rules)), rule_id))
        return session.EXIT_OK

    _run(body)


def _rules_of(paths: list[Path], ruleset) -> list:
    """The rules defined in the given files or folders (not the shipped ones loaded beside them)."""
    roots = [p.resolve() for p in paths]
    return [r for r in ruleset.rules if r.file and any(r.file == root or root in r.file.parents for root in roots)]


def _existing(paths: List[Path] | None) -> list[Path]:
    """The rule files or folders given on the command line; a usage error names the first that is missing."""
    for path in paths or []:
        if not path.exists():
            session.fail(f"{path}: no such file or folder")
    return list(paths or [])


@rules_app.command("validate", cls=_RulePathsCommand)
def rules_validate(
    paths: List[Path] = typer.Argument(None, metavar="PATH", hidden=True, show_default=False),
    no_default_rules: bool = _NO_DEFAULT_RULES,
) -> None:
    """Validate rule files against the schema and compile their conditions.

    PATH: rule files or folders (default: the run's rules).
    """

    def body() -> int:
        given = _existing(paths)
        ruleset = session.ruleset(_rule_settings(given, no_default_rules or bool(given)))
        rules = _rules_of(given, ruleset) if given else ruleset.rules
        files = {r.file for r in rules}
        print(f"ok: {len(rules)} rule{'' if len(rules) == 1 else 's'} in {len(files)} file{'' if len(files) == 1 else 's'}")
        return session.EXIT_OK

    _run(body)


@rules_app.command("test", cls=_RulePathsCommand)
def rules_test(
    paths: List[Path] = typer.Argument(None, metavar="PATH", hidden=True, show_default=False),
    rule: List[str] = typer.Option([], "--rule", metavar="RULE-ID", help="Only test this rule id; repeatable."),
    require_tests: bool = typer.Option(False, "--require-tests", help="Fail when a rule has no examples."),
    no_default_rules: bool = _NO_DEFAULT_RULES,
) -> None:
    """Run the examples rule files carry: hits, misses and false alarms per rule.

    PATH: rule files or folders (default: the run's rules).
    """

    def body() -> int:
        from checker.cli.rules_view import render_tests
        from checker.reports._console import new_console
        from checker.rules.ruletests import run_rule_tests

        given = _existing(paths)
        settings = _rule_settings(given, no_default_rules or bool(given))
        settings.select, settings.ignore = [], []  # test every rule, even those the user switched off
        ruleset = session.ruleset(settings)
        for r in ruleset.rules:
            r.enabled = True
        tested = _rules_of(given, ruleset) if given else ruleset.rules
        for rule_id in rule:
            if rule_id not in {r.id for r in tested}:
                session.fail(f"no rule {rule_id!r} among the rules tested (see `imr-check rules list`)")
        chosen = [r for r in tested if not rule or r.id in rule]
        outcomes = run_rule_tests(ruleset, {r.id for r in chosen})
        untested = [r.id for r in chosen if not r.tests]
        failed = render_tests(new_console(), outcomes, untested, require_tests)
        return session.EXIT_FINDINGS if failed else session.EXIT_OK

    _run(body)


# ----------------------------------------------------------------- audit and report
@app.command(cls=_PathsCommand)
def audit(
    paths: List[str] = _PATHS,
    db: Path = typer.Option(..., "--db", metavar="FILE", help="The SQLite database to create or update."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", metavar="N", help="Check letters in N processes, at most one per CPU."),
    rule_dirs: List[Path] = _RULES,
    no_default_rules: bool = _NO_DEFAULT_RULES,
    batch: int = typer.Option(200, "--batch", metavar="N", min=1, help="Commit after this many letters (or 2 seconds)."),
) -> None:
    """Store letters and their findings in SQLite (docs/audit.md); a rerun skips unchanged letters.

    PATH: letters (.txt, .pdf, .docx), folders or globs.  Exit 0 when the
    batch is stored (unreadable files are recorded with their error), 130 when
    interrupted (what was committed stays; run the same command to continue).
    """

    def body() -> int:
        from checker.cli.audit import audit as run_audit

        settings = session.Flags({"jobs": jobs}).apply(_rule_settings(rule_dirs, no_default_rules))
        return run_audit(paths, db, settings, batch)

    _run(body)


@app.command()
def report(
    db: Path = typer.Option(..., "--db", metavar="FILE", help="The audit database (from `imr-check audit`)."),
    output: Path = typer.Option(..., "--output", "-o", metavar="DIR", help="The folder to write the HTML report into."),
) -> None:
    """Write a static HTML report of an audit database: overview, charts, letters table, a page per letter."""

    def body() -> int:
        from checker.cli.audit import report as build_report

        return build_report(db, output)

    _run(body)


# ----------------------------------------------------------------- config
@app.command("config")
def show_config() -> None:
    """Print the effective configuration and where each value came from."""

    def body() -> int:
        from checker.cli.rules_view import render_config
        from checker.reports._console import new_console

        render_config(new_console(), session.config())
        return session.EXIT_OK

    _run(body)


_COMMANDS = {"parse", "check", "rules", "config", "explain", "audit", "report"}


def _with_default_command(args: list[str]) -> list[str]:
    """``imr-check letter.txt`` means ``imr-check check letter.txt``."""
    if not args or args[0] in _COMMANDS or args[0] in ("-h", "--help", "--version", "-V"):
        return args
    return ["check", *args]


def main(argv: Optional[list[str]] = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    app(args=_with_default_command(list(args)), prog_name="imr-check")
