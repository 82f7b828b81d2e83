"""The ``imr-check`` command line.

``imr-check PATH...`` checks letters (``check`` is the default command, so it
need not be typed); ``imr-check parse PATH...`` shows what the letters say;
``imr-check rules ...`` lists, shows, validates and tests rules;
``imr-check explain RULE-ID`` documents a rule; ``imr-check config`` shows the
effective configuration.

Exit codes: 0 nothing at or above the failure threshold, 1 findings reach it
(or rule tests fail), 2 usage errors or unreadable input, 3 a broken rule
file.
"""

from __future__ import annotations

import glob
import importlib
import sys
from concurrent.futures import ProcessPoolExecutor
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from checker import __version__
from checker.cli.baseline import BaselineError, filter_new, load_baseline, write_baseline
from checker.cli.config import Config, ConfigError, find_config, load_config
from checker.knowledge.guideline import default_guideline
from checker.model import CATEGORIES, FileResult, Severity
from checker.pipeline import Reading, read_letter
from checker.input.files import InputRef, discover
from checker.cli import rules_view as rules_report
from checker.reports import json as json_report
from checker.reports import report as terminal
from checker.rules.loader import Rule, RuleError, RuleSet, load_ruleset
from checker.rules.ruletests import run_rule_tests

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_RULES = 0, 1, 2, 3
PATTERNS = ("*.txt", "*.pdf", "*.docx")
#: Show a progress bar on a terminal from this many letters on.
PROGRESS_FROM = 25

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
    report = "report"
    text = "text"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    github = "github"
    csv = "csv"


class ParseFormat(str, Enum):
    text = "text"
    json = "json"


