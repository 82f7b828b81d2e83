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

``imr-check config`` prints the effective values and where each came from.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CONFIG_NAMES = (".imr-check.yaml", ".imr-check.yml", "pyproject.toml")
FORMATS = ("report", "text", "json", "sarif", "junit", "github", "csv")
_KEYS = {"rules", "rule-dirs", "fail-on", "format", "no-default-rules", "select", "ignore", "jobs"}


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file."""


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
    #: where each value came from: "default", the config file, or "command line"
    sources: dict[str, str] = field(default_factory=dict)

    def set(self, key: str, value: Any, source: str) -> None:
        setattr(self, key.replace("-", "_"), value)
        self.sources[key] = source

    def source(self, key: str) -> str:
        return self.sources.get(key, "default")

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
        }


def find_config(start: Path) -> Path | None:
    """The nearest configuration file at or above ``start``."""
    for directory in [start, *start.parents]:
        for name in CONFIG_NAMES:
            candidate = directory / name
            if not candidate.is_file():
                continue
            if name == "pyproject.toml" and not _has_tool_section(candidate):
                continue
            return candidate
    return None


def _has_tool_section(path: Path) -> bool:
    try:
        return "imr-check" in tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {})
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False


def load_config(path: Path | None) -> Config:
    config = Config(path=path)
    if path is None:
        return config
    try:
        if path.name == "pyproject.toml":
            data = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("imr-check", {})
        else:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, yaml.YAMLError) as error:
        raise ConfigError(f"{path}: cannot read configuration ({error})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: configuration must be a mapping of keys")
    data = {str(k).replace("_", "-"): v for k, v in data.items()}
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown configuration key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})")
    where = str(path)
    if "rules" in data:
        rules = data["rules"] or {}
        if not isinstance(rules, dict):
            raise ConfigError(f"{path}: 'rules' must map rule ids to error, warning, info or off")
        config.set("rules", {str(k): _severity_or_off(path, k, v) for k, v in rules.items()}, where)
    if "rule-dirs" in data:
        config.set("rule-dirs", [(path.parent / str(d)) for d in _as_list(data["rule-dirs"])], where)
    for key in ("select", "ignore"):
        if key in data:
            config.set(key, [str(x) for x in _as_list(data[key])], where)
    if "fail-on" in data:
        config.set("fail-on", check_choice(path, "fail-on", data["fail-on"], ("error", "warning", "info")), where)
    if "format" in data:
        config.set("format", check_choice(path, "format", data["format"], FORMATS), where)
    if "no-default-rules" in data:
        config.set("no-default-rules", bool(data["no-default-rules"]), where)
    if "jobs" in data:
        if not isinstance(data["jobs"], int) or data["jobs"] < 1:
            raise ConfigError(f"{path}: jobs must be a whole number of at least 1")
        config.set("jobs", data["jobs"], where)
    return config


def check_choice(path: Path | str, key: str, value: Any, choices: tuple[str, ...]) -> str:
    text = str(value).lower()
    if text not in choices:
        raise ConfigError(f"{path}: {key} must be one of {', '.join(choices)}, not {value!r}")
    return text


def _severity_or_off(path: Path, rule_id: Any, value: Any) -> str:
    text = "off" if value is False else str(value).lower()
    if text not in ("error", "warning", "info", "off"):
        raise ConfigError(f"{path}: rules.{rule_id}: must be error, warning, info or off, not {value!r}")
    return text


def _as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return list(value)
