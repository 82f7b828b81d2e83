"""Rule files: load, validate and assemble the rules a run uses.

A rule file is YAML (read with ``safe_load``; nothing in it is executed),
validated against ``rules/schema/rules.schema.json`` and then checked for
what a schema cannot see: conditions that do not parse, unknown topics, and
every fact, record field, concept and drug a rule names (checked by
``checker.rules.vocabulary`` against ``checker.facts.registry``).  Every
error names the file, line and key, and a broken rule file stops every
command before any letter is read.

Rule sets: every file names the set it belongs to (``ruleset:``), may
``extends:`` other sets (their rules are loaded too) and may ``overrides:``
a rule of another set (severity, or switch it off) without copying it.  A
user's config does the same in one line per rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.rules.expressions import Expression, ExpressionError, compile_expression
from checker.knowledge.guideline import (
    Concept,
    Guideline,
    Statement,
    compile_pattern_text,
    default_concepts,
    guidelines,
    load_concepts,
    load_statements,
)
from checker.rules.patterns import UnsafePattern, check_pattern
from checker.knowledge.lexicon import Drug, Lexicon, default_lexicon, drug_of_entry, with_additions
from checker.rules.vocabulary import VocabularyError, check_drug, check_rule_facts
from checker.model import Severity
from checker import safe_yaml
from checker.resources import rules_path
from checker.schemas import schema_errors

if TYPE_CHECKING:  # pragma: no cover
    from jsonschema import ValidationError

#: Shipped rule sets, by name: the directory holding their rule files.
SHIPPED_RULESETS = {"builtin": "builtin", "mtus": "mtus", "consistency": "consistency"}
DEFAULT_RULESETS = ("mtus", "consistency")
#: Always loaded, even with ``--no-default-rules``: what the reader could not
#: read, and markers that suppress nothing.
BUILTIN_RULESETS = ("builtin",)

_ROOTS = {"item", "letter"}


class RuleError(Exception):
    """A rule file that cannot be used; the message names file, line and key."""


@dataclass(frozen=True)
class Where:
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class RuleTest:
    """One example a rule must (``hit``) or must not (``ok``) trigger on, or a known ``gap``."""

    expect: str
    where: Where
    name: str = ""
    item: int | None = None
    reason: str = ""
    file: Path | None = None
    letter: dict[str, Any] | None = None


@dataclass
class Rule:
    id: str
    title: str
    category: str
    severity: Severity
    message: str
    where: Where
    ruleset: str
    description: str = ""
    enabled: bool = True
    guideline: dict[str, Any] = field(default_factory=dict)
    scope: str = "item"
    #: ``check`` (default), or ``suppressions``: run after the markers have matched findings.
    stage: str = "check"
    #: For a letter-scope rule: the fact that names the item a finding concerns.
    item: str | None = None
    topics: tuple[str, ...] = ()
    drugs: tuple[str, ...] = ()
    #: Guideline editions (ids of rules/guidelines) the rule encodes: it is skipped for items they do not apply to.
    editions: tuple[str, ...] = ()
    for_each: tuple[str, str] | None = None  # (variable, path)
    when: Expression | None = None
    severity_when: tuple[tuple[Expression, Severity], ...] = ()
    at: str | None = None
    evidence: tuple[str, ...] = ()
    tests: list[RuleTest] = field(default_factory=list)
    #: The file the rule was loaded from, as found on disk (shipped rules too).
    file: Path | None = None

    @property
    def guideline_reference(self) -> str:
        """"MTUS 2009, pp. 29, 65" for docs and SARIF help."""
        g = self.guideline
        parts = [" ".join(str(x) for x in (g.get("source"), g.get("edition")) if x)]
        if g.get("pages"):
            pages = g["pages"]
            parts.append(("p. " if len(pages) == 1 else "pp. ") + ", ".join(str(p) for p in pages))
        if g.get("section"):
            parts.append(str(g["section"]))
        return ", ".join(p for p in parts if p)


@dataclass
class RuleFile:
    path: Path
    ruleset: str
    extends: tuple[str, ...]
    rules: list[Rule]
    overrides: dict[str, dict[str, Any]]
    concepts: dict[str, Concept]
    statements: list[Statement]
    #: Drugs (or names and misspellings of known drugs) the file adds to the lexicon.
    drugs: list[Drug] = field(default_factory=list)
    #: ``file:line`` of each ``extends`` entry and ``overrides`` key, for error messages.
    lines: dict[str, str] = field(default_factory=dict)


@dataclass
class RuleSet:
    """The rules of a run, with the data rule files add."""

    rules: list[Rule]
    concepts: dict[str, Concept] = field(default_factory=dict)
    statements: list[Statement] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    #: Drugs rule files add to the shipped lexicon (rules/drugs.yaml).
    drugs: list[Drug] = field(default_factory=list)

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def enabled(self) -> list[Rule]:
        return [r for r in self.rules if r.enabled]


# --------------------------------------------------------------------- loading
def rule_files(directory: Path) -> list[Path]:
    """The rule files of a directory: every ``*.yaml``/``*.yml`` below it, sorted."""
    if directory.is_file():
        return [directory]
    if not directory.is_dir():
        raise RuleError(f"{directory}: rule directory not found")
    return sorted(
        (p for p in directory.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()),
        key=lambda p: p.as_posix(),
    )


def load_rule_file(path: Path, guideline: Guideline, display: str | None = None) -> RuleFile:
    """Read, validate and compile one rule file.

    The file is read every time; what its text compiles to is remembered for
    the rest of the process (see ``_compiled``), so a process that loads the
    rule set more than once (tests, a library user) validates each file once.
    """
    shown = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleError(f"{shown}: cannot read rule file ({error})") from None
    compiled = _compiled(path, text, guideline, shown)
    # Callers switch rules on and off and change severities: each gets its own rule objects.
    return replace(compiled, rules=[replace(rule) for rule in compiled.rules])


#: Compiled rule files by (path as given, path on disk, shown name, text) and the objects they were checked against.
_COMPILED: dict[tuple[str, str, str, str], tuple[tuple[object, ...], RuleFile]] = {}
_COMPILED_MAX = 256


def _compiled(path: Path, text: str, guideline: Guideline, shown: str) -> RuleFile:
    """``text`` compiled, from memory when the same text was compiled against the same guideline and lexicon."""
    key = (str(path), str(path.resolve()), shown, text)
    against = (guideline, default_lexicon(), default_concepts())
    known = _COMPILED.get(key)
    if known is not None and all(a is b for a, b in zip(known[0], against)):
        return known[1]
    compiled = _compile_rule_file(path, text, guideline, shown)
    if len(_COMPILED) >= _COMPILED_MAX:
        _COMPILED.pop(next(iter(_COMPILED)))
    _COMPILED[key] = (against, compiled)
    return compiled


def _compile_rule_file(path: Path, text: str, guideline: Guideline, shown: str) -> RuleFile:
    try:
        document = safe_yaml.load(text)
    except safe_yaml.YamlError as error:
        raise RuleError(f"{shown}:{error.line or 1}: {error}") from None
    data = document.data
    if data is None:
        raise RuleError(f"{shown}:1: empty rule file (expected a 'rules:' list)")
    errors = schema_errors("rules", data, text)
    if errors:
        raise RuleError(_schema_message(shown, document, _best_error(errors[0])))
    ruleset = str(data.get("ruleset") or path.parent.name)
    _check_patterns(data, shown, document)
    concepts = load_concepts(data)
    statements = load_statements(data)
    drugs = [drug_of_entry(entry) for entry in data.get("drugs") or []]
    lexicon = with_additions(default_lexicon(), drugs) if drugs else default_lexicon()
    known = _Known(guideline, {*default_concepts(), *concepts}, lexicon)
    rules = [
        _compile_rule(raw, Where(shown, document.line(["rules", i])), ruleset, document, ["rules", i], known, path)
        for i, raw in enumerate(data.get("rules") or [])
    ]
    return RuleFile(
        path=path,
        ruleset=ruleset,
        extends=tuple(data.get("extends") or ()),
        rules=rules,
        overrides=dict(data.get("overrides") or {}),
        concepts=concepts,
        statements=statements,
        drugs=drugs,
        lines={
            **{f"extends:{name}": f"{shown}:{document.line(['extends', i])}" for i, name in enumerate(data.get("extends") or ())},
            **{f"overrides:{name}": f"{shown}:{document.line(['overrides', name])}" for name in data.get("overrides") or {}},
        },
    )


def _check_patterns(data: dict[str, Any], shown: str, document: safe_yaml.Document) -> None:
    """Every regular expression of the file compiles and cannot backtrack for exponentially long."""
    found = [
        (["concepts", cid, "patterns", i], pattern)
        for cid, spec in (data.get("concepts") or {}).items()
        for i, pattern in enumerate(spec.get("patterns") or [])
    ] + [
        (["statements", i, "patterns", j], compile_pattern_text(pattern))
        for i, statement in enumerate(data.get("statements") or [])
        for j, pattern in enumerate(statement.get("patterns") or [])
    ]
    for location, pattern in found:
        try:
            check_pattern(pattern)
        except (re.error, UnsafePattern) as error:
            line = document.line(location)
            raise RuleError(f"{shown}:{line}: {_key_name(location)}: unusable pattern: {error}") from None


def _best_error(error: ValidationError) -> ValidationError:
    """For oneOf/anyOf failures, the most specific sub-error."""
    if error.context:
        return max(error.context, key=lambda e: len(e.absolute_path))
    return error


def _schema_message(path: str, document: safe_yaml.Document, error: ValidationError) -> str:
    location = list(error.absolute_path)
    key = _key_name(location)
    line = document.line(location)
    if error.validator == "additionalProperties":
        extra = re.findall(r"'([^']+)'", error.message)
        unknown = extra[0] if extra else "?"
        line = document.line(location + [unknown])
        return f"{path}:{line}: {_key_name(location + [unknown])}: unknown key {unknown!r}"
    if error.validator == "required":
        return f"{path}:{line}: {key or 'file'}: {error.message}"
    return f"{path}:{line}: {key or 'file'}: {error.message}"


def _key_name(location: list) -> str:
    name = ""
    for part in location:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


@dataclass(frozen=True)
class _Known:
    """What a rule file's names are checked against: the page map, and the concepts it may use."""

    guideline: Guideline
    concept_ids: set[str]
    lexicon: Lexicon


