"""Step 4b: the facts rules reason about, per item and per letter.

Rules are YAML; they see the letter only through the plain values built here
(numbers, strings, lists, nested records), so a rule author never needs
Python and a rule can never reach into the program.  Values that a finding
can point at carry their span under ``_span`` (and the letter's words under
``_text``); the rule engine uses those for positions and evidence.

The vocabulary is documented in ``docs/rules.md``; keep the two in step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from checker.facts import conflicts as consistency
from checker.facts.documentation import DOCUMENTED, NOT_DOCUMENTED, find_mentions, status_by_concept
from checker.facts.durations import durations, request_date, supply_days
from checker.text.dates import parse_date
from checker.knowledge.guideline import Concept, Guideline, Statement, normalise_value
from checker.knowledge.lexicon import Drug, Lexicon
from checker.facts.records import Record, spanned
from checker.model import NECESSARY, NOT_NECESSARY, OVERTURNED, UPHELD, Item, Letter, Problem, Span
from checker.text.sentences import sentence_at

Facts = Record

_OTHER_SOURCES = re.compile(r"\b(?:ODG|Official\s+Disability\s+Guidelines?|ACOEM|CDC|FDA)\b", re.I)
_MTUS = re.compile(r"\b(?:MTUS|CPMTG|Chronic\s+Pain\s+(?:Medical\s+)?Treatment)\b", re.I)
_OWN_DRUG_WORDS = ["this medication", "the medication", "these medications", "this drug", "the requested medication"]


@dataclass
class Knowledge:
    """Everything the facts step needs from ``rules/``: loaded once, shared."""

    guideline: Guideline
    lexicon: Lexicon
    concepts: dict[str, Concept]
    statements: list[Statement] = field(default_factory=list)


def letter_facts(letter: Letter, knowledge: Knowledge, whole: Facts | None = None) -> Facts:
    """Facts about the letter as a whole."""
    return {
        "format": letter.format,
        "final_determination": spanned(
            letter.final_determination, _final_determination_span(letter), value=letter.final_determination
        ),
        "decisions": [i.decision for i in letter.items],
        "item_count": len(letter.items),
        "problems": [_problem(p) for p in letter.problems if p.item is None],
        "patient": {
            "age": letter.patient.age,
            "sex": letter.patient.sex,
            "injury_date": letter.patient.injury_date.isoformat() if letter.patient.injury_date else None,
        },
        # letter-wide disagreements not tied to one item (in the case summary)
        **{
            key: [r for r in records if r["item"] is None]
            for key, records in (whole or letter_consistency(letter, knowledge)).items()
        },
    }


def _problem(problem: Problem) -> Facts:
    return spanned(problem.text or None, problem.span, kind=problem.kind, words=problem.text)


def suppression_facts(letter: Letter) -> list[Facts]:
    """The letter's suppression markers, after the engine has matched them with findings."""
    return [
        spanned(None, m.span, ids=list(m.ids), reason=m.reason, item=m.item, used=m.used)
        for m in letter.suppressions
    ]


def _final_determination_span(letter: Letter) -> Span | None:
    normal = letter.normal
    if normal is None or not letter.final_determination:
        return None
    m = re.search(r"(?im)^(?:final\s+)?determination\s*:\s*(.+)$", normal.text)
    return normal.span(m.start(1), m.end(1)) if m else None


