"""Shared test helpers: fixture locations and a one-call letter reader."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from checker.knowledge.guideline import default_guideline
from checker.model import FileResult
from checker.rules.loader import RuleSet, load_ruleset
from checker.pipeline import read_letter
from checker.input.discover import InputRef

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = FIXTURES / "seeds"
LETTERS = FIXTURES / "letters"


def load_expected(folder: Path) -> dict:
    return yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def builtin_rules() -> RuleSet:
    """The built-in rules only: what the reader could not read (parse findings)."""
    return load_ruleset(default_guideline(), use_defaults=False)


def read_path(path: Path | str) -> FileResult:
    """Run the reading pipeline on a file, as ``imr-check parse`` does (parse findings only)."""
    return read_letter(InputRef(str(path)), builtin_rules()).result


def read_text(text: str | bytes, tmp_path: Path, name: str = "letter.txt") -> FileResult:
    """Write ``text`` to a temporary file and read it."""
    path = tmp_path / name
    if isinstance(text, str):
        path.write_bytes(text.encode("utf-8"))
    else:
        path.write_bytes(text)
    return read_path(path)


@pytest.fixture
def seeds_expected() -> dict:
    return load_expected(SEEDS)