def _compile_rule(
    raw: dict[str, Any], where: Where, ruleset: str, document: safe_yaml.Document, location: list, known: _Known, path: Path
) -> Rule:
    def fail(key: str | list, message: str) -> RuleError:
        sub = key if isinstance(key, list) else [key]
        return RuleError(f"{where.path}:{document.line(location + sub)}: {_key_name(location + sub)}: {message}")

    def expression(key: list, source: str) -> Expression:
        try:
            return compile_expression(source)
        except ExpressionError as error:
            raise fail(key, str(error)) from None

    for_each = None
    if raw.get("for_each"):
        variable, _, source = re.split(r"\s+(in)\s+", raw["for_each"].strip(), maxsplit=1)
        if variable in _ROOTS:
            raise fail("for_each", f"the loop variable may not be called {variable!r}")
        for_each = (variable, source)
    scope = raw.get("scope", "item")
    if scope == "letter" and raw.get("topics"):
        raise fail("topics", "a letter-scope rule cannot be limited to topics")
    guideline = known.guideline
    for topic in raw.get("topics") or []:
        if guideline.topic(topic) is None:
            raise fail("topics", f"unknown topic {topic!r} (known: {', '.join(sorted(guideline.topics))})")
    for i, drug in enumerate(raw.get("drugs") or []):
        problem = check_drug(drug, known.lexicon)
        if problem:
            raise fail(["drugs", i], problem)
    if scope == "letter" and raw.get("editions"):
        raise fail("editions", "a letter-scope rule cannot be limited to editions")
    known_editions = sorted(guidelines().by_id)
    for i, edition in enumerate(raw.get("editions") or []):
        if edition not in known_editions:
            raise fail(["editions", i], f"unknown guideline edition {edition!r} (known: {', '.join(known_editions)})")
    when = expression(["when"], raw["when"]) if raw.get("when") else None
    severity_when = tuple(
        (expression(["severity_when", i, "when"], s["when"]), Severity(s["severity"]))
        for i, s in enumerate(raw.get("severity_when") or [])
    )
    conditions = [(["when"], when)] if when else []
    conditions += [(["severity_when", i, "when"], c) for i, (c, _) in enumerate(severity_when)]
    try:
        check_rule_facts(raw, for_each, conditions, known.concept_ids)
    except VocabularyError as error:
        raise fail(error.key, str(error)) from None
    tests = [
        _compile_test(t, Where(where.path, document.line(location + ["tests", i])), path)
        for i, t in enumerate(raw.get("tests") or [])
    ]
    return Rule(
        id=raw["id"],
        title=raw["title"],
        category=raw["category"],
        severity=Severity(raw["severity"]),
        message=raw["message"].strip(),
        where=where,
        ruleset=ruleset,
        description=(raw.get("description") or "").strip(),
        enabled=raw.get("enabled", True),
        guideline=dict(raw.get("guideline") or {}),
        scope=scope,
        stage=raw.get("stage", "check"),
        item=raw.get("item"),
        topics=tuple(raw.get("topics") or ()),
        drugs=tuple(d.lower() for d in raw.get("drugs") or ()),
        editions=tuple(raw.get("editions") or ()),
        for_each=for_each,
        when=when,
        severity_when=severity_when,
        at=raw.get("at"),
        evidence=tuple(raw.get("evidence") or ()),
        tests=tests,
        file=path.resolve(),
    )


