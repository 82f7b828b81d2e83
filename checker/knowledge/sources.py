"""Guideline sources and the ways letters name them (``rules/sources.yaml``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from checker.resources import rules_path
from checker.text import language

#: The guideline reviewers must apply first (8 CCR 9792.21.1); the others are "other guidelines".
MTUS = "MTUS"


@dataclass(frozen=True)
class Sources:
    """Guideline source names (``rules/sources.yaml``)."""

    names: tuple[tuple[str, str], ...]  # (source id, name) longest name first
    editions: dict[str, str]
    record_words: frozenset[str]
    guideline_words: re.Pattern[str]
    name_pattern: re.Pattern[str]
    guideline_word_list: tuple[str, ...] = ()  # the words guideline_words matches
    attribution: tuple[tuple[str, str], ...] = ()  # (source id, name a rationale attributes by)
    other_authorities: tuple[str, ...] = ()  # CDC, FDA: not guideline sources, not the MTUS either


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
        attribution=tuple((src["id"], str(name)) for src in data.get("sources", []) for name in src.get("attribution", [])),
        other_authorities=tuple(str(a) for a in data.get("other_authorities", [])),
    )


def source_id(written: str) -> str | None:
    written = written.lower()
    return next((sid for sid, name in sources().names if name.lower() == written), None)


# Patterns the item facts need (facts/item_facts.py wires them in place of
# its own constants): which guideline a rationale relies on, and whose a
# quoted figure is.


@lru_cache(maxsize=1)
def other_sources_pattern() -> re.Pattern[str]:
    """A rationale names a guideline or authority other than the MTUS: ODG, ACOEM, CDC, FDA.

    Replaces ``_OTHER_SOURCES`` of facts/item_facts.py; ``m.group().upper()``
    is what the ``other_guidelines`` fact lists.
    """
    src = sources()
    names = [name for sid, name in src.attribution if sid != MTUS] + list(src.other_authorities)
    return re.compile(rf"\b{language.phrase_alternation(names)}\b", re.I)


@lru_cache(maxsize=1)
def mtus_pattern() -> re.Pattern[str]:
    """A rationale attributes something to the MTUS ("MTUS", "CPMTG", "Chronic Pain Treatment").

    Replaces ``_MTUS`` of facts/item_facts.py.
    """
    names = [name for sid, name in sources().attribution if sid == MTUS]
    return re.compile(rf"\b{language.phrase_alternation(names)}\b", re.I)


@lru_cache(maxsize=1)
def mtus_silent_pattern() -> re.Pattern[str]:
    """The MTUS, or "guidelines", said to be silent on the question ("the MTUS does not address ...").

    Replaces ``_MTUS_SILENT`` of facts/item_facts.py.  Its subject is a
    guideline word that names no other source (MTUS, CPMTG, guideline(s));
    the silence phrases are ``conclusions.guideline_silent``.
    """
    subjects = [w for w in sources().guideline_word_list if source_id(w) in (None, MTUS)]
    silent = language.alternation("conclusions.guideline_silent")
    return re.compile(rf"\b{language.phrase_alternation(subjects)}\b[^.]{{0,60}}\b{silent}", re.I)


def own_drug_words() -> list[str]:
    """Words for the item's own drug in its rationale ("this medication"): ``context.own_drug``.

    Replaces ``_OWN_DRUG_WORDS`` of facts/item_facts.py (a new list each call).
    """
    return list(language.phrases("context.own_drug"))
