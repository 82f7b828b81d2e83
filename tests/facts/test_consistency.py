"""Fact-conflict and spelling: the letter held against itself (issue 4).

Each kind of conflict is planted in a copy of a real seed letter (keeping
its PDF-extraction layout) or in one of our own letters, and must be caught
with both sides as evidence, each pointing at its own line.  Clean letters,
UR modifications and negated summary mentions must give nothing above info.
"""

from __future__ import annotations

import pytest

from checker.knowledge.guideline import default_guideline
from checker.model import Severity
from checker.pipeline import read_letter
from checker.input.discover import InputRef
from checker.rules.loader import load_ruleset
from tests.conftest import FIXTURES, LETTERS, SEEDS, load_expected


@pytest.fixture(scope="module")
def ruleset():
    return load_ruleset(default_guideline())


def _plant(tmp_path, source, *changes, name="planted.txt"):
    text = source.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, f"fixture no longer contains {old!r}"
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _findings(path, ruleset, rule):
    result = read_letter(InputRef(str(path)), ruleset).result
    assert result.error is None
    return [f for f in result.findings if f.rule == rule], result


def _line_of(path, needle):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def _both_sides(finding, path, first, second):
    """The finding's evidence holds both sides, each on its own line of the original file."""
    for needle in (first, second):
        line = _line_of(path, needle)
        assert any(e.span.line <= line <= e.span.end_line for e in finding.evidence), (needle, finding.evidence)


def test_quantity_conflict_in_a_seed(tmp_path, ruleset):
    path = _plant(tmp_path, SEEDS / "002_79c63337c1751a54.txt",
                  ("SOMA 350 MG BID # 60 FOR MUSCLE RELAXATION:  Upheld", "SOMA 350 MG BID # 90 FOR MUSCLE RELAXATION:  Upheld"))
    (finding,), _ = _findings(path, ruleset, "quantity-differs-within-letter")
    assert finding.item == 1 and finding.severity is Severity.WARNING and finding.category == "fact-conflict"
    assert "90" in finding.message and "60" in finding.message and "summary" in finding.message
    _both_sides(finding, path, "SOMA 350 MG BID # 90", "request for authorization for Soma 350 mg BID #60")


def test_seed_003_quantity_conflict_is_found_as_is(ruleset):
    found, _ = _findings(SEEDS / "003_f03b8f82d3723e56.txt", ruleset, "quantity-differs-within-letter")
    (finding,) = found
    assert finding.item == 1 and "90" in finding.message and "120" in finding.message
    _both_sides(finding, SEEDS / "003_f03b8f82d3723e56.txt", "Carsoprodol 350 mg, ninety count:", "350mg #120")


def test_strength_conflict(tmp_path, ruleset):
    path = _plant(tmp_path, SEEDS / "004_343a21e034c38e79.txt", ("Soma 350mg, #30: Upheld", "Soma 250mg, #30: Upheld"))
    (finding,), _ = _findings(path, ruleset, "strength-differs-within-letter")
    assert finding.item == 1 and "250 mg" in finding.message and "350 mg" in finding.message
    _both_sides(finding, path, "Soma 250mg, #30: Upheld", "current request for Soma 350mg #30")


def test_ur_modification_is_not_a_conflict(ruleset):
    """Seed 004: the request for Soma 350mg #30 was modified to #15 by UR; the item asks for #30."""
    _, result = _findings(SEEDS / "004_343a21e034c38e79.txt", ruleset, "quantity-differs-within-letter")
    assert [f for f in result.findings if f.severity.rank >= Severity.WARNING.rank] == []


def test_age_conflict(tmp_path, ruleset):
    path = _plant(tmp_path, SEEDS / "000_a530ee4abe81adc8.txt",
                  ("Decision rationale: Per MTUS Chronic Pain Guidelines on muscle relaxant,",
                   "Decision rationale: For this 37-year-old female, per MTUS Chronic Pain Guidelines on muscle relaxant,"))
    (finding,), _ = _findings(path, ruleset, "patient-age-or-sex-differs")
    assert finding.item == 1 and "37-year-old" in finding.message and "31-year-old" in finding.message
    _both_sides(finding, path, "37-year-old female", "31-year-old female")


