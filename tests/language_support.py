"""Shared by tests that show a list is language data: read it with one entry changed, as a rule author would.

The loader keeps each file and each alternation it built for the process;
:func:`edited_language` swaps one file's data for the test's copy and forgets
what was built from it before and after, so nothing leaks into other tests.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from checker.text import language


def _forget() -> None:
    for cached in (language._document, language.alternation, language.words):
        cached.cache_clear()


@contextmanager
def edited_language(name: str, edit: Callable[[dict[str, Any]], None]) -> Iterator[None]:
    """While inside, ``rules/language/<name>.yaml`` reads as its data after ``edit`` (which changes a copy)."""
    data = copy.deepcopy(language._document(name))
    edit(data)
    original = language._document
    _forget()
    language._document = lambda file: data if file == name else original(file)  # type: ignore[assignment]
    try:
        yield
    finally:
        language._document = original
        _forget()
