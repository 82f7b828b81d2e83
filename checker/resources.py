"""Where the shipped data lives: ``grammar/`` and ``rules/``.

In the repository they sit at the top level, where grammar and rule authors
edit them; an installed wheel carries them inside the package (see
``pyproject.toml``).  Looking in both places lets the same code run from a
checkout, an editable install and a plain ``pip install .``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def data_dir(name: str) -> Path:
    """Return the directory of shipped data called ``name`` (``grammar`` or ``rules``)."""
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"imr-check data directory {name!r} is missing from the installation")


def grammar_path(name: str) -> Path:
    """Path of a Lark grammar file, e.g. ``grammar_path("letter.lark")``."""
    return data_dir("grammar") / name


def rules_path(name: str) -> Path:
    """Path of a file in the shipped rule data, e.g. ``rules_path("drugs.yaml")``."""
    return data_dir("rules") / name