def test_pronoun_conflict_in_a_seed(ruleset):
    """Seed 003: the rationale quotes the physician about 'her' sleep; the patient is a 60-year-old male."""
    (finding,), _ = _findings(SEEDS / "003_f03b8f82d3723e56.txt", ruleset, "pronoun-contradicts-sex")
    assert finding.item == 2 and '"her"' in finding.message
    _both_sides(finding, SEEDS / "003_f03b8f82d3723e56.txt", "her sleep", "60-year-old male")


def test_planted_sex_conflict_in_the_summary(tmp_path, ruleset):
    path = _plant(tmp_path, SEEDS / "000_a530ee4abe81adc8.txt",
                  ("resonance imaging studies are noted. Her treatments", "resonance imaging studies are noted. His treatments"))
    (finding,), _ = _findings(path, ruleset, "summary-pronoun-contradicts-sex")
    assert finding.item is None and finding.severity is Severity.WARNING
    _both_sides(finding, path, "His treatments", "31-year-old female")


def test_injury_date_conflict_between_header_and_summary(tmp_path, ruleset):
    header = "Case Number: CM15-0012345\n\nDate of Injury: 06/09/2006\n\n"
    text = header + (SEEDS / "000_a530ee4abe81adc8.txt").read_text(encoding="utf-8")
    path = tmp_path / "with-header.txt"
    path.write_text(text, encoding="utf-8")
    (finding,), _ = _findings(path, ruleset, "summary-injury-date-differs")
    assert "2005-06-09" in finding.message and "2006-06-09" in finding.message
    _both_sides(finding, path, "Date of Injury: 06/09/2006", "industrial injury on 6/9/2005")


def test_rationale_says_undocumented_what_the_summary_documents(tmp_path, ruleset):
    path = _plant(
        tmp_path,
        SEEDS / "002_79c63337c1751a54.txt",
        ("relaxation, there is no documentation of acute muscle spasms and the intention to treat over a ",
         "relaxation, the examination documented muscle spasms and the intention to treat over a "),
        ("However, there is no documentation of acute muscle ", "However, there is no documentation of muscle "),
    )
    (finding,), _ = _findings(path, ruleset, "documented-finding-said-missing")
    assert finding.item == 1 and finding.severity is Severity.WARNING
    _both_sides(finding, path, "However, there is no documentation of muscle", "examination documented muscle spasms")


def test_a_qualified_claim_against_an_unqualified_record_is_only_info(tmp_path, ruleset):
    path = _plant(
        tmp_path,
        SEEDS / "002_79c63337c1751a54.txt",
        ("relaxation, there is no documentation of acute muscle spasms and the intention to treat over a ",
         "relaxation, the examination documented muscle spasms and the intention to treat over a "),
    )
    (finding,), _ = _findings(path, ruleset, "documented-finding-said-missing")
    assert finding.severity is Severity.INFO  # "acute" spasm vs spasm


def test_negated_summary_mention_is_not_documentation(ruleset):
    """Seed 002's summary itself says there is no documentation of acute muscle spasms."""
    found, _ = _findings(SEEDS / "002_79c63337c1751a54.txt", ruleset, "documented-finding-said-missing")
    assert found == []


def test_amount_said_unspecified_in_seed_001(ruleset):
    found, _ = _findings(SEEDS / "001_ed7318db5454d5ef.txt", ruleset, "amount-said-unspecified")
    assert sorted(f.item for f in found) == [1, 2]
    soma = next(f for f in found if f.item == 1)
    _both_sides(soma, SEEDS / "001_ed7318db5454d5ef.txt", "specify an  amount", "Soma 350mg QTY")
    assert "120" in soma.message


def test_misspelling_is_reported_once_per_item_and_still_read_as_the_drug(ruleset):
    found, result = _findings(SEEDS / "003_f03b8f82d3723e56.txt", ruleset, "drug-name-misspelled")
    (finding,) = found
    assert finding.severity is Severity.WARNING and finding.item == 1  # in the item line
    assert "carisoprodol" in finding.message and len(finding.evidence) >= 1
    assert result.letter.items[0].request.drug == "carisoprodol"


def test_misspelling_only_in_prose_is_info(tmp_path, ruleset):
    path = _plant(tmp_path, SEEDS / "001_ed7318db5454d5ef.txt",
                  ("benzodiazepines are the treatment of choice", "benzodiazepines such as Alprazalam are the treatment of choice"))
    (finding,), _ = _findings(path, ruleset, "drug-name-misspelled")
    assert finding.severity is Severity.INFO and finding.item == 2


