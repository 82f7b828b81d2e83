"""Where the shipped rule data lives, and loading the Lark grammars beside the code.

``rules/`` sits at the top of the repository, where rule authors edit it; a
built wheel carries a copy inside the package as ``checker/data/rules`` (see
``pyproject.toml``).  Looking in both places lets the same code run from a
checkout, an editable install (``pip install -e .``: the repository's own
``rules/`` is read, so edits take effect at once) and a plain ``pip install .``.

Grammars are part of the code: each ``.lark`` file sits beside the module that
walks its trees.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from lark import Lark

_PACKAGE_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def rules_dir() -> Path:
    """The directory of the shipped rule data (``rules/``)."""
    for candidate in (_PACKAGE_DIR / "data" / "rules", _PACKAGE_DIR.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("imr-check rule data directory 'rules' is missing from the installation")


def rules_path(name: str) -> Path:
    """Path of a file in the shipped rule data, e.g. ``rules_path("drugs.yaml")``."""
    return rules_dir() / name


@lru_cache(maxsize=None)
def lark_parser(grammar: Path, start: str) -> "Lark":
    """The LALR parser of a grammar file, built once per process.

    Building an LALR table costs milliseconds; parsing thousands of letters
    must not pay it per letter, and a run of one letter need not pay it at
    all once the tables are in the cache.
    """
    from lark import Lark

    from checker.cache import grammar_file

    text = grammar.read_text(encoding="utf-8")
    cache_file = grammar_file(text, start)
    parser = Lark(
        text,
        start=start,
        # The built tables are kept between runs (checker.cache); Lark checks their hash before use.
        cache=cache_file or False,
        cache_grammar=bool(cache_file),  # the layouts read terminals from the grammar (Layout.field_label)
        parser="lalr",
        lexer="contextual",
        propagate_positions=False,  # trees' positions are never read: each token has its own
        maybe_placeholders=False,
        import_paths=[grammar.parent],
    )
    _keep_lexer_patterns(parser)
    return parser


def _keep_lexer_patterns(parser: "Lark") -> None:
    """Have the parser's lexers compile their patterns through the start-up cache (``stored_patterns``).

    On its first token in a parser state, a Lark lexer compiles all the
    terminals it may meet there into one pattern: about 10 ms of every
    start.  Lark compiles with the ``re`` module it is given, held by each
    lexer; it is given :data:`KEPT_RE` instead, whose ``compile`` keeps the
    engine code between runs.  These are Lark's internals (a contextual
    lexer's ``lexers`` and ``root_lexer``, each with its ``re``): a lexer
    found otherwise is left as it is, which only costs the time.
    """
    import re

    lexer = getattr(getattr(parser, "parser", None), "lexer", None)
    lexers = [*getattr(lexer, "lexers", {}).values(), getattr(lexer, "root_lexer", None)]
    for each in lexers:
        if getattr(each, "re", None) is re and getattr(each, "_scanner", "built") is None:
            each.re = KEPT_RE


class _KeptRe:
    """The ``re`` module, but ``compile`` keeps a text pattern's code between runs (for Lark's lexers)."""

    def __getattr__(self, name: str) -> Any:
        import re

        return getattr(re, name)

    @staticmethod
    def compile(pattern: Any, flags: int = 0) -> Any:
        import re

        from checker.text.stored_patterns import compile_pattern

        return compile_pattern(pattern, flags) if isinstance(pattern, str) else re.compile(pattern, flags)


KEPT_RE = _KeptRe()


def terminal_regexps(grammar: Path, start: str, keep: frozenset[str] = frozenset()) -> dict[str, str]:
    """The regular expression of each terminal of a grammar, by name (those of its parser for ``start``,
    and the terminals in ``keep`` it would otherwise drop as unused).

    Reading them needs the grammar loaded and compiled, which a one-letter
    run would not otherwise do for every grammar; they are kept between runs
    (``checker.text.stored_patterns.remembered``), under the grammar's text,
    ``start``, ``keep`` and Lark's version, the only things they depend on.
    """
    import lark

    from checker.text.stored_patterns import remembered

    text = grammar.read_text(encoding="utf-8")
    key = "\x1f".join([lark.__version__, start, ",".join(sorted(keep)), text])
    return remembered("grammar terminals", key, 0, lambda: _terminal_regexps(grammar, start, keep))


def _terminal_regexps(grammar: Path, start: str, keep: frozenset[str]) -> dict[str, str]:
    parser = lark_parser(grammar, start)
    terminals = parser.terminals
    if keep:
        terminals, _, _ = parser.grammar.compile([start], set(keep))
    return {t.name: t.pattern.to_regexp() for t in terminals}
