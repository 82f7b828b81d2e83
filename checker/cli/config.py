"""User configuration: ``.imr-check.yaml`` or ``[tool.imr-check]`` in ``pyproject.toml``.

Found by walking up from the working directory; the nearest file wins.
Command-line flags win over the file.  Example ``.imr-check.yaml``::

    select: [decision-conclusion, fact-conflict]   # only these categories / rule ids
    ignore: [carisoprodol-approved]                # never these
    rules:
      cited-page-off-topic: info      # change a shipped rule's severity
      carisoprodol-approved: off      # or switch it off
    rule-dirs: [my-rules]             # extra rule directories (relative to this file)
    fail-on: warning
    format: json
    jobs: 2                           # at most the number of CPUs
    max-size: 20                      # MB: larger inputs are refused
    time-budget: 30                   # seconds for one letter; then it is reported and skipped

One typed schema serves both files.  Types are strict (``no-default-rules:
"false"`` is an error, not "true"), YAML duplicate keys are refused, and
every error is one line naming the file, the line and the key.
``imr-check config`` prints the effective values and where each came from.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.text.stored_patterns import compile_pattern

CONFIG_NAMES = (".imr-check.yaml", ".imr-check.yml", "pyproject.toml")
SEVERITIES = ("error", "warning", "info")
DEFAULT_MAX_SIZE_MB = 20
DEFAULT_TIME_BUDGET = 30.0


class ConfigError(Exception):
    """A configuration that cannot be used; the message names the file, line and key."""


@dataclass
class Config:
    path: Path | None = None
    rules: dict[str, str] = field(default_factory=dict)
    rule_dirs: list[Path] = field(default_factory=list)
    fail_on: str = "error"
    format: str = "report"
    no_default_rules: bool = False
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    jobs: int = 1
    max_size: int = DEFAULT_MAX_SIZE_MB
    time_budget: float = DEFAULT_TIME_BUDGET
    #: where each value came from: "default", the config file, or "command line"
    sources: dict[str, str] = field(default_factory=dict)
    #: the line of each key in the config file, for error messages
    lines: dict[str, int] = field(default_factory=dict)

    def set(self, key: str, value: Any, source: str) -> None:
        setattr(self, key.replace("-", "_"), value)
        self.sources[key] = source

    def source(self, key: str) -> str:
        return self.sources.get(key, "default")

    def where(self, key: str, *sub: str) -> str:
        """``file:line: key`` for a message about ``key`` as the config file sets it."""
        name = ".".join((key, *sub))
        if self.source(key) == "command line" or self.path is None:
            return f"command line: {name}"
        line = self.lines.get(".".join((key, *sub))) or self.lines.get(key)
        return f"{self.path}:{line}: {name}" if line else f"{self.path}: {name}"

    @property
    def max_bytes(self) -> int:
        return self.max_size * 1024 * 1024

    def as_dict(self) -> dict[str, Any]:
        return {
            "select": list(self.select),
            "ignore": list(self.ignore),
            "rules": dict(self.rules),
            "rule-dirs": [str(p) for p in self.rule_dirs],
            "no-default-rules": self.no_default_rules,
            "fail-on": self.fail_on,
            "format": self.format,
            "jobs": self.jobs,
            "max-size": self.max_size,
            "time-budget": self.time_budget,
        }


#: The ``[tool.imr-check]`` table (or a sub-table such as ``[tool.imr-check.rules]``) of a pyproject.toml.
_TOOL_TABLE = compile_pattern(r"^\s*\[\s*tool\s*\.\s*[\"']?imr-check[\"']?\s*[\].]", re.M)


def find_config(start: Path) -> Path | None:
    """The nearest configuration file at or above ``start``."""
    for directory in [start, *start.parents]:
        for name in CONFIG_NAMES:
            candidate = directory / name
            if not candidate.is_file():
                continue
            if name == "pyproject.toml" and not _names_imr_check(candidate):
                continue
            return candidate
    return None


def _names_imr_check(path: Path) -> bool:
    """Does this pyproject.toml hold a ``[tool.imr-check]`` table?  (A broken one is read, to be reported.)"""
    try:
        return _TOOL_TABLE.search(path.read_text(encoding="utf-8")) is not None
    except (OSError, UnicodeDecodeError):
        return False


def validate(config: Config, key: str, value: Any) -> Any:
    """``value`` for ``key`` as the schema reads it (raises :class:`ConfigError`)."""
    return _SCHEMA[key](config, key, value)


def load_config(path: Path | None) -> Config:
    config = Config(path=path)
    if path is None:
        return config
    data, lines = _read(path)
    config.lines = lines
    where = str(path)
    for key, value in data.items():
        if key not in _SCHEMA:
            known = ", ".join(sorted(_SCHEMA))
            raise ConfigError(f"{config.where(key)}: unknown configuration key (known: {known})")
        config.set(key, _SCHEMA[key](config, key, value), where)
    return config


# --------------------------------------------------------------------------- reading the files
def _read(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read configuration ({getattr(error, 'strerror', None) or error})") from None
    return _read_toml(path, text) if path.name == "pyproject.toml" else _read_yaml(path, text)


def _read_yaml(path: Path, text: str) -> tuple[dict[str, Any], dict[str, int]]:
    from checker import safe_yaml

    try:
        document = safe_yaml.load(text)
    except safe_yaml.YamlError as error:
        raise ConfigError(f"{path}:{error.line or 1}: {error}") from None
    data = document.data if document.data is not None else {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: the configuration must be a mapping of keys to values")
    lines = {}
    for key, value in data.items():
        lines[_key(key)] = document.line([key])
        if isinstance(value, dict):
            for sub in value:
                lines[f"{_key(key)}.{sub}"] = document.line([key, sub])
    return {_key(k): v for k, v in data.items()}, lines


def _read_toml(path: Path, text: str) -> tuple[dict[str, Any], dict[str, int]]:
    import tomllib

    try:
        table = tomllib.loads(text).get("tool", {}).get("imr-check", {})
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.imr-check] must be a table")
    return {_key(k): v for k, v in table.items()}, _toml_lines(text, table)


def _toml_lines(text: str, table: dict[str, Any]) -> dict[str, int]:
    """Lines of the keys of ``[tool.imr-check]`` (tomllib gives none): the first ``key =`` after the header."""
    lines: dict[str, int] = {}
    header = _TOOL_TABLE.search(text)
    start = text.count("\n", 0, header.start()) if header else 0
    source = text.split("\n")
    for key in table:
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number in range(start, len(source)):
            if pattern.match(source[number]):
                lines[_key(key)] = number + 1
                break
    return lines


def _key(key: Any) -> str:
    return str(key).replace("_", "-")


# --------------------------------------------------------------------------- the schema
def _strings(config: Config, key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value]
    raise ConfigError(f"{config.where(key)}: must be a list of rule ids or categories, not {value!r}")


def _rule_dirs(config: Config, key: str, value: Any) -> list[Path]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{config.where(key)}: must be a list of folders, not {value!r}")
    base = config.path.parent if config.path else Path.cwd()
    return [base / v for v in value]


def _severities(config: Config, key: str, value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{config.where(key)}: must map rule ids to error, warning, info or off")
    chosen = {}
    for rule_id, severity in value.items():
        text = "off" if severity is False else severity
        if text not in (*SEVERITIES, "off"):
            raise ConfigError(f"{config.where(key, str(rule_id))}: must be error, warning, info or off, not {severity!r}")
        chosen[str(rule_id)] = text
    return chosen


def _choice(choices: Callable[[], tuple[str, ...]]) -> Callable[[Config, str, Any], str]:
    def check(config: Config, key: str, value: Any) -> str:
        known = choices()
        if not isinstance(value, str) or value.lower() not in known:
            raise ConfigError(f"{config.where(key)}: must be one of {', '.join(known)}, not {value!r}")
        return value.lower()

    return check


def _boolean(config: Config, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{config.where(key)}: must be true or false, not {value!r}")
    return value


def _whole(minimum: int) -> Callable[[Config, str, Any], int]:
    def check(config: Config, key: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ConfigError(f"{config.where(key)}: must be a whole number of at least {minimum}, not {value!r}")
        return value

    return check


def _seconds(config: Config, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 3600:
        raise ConfigError(f"{config.where(key)}: must be a number of seconds from 0 to 3600, not {value!r}")
    return float(value)


def _formats() -> tuple[str, ...]:
    from checker import reports

    return reports.formats()


def cap_jobs(jobs: int) -> int:
    """No more worker processes than CPUs: more only adds memory and switching."""
    return max(1, min(jobs, os.cpu_count() or 1))


_SCHEMA: dict[str, Callable[[Config, str, Any], Any]] = {
    "select": _strings,
    "ignore": _strings,
    "rules": _severities,
    "rule-dirs": _rule_dirs,
    "fail-on": _choice(lambda: SEVERITIES),
    "format": _choice(_formats),
    "no-default-rules": _boolean,
    "jobs": lambda config, key, value: cap_jobs(_whole(1)(config, key, value)),
    "max-size": _whole(1),
    "time-budget": _seconds,
}