@pytest.mark.parametrize("name", sorted(load_expected(LETTERS)))
def test_own_letters_give_exactly_their_expected_loud_findings(name, ruleset):
    """Our clean letters: nothing above info but what expected.yaml lists (their planted misspellings)."""
    expected = {(f["category"], f["item"]) for f in load_expected(LETTERS)[name]["findings"]}
    result = read_letter(InputRef(str(LETTERS / name)), ruleset).result
    loud = {(f.category, f.item) for f in result.findings if f.severity.rank >= Severity.WARNING.rank}
    assert loud == expected


def test_quantity_conflict_in_our_own_format2_letter(tmp_path, ruleset):
    path = _plant(tmp_path, LETTERS / "f2_soma_upheld.txt",
                  ("1. Soma 350mg #120 is not medically necessary and appropriate.",
                   "1. Soma 350mg #90 is not medically necessary and appropriate."))
    found, _ = _findings(path, ruleset, "quantity-differs-within-letter")
    assert found and all(f.item == 1 for f in found)


def test_injury_date_conflict_in_our_own_format2_letter(tmp_path, ruleset):
    path = _plant(tmp_path, LETTERS / "f2_methocarbamol_overturned.txt",
                  ("Date of Injury: 06/04/2012", "Date of Injury: 06/04/2011"))
    (finding,), _ = _findings(path, ruleset, "summary-injury-date-differs")
    assert finding.severity is Severity.WARNING and finding.item is None
    _both_sides(finding, path, "Date of Injury: 06/04/2011", "reported an injury on 06/04/2012")


def test_pronoun_conflict_in_our_own_format3_letter(tmp_path, ruleset):
    path = _plant(tmp_path, LETTERS / "f3_alprazolam.txt",
                  ("Her anxiety scores and the frequency of her panic attacks",
                   "His anxiety scores and the frequency of his panic attacks"))
    (finding,), _ = _findings(path, ruleset, "pronoun-contradicts-sex")
    assert finding.item == 1 and '"His"' in finding.message
    _both_sides(finding, path, "His anxiety scores", "36-year-old female")


@pytest.mark.parametrize(
    "quoted",
    [
        "The treating psychiatrist wrote, \u201cHis anxiety scores and the frequency of his panic attacks have not improved.\u201d",
        'The progress note says: "His anxiety scores and the frequency of his panic attacks have not improved."',
        "(His anxiety scores and the frequency of his panic attacks have not improved.)",
    ],
    ids=["curly-quotes", "straight-quotes", "brackets"],
)
def test_the_evidence_sentence_keeps_its_closing_quote(tmp_path, ruleset, quoted):
    """A quotation that ends a sentence is shown whole: the quote or bracket after its period was cut off."""
    path = _plant(tmp_path, LETTERS / "f3_alprazolam.txt",
                  ("Her anxiety scores and the frequency of her panic attacks have not improved, so there is",
                   f"{quoted} So there is"))
    (finding,), _ = _findings(path, ruleset, "pronoun-contradicts-sex")
    said = [e.text for e in finding.evidence if "His anxiety" in e.text]  # one per pronoun ("His", "his")
    assert said and set(said) == {quoted}


@pytest.mark.parametrize(
    "source,change,odd",
    [
        (LETTERS / "f2_soma_upheld.txt",
         ("Therefore, the request for Soma 350mg #120 is not", "Therefore, the request for Soma 350mg #90 is not"),
         "Therefore, the request for Soma 350mg #90"),
        (FIXTURES / "independent" / "t2_15_f1_2018_percocet_butrans.txt", None, "Percocet 10/325 mg #180"),
    ],
    ids=["format2-planted", "format1-pdf-damaged"],
)
def test_when_item_line_and_summary_agree_only_the_rationale_is_reported(tmp_path, ruleset, source, change, odd):
    """Two places against one: one finding, at the odd one out, never at the item line that agrees."""
    path = _plant(tmp_path, source, change) if change else source
    found, _ = _findings(path, ruleset, "quantity-differs-within-letter")
    (finding,) = found
    assert finding.span.line == _line_of(path, odd) and "the rationale gives" in finding.message


