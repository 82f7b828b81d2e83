"""The ``imr-check`` command line.

``imr-check PATH...`` checks letters (``check`` is the default command, so it
need not be typed); ``imr-check parse PATH...`` shows what the letters say.
Exit codes: 0 nothing at or above the failure threshold, 1 findings reach it,
2 usage errors or unreadable input.
"""

from __future__ import annotations

import sys
from enum import Enum
from typing import List, Optional

import typer
from rich.console import Console

from checker import __version__
from checker.model import FileResult, Severity
from checker.pipeline import Reading, read_letter
from checker.reading import discover
from checker.reports import json_report, terminal

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Check California IMR determination letters against the MTUS guidelines.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


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


def _read_all(paths: list[str]) -> list[Reading]:
    refs = discover(paths)
    if not refs:
        _error(f"no letters found in {' '.join(paths)}")
        raise typer.Exit(EXIT_USAGE)
    return [read_letter(ref) for ref in refs]


def _error(message: str) -> None:
    print(f"imr-check: error: {message}", file=sys.stderr)


def _report_unreadable(results: list[FileResult]) -> bool:
    """One line on stderr per unreadable input; True when there was any."""
    bad = False
    for result in results:
        if result.error:
            _error(f"{result.path}: {result.error}")
            bad = True
    return bad


@app.command()
def parse(
    paths: List[str] = typer.Argument(..., metavar="PATH...", help="Letters (.txt), directories, or - for stdin."),
    output_format: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="Output format."),
    tree: bool = typer.Option(False, "--tree", help="Print the raw Lark parse tree (for grammar and rule authors)."),
) -> None:
    """Show what each letter says: layout, patient, items, decisions and cited pages."""
    readings = _read_all(paths)
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
    paths: List[str] = typer.Argument(..., metavar="PATH...", help="Letters (.txt), directories, or - for stdin."),
    output_format: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="Output format."),
    fail_on: Severity = typer.Option(Severity.ERROR, "--fail-on", help="Exit 1 when a finding reaches this severity."),
) -> None:
    """Check letters and report findings (the default command)."""
    results = [r.result for r in _read_all(paths)]
    if output_format is OutputFormat.json:
        sys.stdout.write(json_report.render(results))
    else:
        terminal.render_check(Console(), results)
    bad = _report_unreadable(results)
    if bad:
        raise typer.Exit(EXIT_USAGE)
    failing = any(f.severity.rank >= fail_on.rank for r in results for f in r.findings)
    raise typer.Exit(EXIT_FINDINGS if failing else EXIT_OK)


_COMMANDS = {"parse", "check"}


def _with_default_command(args: list[str]) -> list[str]:
    """``imr-check letter.txt`` means ``imr-check check letter.txt``."""
    if not args or args[0] in _COMMANDS or args[0] in ("-h", "--help", "--version"):
        return args
    return ["check", *args]


def main(argv: Optional[list[str]] = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    app(args=_with_default_command(list(args)), prog_name="imr-check")
