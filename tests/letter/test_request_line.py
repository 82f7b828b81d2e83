"""Reading treatment request lines (checker/letter/request_line.py) and the drug lexicon (checker/knowledge/lexicon.py)."""

from __future__ import annotations

import pytest

from checker.knowledge.lexicon import default_lexicon, drug_of_entry, edit_distance, load_lexicon, with_additions
from checker.letter.request_line import parse_request, words_to_number

# --------------------------------------------------------------------------- request lines

# (line, expected fields).  The first block is every form DOMAIN.md section 2 lists.
REQUESTS = [
    ("Carisoprodol Tab 350 MG 50 Day Qty 50 with No Refills",
     dict(drug="carisoprodol", strength="350 mg", quantity=50, days_supply=50, refills=0, form="tab")),
    ("Soma tablets 350mg", dict(drug="carisoprodol", strength="350 mg", quantity=None, name="Soma")),
    ("SOMA 350 MG BID # 60 FOR MUSCLE RELAXATION",
     dict(drug="carisoprodol", strength="350 mg", frequency="BID", doses_per_day=2.0, quantity=60,
          purpose="MUSCLE RELAXATION")),
    ("OXYCODONE 20 MG ONE TAB PO Q 8 HOURS PRN # 60 FOR BREAKTHROUGH PAIN",
     dict(drug="oxycodone", strength="20 mg", frequency="every 8 hours as needed", doses_per_day=3.0,
          as_needed=True, quantity=60, purpose="BREAKTHROUGH PAIN")),
    ("Carsoprodol 350 mg, ninety count", dict(drug="carisoprodol", strength="350 mg", quantity=90)),
    ("Hydrocodone/APAP 10/325 mg, 120 count",
     dict(drug="hydrocodone/acetaminophen", strength="10/325 mg", strength_values=(10.0, 325.0), quantity=120)),
    ("Soma 350mg, #30", dict(drug="carisoprodol", strength="350 mg", quantity=30)),
    ("Alprazolam 1mg", dict(drug="alprazolam", strength="1 mg", quantity=None, frequency=None)),
    # brands
    ("Norco 10/325 mg #120", dict(drug="hydrocodone/acetaminophen", strength="10/325 mg", quantity=120)),
    ("Percocet 10/325 mg #120", dict(drug="oxycodone/acetaminophen", strength="10/325 mg", quantity=120)),
    ("Xanax 0.5mg", dict(drug="alprazolam", strength="0.5 mg")),
    ("Flexeril 7.5 mg #90 with no refills", dict(drug="cyclobenzaprine", strength="7.5 mg", quantity=90, refills=0)),
    ("Ultram 50 mg TID #90", dict(drug="tramadol", frequency="TID", doses_per_day=3.0, quantity=90)),
    ("Ambien 10 mg QHS #30", dict(drug="zolpidem", frequency="QHS", doses_per_day=1.0, quantity=30)),
    ("Lidoderm 5% patch #30", dict(drug="lidocaine patch", strength="5%", form="patch", quantity=30)),
    ("Klonopin 1 mg with 2 refills", dict(drug="clonazepam", strength="1 mg", refills=2)),
    ("Valium 5 mg #30 with No Refills", dict(drug="diazepam", quantity=30, refills=0)),
    ("MS Contin 30 mg BID #60", dict(drug="morphine", frequency="BID", quantity=60)),
    ("Oxycontin 20 mg q12h #60", dict(drug="oxycodone", frequency="every 12 hours", doses_per_day=2.0)),
    ("Prilosec 20mg #30", dict(drug="omeprazole", strength="20 mg", quantity=30)),
    ("Lyrica 75 mg #60", dict(drug="pregabalin", quantity=60)),
    # misspellings within edit distance
    ("Cyclobenzeprine 7.5 mg #60", dict(drug="cyclobenzaprine", drug_exact=False, strength="7.5 mg", quantity=60)),
    ("Alprazalam 0.5 mg #60", dict(drug="alprazolam", drug_exact=False, quantity=60)),
    ("Tramadal 50 mg # 90", dict(drug="tramadol", drug_exact=False, strength="50 mg", quantity=90)),
    ("Gabapentine 600 mg #90", dict(drug="gabapentin", drug_exact=False, quantity=90)),
    # quantities, counts, days, refills
    ("Flexeril 10 mg one hundred twenty count", dict(drug="cyclobenzaprine", quantity=120)),
    ("Alprazolam 1mg QTY:30.00", dict(drug="alprazolam", quantity=30)),
    ("Soma 350mg QTY 120.00", dict(quantity=120)),
    ("Cyclobenzaprine 7.5mg Qty 60", dict(quantity=60)),
    ("Norco 5/325 mg x60", dict(strength="5/325 mg", quantity=60)),
    ("Gabapentin 300 mg 60 tablets", dict(drug="gabapentin", quantity=60)),
    ("Methadone 10 mg TID 90 tablets", dict(drug="methadone", quantity=90, frequency="TID")),
    ("Oxycodone 10 mg 30 day supply", dict(days_supply=30, quantity=None)),
    ("Klonopin 1 mg 30 day supply #30 with two refills", dict(days_supply=30, quantity=30, refills=2)),
    ("Zolpidem 10mg # 30 with 3 refills", dict(quantity=30, refills=3)),
    ("Ambien 10 mg #30 refills: 2", dict(quantity=30, refills=2)),
    ("Hydrocodone/APAP 10/325mg #90 with 1 refill", dict(quantity=90, refills=1)),
    # strengths
    ("Norco 10mg-325mg #90", dict(strength="10/325 mg", strength_values=(10.0, 325.0), strength_unit="mg")),
    ("Norco 10-325mg #90", dict(strength="10/325 mg")),
    ("Fentanyl patch 25 mcg/hr #10", dict(drug="fentanyl", strength="25 mcg/hr", strength_unit="mcg/hr", quantity=10)),
    ("Duragesic 25mcg/h", dict(drug="fentanyl", strength="25 mcg/hr")),
    ("Norco 10/325 every 4-6 hours as needed", dict(strength="10/325 mg", frequency="every 4-6 hours as needed",
                                                    as_needed=True)),
    # frequencies in words
    ("Gabapentin 600 mg twice a day", dict(frequency="BID", doses_per_day=2.0)),
    ("Carisoprodol 350 mg one tablet by mouth three times a day #90", dict(frequency="TID", quantity=90)),
    ("Lorazepam 1 mg four times a day as needed", dict(frequency="QID as needed", doses_per_day=4.0, as_needed=True)),
    ("Temazepam 30 mg nightly", dict(frequency="daily", doses_per_day=1.0)),
    ("Zolpidem 10 mg at bedtime", dict(frequency="QHS", doses_per_day=1.0)),
    ("Tramadol 50mg 1 tab PO q6-8h prn #90", dict(frequency="every 6-8 hours as needed", as_needed=True, quantity=90)),
    # the name keeps "for Norco" when the purpose has not started yet
    ("Retrospective request for Norco 10/325 #90",
     dict(drug="hydrocodone/acetaminophen", name="Retrospective request for Norco", quantity=90, purpose=None)),
]