def test_a_text_is_read_for_its_first_thousand_drug_mentions():
    """A damaged line of 'Soma Soma ...' gives at most MOST_DRUG_MENTIONS mentions; a real summary names drugs a few dozen times."""
    from checker.facts.conflicts import MOST_DRUG_MENTIONS, requested_mentions
    from checker.knowledge.lexicon import default_lexicon

    lexicon = default_lexicon()
    damaged = "The request is for Soma 350 mg #60. " * (MOST_DRUG_MENTIONS + 200)
    assert len(requested_mentions(damaged, 0, lexicon, "carisoprodol")) == MOST_DRUG_MENTIONS
    summary = " ".join(f"The request of visit {n} was for Norco 10/325 mg #{n} and Soma 350 mg." for n in range(1, 31))
    norco = requested_mentions(summary, 0, lexicon, "hydrocodone/acetaminophen")
    assert len(norco) == 30 and norco[-1].quantity == 30 and {m.drug for m in norco} == {"hydrocodone/acetaminophen"}
    assert len(requested_mentions(summary, 0, lexicon, "carisoprodol")) == 30  # only the drug asked for is read


def test_only_the_mentions_of_the_request_are_read():
    """History ("has taken ... since") and UR modifications ("modified to") say nothing of the request."""
    from checker.facts.conflicts import requested_mentions
    from checker.knowledge.lexicon import default_lexicon

    summary = ("The patient has been prescribed Norco 10/325 mg #90 since 2014. "
               "The current request is for Norco 10/325 mg #120. UR modified the request to Norco 10/325 mg #60.")
    (mention,) = requested_mentions(summary, 0, default_lexicon(), "hydrocodone/acetaminophen")
    assert mention.quantity == 120 and summary[mention.start :].startswith("Norco 10/325 mg #120")


def test_reviewer_boilerplate_about_either_sex_always_holds_a_slash():
    """pronoun_conflicts skips the pattern for sentences without "/": no form of "he/she" may lack one."""
    import itertools

    from checker.facts.conflicts import _EITHER_SEX, _pronouns

    words = _pronouns("male") + _pronouns("female") + ["s", "he"]
    for a, b in itertools.product(words, repeat=2):
        for between in (" ", "  ", "-", " or ", ", ", "\\", "|"):
            assert _EITHER_SEX.search(f"Then {a}{between}{b} said.") is None
    assert _EITHER_SEX.search("The reviewer, he/she, is licensed.")


def _all_letters():
    return sorted(p for folder in ("seeds", "letters", "independent", "format4", "editions", "reading")
                  for p in (FIXTURES / folder).rglob("*.txt"))


def test_the_pronoun_prefilter_drops_no_conflict(monkeypatch):
    """A text is read sentence by sentence only when it holds a pronoun of the other sex as a word.

    The conflicts of every fixture letter, and of made-up texts with the
    pronouns in odd cases, after slashes and before patient nouns, are the
    same when every text is read.
    """
    import re

    from checker.facts import conflicts
    from checker.pipeline import read_source
    from checker.input.decode import decode

    letters = [decode(p.read_bytes()) for p in _all_letters()]
    for seed in sorted(SEEDS.glob("*.txt")):  # each seed's summary, with one made-up sentence more
        text = seed.read_text(encoding="utf-8")
        for sentence in ("HER back hurts.", "Her husband drives. She walks.", "he/she wrote; his/her note. Him.",
                         "The wife said her pain is worse; his sleep is poor.", "Others: hers, himself, HERSELF.",
                         "There is no other pronoun here; the therapy helps.", "Mother's note: he is fine."):
            planted = text.replace("CLINICAL CASE SUMMARY", f"CLINICAL CASE SUMMARY\n{sentence}", 1)
            letters.append(decode(planted.encode("utf-8")))

    def conflicts_of(source):
        letter = read_source("a.txt", source).result.letter
        return conflicts.pronoun_conflicts(letter) if letter is not None else []

    filtered = [conflicts_of(s) for s in letters]
    monkeypatch.setattr(conflicts, "_pronoun_words", lambda sex: re.compile(""))  # every text read in full
    assert [conflicts_of(s) for s in letters] == filtered
    assert sum(map(len, filtered)) >= 20  # the made-up sentences hold conflicts for letters of either sex