def item_facts(letter: Letter, item: Item, knowledge: Knowledge, whole: Facts | None = None) -> Facts:
    """Facts about one disputed item."""
    guideline = knowledge.guideline
    request = item.request
    drug = knowledge.lexicon.get(request.drug) if request.drug else None
    topic = guideline.topic(drug.topic) if drug else _topic_of_treatment(item, guideline)
    mentions = find_mentions(item.rationale_text, knowledge.concepts)
    verdicts = status_by_concept(mentions)
    duration = _duration(letter, item, drug)
    facts: Facts = {
        "index": item.index,
        "problems": [_problem(p) for p in letter.problems if p.item == item.index],
        "decision": spanned(item.decision, item.decision_span, value=item.decision),
        "conclusion": spanned(
            item.conclusion.text if item.conclusion else None,
            item.conclusion.span if item.conclusion else None,
            value=item.conclusion.polarity if item.conclusion else None,
        ),
        "request": spanned(item.request_text, item.request_span, value=item.request_text),
        "heading": spanned(item.request_text, item.heading_span),
        "rationale": spanned(item.rationale_text, item.rationale_span, value=item.rationale_text),
        "has_rationale": bool(item.rationale_text.strip()),
        "drug": request.drug,
        "drug_class": request.drug_class,
        "drug_as_written": request.drug_as_written,
        "topic": topic.id if topic else None,
        "topics": [t.id for t in guideline.lineage(topic.id)] if topic else [],
        "topic_title": topic.title if topic else None,
        "topic_certainty": topic.certainty if topic else None,
        "topic_pages": sorted(topic.pages) if topic else [],
        "strength": request.strength,
        "strength_mg": request.strength_values[0] if request.strength_values and request.strength_unit == "mg" else None,
        "quantity": request.quantity,
        "days_supply": request.days_supply,
        "doses_per_day": request.doses_per_day,
        "frequency": request.frequency,
        "supply_days": supply_days(request.days_supply, request.quantity, request.doses_per_day),
        "med": _morphine_equivalent(drug, request.strength_values, request.strength_unit, request.doses_per_day),
        "duration_days": duration["days"] if duration else None,
        "duration": duration or spanned(None, None, days=None),
        "pages": {kind: item.pages(kind) for kind in ("admin", "reviewer", "rationale")},
        "guideline_pages": sorted(set(item.pages("admin")) | set(item.pages("reviewer"))),
        "sections": item.sections("admin") + item.sections("reviewer"),
        "documented": sorted(c for c, v in verdicts.items() if v == DOCUMENTED),
        "undocumented": sorted(c for c, v in verdicts.items() if v == NOT_DOCUMENTED),
        "mentioned": sorted(verdicts),
        "concepts": {
            m.concept: spanned(item.rationale_text[m.start : m.end], _rationale_span(letter, item, m.start, m.end), status=m.status)
            for m in reversed(mentions)
        },
        "other_guidelines": sorted({m.group().upper() for m in _OTHER_SOURCES.finditer(item.rationale_text)}),
        "exception": "exception" in verdicts and verdicts["exception"] != NOT_DOCUMENTED,
    }
    facts["names_other_guideline"] = bool(facts["other_guidelines"])
    facts["relies_on_other_guideline"] = _relies_on_other_guideline(item)
    # The decision as the rationale supports it: a decision that contradicts
    # its own conclusion is reported once (decision-conclusion), not again by
    # every criteria rule.
    conclusion = item.conclusion.polarity if item.conclusion else None
    facts["approved"] = item.decision == OVERTURNED and conclusion != NOT_NECESSARY
    facts["denied"] = item.decision == UPHELD and conclusion != NECESSARY
    _consistency(letter, item, knowledge, facts, whole or letter_consistency(letter, knowledge))
    facts["cited_pages"] = _cited_pages(item, topic.id if topic else None, guideline)
    facts["cited_sections"] = _cited_sections(item, topic.id if topic else None, guideline)
    facts["quotes"] = _quotes(letter, item, topic.id if topic else None, knowledge)
    return facts


_MTUS_SILENT = re.compile(
    r"\b(?:MTUS|CPMTG|guidelines?)\b[^.]{0,60}\b(?:(?:is|are)\s+silent|do(?:es)?\s+not\s+(?:specifically\s+)?address|"
    r"(?:is|are)\s+not\s+addressed|no\s+(?:specific\s+)?(?:recommendation|guidance))",
    re.I,
)


