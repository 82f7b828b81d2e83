"""Step 5: apply the rules to a letter's facts and produce findings.

The engine knows nothing about carisoprodol or page 24: rules (YAML) say what
to look for, facts (``checker.facts``, declared in ``checker.facts.registry``)
say what the letter states.  For each rule and each item it applies to, the
engine evaluates the rule's condition (once, or once per element of
``for_each``), and for every match builds a :class:`Finding` at the span the
rule names, with the evidence it names.  Facts are computed as the rules read
them, at most once per letter (``checker.facts.scope``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from checker.facts.scope import ItemFacts, Knowledge, LetterFacts
from checker.model import Evidence, Finding, Letter, Span, Suppression
from checker.rules.expressions import resolve
from checker.rules.loader import Rule, RuleSet
from checker.rules.messages import render

def check_letter(letter: Letter, ruleset: RuleSet, knowledge: Knowledge, only: set[str] | None = None) -> list[Finding]:
    """Findings of every enabled rule (or only the rules in ``only``) on one letter.

    Two stages: the ``check`` rules first; then the letter's suppression
    markers acknowledge the findings they name; then the ``suppressions``
    rules, which read what the markers matched (``unused-suppression``).
    """
    rules = [r for r in ruleset.enabled() if only is None or r.id in only]
    if not rules:
        return []
    facts = LetterFacts(letter, knowledge)
    findings = _run([r for r in rules if r.stage == "check"], facts)
    findings = _suppress(findings, letter)
    later = [r for r in rules if r.stage == "suppressions"]
    if later:
        findings += _run(later, facts)
    return _unique(findings)


def _run(rules: list[Rule], whole: LetterFacts) -> list[Finding]:
    findings: list[Finding] = []
    for rule in rules:
        if rule.scope == "letter":
            findings.extend(_apply(rule, {"letter": whole}, None, _letter_anchor(whole.letter)))
            continue
        for facts in whole.items:
            if _applies(rule, facts):
                anchor = facts["heading"]["_span"]
                findings.extend(_apply(rule, {"letter": whole, "item": facts}, facts["index"], anchor))
    return findings


def _suppress(findings: list[Finding], letter: Letter) -> list[Finding]:
    """Mark the findings the letter's markers acknowledge (and the markers as used)."""
    if not letter.suppressions:
        return findings
    marked = []
    for finding in findings:
        marker = next((m for m in letter.suppressions if _covers(m, finding)), None)
        if marker is not None:
            marker.used = True
            finding = replace(finding, suppressed=marker.reason)
        marked.append(finding)
    return marked


def _covers(marker: Suppression, finding: Finding) -> bool:
    if marker.item is not None and finding.item != marker.item:
        return False
    return finding.rule.lower() in marker.ids or finding.category.lower() in marker.ids


def _letter_anchor(letter: Letter) -> Span | None:
    if letter.items:
        return letter.items[0].heading_span
    return letter.sections[0].span if letter.sections else None


def _applies(rule: Rule, facts: ItemFacts) -> bool:
    if rule.drugs and facts.get("drug") not in rule.drugs:
        return False
    if rule.topics and not set(rule.topics) & set(facts.get("topics") or []):
        return False
    return not rule.editions or _in_editions(rule.editions, facts)


def _in_editions(editions: tuple[str, ...], facts: ItemFacts) -> bool:
    """Does one of the rule's guideline editions apply to the item?

    Only the item's editions of the rule's guidelines count: a rule written
    for the 2009 CPMTG is skipped for an item of the 2016 revision, and
    checked for an item whose CPMTG edition nothing settles (no citation
    names one, no date says).
    """
    known = facts.knowledge.editions
    families = {g.family for e in editions if (g := known.get(e)) is not None}
    relevant = {e for e in facts["editions"] if (g := known.get(e)) is not None and g.family in families}
    return not relevant or bool(relevant & set(editions))


def _apply(rule: Rule, context: dict[str, Any], item: int | None, anchor: Span | None) -> list[Finding]:
    contexts = [context]
    if rule.for_each:
        variable, path = rule.for_each
        elements = resolve(path, context) or []
        contexts = [{**context, variable: element} for element in elements if isinstance(elements, list)]
    found = []
    for ctx in contexts:
        if rule.when is not None and not rule.when.evaluate(ctx):
            continue
        severity = rule.severity
        for condition, alternative in rule.severity_when:
            if condition.evaluate(ctx):
                severity = alternative
                break
        span = _span_of(rule.at, ctx) if rule.at else None
        if span is None and rule.for_each:
            span = _span_of(rule.for_each[0], ctx)
        found.append(
            Finding(
                rule=rule.id,
                category=rule.category,
                severity=severity,
                message=render(rule.message, ctx),
                span=span or anchor,
                item=resolve(rule.item, ctx) if rule.item else item,
                evidence=_evidence(rule, ctx),
            )
        )
    return found


def _span_of(path: str, context: dict[str, Any]) -> Span | None:
    record = resolve(path, context)
    if isinstance(record, dict):
        span = record.get("_span")
        return span if isinstance(span, Span) else None
    return None


def _evidence(rule: Rule, context: dict[str, Any]) -> list[Evidence]:
    evidence = []
    for path in rule.evidence:
        record = resolve(path, context)
        records = record if isinstance(record, list) else [record]
        for r in records:
            if isinstance(r, dict) and isinstance(r.get("_span"), Span) and r.get("_text"):
                evidence.append(Evidence(_shorten(str(r["_text"])), r["_span"]))
    return evidence


def _shorten(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _unique(findings: list[Finding]) -> list[Finding]:
    seen = set()
    unique = []
    for f in findings:
        key = (f.rule, f.item, f.span, f.message)
        if key in seen:
            continue
        seen.add(key)
        unique.append(f)
    return unique