@pytest.mark.parametrize("line,want", REQUESTS, ids=[line for line, _ in REQUESTS])
def test_request_line(line, want):
    request = parse_request(line)
    assert request.text == line
    for key, value in want.items():
        assert getattr(request, key) == value, key


NON_DRUGS = [
    "Physical therapy 2 times a week for 6 weeks",
    "Physical therapy x 12 sessions",
    "TENS unit",
    "Urine drug screen",
    "Lumbar MRI",
    "Acupuncture, 6 sessions",
    "Home exercise program",
    "Functional capacity evaluation",
]


@pytest.mark.parametrize("line", NON_DRUGS)
def test_non_drug_treatment_has_no_drug(line):
    request = parse_request(line)
    assert request.drug is None
    assert request.drug_class is None
    assert request.name


def test_unparseable_request_keeps_its_name():
    request = parse_request("???")
    assert request.drug is None
    assert request.name


def test_empty_request_does_not_fail():
    request = parse_request("")
    assert request.drug is None
    assert request.quantity is None


def test_tylenol_number_three_is_not_a_quantity():
    request = parse_request("Tylenol #3 #60")
    assert request.drug == "codeine/acetaminophen"
    assert request.quantity == 60


def test_lidocaine_patches_plural_is_the_lidocaine_patch():
    assert parse_request("Lidocaine 5% patches 30 count").drug == "lidocaine patch"


