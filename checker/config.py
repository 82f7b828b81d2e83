"""User configuration: ``.imr-check.yaml`` or ``[tool.imr-check]`` in ``pyproject.toml``.

Found by walking up from the working directory; the nearest file wins.
Command-line flags win over the file.  Example ``.imr-check.yaml``::

    rules:
      cited-page-off-topic: info      # change a shipped rule's severity
      carisoprodol-approved: off      # or switch it off
    rule-dirs: [my-rules]             # extra rule directories (relative to this file)
    fail-on: warning
    format: json
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CONFIG_NAMES = (".imr-check.yaml", ".imr-check.yml", "pyproject.toml")
_KEYS = {"rules", "rule-dirs", "fail-on", "format", "no-default-rules"}


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file."""


@dataclass
class Config:
    path: Path | None = None
    rules: dict[str, str] = field(default_factory=dict)
    rule_dirs: list[Path] = field(default_factory=list)
    fail_on: str | None = None
    format: str | None = None
    no_default_rules: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "rules": dict(self.rules),
            "rule-dirs": [str(p) for p in self.rule_dirs],
            "fail-on": self.fail_on,
            "format": self.format,
            "no-default-rules": self.no_default_rules,
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
    if path is None:
        return Config()
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
    rules = data.get("rules") or {}
    if not isinstance(rules, dict):
        raise ConfigError(f"{path}: 'rules' must map rule ids to error, warning, info or off")
    config = Config(path=path)
    for rule_id, value in rules.items():
        text = "off" if value is False else str(value).lower()
        if text not in ("error", "warning", "info", "off"):
            raise ConfigError(f"{path}: rules.{rule_id}: must be error, warning, info or off, not {value!r}")
        config.rules[str(rule_id)] = text
    config.rule_dirs = [(path.parent / str(d)) for d in data.get("rule-dirs") or []]
    config.fail_on = data.get("fail-on")
    config.format = data.get("format")
    config.no_default_rules = bool(data.get("no-default-rules", False))
    if config.fail_on is not None and config.fail_on not in ("error", "warning", "info"):
        raise ConfigError(f"{path}: fail-on must be error, warning or info, not {config.fail_on!r}")
    return config
