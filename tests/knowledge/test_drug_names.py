"""Drug names as letters write them: brands, misspellings, and words that are not drugs.

Near spelling must read real-world misspellings as their drug, and must never
read an ordinary word, or a real drug's own name, as a drug it is not
(rules/drugs.yaml).  The corpus is tests/fixtures/drug_names/misspellings.yaml.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.knowledge.lexicon import default_lexicon, edit_distance, within_one_edit
from checker.knowledge.guideline import default_guideline
from tests.conftest import FIXTURES, read_yaml

CORPUS = read_yaml(FIXTURES / "drug_names" / "misspellings.yaml")
LEXICON = default_lexicon()


def _generic(word: str) -> str | None:
    found = LEXICON.identify(word)
    return found.drug.generic if found else None


def test_the_corpus_is_large_enough():
    assert len(CORPUS["misspellings"]) >= 60
    assert len(CORPUS["not_drugs"]) >= 40 and len(CORPUS["other_drugs"]) >= 60


def test_every_real_world_misspelling_reads_as_its_drug():
    """Each misspelling of the corpus (one pass; every one read wrong is listed)."""
    wrong = []
    for entry in CORPUS["misspellings"]:
        found = LEXICON.identify(entry["written"])
        if found is None or found.drug.generic != entry["means"]:
            wrong.append(f"{entry['written']!r}: means {entry['means']!r}, read as {found.drug.generic if found else None!r}")
        elif found.exact:
            wrong.append(f"{entry['written']!r}: read as an exact name; a misspelling must still be reported by the spelling check")
    assert not wrong, "\n".join(wrong)


def test_no_ordinary_word_is_a_drug():
    read = {e["word"]: _generic(e["word"]) for e in CORPUS["not_drugs"]}
    assert {word: drug for word, drug in read.items() if drug is not None} == {}


def test_no_drug_the_lexicon_does_not_know_is_read_as_another():
    assert [word for word in CORPUS["other_drugs"] if word in LEXICON.by_name] == []
    read = {word: _generic(word) for word in CORPUS["other_drugs"]}
    assert {word: drug for word, drug in read.items() if drug is not None} == {}


def test_every_name_of_the_lexicon_reads_as_its_own_drug():
    for drug in LEXICON.drugs.values():
        for name in (drug.generic, *drug.names, *drug.misspellings):
            found = LEXICON.identify(name)
            assert found is not None and found.drug is drug, name
            assert found.exact == (name not in drug.misspellings), name


@pytest.mark.parametrize(
    "written,generic",
    [
        ("Percocett", "oxycodone/acetaminophen"), ("Ultracett", "tramadol/acetaminophen"), ("Narco", "hydrocodone/acetaminophen"),
        ("Butrans", "buprenorphine"), ("Belbuca", "buprenorphine"), ("Demerol", "meperidine"), ("levorphanol", "levorphanol"),
        ("Terocin", "terocin"), ("Medrox", "medrox"), ("LidoPro", "lidopro"), ("Flector", "diclofenac topical"),
        ("Pennsaid", "diclofenac topical"), ("Voltaren gel", "diclofenac topical"), ("Duexis", "ibuprofen/famotidine"),
        ("Fioricet", "butalbital/acetaminophen/caffeine"), ("Fiorinal", "butalbital/aspirin/caffeine"),
        ("Esgic", "butalbital/acetaminophen/caffeine"), ("Lunesta", "eszopiclone"), ("zaleplon", "zaleplon"),
        ("trazodone", "trazodone"), ("Cymbalta", "duloxetine"), ("Effexor", "venlafaxine"), ("Savella", "milnacipran"),
        ("Zoloft", "sertraline"), ("Nexium", "esomeprazole"), ("Prevacid", "lansoprazole"), ("Dexilant", "dexlansoprazole"),
        ("Zantac", "ranitidine"), ("Pepcid", "famotidine"), ("Lodine", "etodolac"), ("Toradol", "ketorolac"),
        ("Indocin", "indomethacin"), ("Feldene", "piroxicam"), ("Daypro", "oxaprozin"), ("Relafen", "nabumetone"),
        ("Parafon Forte", "chlorzoxazone"), ("Dantrium", "dantrolene"), ("Halcion", "triazolam"), ("Tylenol", "acetaminophen"),
        ("Lorcet", "hydrocodone/acetaminophen"), ("Xodol", "hydrocodone/acetaminophen"), ("Vicoprofen", "hydrocodone/ibuprofen"),
        ("Xtampza ER", "oxycodone"), ("Embeda", "morphine/naltrexone"), ("Zofran", "ondansetron"),
        ("ketoprofen cream", "ketoprofen topical"), ("capsaicin cream", "capsaicin"), ("Theramine", "theramine"),
        ("Sentra PM", "sentra"),
    ],
)
def test_new_names(written, generic):
    assert _generic(written) == generic


def test_every_opioid_names_the_table_of_its_morphine_equivalent_factor():
    for drug in LEXICON.drugs.values():
        if drug.drug_class and drug.drug_class.startswith("opioid"):
            has_factor = drug.mme_factor is not None or drug.mme_bands or drug.mme_factor_per_mcg_hr is not None
            assert drug.mme_source in ({"CDC 2016", "CDC MME conversion file"} if has_factor else {"none"}), drug.generic
    assert LEXICON.get("buprenorphine").mme_source == "none"
    assert LEXICON.get("tramadol").mme_source == "CDC MME conversion file"
    assert LEXICON.get("oxycodone").mme_source == "CDC 2016"


def test_every_drug_topic_is_a_topic_of_the_page_map():
    topics = default_guideline().topics
    for drug in LEXICON.drugs.values():
        assert drug.topic is None or drug.topic in topics, (drug.generic, drug.topic)


def test_compounded_creams_and_medical_foods_are_recognised_but_not_judged():
    for generic in ("compounded topical", "flurbiprofen topical", "ketoprofen topical", "cyclobenzaprine topical"):
        assert LEXICON.get(generic).drug_class == "compounded topical"
    for generic in ("theramine", "sentra"):
        assert LEXICON.get(generic).drug_class == "medical food"


@settings(max_examples=3000, deadline=None)
@given(st.text("abcs", max_size=7), st.text("abcs", max_size=7))
def test_within_one_edit_is_edit_distance_at_most_one(a, b):
    """The quick check near spellings use agrees with the distance table on every pair of short words."""
    assert within_one_edit(a, b) == (edit_distance(a, b, 1) <= 1)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("tramadal", "tramadol", True), ("tramadol", "tramadols", True), ("tramdol", "tramadol", True),
     ("tarmadol", "tramadol", True), ("tramadlo", "tramadol", True), ("tramadl", "tramadolx", False),
     ("tamradol", "tramadol", False), ("", "a", True), ("", "ab", False)],
)
def test_within_one_edit_examples(a, b, expected):
    assert within_one_edit(a, b) is expected
    assert within_one_edit(b, a) is expected
