"""The JSON schemas of the data files (``rules/schema/``), and validating a file against one.

A file whose exact text passed its schema before is not validated again
(``checker.cache``): validation and importing jsonschema were a fifth of a
one-letter run.  A file that fails is validated every time, so its errors are
always reported.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from checker import cache
from checker.resources import rules_path

if TYPE_CHECKING:  # pragma: no cover
    from jsonschema import ValidationError


@lru_cache(maxsize=None)
def schema_text(name: str) -> str:
    """The text of ``rules/schema/<name>.schema.json``."""
    return rules_path(f"schema/{name}.schema.json").read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def schema(name: str) -> dict[str, Any]:
    return json.loads(schema_text(name))


def schema_errors(name: str, data: Any, text: str) -> list[ValidationError]:
    """What schema ``name`` finds wrong in ``data`` (read from ``text``), by path; none when ``text`` passed before."""
    if cache.passed_schema(schema_text(name), text):
        return []
    import jsonschema

    errors = sorted(jsonschema.Draft202012Validator(schema(name)).iter_errors(data), key=lambda e: list(e.absolute_path))
    if not errors:
        cache.remember_passed_schema(schema_text(name), text)
    return errors
