"""Allow ``python -m checker``."""

from checker.cli.app import main

main()
