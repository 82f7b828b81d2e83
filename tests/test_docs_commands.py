"""Every concrete command the README and docs/ show runs as written (usage synopses excepted).

A synopsis names what the reader supplies in capitals or brackets
(``imr-check parse LETTER...``, ``rules validate [PATH...]``); every other
``imr-check`` command in a code line is run here, in-process from the
repository root, and must work: no error line, and exit 0 (or 1 when the
command itself asks to fail on findings).  .ci/run runs the README's two
set-up commands in a fresh clone with a long path.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

DOCS = ("README.md", "docs/ci.md", "docs/rules.md", "docs/audit.md", "docs/reliability.md")
#: What the reader supplies: LETTER, DIR, RULE-ID, FILE, <...>, [optional], a|b choices, ...
_SYNOPSIS = re.compile(r"\b[A-Z][A-Z-]{1,}\b|<[^>]*>|\[|\.\.\.|\|")


def code_lines(text: str) -> list[str]:
    """Lines of indented code blocks and fenced shell blocks."""
    lines, fence = [], None
    for line in text.splitlines():
        if line.startswith("```"):
            fence = None if fence is not None else line[3:].strip()
            continue
        if (fence is not None and fence in ("", "sh", "bash", "console")) or (fence is None and line.startswith("    ")):
            lines.append(line.strip().removeprefix("$ "))
    return lines


def documented_commands() -> list[tuple[str, str]]:
    found = []
    for name in DOCS:
        path = ROOT / name
        if not path.exists():
            continue
        for line in code_lines(path.read_text(encoding="utf-8")):
            for part in line.split("&&"):
                command = part.split("#", 1)[0].strip()
                if command.startswith("imr-check ") and not _SYNOPSIS.search(command.removeprefix("imr-check")):
                    found.append((name, command))
    return found


#: Options naming a file the command writes (or, for ``--db``, the database it writes or reads).
WRITES = {"--db", "-o", "--output", "--write-baseline"}


def _same_run(command: str) -> tuple[str, ...]:
    """What the command does: its arguments, the files it writes renamed (they all go to a temporary folder)."""
    args = shlex.split(command)
    return tuple("FILE" if i and args[i - 1] in WRITES else a for i, a in enumerate(args))


def distinct_commands(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """One (docs, command) per distinct run: two docs showing one command with another file name run it once."""
    runs: dict[tuple[str, ...], tuple[list[str], str]] = {}
    for doc, command in found:
        docs, _ = runs.setdefault(_same_run(command), ([], command))
        docs.append(doc)
    return [(", ".join(dict.fromkeys(docs)), command) for docs, command in runs.values()]


COMMANDS = documented_commands()
RUNS = distinct_commands(COMMANDS)


def test_the_docs_show_commands_to_run():
    assert len(COMMANDS) >= 8, COMMANDS


def test_commands_differing_only_in_the_files_they_write_run_once():
    assert distinct_commands([("a.md", "imr-check report --db a.sqlite -o report/"),
                              ("b.md", "imr-check report --db audit.sqlite -o out/"),
                              ("b.md", "imr-check report --db a.sqlite -o report/ --jobs 2")]) == [
        ("a.md, b.md", "imr-check report --db a.sqlite -o report/"),
        ("b.md", "imr-check report --db a.sqlite -o report/ --jobs 2"),
    ]


@pytest.mark.parametrize("doc, command", RUNS, ids=[f"{d}: {c}" for d, c in RUNS])
def test_a_documented_command_runs_as_written(doc, command, tmp_path):
    args = shlex.split(command)[1:]
    # Files the command would write go to a temporary folder, never into the repository.
    args = [str(tmp_path / a) if i and args[i - 1] in WRITES else a for i, a in enumerate(args)]
    if "--baseline" in args:  # it reads the baseline the command before it wrote
        run_cli(["--write-baseline", str(tmp_path / "imr-check-baseline.json"), "examples/"], cwd=ROOT)
        args[args.index("--baseline") + 1] = str(tmp_path / "imr-check-baseline.json")
    if args[:1] == ["report"]:  # it reads the database the audit before it wrote
        run_cli(["audit", "examples/", "--db", str(tmp_path / Path(args[args.index("--db") + 1]).name)], cwd=ROOT)
    done = run_cli(args, cwd=ROOT)
    allowed = {0, 1} if "--fail-on" in args else {0}
    assert done.exit_code in allowed, (command, done.stdout[-2000:], done.stderr)
    assert "error:" not in done.stderr, (command, done.stderr)
