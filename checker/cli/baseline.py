"""Baselines for adopting imr-check on a backlog of letters.

``--write-baseline FILE`` records today's findings; ``--baseline FILE``
reports only findings that are not in it.  Findings are matched by path,
rule, item and message text, never by line number, so editing a letter above
a finding does not bring it back.  Paths are stored relative to the project
root (the folder of the configuration file, else the working directory), so
a baseline written from the root matches a run from a subfolder or with
absolute paths.  Repeated identical findings are counted, so a second copy
of the same problem is still new.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

from checker import __version__
from checker.cli import session
from checker.cli.config import Config
from checker.model import FileResult, Finding

_VERSION = 2
_Key = tuple[str, str, int | None, str]


def project_root(settings: Config) -> Path:
    """Where baseline paths are relative to: the configuration file's folder, else the working directory."""
    return (settings.path.parent if settings.path else Path.cwd()).resolve()


def _key(root: Path, path: str, finding: Finding) -> _Key:
    return (_relative(root, path), finding.rule, finding.item, finding.message)


def _relative(root: Path, path: str) -> str:
    """``path`` relative to ``root`` with ``/`` separators (as given when it lies outside the root)."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return Path(path).as_posix()


class Baseline:
    """Known findings, consumed as matching findings are met."""

    def __init__(self, known: Counter, root: Path) -> None:
        self.remaining = Counter(known)
        self.root = root
        self.dropped = 0

    @classmethod
    def load(cls, path: Path, root: Path) -> Baseline:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = data["findings"]
            known = Counter((e["path"], e["rule"], e["item"], e["message"]) for e in entries)
        except (OSError, ValueError, KeyError, TypeError) as error:
            session.fail(f"{path}: not a usable baseline file ({getattr(error, 'strerror', None) or error})")
        if data.get("imr-check-baseline") == 1:  # version 1 stored paths as typed: read them from the root
            known = Counter({(_relative(root, str(root / p)), *rest): n for (p, *rest), n in known.items()})
        return cls(known, root)

    def drop_known(self, result: FileResult) -> None:
        """Remove the findings recorded in the baseline from ``result`` (in place)."""
        kept = []
        for finding in result.findings:
            key = _key(self.root, result.path, finding)
            if self.remaining[key] > 0:
                self.remaining[key] -= 1
                self.dropped += 1
            else:
                kept.append(finding)
        result.findings = kept


class BaselineWriter:
    """Collects the keys of today's findings (small: four strings each) and writes them at the end."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.keys: list[_Key] = []

    def add(self, result: FileResult) -> None:
        self.keys.extend(sorted(_key(self.root, result.path, f) for f in result.findings))

    def write(self, path: Path) -> int:
        entries = [{"path": p, "rule": r, "item": i, "message": m} for p, r, i, m in self.keys]
        document = {"imr-check-baseline": _VERSION, "tool-version": __version__, "findings": entries}
        try:
            path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        except OSError as error:
            session.fail(f"{path}: cannot write the baseline ({error.strerror or error})")
        return len(entries)
