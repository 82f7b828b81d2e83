"""Our own letters, in other wording, layouts and years, for each fix the second tester's letters asked for.

The tester's letters (tests/fixtures/independent/t3_*) showed three things:
a count after a page list read as pages ("pages 98-99, 9-10 visits"), the
2009 CPMTG's Duragesic entry (p. 44, and "Fentanyl", p. 47) missing from the
page map, and the benzodiazepine limit misquoted in words the statement's
pattern did not read ("use should be limited to no more than 8 weeks").
Each letter here says it differently, in another layout or year.
"""

from __future__ import annotations

import pytest

from checker.input.decode import decode
from checker.knowledge.guideline import default_guideline
from checker.pipeline import read_source
from checker.rules.loader import load_ruleset
from checker.rules.ruletests import letter_text


def _letter(layout: int, summary: str, request: str, rationale: str, reviewer: str, admin: str | None = None) -> str:
    """A one-item letter in ``layout``, written by the layouts' own composer (as rule tests write theirs)."""
    item = {"request": request, "decision": "Upheld", "reviewer": reviewer, "admin": admin, "rationale": rationale}
    return letter_text({"layout": layout, "summary": summary, "items": [item]})


@pytest.fixture(scope="module")
def ruleset():
    return load_ruleset(default_guideline())


def _check(text: str, ruleset):
    result = read_source("letter.txt", decode(text.encode("utf-8")), ruleset).result
    assert result.error is None, result.error
    return result


def _loud(result) -> list[tuple[str, str]]:
    return [(f.rule, f.message) for f in result.findings if f.severity.value in ("error", "warning")]


# --------------------------------------------------------------------------- Duragesic, p. 44 and 47
@pytest.mark.parametrize(
    "guideline,rationale",
    [
        ("MTUS Chronic Pain Medical Treatment Guidelines (2009), Duragesic (fentanyl transdermal system), page 44; "
         "Opioids, criteria for use, pages 76-80.",
         "Page 44 of the MTUS states that Duragesic is not recommended as a first-line therapy. Per pages 76-80, "
         "ongoing opioid use requires documented pain relief and functional improvement, which are not documented. "
         "The request for Duragesic 25 mcg/hr patch #15 is not medically necessary."),
        ("MTUS Chronic Pain Medical Treatment Guidelines, Fentanyl, p. 47; Duragesic, p. 44.",
         "The guidelines on page 47 refer fentanyl to the Duragesic entry on page 44, which does not recommend it as "
         "first-line therapy. Without documented functional improvement, the request for Duragesic 25 mcg/hr patch "
         "#15 is not medically necessary."),
    ],
)
def test_a_fentanyl_patch_may_cite_the_duragesic_pages(guideline, rationale, ruleset):
    text = _letter(
        3,
        "The injured worker is a 58-year-old male who sustained an industrial injury on 03/11/2011 while lifting "
        "boxes. He has used a fentanyl 25 mcg/hr patch every 72 hours since 2013 with pain of 7/10 and no documented "
        "improvement in function. The request for authorization dated 03/02/2015 was for Duragesic 25 mcg/hr patch "
        "#15. Utilization review non-certified the request.",
        "Duragesic 25 mcg/hr patch #15", rationale, guideline,
    )
    result = _check(text, ruleset)
    assert result.letter.items[0].request.drug == "fentanyl"
    assert _loud(result) == []


# --------------------------------------------------------------------------- a count after a page list
@pytest.mark.parametrize(
    "rationale",
    [
        "The MTUS guidelines, pages 98 and 99, 8-10 visits over 4 weeks for myalgia and myositis. The "
        "patient has already completed 24 sessions, and 12 more exceed the guidelines. The request for physical "
        "therapy, 12 sessions for the lumbar spine is not medically necessary.",
        "Per pp. 98-99, 9-10 visits over 8 weeks are recommended for neuralgia; the 12 sessions requested exceed this "
        "after the 24 already completed. The request for physical therapy, 12 sessions for the lumbar spine is not "
        "medically necessary.",
    ],
)
def test_visits_after_a_page_list_are_not_cited_pages(rationale, ruleset):
    text = _letter(
        1,
        "The patient is a 47-year-old female with a date of injury of 05/02/2012. She has completed 24 sessions of "
        "physical therapy since 2013 without lasting benefit. On 09/18/2014, Utilization Review non-certified the "
        "request for Physical therapy, 12 sessions for the lumbar spine.",
        "Physical therapy, 12 sessions for the lumbar spine", rationale,
        "MTUS Chronic Pain Medical Treatment Guidelines Physical Medicine, Page(s): 98-99.",
        admin="MTUS Chronic Pain Medical Treatment Guidelines, Physical Medicine, pages 98-99.",
    )
    result = _check(text, ruleset)
    cited = [c.pages for c in result.letter.items[0].citations if c.kind == "rationale"]
    assert cited == [[98, 99]]
    assert _loud(result) == []


# --------------------------------------------------------------------------- the benzodiazepine limit, in other words
@pytest.mark.parametrize(
    "sentence,misquoted",
    [
        ("Most guidelines restrict their use to 6 weeks.", True),
        ("Their use is limited to a maximum of 3 weeks by most guidelines.", True),
        ("Use should be limited to no more than 4 weeks.", False),
        ("Most guidelines restrict use to 4 weeks.", False),
    ],
)
def test_the_benzodiazepine_limit_is_read_in_other_words(sentence, misquoted, ruleset):
    text = _letter(
        3,
        "The injured worker is a 51-year-old female who sustained an industrial injury on 03/11/2011 while lifting "
        "boxes. She has taken lorazepam 1 mg twice a day since 2012 for anxiety and insomnia without improvement. The "
        "request for authorization dated 11/05/2014 was for Lorazepam 1 mg #60. Utilization review non-certified the "
        "request.",
        "Lorazepam 1 mg #60",
        f"Page 24 of the MTUS states that benzodiazepines are not recommended for long-term use because long-term "
        f"efficacy is unproven and there is a risk of dependence. {sentence} She has taken lorazepam since 2012. The "
        f"request for Lorazepam 1 mg #60 is not medically necessary.",
        "MTUS Chronic Pain Medical Treatment Guidelines (2009), Benzodiazepines, page 24.",
    )
    loud = _loud(_check(text, ruleset))
    assert [rule for rule, _ in loud] == (["guideline-misquoted"] if misquoted else []), loud