@pytest.mark.parametrize(
    "text,value",
    [("ninety", 90), ("one hundred twenty", 120), ("one hundred and twenty", 120), ("120", 120), ("30.00", 30),
     ("two hundred", 200), ("twenty-five", 25), ("sixty", 60), ("foo", None), ("", None), ("ninety pills", None)],
)
def test_words_to_number(text, value):
    assert words_to_number(text) == value


@pytest.mark.parametrize(
    "text,quantity",
    [("Tramadol 50 mg nine hundred ninety nine count", 999),
     ("Soma 350 mg one hundred and twenty-five tablets", 125),
     ("Norco 10/325 mg #90, dispense ninety", 90),
     ("Flexeril 7.5 mg two hundred count", 200)],
)
def test_the_longest_numbers_in_words_are_read_whole(text, quantity):
    """The pattern for numbers in words stops after a few words, but never inside a number ("nine hundred ninety nine")."""
    assert parse_request(text).quantity == quantity


def test_a_request_line_is_read_up_to_its_first_thousand_characters():
    """A damaged file's 200,000-character "heading" is not scanned whole: real request lines hold under 100."""
    from checker.letter.request_line import MOST_REQUEST_CHARS

    line = "Soma 350 mg #60 " + "no " * 2_000 + "Norco 10/325 mg #90"
    request = parse_request(line)
    assert (request.drug, request.quantity, request.text) == ("carisoprodol", 60, line)
    late = "Treatment " + "x " * MOST_REQUEST_CHARS + "Soma 350 mg #60"
    assert parse_request(late).drug is None  # beyond the first 1,000 characters nothing is read



# --------------------------------------------------------------------------- lexicon


@pytest.mark.parametrize(
    "a,b,distance",
    [("kitten", "sitting", 3), ("ab", "ba", 1), ("abc", "abc", 0), ("", "abc", 3), ("carsoprodol", "carisoprodol", 1),
     ("alprazalam", "alprazolam", 1), ("cyclobenzeprine", "cyclobenzaprine", 1), ("tramadal", "tramadol", 1)],
)
def test_edit_distance(a, b, distance):
    assert edit_distance(a, b) == distance
    assert edit_distance(b, a) == distance


def test_edit_distance_is_capped_at_limit_plus_one():
    assert edit_distance("abcdef", "ghijkl", 2) == 3
    assert edit_distance("a", "abcdefg", 2) == 3


@pytest.mark.parametrize(
    "brand,generic",
    [("Soma", "carisoprodol"), ("Norco", "hydrocodone/acetaminophen"), ("Percocet", "oxycodone/acetaminophen"),
     ("Xanax", "alprazolam"), ("Flexeril", "cyclobenzaprine"), ("Ultram", "tramadol"), ("Ambien", "zolpidem"),
     ("Klonopin", "clonazepam"), ("Valium", "diazepam"), ("Neurontin", "gabapentin"), ("Lyrica", "pregabalin"),
     ("Duragesic", "fentanyl"), ("Prilosec", "omeprazole"), ("Lidoderm", "lidocaine patch"),
     ("Zanaflex", "tizanidine"), ("Robaxin", "methocarbamol"), ("Motrin", "ibuprofen")],
)
def test_brand_maps_to_its_generic(brand, generic):
    lexicon = default_lexicon()
    for written in (brand, brand.upper(), brand.lower()):
        match = lexicon.identify(written)
        assert match is not None, written
        assert match.drug.generic == generic
        assert match.exact
        assert match.written == written


def test_generic_names_identify_themselves():
    lexicon = default_lexicon()
    assert len(lexicon.drugs) > 20
    for drug in lexicon.drugs.values():
        match = lexicon.identify(drug.generic)
        assert match is not None and match.drug.generic == drug.generic, drug.generic