def _consistency(letter: Letter, item: Item, knowledge: Knowledge, facts: Facts, whole: Facts) -> None:
    """Facts for holding the item against the rest of the letter (fact-conflict, spelling)."""
    quantities, strengths = consistency.quantity_and_strength_conflicts(letter, item, knowledge.lexicon)
    facts["quantity_conflicts"] = quantities
    facts["strength_conflicts"] = strengths
    facts["amount_not_specified"] = consistency.amount_not_specified(letter, item, knowledge.lexicon)
    comparable = {cid for cid, c in knowledge.concepts.items() if c.conflicts}
    facts["concept_conflicts"] = consistency.concept_conflicts(letter, item, knowledge.concepts, comparable)
    for key in ("pronoun_conflicts", "patient_conflicts", "injury_date_conflicts", "misspellings"):
        facts[key] = [r for r in whole[key] if r["item"] == item.index]


def letter_consistency(letter: Letter, knowledge: Knowledge) -> Facts:
    """Letter-wide consistency records (pronouns, ages, injury dates, misspellings).

    Each record names its item (None: the case summary); the engine computes
    them once per letter and hands them to letter_facts and item_facts.
    """
    return {
        "pronoun_conflicts": consistency.pronoun_conflicts(letter),
        "patient_conflicts": consistency.age_and_sex_conflicts(letter),
        "injury_date_conflicts": consistency.injury_date_conflicts(letter),
        "misspellings": consistency.misspellings(letter, knowledge.lexicon),
    }

def _relies_on_other_guideline(item: Item) -> bool:
    """Does the rationale rest its decision on a guideline other than the MTUS?

    Yes when it names another guideline and either never cites the MTUS, says
    the MTUS is silent on the question, or names the other guideline in its
    concluding sentence.  Merely quoting ODG alongside the MTUS does not count.
    """
    text = item.rationale_text
    if not _OTHER_SOURCES.search(text):
        return False
    if not _MTUS.search(text) or _MTUS_SILENT.search(text):
        return True
    return bool(item.conclusion and _OTHER_SOURCES.search(item.conclusion.text))


def _rationale_span(letter: Letter, item: Item, start: int, end: int) -> Span | None:
    if letter.normal is None:
        return None
    return letter.normal.span(item.rationale_start + start, item.rationale_start + end)


def _topic_of_treatment(item: Item, guideline: Guideline):
    """A non-drug treatment ("Physical therapy 2x4") named by a topic."""
    name = item.request.name or item.request_text
    return guideline.topic_named(name) if name else None


def _morphine_equivalent(
    drug: Drug | None, strengths: tuple[float, ...], unit: str | None, doses_per_day: float | None
) -> float | None:
    """Daily oral morphine-equivalent dose from strength, frequency and the CDC factor."""
    if drug is None or not strengths or not doses_per_day:
        return None
    amount = strengths[0]
    if unit == "mcg/hr" and drug.mme_factor_per_mcg_hr:
        return round(amount * drug.mme_factor_per_mcg_hr, 1)
    if unit != "mg":
        return None
    daily = amount * doses_per_day
    if drug.mme_bands:
        for limit, factor in drug.mme_bands:
            if limit is None or daily <= limit:
                return round(daily * factor, 1)
    if drug.mme_factor is not None:
        return round(daily * drug.mme_factor, 1)
    return None


def _duration(letter: Letter, item: Item, drug: Drug | None) -> Facts | None:
    """The longest duration of use the letter states for this item's drug."""
    if drug is None or letter.normal is None:
        return None
    names = [drug.generic, *drug.names, *drug.misspellings]
    if item.request.drug_as_written:
        names.append(item.request.drug_as_written)
    if drug.drug_class:
        names.append(re.sub(r"\s*\(.*\)", "", drug.drug_class))
    summary = letter.section("summary")
    header_dates = [
        d for d in (parse_date(f.value) for f in letter.header if re.search(r"UR|Application|Decision", f.label)) if d
    ]
    reference = request_date(summary.text if summary else "", header_dates)
    candidates = []
    for d in durations(item.rationale_text, names + _OWN_DRUG_WORDS, reference):
        candidates.append((d.days, d.text, item.rationale_start + d.start, item.rationale_start + d.end))
    if summary is not None:
        for d in durations(summary.text, names, reference):
            candidates.append((d.days, d.text, summary.body_start + d.start, summary.body_start + d.end))
    if item.request.days_supply:
        candidates.append((item.request.days_supply, item.request_text, None, None))
    if not candidates:
        return None
    days, text, start, end = max(candidates, key=lambda c: (c[0], c[2] or 0))
    span = letter.normal.span(start, end) if start is not None else item.request_span
    return spanned(text, span, days=days)


