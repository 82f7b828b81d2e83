"""Baselines for adopting imr-check on a backlog of letters.

``--write-baseline FILE`` records today's findings; ``--baseline FILE``
reports only findings that are not in it.  Findings are matched by path,
rule, item and message text, never by line number, so editing a letter above
a finding does not bring it back.  Repeated identical findings are counted,
so a second copy of the same problem is still new.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from checker import __version__
from checker.model import FileResult, Finding

_VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be read."""


def _key(path: str, finding: Finding) -> tuple[str, str, int | None, str]:
    return (Path(path).as_posix(), finding.rule, finding.item, finding.message)


def write_baseline(path: Path, results: list[FileResult]) -> int:
    entries = [
        {"path": key[0], "rule": key[1], "item": key[2], "message": key[3]}
        for result in results
        for key in sorted(_key(result.path, f) for f in result.findings)
    ]
    document = {"imr-check-baseline": _VERSION, "tool-version": __version__, "findings": entries}
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(entries)


def load_baseline(path: Path) -> Counter:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["findings"]
        return Counter((e["path"], e["rule"], e["item"], e["message"]) for e in entries)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BaselineError(f"{path}: not a usable baseline file ({error})") from None


def filter_new(results: list[FileResult], baseline: Counter) -> int:
    """Drop findings recorded in the baseline (in place); return how many were dropped."""
    remaining = Counter(baseline)
    dropped = 0
    for result in results:
        kept = []
        for finding in result.findings:
            key = _key(result.path, finding)
            if remaining[key] > 0:
                remaining[key] -= 1
                dropped += 1
            else:
                kept.append(finding)
        result.findings = kept
    return dropped