@pytest.mark.parametrize(
    "written,generic",
    [("Carsoprodol", "carisoprodol"), ("Cyclobenzeprine", "cyclobenzaprine"), ("Alprazalam", "alprazolam"),
     ("Tramadal", "tramadol"), ("Oxycodene", "oxycodone"), ("Lorazapam", "lorazepam"),
     ("percoset", "oxycodone/acetaminophen"), ("Flexaril", "cyclobenzaprine")],
)
def test_misspelling_is_identified_but_not_exact(written, generic):
    match = default_lexicon().identify(written)
    assert match is not None
    assert match.drug.generic == generic
    assert match.exact is False


def test_identify_reports_where_the_drug_is():
    text = "Retrospective request for Norco 10/325 #90"
    match = default_lexicon().identify(text)
    assert text[match.start : match.end] == "Norco"


def test_find_all_finds_every_mention():
    found = default_lexicon().find_all("Soma and Xanax, then hydrocodone/APAP and Norco")
    assert [m.drug.generic for m in found] == [
        "carisoprodol", "alprazolam", "hydrocodone/acetaminophen", "hydrocodone/acetaminophen",
    ]


@pytest.mark.parametrize(
    "word",
    ["Some", "normal", "morning", "several", "therapy", "somewhat", "lumbar", "clinical", "medical", "relief",
     "tablets", "patches", "history", "spasm", "guidelines", "chronic", "motion", "Sometimes", "normally",
     "Somatic", "Normality"],
)
def test_ordinary_word_is_not_a_drug(word):
    lexicon = default_lexicon()
    assert lexicon.identify(word) is None
    assert lexicon.identify(word.capitalize()) is None


@pytest.mark.parametrize("word", ["related", "relaxed", "voltage", "ambient"])
def test_common_word_near_a_brand_is_not_a_drug(word):
    assert default_lexicon().identify(word) is None


def test_non_drug_request_mentioning_related_has_no_drug():
    assert parse_request("Physical therapy related to knee surgery").drug is None


def test_load_lexicon_from_a_custom_file(tmp_path):
    path = tmp_path / "drugs.yaml"
    path.write_text(
        "drugs:\n"
        "  - generic: Examplomycin\n"
        "    names: [Examplo]\n"
        "    misspellings: [exampelomycin]\n"
        "    class: test class\n",
        encoding="utf-8",
    )
    lexicon = load_lexicon(path)
    assert set(lexicon.drugs) == {"examplomycin"}
    match = lexicon.identify("EXAMPLO 5 mg")
    assert match.drug.generic == "examplomycin" and match.exact
    listed = lexicon.identify("exampelomycin")
    assert listed.drug.generic == "examplomycin" and listed.exact is False
    assert parse_request("Examplo 5 mg #10", lexicon).drug == "examplomycin"


# --------------------------------------------------------------------------- lines read before
def test_a_line_read_again_gives_the_same_request_and_each_caller_its_own():
    lexicon = load_lexicon()  # a fresh lexicon: nothing read with it yet
    first = parse_request("Norco 10/325 mg one PO q6h PRN #120 with 2 refills", lexicon)
    assert (first.drug, first.strength, first.quantity, first.refills) == ("hydrocodone/acetaminophen", "10/325 mg", 120, 2)
    first.quantity = 7  # a caller changing its request ...
    again = parse_request("Norco 10/325 mg one PO q6h PRN #120 with 2 refills", lexicon)
    assert again is not first and again.quantity == 120  # ... changes no one else's
    assert again == parse_request("Norco 10/325 mg one PO q6h PRN #120 with 2 refills", load_lexicon())


def test_a_line_is_read_with_its_own_lexicon_not_from_another_lexicons_reading():
    shipped = default_lexicon()
    assert parse_request("Zorblex 20 mg #30", shipped).drug is None
    added = with_additions(shipped, [drug_of_entry({"generic": "zorblex", "class": "test class"})])
    assert parse_request("Zorblex 20 mg #30", added).drug == "zorblex"
    assert parse_request("Zorblex 20 mg #30", shipped).drug is None


def test_a_damaged_heading_of_any_length_is_read_but_not_kept():
    lexicon = load_lexicon()
    long_line = "Soma 350 mg #90 " + "x" * 5_000
    assert parse_request(long_line, lexicon).quantity == 90
    assert long_line not in lexicon.requests_read and len(lexicon.requests_read) == 0