def _cited_pages(item: Item, topic_id: str | None, guideline: Guideline) -> list[Facts]:
    """Every page an item's citations name, with what the page map says of it."""
    allowed = guideline.allowed_pages(topic_id) if topic_id else frozenset()
    guideline_lines = set(item.pages("admin")) | set(item.pages("reviewer"))
    section_pages: set[int] = set()
    for name in item.sections("admin") + item.sections("reviewer"):
        named = guideline.topic_named(name)
        if named is not None:
            section_pages |= guideline.allowed_pages(named.id)
    records = []
    for citation in item.citations:
        for ref in citation.page_refs:
            source = ref.source or citation.source or "MTUS"
            edition = citation.edition
            for page in ref.pages:
                topics = guideline.topics_of_page(page)
                covers = page in allowed if topic_id else None
                # The topic the page is about, when it is not the item's own.
                other = topics[0] if topics and covers is False else None
                records.append(
                    spanned(
                        ref.text,
                        ref.span_of_page(page),
                        number=page,
                        kind=citation.kind,
                        source=source,
                        edition=edition,
                        mtus_2009=source == "MTUS" and edition in (None, "", guideline.edition),
                        in_guideline=1 <= page <= guideline.page_count,
                        last_page=guideline.page_count,
                        topics=[t.id for t in topics],
                        topic=other.id if other else None,
                        topic_title=other.title if other else None,
                        covers_item=covers,
                        in_guideline_lines=page in guideline_lines or page in section_pages,
                    )
                )
    return records


def _cited_sections(item: Item, topic_id: str | None, guideline: Guideline) -> list[Facts]:
    records = []
    for citation in item.citations:
        for name in citation.sections:
            named = guideline.topic_named(name)
            covers = None
            if topic_id and named is not None:
                covers = guideline.covers(topic_id, named.id) or guideline.covers(named.id, topic_id) or bool(
                    named.pages & guideline.allowed_pages(topic_id)
                )
            records.append(
                spanned(
                    name,
                    citation.span,
                    name=name,
                    kind=citation.kind,
                    topic=named.id if named else None,
                    topic_title=named.title if named else None,
                    covers_item=covers,
                )
            )
    return records


def _quotes(letter: Letter, item: Item, topic_id: str | None, knowledge: Knowledge) -> list[Facts]:
    """Guideline statements the rationale restates, with the value it gives."""
    records = []
    text = item.rationale_text
    guideline = knowledge.guideline
    for statement in knowledge.statements:
        if topic_id is None or not guideline.covers(topic_id, statement.topic):
            continue
        for pattern in statement.patterns:
            for m in pattern.finditer(text):
                value_group = next((g for g in m.groupdict() if g.startswith("value") and m.group(g)), None)
                if value_group is None:
                    continue
                s_start, s_end = sentence_at(text, m.start())
                sentence = text[s_start:s_end]
                if _OTHER_SOURCES.search(sentence) and not _MTUS.search(sentence):
                    continue  # attributed to another guideline
                value = normalise_value(m.group(value_group))
                records.append(
                    spanned(
                        m.group(),
                        _rationale_span(letter, item, m.start(value_group), m.end(value_group)),
                        statement=statement.id,
                        value=value,
                        expected=sorted(statement.expected),
                        matches=value in statement.expected,
                        says=statement.says,
                        pages=list(statement.pages),
                    )
                )
    return records
