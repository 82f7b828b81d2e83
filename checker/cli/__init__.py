"""The ``imr-check`` command line (commands in ``checker.cli.app``).

``main`` answers ``--version`` before importing anything else: starting the
full command line costs imports (typer, the rule loader) that a version
check should not pay.  Every other command starts with the garbage collector
quiet and dataclass methods compiled once (``checker.cli.startup``).
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    """The ``imr-check`` entry point."""
    args = sys.argv[1:] if argv is None else list(argv)
    if args in (["--version"], ["-V"]):
        from checker import __version__

        sys.stdout.write(f"imr-check {__version__}\n")
        raise SystemExit(0)
    from checker.cli.startup import quiet_start

    quiet_start()
    from checker.cli.app import main as run

    run(args)