@pytest.mark.parametrize(
    ("summary", "drug", "said", "quantity"),
    [
        ("The request is for NORCO 10/325 MG #120 AND SOMA 350 MG #90.", "hydrocodone/acetaminophen", "NORCO 10/325 MG #120", 120),
        ("The request is for NORCO 10/325 MG #120 AND SOMA 350 MG #90.", "carisoprodol", "SOMA 350 MG #90.", 90),
        ("Requested: Norco 10/325 mg, dispense 120; Soma 350 mg.", "hydrocodone/acetaminophen", "Norco 10/325 mg, dispense 120", 120),
        ("Requested: Soma 350 mg, ninety count, and Norco.", "carisoprodol", "Soma 350 mg, ninety count", 90),
        ("The request is for Norco 10/325 mg #60 with no refills.", "hydrocodone/acetaminophen",
         "Norco 10/325 mg #60 with no refills.", 60),
        ("The request is for Soma 350 mg #60 for", "carisoprodol", "Soma 350 mg #60", 60),
    ],
)
def test_what_follows_a_requested_drug_is_read_up_to_the_next_drug_or_list_item(summary, drug, said, quantity):
    """The words that end a mention's request (requests.yaml, mention_tail) are matched in any case; a comma before
    a quantity word ("dispense", "count") does not end it."""
    from checker.facts.conflicts import requested_mentions
    from checker.knowledge.lexicon import default_lexicon

    (mention,) = requested_mentions(summary, 0, default_lexicon(), drug)
    assert summary[mention.start : mention.end] == said and mention.quantity == quantity


@pytest.mark.parametrize(
    "source,change,summary_says",
    [
        (LETTERS / "f3_alprazolam.txt",
         ("was for Alprazolam 0.5 mg #60.", "was for ALPRAZOLAM 0.5 MG, DISPENSE 90."), "ALPRAZOLAM 0.5 MG, DISPENSE 90."),
        (FIXTURES / "format4" / "f4_carisoprodol_days_supply_gabapentin.txt",
         ("The physician requested Carisoprodol 350 mg 30 Day Qty 60 with 1 Refill and Gabapentin 300mg TID #90.",
          "THE PHYSICIAN REQUESTED CARISOPRODOL 350 MG #90 AND GABAPENTIN 300MG TID #90."), "CARISOPRODOL 350 MG #90"),
    ],
    ids=["format3-comma-dispense", "format4-capitals-and"],
)
def test_a_summary_request_in_capitals_or_after_a_comma_is_compared_with_the_item_line(tmp_path, ruleset, source, change,
                                                                                       summary_says):
    """The summary's request is read to its quantity ("..., DISPENSE 90") and stops at the next drug ("AND ...")."""
    path = _plant(tmp_path, source, change)
    (finding,), _ = _findings(path, ruleset, "quantity-differs-within-letter")
    assert finding.item == 1 and "quantity 60" in finding.message and "quantity 90" in finding.message
    assert summary_says in [e.text for e in finding.evidence]


# --------------------------------------------------------------------------- the words of a UR modification
def test_the_modification_words_are_language_data():
    from checker.text import language

    assert language.phrases("context.modification.to") == ("to",)
    assert language.phrases("context.modification.not_granted_after") == ("not",)


@pytest.mark.parametrize(
    "sentence, roles",
    [
        ("The request for Soma 350 mg #120 was modified TO Soma 350 mg #60.", ["request", "modification"]),
        # Extraction doubled the spaces.
        ("UR modified the request for Soma #120  to  Soma #60.", ["request", "modification"]),
        # Not the word: "into", or "to" glued to another word.
        ("The request for Soma #120 was modified into Soma #60.", ["request", "request"]),
        ("The request for Soma #120 was modified onto Soma #60.", ["request", "request"]),
        # A grant word after "not" grants nothing; after other words it does.
        ("UR Not Certified Soma #90 on the request.", ["request"]),
        # The grant word as far before the mention as it may stand: the one-pass reading still sees "not".
        ("UR not certified the new brand Soma #90 on the request.", ["request"]),
        ("UR certified Soma #60 of the request.", ["modification"]),
        ("UR, not denying it, approved Soma #60 of the request.", ["modification"]),
    ],
)
def test_modification_roles_in_other_wording(monkeypatch, sentence, roles):
    """Read a sentence at a time and mention by mention, the roles are the same."""
    from checker.facts import conflicts
    from checker.knowledge.lexicon import default_lexicon

    matches = sorted(default_lexicon().find_all(sentence), key=lambda m: m.start)
    assert conflicts._fast_roles() and conflicts._roles(sentence, matches) == roles
    monkeypatch.setattr(conflicts, "_fast_roles", lambda: False)
    assert conflicts._roles(sentence, matches) == roles


