"""Guidelines and editions as data (rules/guidelines/, rules/sources.yaml) and how editions are decided."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from checker.knowledge.guideline import GuidelineError, default_guideline, guidelines, load_guideline, load_guidelines
from checker.letter.editions import decide_editions
from checker.rules.loader import RuleError, load_rule_file
from checker.rules.ruletests import letter_text
from tests.conftest import ROOT, read_text

GUIDELINES = ROOT / "rules" / "guidelines"


def test_one_file_per_guideline_and_edition():
    known = guidelines()
    assert sorted(known.by_id) == sorted(p.stem for p in GUIDELINES.glob("*.yaml"))
    assert {(g.family, g.edition) for g in known.by_id.values()} >= {
        ("cpmtg", "2009"), ("cpmtg", "2016"), ("opioids-tg", "2016"), ("acoem", "2004"), ("acoem", "2011"),
        ("acoem", "2017"), ("odg", None), ("acupuncture", None), ("formulary", None),
    }
    assert [g.id for g in known.by_id.values() if g.has_page_map] == ["cpmtg-2009"]


@pytest.mark.parametrize(
    "family,day,edition",
    [
        ("cpmtg", dt.date(2016, 7, 28), "2009"),
        ("cpmtg", dt.date(2016, 7, 29), "2016"),
        ("cpmtg", dt.date(2021, 2, 15), "2016"),
        ("cpmtg", dt.date(2008, 1, 1), None),
        ("opioids-tg", dt.date(2015, 1, 1), None),
        ("opioids-tg", dt.date(2017, 3, 2), "2016"),
        ("acoem", dt.date(2017, 11, 30), "2004"),
        ("acoem", dt.date(2017, 12, 1), "2017"),
        ("odg", dt.date(2015, 1, 1), None),
    ],
)
def test_the_edition_in_force_on_a_date(family, day, edition):
    found = guidelines().in_force(family, day)
    assert (found.edition if found else None) == edition


def test_a_page_is_about_the_topic_whose_main_entry_it_is():
    cpmtg = default_guideline()
    assert [t.id for t in cpmtg.topics_of_page(29)][:1] == ["carisoprodol"]  # capsaicin 28-29 shares it
    assert "anti-inflammatory-medications" in [t.id for t in cpmtg.topics_of_page(22)]
    assert 22 in cpmtg.allowed_pages("nsaids") and 124 in cpmtg.allowed_pages("benzodiazepines")
    assert 124 in cpmtg.allowed_pages("carisoprodol") and set(range(111, 114)) <= cpmtg.allowed_pages("topical-nsaids")


def test_statements_name_their_guideline_wording_and_certainty():
    cpmtg = default_guideline()
    by_id = {s.id: s for s in cpmtg.statements}
    assert by_id["carisoprodol-2-3-weeks"].pages == (65,)
    assert by_id["opioids-120-med"].certainty == "unverified"
    assert all(s.guideline == "cpmtg-2009" and s.wording in ("verbatim", "paraphrase") for s in cpmtg.statements)


@pytest.mark.parametrize(
    "change,says",
    [
        (("pagination: pages", "pagination: chapters"), "guideline.pagination"),
        (("  certainty: verified\n\ntopics:", "  certainty: sure\n\ntopics:"), "guideline.certainty"),
        (("    related: [nsaids, weaning]", "    related: [nsaids, weening]"), "unknown topic 'weening'"),
        (("    topic: opioids\n    pages: [86]", "    topic: opiods\n    pages: [86]"), "unknown topic 'opiods'"),
    ],
)
def test_a_broken_guideline_file_names_the_file_and_place(tmp_path, change, says):
    path = tmp_path / "cpmtg-2009.yaml"
    text = (GUIDELINES / "cpmtg-2009.yaml").read_text(encoding="utf-8")
    assert change[0] in text
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(GuidelineError) as error:
        load_guideline(path)
    assert str(path) in str(error.value) and says in str(error.value)


def test_a_guideline_file_is_named_after_its_id(tmp_path):
    shutil.copy(GUIDELINES / "odg.yaml", tmp_path / "odg-2020.yaml")
    with pytest.raises(GuidelineError, match="named after its id"):
        load_guidelines(tmp_path)


def test_a_rule_names_known_editions_only(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(
        "ruleset: mine\nrules:\n  - id: soma-2009\n    title: Soma approved\n    category: guideline-criteria\n"
        "    severity: info\n    editions: [cpmtg-2010]\n    when: item.approved\n    message: approved\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError, match=r"rules.yaml:7: rules\[0\]\.editions\[0\]: unknown guideline edition 'cpmtg-2010'"):
        load_rule_file(path, default_guideline())


def _letter(tmp_path, header: str, admin: str, rationale: str):
    spec = {"header": header, "items": [{"request": "Soma 350mg #60", "decision": "Upheld", "admin": admin,
                                         "rationale": rationale + " The request is not medically necessary."}]}
    letter = read_text(letter_text(spec), tmp_path).letter
    return letter, letter.items[0].citations


def test_dates_decide_an_edition_the_words_leave_open(tmp_path):
    letter, (admin, rationale) = _letter(tmp_path, "UR Denial Date: 07/29/2016", "MTUS Chronic Pain Medical Treatment "
                                         "Guidelines, page 29.", "As stated on page 29 of the MTUS, Soma is not recommended.")
    assert letter.edition_in_force == "2016" and letter.dates.ur_decision == dt.date(2016, 7, 29)
    assert (admin.guideline, admin.edition, admin.decided_by) == ("cpmtg", "2016", "dates")
    assert (rationale.guideline, rationale.edition, rationale.decided_by) == ("cpmtg", "2016", "item-lines")


def test_the_words_win_over_the_dates(tmp_path):
    letter, (admin, rationale) = _letter(tmp_path, "UR Denial Date: 03/08/2017", "MTUS Chronic Pain Medical Treatment "
                                         "Guidelines (2009), page 29.", "Per the 2009 MTUS, page 65, Soma is not recommended.")
    assert letter.edition_in_force == "2016"
    assert (admin.edition, admin.decided_by, rationale.edition, rationale.decided_by) == ("2009", "citation", "2009", "citation")


def test_without_dates_or_words_the_edition_is_unknown(tmp_path):
    letter, (admin, rationale) = _letter(tmp_path, "Priority: Standard", "MTUS Chronic Pain Medical Treatment Guidelines, "
                                         "page 29.", "As stated on page 29 of the MTUS, Soma is not recommended.")
    assert letter.edition_in_force is None
    assert (admin.edition, admin.decided_by, rationale.edition, rationale.decided_by) == (None, "unknown", None, "unknown")


def test_a_rationale_page_belongs_to_the_line_that_lists_it(tmp_path):
    letter, citations = _letter(
        tmp_path, "UR Denial Date: 09/04/2013",
        "ACOEM Practice Guidelines, 2nd Edition (2004), Chapter 12, page 303; ODG Low Back Chapter.",
        "Page 303 supports imaging with red flags.",
    )
    rationale = citations[-1]
    assert (rationale.guideline, rationale.edition, rationale.decided_by) == ("acoem", "2004", "item-lines")
    decide_editions(letter)  # deciding again changes nothing
    assert (citations[-1].guideline, citations[-1].edition) == ("acoem", "2004")


def _named_by_definition(guideline, text):
    """The topic a text names, as topic_named defines it: the longest topic name (title or other name)
    the text holds as whole words, after lower case and punctuation to spaces; the first topic on a tie."""
    import re

    def key(t):
        return re.sub(r"[^a-z0-9/&]+", " ", t.lower()).strip()

    best = None
    for topic in guideline.topics.values():
        for name in (topic.title, *topic.names):
            name_key = key(name)
            if name_key and re.search(rf"\b{re.escape(name_key)}\b", key(text)):
                if best is None or len(name_key) > best[0]:
                    best = (len(name_key), topic.id)
    return best[1] if best else None


def test_a_text_names_the_topic_of_its_longest_topic_name():
    cases = 0
    for guideline in guidelines().by_id.values():
        names = [n for t in guideline.topics.values() for n in (t.title, *t.names)]
        texts = [*names, *(f"Chronic Pain, {n.upper()}, pages 63-66" for n in names), "pages 1-3", "Opioids-ish/other"]
        texts += [f"{a} and {b}" for a, b in zip(names, names[1:])]
        texts += [f"pre{n}post" for n in names]  # a name inside a longer word names nothing
        for text in texts:
            topic = guideline.topic_named(text)
            assert (topic.id if topic else None) == _named_by_definition(guideline, text), (guideline.id, text)
            cases += topic is not None
    assert cases > 100


def test_a_guideline_keeps_a_bounded_number_of_answers():
    from checker.knowledge import guideline as module

    guideline = load_guideline(GUIDELINES / "cpmtg-2009.yaml")
    for n in range(module._MOST_ANSWERS * 2 + 7):
        assert guideline.topic_named(f"text {n} of a letter") is None
        assert len(guideline._answers) <= module._MOST_ANSWERS
    assert guideline.topic_named("Muscle relaxants (for pain)") is not None
    assert guideline.topics_of_page(29) == guideline.topics_of_page(29) != []