class ColorChoice(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


#: Machine formats: the module in checker.reports that renders each.
_RENDERERS = {"text": "text", "json": "json", "sarif": "sarif", "junit": "junit", "github": "github", "csv": "csv"}


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


def _ruleset(config: Config) -> RuleSet:
    """Load the run's rules or stop every command with exit code 3."""
    try:
        ruleset = load_ruleset(
            default_guideline(),
            extra_dirs=list(config.rule_dirs),
            use_defaults=not config.no_default_rules,
            severities=config.rules,
        )
    except RuleError as error:
        print(f"imr-check: rule error: {error}", file=sys.stderr)
        raise typer.Exit(EXIT_RULES) from None
    _select(ruleset, config)
    return ruleset


def _select(ruleset: RuleSet, config: Config) -> None:
    """Apply select/ignore (rule ids or categories), as ruff does."""
    known = {r.id for r in ruleset.rules} | set(CATEGORIES)
    for key, names in (("select", config.select), ("ignore", config.ignore)):
        unknown = [n for n in names if n not in known]
        if unknown:
            _error(f"{key}: unknown rule or category {unknown[0]!r} (from {config.source(key)})")
            raise typer.Exit(EXIT_USAGE)
    for rule in ruleset.rules:
        if config.select and rule.id not in config.select and rule.category not in config.select:
            rule.enabled = False
        if rule.id in config.ignore or rule.category in config.ignore:
            rule.enabled = False


def _expand(paths: list[str]) -> list[str]:
    """Expand globs the shell left alone (quoted patterns, Windows shells)."""
    expanded: list[str] = []
    for path in paths:
        if any(ch in path for ch in "*?[") and not Path(path).exists():
            matches = sorted(glob.glob(path, recursive=True))
            expanded.extend(matches or [path])
        else:
            expanded.append(path)
    return expanded


def _refs(paths: list[str]) -> list[InputRef]:
    refs = discover(_expand(paths), PATTERNS)
    if not refs:
        _error(f"no letters found in {' '.join(paths)}")
        raise typer.Exit(EXIT_USAGE)
    return refs


_WORKER_RULES: RuleSet | None = None


def _init_worker(config: Config) -> None:
    global _WORKER_RULES
    _WORKER_RULES = _ruleset(config)


def _check_in_worker(ref: InputRef) -> FileResult:
    return read_letter(ref, _WORKER_RULES).result


def _check_all(refs: list[InputRef], ruleset: RuleSet, config: Config, jobs: int) -> list[FileResult]:
    """Check every input, in input order; in parallel with ``jobs`` > 1 (same results)."""
    stdin_used = any(r.path == "-" for r in refs)
    show_progress = len(refs) >= PROGRESS_FROM and sys.stderr.isatty()
    if jobs > 1 and len(refs) > 1 and not stdin_used:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(config,)) as pool:
            iterator = pool.map(_check_in_worker, refs, chunksize=max(1, len(refs) // (jobs * 8)))
            return list(_with_progress(iterator, len(refs), show_progress))
    iterator = (read_letter(ref, ruleset).result for ref in refs)
    return list(_with_progress(iterator, len(refs), show_progress))


def _with_progress(iterator, total: int, show: bool):
    if not show:
        yield from iterator
        return
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("checking letters", total=total)
        for result in iterator:
            progress.advance(task)
            yield result


def _report_unreadable(results: list[FileResult]) -> bool:
    """One line on stderr per unreadable input; True when there was any."""
    bad = False
    for result in results:
        if result.error:
            _error(f"{result.path}: {result.error}")
            bad = True
    return bad


def _console(color: ColorChoice, output: Path | None, file=None) -> Console:
    if color is ColorChoice.never or output is not None:
        return Console(file=file, color_system=None, no_color=True, force_terminal=False)
    if color is ColorChoice.always:
        return Console(file=file, force_terminal=True)
    return Console(file=file)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_bytes(text.encode("utf-8"))  # exact bytes: no newline translation
    except OSError as error:
        _error(f"{output}: cannot write output ({error.strerror or error})")
        raise typer.Exit(EXIT_USAGE) from None


_PATHS = typer.Argument(..., metavar="PATH...", help="Letters (.txt, .pdf, .docx), directories, globs, or - for stdin.")


# ----------------------------------------------------------------- commands
@app.command()
def parse(
    paths: List[str] = _PATHS,
    output_format: ParseFormat = typer.Option(ParseFormat.text, "--format", "-f", help="Output format."),
    tree: bool = typer.Option(False, "--tree", help="Print the raw Lark parse tree (for grammar and rule authors)."),
) -> None:
    """Show what each letter says: layout, patient, items, decisions and cited pages."""
    builtin = _ruleset(Config(no_default_rules=True))
    readings: list[Reading] = [read_letter(ref, builtin) for ref in _refs(paths)]
    results = [r.result for r in readings]
    if tree:
        for reading in readings:
            if reading.tree is not None:
                print(f"# {reading.result.path}")
                print(reading.tree.pretty())
    elif output_format is ParseFormat.json:
        sys.stdout.write(json_report.render(results, None, include_findings=False))
    else:
        terminal.render_parse(Console(), results)
    bad = _report_unreadable(results)
    raise typer.Exit(EXIT_USAGE if bad else EXIT_OK)


@app.command()
def check(
    paths: List[str] = _PATHS,
    output_format: Optional[OutputFormat] = typer.Option(
        None, "--format", "-f", help="report (default, for people), text (one line per finding), json, sarif, junit, github, csv."
    ),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the report to FILE instead of stdout."),
    fail_on: Optional[Severity] = typer.Option(None, "--fail-on", help="Exit 1 when a finding reaches this severity (default error)."),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even when findings reach --fail-on."),
    select: List[str] = typer.Option([], "--select", help="Only these rule ids or categories (comma-separated, repeatable)."),
    ignore: List[str] = typer.Option([], "--ignore", help="Skip these rule ids or categories (comma-separated, repeatable)."),
    rule_dirs: List[Path] = typer.Option([], "--rules", help="Add a directory (or file) of rules; repeatable."),
    no_default_rules: bool = typer.Option(False, "--no-default-rules", help="Do not load the shipped rule sets."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Check letters in N processes (same results, same order)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the findings."),
    statistics: bool = typer.Option(False, "--statistics", help="Print counts per rule."),
    color: ColorChoice = typer.Option(ColorChoice.auto, "--color", help="Colour in the report: auto, always or never."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", help="Report only findings not recorded in this baseline file."),
    write_baseline_to: Optional[Path] = typer.Option(None, "--write-baseline", help="Record today's findings in FILE and exit 0."),
) -> None:
    """Check letters against the rules and report findings (the default command)."""
    config = _config()
    flag = "command line"
    if output_format is not None:
        config.set("format", output_format.value, flag)
    if fail_on is not None:
        config.set("fail-on", fail_on.value, flag)
    if rule_dirs:
        config.set("rule-dirs", [*config.rule_dirs, *rule_dirs], flag)
    if no_default_rules:
        config.set("no-default-rules", True, flag)
    if select:
        config.set("select", _split(select), flag)
    if ignore:
        config.set("ignore", [*config.ignore, *_split(ignore)], flag)
    if jobs is not None:
        config.set("jobs", jobs, flag)
    ruleset = _ruleset(config)
    known_baseline = None
    if baseline is not None:
        try:
            known_baseline = load_baseline(baseline)
        except BaselineError as error:
            _error(str(error))
            raise typer.Exit(EXIT_USAGE) from None

    results = _check_all(_refs(paths), ruleset, config, config.jobs)

    if write_baseline_to is not None:
        count = write_baseline(write_baseline_to, results)
        print(f"imr-check: wrote {count} findings to baseline {write_baseline_to}", file=sys.stderr)
        _report_unreadable(results)
        raise typer.Exit(EXIT_OK)
    if known_baseline is not None:
        dropped = filter_new(results, known_baseline)
        if dropped:
            print(f"imr-check: {dropped} findings already in the baseline are not shown", file=sys.stderr)

    if config.format == "report":
        console = _console(color, output, file=open(output, "w", encoding="utf-8") if output else None)  # noqa: SIM115
        try:
            terminal.render_check(console, results, quiet=quiet, statistics=statistics)
        finally:
            if output is not None:
                console.file.close()
    else:
        module = importlib.import_module(f"checker.reports.{_RENDERERS[config.format]}")
        _write(module.render(results, ruleset), output)
        if statistics:
            terminal.render_statistics(Console(stderr=True), results)

    bad = _report_unreadable(results)
    if bad:
        raise typer.Exit(EXIT_USAGE)
    threshold = Severity(config.fail_on)
    failing = any(f.severity.rank >= threshold.rank and not f.suppressed for r in results for f in r.findings)
    raise typer.Exit(EXIT_FINDINGS if failing and not exit_zero else EXIT_OK)


def _rule_or_exit(ruleset: RuleSet, rule_id: str) -> Rule:
    rule = ruleset.get(rule_id)
    if rule is None:
        _error(f"no rule {rule_id!r} (see `imr-check rules list`)")
        raise typer.Exit(EXIT_USAGE)
    return rule


def _split(values: list[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@app.command()
def explain(rule_id: str = typer.Argument(..., metavar="RULE-ID")) -> None:
    """Explain a rule: what it checks, why (the guideline), and examples."""
    rules_report.render_explain(Console(), _rule_or_exit(_ruleset(_config()), rule_id))


@rules_app.command("list")
def rules_list(
    rule_dirs: List[Path] = typer.Option([], "--rules", help="Add a directory (or file) of rules; repeatable."),
    no_default_rules: bool = typer.Option(False, "--no-default-rules", help="Do not load the shipped rule sets."),
) -> None:
    """List the rules of this run: id, category, severity, title."""
    rules_report.render_list(Console(), _ruleset(_with_rules(_config(), rule_dirs, no_default_rules)))


@rules_app.command("show")
def rules_show(
    rule_id: str = typer.Argument(..., metavar="RULE-ID"),
    rule_dirs: List[Path] = typer.Option([], "--rules", help="Add a directory (or file) of rules; repeatable."),
    no_default_rules: bool = typer.Option(False, "--no-default-rules", help="Do not load the shipped rule sets."),
) -> None:
    """Show one rule: what it checks, its guideline reference, condition and examples."""
    ruleset = _ruleset(_with_rules(_config(), rule_dirs, no_default_rules))
    rules_report.render_rule(Console(), _rule_or_exit(ruleset, rule_id))


@rules_app.command("validate")
def rules_validate(
    paths: List[Path] = typer.Argument(None, metavar="[PATH]...", help="Rule files or directories (default: the run's rules)."),
    no_default_rules: bool = typer.Option(False, "--no-default-rules", help="Do not load the shipped rule sets."),
) -> None:
    """Validate rule files against the schema and compile their conditions."""
    ruleset = _ruleset(_with_rules(_config(), list(paths or []), no_default_rules or bool(paths)))
    print(f"ok: {len(ruleset.rules)} rules in {len(ruleset.files)} files")


@rules_app.command("test")
def rules_test(
    paths: List[Path] = typer.Argument(None, metavar="[PATH]...", help="Rule files or directories (default: the run's rules)."),
    rule: List[str] = typer.Option([], "--rule", help="Only test this rule id; repeatable."),
    no_default_rules: bool = typer.Option(False, "--no-default-rules", help="Do not load the shipped rule sets."),
) -> None:
    """Run the examples rule files carry: hits, misses and false alarms per rule."""
    config = _with_rules(_config(), list(paths or []), no_default_rules or bool(paths))
    config.select, config.ignore = [], []  # test every rule, even those the user switched off
    ruleset = _ruleset(config)
    for r in ruleset.rules:
        r.enabled = True
    outcomes = run_rule_tests(ruleset, set(rule) or None)
    failed = rules_report.render_tests(Console(), outcomes)
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


def _with_rules(config: Config, rule_dirs: list[Path], no_default_rules: bool) -> Config:
    if rule_dirs:
        config.set("rule-dirs", [*config.rule_dirs, *rule_dirs], "command line")
    if no_default_rules:
        config.set("no-default-rules", True, "command line")
    return config


@app.command("config")
def show_config() -> None:
    """Print the effective configuration and where each value came from."""
    rules_report.render_config(Console(), _config())


_COMMANDS = {"parse", "check", "rules", "config", "explain", "audit", "report"}


def _with_default_command(args: list[str]) -> list[str]:
    """``imr-check letter.txt`` means ``imr-check check letter.txt``."""
    if not args or args[0] in _COMMANDS or args[0] in ("-h", "--help", "--version"):
        return args
    return ["check", *args]


from checker.cli import audit as _audit  # noqa: E402,F401  (registers `audit` and `report`)


def main(argv: Optional[list[str]] = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    app(args=_with_default_command(list(args)), prog_name="imr-check")
