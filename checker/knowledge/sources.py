"""Guideline sources and the ways letters name them (``rules/sources.yaml``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from checker.resources import rules_path


@dataclass(frozen=True)
class Sources:
    """Guideline source names (``rules/sources.yaml``)."""

    names: tuple[tuple[str, str], ...]  # (source id, name) longest name first
    editions: dict[str, str]
    record_words: frozenset[str]
    guideline_words: re.Pattern[str]
    name_pattern: re.Pattern[str]
    guideline_word_list: tuple[str, ...] = ()  # the words guideline_words matches


@lru_cache(maxsize=1)
def sources() -> Sources:
    data = yaml.safe_load(rules_path("sources.yaml").read_text(encoding="utf-8")) or {}
    names = []
    editions = {}
    for src in data.get("sources", []):
        editions[src["id"]] = str(src.get("default_edition") or "")
        for name in [src["id"], *src.get("names", [])]:
            names.append((src["id"], str(name)))
    names.sort(key=lambda pair: (-len(pair[1]), pair[1]))
    alternatives = "|".join(re.escape(n) for _, n in names)
    guideline = "|".join(re.escape(w) for w in data.get("guideline_words", []))
    return Sources(
        names=tuple(names),
        editions=editions,
        record_words=frozenset(w.lower() for w in data.get("record_words", [])),
        guideline_words=re.compile(rf"\b(?:{guideline})\b", re.I),
        name_pattern=re.compile(rf"\b(?:{alternatives})\b", re.I),
        guideline_word_list=tuple(str(w) for w in data.get("guideline_words", [])),
    )


def source_id(written: str) -> str | None:
    written = written.lower()
    return next((sid for sid, name in sources().names if name.lower() == written), None)