def _compile_test(raw: dict[str, Any], where: Where, rule_path: Path) -> RuleTest:
    return RuleTest(
        expect=raw["expect"],
        where=where,
        name=raw.get("name", ""),
        item=raw.get("item"),
        reason=raw.get("reason", ""),
        file=(rule_path.parent / raw["file"]) if raw.get("file") else None,
        letter=raw.get("letter"),
    )


# --------------------------------------------------------------------- assembling
def load_ruleset(
    guideline: Guideline,
    extra_dirs: list[Path] | None = None,
    use_defaults: bool = True,
    severities: dict[str, str] | None = None,
) -> RuleSet:
    """The rules of a run: shipped sets (unless switched off), extra directories, extends, overrides.

    ``severities`` maps a rule id to ``error``/``warning``/``info`` or ``off``
    (a user's config); it is applied last, so the user always wins.
    """
    files: list[RuleFile] = []
    loaded_sets: set[str] = set(BUILTIN_RULESETS)
    for name in BUILTIN_RULESETS:
        files.extend(_load_shipped(name, guideline))
    if use_defaults:
        for name in DEFAULT_RULESETS:
            files.extend(_load_shipped(name, guideline))
            loaded_sets.add(name)
    for directory in extra_dirs or []:
        for path in rule_files(directory):
            files.append(load_rule_file(path, guideline))
    # Pull in every set a loaded file extends.
    pending = [name for f in files for name in f.extends]
    while pending:
        name = pending.pop()
        if name in loaded_sets or any(f.ruleset == name for f in files):
            continue
        if name not in SHIPPED_RULESETS:
            where = next(f.lines.get(f"extends:{name}", str(f.path)) for f in files if name in f.extends)
            raise RuleError(f"{where}: extends: unknown rule set {name!r} (known: {', '.join(sorted(SHIPPED_RULESETS))})")
        new = _load_shipped(name, guideline)
        files.extend(new)
        loaded_sets.add(name)
        pending.extend(n for f in new for n in f.extends)
    rules: list[Rule] = []
    seen: dict[str, Rule] = {}
    concepts: dict[str, Concept] = {}
    statements: list[Statement] = []
    drugs: list[Drug] = []
    for f in files:
        for rule in f.rules:
            if rule.id in seen:
                raise RuleError(f"{rule.where}: duplicate rule id {rule.id!r} (first defined at {seen[rule.id].where})")
            seen[rule.id] = rule
            rules.append(rule)
        concepts.update(f.concepts)
        statements.extend(f.statements)
        drugs.extend(f.drugs)
    for f in files:
        for rule_id, change in f.overrides.items():
            rule = seen.get(rule_id)
            if rule is None:
                where = f.lines.get(f"overrides:{rule_id}", str(f.path))
                raise RuleError(f"{where}: overrides.{rule_id}: unknown rule {rule_id!r}")
            _apply(rule, change)
    ruleset = RuleSet(rules, concepts, statements, [f.path for f in files], drugs)
    unknown = apply_severities(ruleset, severities or {})
    if unknown:
        raise RuleError(f"configuration: unknown rule {unknown[0]!r} (see `imr-check rules list`)")
    return ruleset


