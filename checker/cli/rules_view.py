"""Terminal output for rule authors: rule lists, rule docs, rule test results, config."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from checker.cli.config import Config
from checker.rules.loader import Rule, RuleSet
from checker.rules.ruletests import Outcome


def render_list(console: Console, ruleset: RuleSet) -> None:
    table = Table(show_header=True, header_style="bold", pad_edge=False)
    for column in ("rule", "category", "severity", "title"):
        table.add_column(column, overflow="fold")
    for rule in sorted(ruleset.rules, key=lambda r: (r.category, r.id)):
        severity = rule.severity.value if rule.enabled else "off"
        table.add_row(rule.id, rule.category, severity, rule.title)
    console.print(table)
    console.print(f"{len(ruleset.rules)} rules, {len(ruleset.enabled())} enabled")


def render_rule(console: Console, rule: Rule) -> None:
    console.print(_rule_heading(rule), end="")
    # The path is never wrapped: it stays one line that a terminal can open and a script can read.
    console.print(f"defined at: {rule.file or rule.where.path}:{rule.where.line}", soft_wrap=True, markup=False, highlight=False)
    console.print(_rule_body(rule))


def _rule_heading(rule: Rule) -> Text:
    text = Text()
    text.append(rule.id, style="bold")
    text.append(f"  {rule.title}\n")
    text.append(f"category: {rule.category}   severity: {rule.severity.value}{'' if rule.enabled else ' (off)'}\n")
    if rule.guideline_reference:
        text.append(f"guideline: {rule.guideline_reference}\n")
    if rule.topics or rule.drugs:
        text.append(f"applies to: {', '.join([*rule.topics, *rule.drugs])}\n")
    return text


def _rule_body(rule: Rule) -> Text:
    text = Text()
    if rule.description:
        text.append(f"\n{rule.description}\n")
    if rule.for_each:
        text.append(f"\nfor each: {rule.for_each[0]} in {rule.for_each[1]}\n")
    if rule.when is not None:
        text.append(f"when: {' '.join(rule.when.source.split())}\n")
    for condition, severity in rule.severity_when:
        text.append(f"severity {severity.value} when: {' '.join(condition.source.split())}\n")
    text.append(f"message: {rule.message}\n")
    if rule.tests:
        counts = {k: sum(1 for t in rule.tests if t.expect == k) for k in ("hit", "ok", "gap")}
        text.append(f"\nexamples: {counts['hit']} must trigger, {counts['ok']} must not, {counts['gap']} known gaps\n")
    return text


def render_tests(console: Console, outcomes: list[Outcome], untested: list[str] = (), require_tests: bool = False) -> bool:
    """Print per-rule results and the rules without examples; True when the run failed."""
    failed = False
    totals = {"hits": 0, "passes": 0, "misses": 0, "false_alarms": 0, "gaps": 0}
    for o in outcomes:
        status = Text("FAIL", style="bold red") if o.failed else Text("ok  ", style="green")
        line = Text.assemble(
            status,
            f" {o.rule.id}: {o.hits} hits, {len(o.misses)} misses, {len(o.false_alarms)} false alarms, "
            f"{o.passes} quiet, {o.gaps} known gaps",
        )
        console.print(line)
        for message in o.misses + o.false_alarms + o.errors:
            console.print(f"    {message}", markup=False)
        for message in o.fixed_gaps:
            console.print(f"    note: {message}", markup=False)
        failed |= o.failed
        totals["hits"] += o.hits
        totals["passes"] += o.passes
        totals["misses"] += len(o.misses)
        totals["false_alarms"] += len(o.false_alarms)
        totals["gaps"] += o.gaps
    for rule_id in untested:
        label = Text("FAIL", style="bold red") if require_tests else Text("none", style="yellow")
        console.print(Text.assemble(label, f" {rule_id}: no examples (untested)"))
    console.print(
        f"{len(outcomes)} rules tested: {totals['hits']} hits, {totals['misses']} misses, "
        f"{totals['false_alarms']} false alarms, {totals['passes']} quiet, {totals['gaps']} known gaps"
        + (f"; {len(untested)} untested" if untested else "")
    )
    return failed or (require_tests and bool(untested))


def render_config(console: Console, config: Config) -> None:
    source = str(config.path) if config.path else "no .imr-check.yaml or [tool.imr-check] found; defaults"
    console.print(f"configuration file: {source}", markup=False)
    for key, value in config.as_dict().items():
        console.print(f"  {key}: {_plain(value)}    ({config.source(key)})", markup=False)


def _plain(value: object) -> str:
    """A configuration value as a person writes it, not as Python prints it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) or "(none)"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render_explain(console: Console, rule: Rule) -> None:
    """A rule's documentation: description, guideline, condition and its examples."""
    render_rule(console, rule)
    for test in rule.tests:
        verdict = {"hit": "triggers on", "ok": "stays quiet on", "gap": "should trigger on (known gap)"}[test.expect]
        name = f" ({test.name})" if test.name else ""
        console.print(Text(f"example{name}: {verdict}", style="bold"))
        if test.file is not None:
            console.print(f"  the letter {test.file.name}", markup=False)
            continue
        letter = test.letter or {}
        if letter.get("summary"):
            console.print(f"  summary: {letter['summary']}", markup=False)
        for item in letter.get("items", []):
            console.print(f"  {item['request']}: {str(item['decision']).capitalize()}", markup=False)
            for key in ("admin", "reviewer"):
                if item.get(key):
                    console.print(f"    {key} guideline: {item[key]}", markup=False)
            console.print(f"    rationale: {item['rationale']}", markup=False)