def test_modification_words_added_to_the_yaml_are_read():
    """Words a rule author adds ("into"; "never" before a grant word) are read, with no Python change."""
    import re

    from checker.facts import conflicts
    from tests.language_support import edited_language

    def edit(data):
        data["modification"]["to"].append("into")
        data["modification"]["not_granted_after"].append("never")

    assert re.search(conflicts._to_at_end(), "modified the request into ", re.I) is None
    assert re.search(f"{conflicts._not_granted()}certified", "UR never certified", re.I) is not None
    with edited_language("context", edit):
        assert re.search(conflicts._to_at_end(), "modified the request INTO ", re.I).group() == "INTO "
        assert re.search(f"{conflicts._not_granted()}certified", "UR never certified", re.I) is None
        assert re.search(f"{conflicts._not_granted()}certified", "UR not certified", re.I) is None


def test_a_modification_to_of_several_words_is_read_mention_by_mention():
    """The one-pass reading knows where a one-word "to" starts; a phrase leaves the roles to the plain reading."""
    from checker.facts import conflicts
    from tests.language_support import edited_language

    conflicts._fast_roles.cache_clear()
    try:
        with edited_language("context", lambda data: data["modification"]["to"].append("down to")):
            conflicts._fast_roles.cache_clear()
            assert not conflicts._fast_roles()
    finally:
        conflicts._fast_roles.cache_clear()
    assert conflicts._fast_roles()


def _summary_pronouns(tmp_path, ruleset, layout: int, summary: str, request: str, rationale: str):
    """The summary-pronoun findings (and the result) of a one-item letter of ours in ``layout``."""
    from checker.rules.ruletests import letter_text

    spec = {"layout": layout, "summary": summary,
            "items": [{"request": request, "decision": "Upheld", "rationale": rationale}]}
    path = tmp_path / "pronouns.txt"
    path.write_text(letter_text(spec), encoding="utf-8")
    return _findings(path, ruleset, "summary-pronoun-contradicts-sex")


@pytest.mark.parametrize(
    "layout,clinician",
    [(3, "orthopedist"), (1, "neurologist"), (2, "chiropractor"), (4, "pain specialist")],
)
def test_a_clinician_named_by_specialty_is_not_the_patient(tmp_path, ruleset, layout, clinician):
    """'Her orthopedist ... wrote that he found no recurrent compression': "he" is the orthopedist."""
    summary = (f"The patient is a 62-year-old female injured on 03/02/2016. Her {clinician}, who examined her in "
               "02/2020, wrote that he found no evidence of recurrent nerve compression. She reports numbness.")
    item = ("Gabapentin 300 mg #90",
            "There is no documentation of neuropathic pain relief. The request is not medically necessary.")
    found, result = _summary_pronouns(tmp_path, ruleset, layout, summary, *item)
    assert result.letter.patient.sex == "female" and found == []
    # With no one else named, "he" is the patient, and contradicts her sex.
    plain = summary.replace(f"Her {clinician}, who examined her in 02/2020, wrote that he found",
                            "On examination in 02/2020 he had")
    assert len(_summary_pronouns(tmp_path, ruleset, layout, plain, *item)[0]) == 1


@pytest.mark.parametrize(
    "layout,sex,dated,pronoun",
    [(3, "female", "his report of Sept. 9, 2014", "he"), (1, "female", "his notes since Jan. 2012", "he"),
     (4, "male", "her report of Feb. 2, 2016", "she")],
)
def test_a_short_month_name_does_not_end_the_sentence(tmp_path, ruleset, layout, sex, dated, pronoun):
    """'Dr. Okafor first documented carisoprodol in his report of Sept. 9, 2014, and he has continued it':
    the sentence was cut at "Sept.", and its "he" lost the physician it refers to."""
    summary = (f"The injured worker is a 46-year-old {sex} injured on 03/02/2012. The primary treating physician, "
               f"Dr. Okafor, first documented carisoprodol in {dated}, and {pronoun} has continued it since then.")
    found, result = _summary_pronouns(
        tmp_path, ruleset, layout, summary, "Soma 350 mg #90",
        "Carisoprodol is not recommended for long-term use. The request is not medically necessary.",
    )
    assert result.letter.patient.sex == sex and found == []