def apply_severities(ruleset: RuleSet, severities: dict[str, str]) -> list[str]:
    """A user's ``rules:`` (rule id -> error/warning/info/off), applied last so the user wins.

    Returns the ids that name no rule, for the caller to report where they were written.
    """
    unknown = []
    for rule_id, value in severities.items():
        rule = ruleset.get(rule_id)
        if rule is None:
            unknown.append(rule_id)
            continue
        _apply(rule, {"enabled": False} if str(value).lower() == "off" else {"severity": value})
    return unknown


def _load_shipped(name: str, guideline: Guideline) -> list[RuleFile]:
    directory = rules_path(SHIPPED_RULESETS[name])
    base = rules_path(".").resolve().parent
    loaded = []
    for path in rule_files(directory):
        try:
            display = str(path.resolve().relative_to(base))
        except ValueError:
            display = str(path)
        loaded.append(load_rule_file(path, guideline, display))
    return loaded


def _apply(rule: Rule, change: dict[str, Any]) -> None:
    if "enabled" in change:
        rule.enabled = bool(change["enabled"])
    if "severity" in change:
        value = str(change["severity"]).lower()
        if value not in ("error", "warning", "info"):
            raise RuleError(f"rule {rule.id}: severity must be error, warning, info or off, not {value!r}")
        rule.severity = Severity(value)
        rule.enabled = True
