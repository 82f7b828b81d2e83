"""Reading guideline citations and page references (checker/letter/citations.py)."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from checker.letter.citations import _cut_out, page_refs, read_guideline_line, read_rationale_citations, sources
from checker.model import Span


def span_of(start: int, end: int) -> Span:
    """Unit-test span map: the text is one line starting at column 1."""
    return Span(1, start + 1, 1, end + 1)


def pages_of(text: str) -> list[int]:
    refs, _ = page_refs(text)
    return sorted({p for r in refs for p in r.pages})


# --------------------------------------------------------------------------- page_refs

PAGE_FORMS = [
    ("Page(s): 24,29, 65.", [24, 29, 65], ["Page(s): 24,29, 65"]),
    ("Page(s): 74-80; 92.", [74, 75, 76, 77, 78, 79, 80, 92], ["Page(s): 74-80; 92"]),
    ("page 29; Carisoprodol (Soma, Soprodal 350TM, Vanadom, generic available), page 65 Page(s): 65.",
     [29, 65], ["page 29", "page 65", "Page(s): 65"]),
    ("CRITERIA FOR USE OF OPIOIDS Page(s): 76-78, 88-89.", [76, 77, 78, 88, 89], ["Page(s): 76-78, 88-89"]),
    ("p. 24", [24], ["p. 24"]),
    ("pp. 76-80", [76, 77, 78, 79, 80], ["pp. 76-80"]),
    ("page 63 to 66", [63, 64, 65, 66], ["page 63 to 66"]),
    ("pages 88 and 89 states", [88, 89], ["pages 88 and 89"]),
    ("MTUS page 78 also requires", [78], ["page 78"]),
    ("As stated on pages 29 and 65 of CA MTUS", [29, 65], ["pages 29 and 65"]),
    ("MTUS Guidelines page 63 state", [63], ["page 63"]),
    ("pages 78-80, 91, and 93", [78, 79, 80, 91, 93], ["pages 78-80, 91, and 93"]),
    ("pages 76 through 80", [76, 77, 78, 79, 80], ["pages 76 through 80"]),
    ("pages 76\u201380", [76, 77, 78, 79, 80], ["pages 76\u201380"]),
    ("page 79, 80 and 81", [79, 80, 81], ["page 79, 80 and 81"]),
    ("pages 29 & 65", [29, 65], ["pages 29 & 65"]),
    ("p.24 and pg. 25 and pgs 26-27", [24, 25, 26, 27], ["p.24", "pg. 25", "pgs 26-27"]),
    ("page 24 (Benzodiazepines)", [24], ["page 24"]),
]


@pytest.mark.parametrize("text,pages,written", PAGE_FORMS, ids=[t for t, _, _ in PAGE_FORMS])
def test_page_forms(text, pages, written):
    refs, sections = page_refs(text)
    assert [text[r.start : r.end] for r in refs] == written
    assert sorted({p for r in refs for p in r.pages}) == pages
    assert sections == []
    for ref in refs:
        assert list(ref.pages) == sorted(set(ref.pages))


@pytest.mark.parametrize(
    "text",
    ["pain rated 6/10", "(Chou, 2007)", "for 2-3 weeks", "on 12/19/2014", "Soma 350 mg #120 for 30 days",
     "4610.5", "the patient is 45 years old", "Section 9792.24.2", "Labor Code section 4610.5",
     "at 2 p.m. on 3/4/2015"],
)
def test_numbers_that_are_not_pages(text):
    refs, sections = page_refs(text)
    assert refs == []
    assert sections == []


def test_numbers_next_to_a_page_reference_are_not_pages():
    assert pages_of("page 24 on 12/19/2014") == [24]
    assert pages_of("page 29 and 6/10 pain") == [29]
    assert pages_of("page 80 of 127") == [80]
    assert pages_of("Page(s): 29. (Chou, 2007) for 2-3 weeks") == [29]


@pytest.mark.parametrize(
    "text,pages",
    [("recommended by the guidelines on pages 98-99, 9-10 visits over 8 weeks", [98, 99]),
     ("Physical Medicine, pages 98 and 99, 8-10 sessions over 4 weeks", [98, 99]),
     ("per pp. 98-99, 24 visits over 16 weeks are allowed", [98, 99]),
     ("page 24, 4 weeks at most", [24]),
     ("Page(s): 74-96; 80 mg", list(range(74, 97))),
     ("page 63, 3 times a day", [63]),
     ("pages 24, 29 and 65 of CA MTUS", [24, 29, 65]),
     ("page 9 visits are covered", [9])],  # right after the keyword a number is a page
)
def test_a_count_after_a_page_list_is_not_a_page(text, pages):
    """ "pages 98-99, 9-10 visits": the list ends before a number that counts visits, weeks or tablets."""
    assert pages_of(text) == pages


def test_year_after_a_page_is_not_a_page():
    assert pages_of("MTUS Chronic Pain Medical Treatment Guidelines, page 24, 2009.") == [24]


def test_section_reference():
    text = "MTUS Chronic Pain Medical Treatment 2009, Section(s): Muscle relaxants (for pain)."
    refs, sections = page_refs(text)
    assert refs == []
    assert len(sections) == 1
    start, end, body = sections[0]
    assert text[start:end] == body
    assert body == "Section(s): Muscle relaxants (for pain)"


def test_reversed_range_keeps_both_pages():
    assert pages_of("page 80-79") == [79, 80]


def test_runaway_range_is_not_expanded():
    pages = pages_of("page 1-1000")
    assert pages == [1, 1000]


def test_page_ref_offsets_are_offsets_in_the_text():
    text = "Decision based on MTUS Chronic Pain Treatment Guidelines OPIOIDS; OXYCODONE Page(s): 74-80; 92."
    refs, _ = page_refs(text)
    assert len(refs) == 1
    assert text[refs[0].start : refs[0].end] == "Page(s): 74-80; 92"


# --------------------------------------------------------------------------- guideline lines


@pytest.mark.parametrize(
    "text,source,guideline,pages,topics",
    [
        ("MTUS Chronic Pain Treatment Guidelines Carisoprodol (Soma), page 29.", "MTUS", "cpmtg", [29],
         ["Carisoprodol (Soma)"]),
        ("MTUS Chronic Pain Treatment Guidelines X 2009: Carisoprodol (Soma), page 29; Carisoprodol (Soma, Soprodal "
         "350TM, Vanadom, generic available), page 65 Page(s): 65.", "MTUS", "cpmtg", [29, 65],
         ["Carisoprodol (Soma)", "Carisoprodol (Soma, Soprodal 350TM, Vanadom, generic available)"]),
        ("MTUS Chronic Pain Treatment Guidelines Page(s): 24,29, 65.", "MTUS", "cpmtg", [24, 29, 65], []),
        ("MTUS Chronic Pain Treatment Guidelines OPIOIDS; OXYCODONE Page(s): 74-80; 92.", "MTUS", "cpmtg",
         [74, 75, 76, 77, 78, 79, 80, 92], ["OPIOIDS", "OXYCODONE"]),
        ("Official Disability Guidelines (ODG), Pain Chapter, Zolpidem.", "ODG", "odg", [], None),
        ("ODG Pain (Chronic) chapter, Benzodiazepines", "ODG", "odg", [], None),
        ("ACOEM Practice Guidelines, 2nd Edition (2004), Chapter 12, page 308.", "ACOEM", "acoem", [308], None),
        ("the American College of Occupational and Environmental Medicine guidelines", "ACOEM", "acoem", [], None),
        ("the Medical Treatment Utilization Schedule", "MTUS", "cpmtg", [], None),
        ("MTUS Opioids Treatment Guidelines (8 C.C.R. 9792.24.4).", "MTUS", "opioids-tg", [], None),
        ("MTUS: ACOEM Practice Guidelines, Low Back Disorders, Muscle relaxants", "ACOEM", "acoem", [], None),
        ("Non-MTUS Citation: Official Disability Guidelines (ODG), Pain (Chronic)", "ODG", "odg", [], None),
        ("MTUS Acupuncture Medical Treatment Guidelines, 8 C.C.R. 9792.24.1(c)(1)", "MTUS", "acupuncture", [], None),
        ("a textbook of medicine", None, None, [], None),
    ],
)
def test_guideline_line(text, source, guideline, pages, topics):
    [citation] = read_guideline_line("reviewer", text, span_of)
    assert citation.kind == "reviewer"
    assert citation.text == text
    assert citation.source == source
    assert citation.guideline == guideline
    assert citation.pages == pages
    if topics is not None:
        assert citation.topics == topics
    assert citation.span == Span(1, 1, 1, len(text) + 1)


def test_guideline_line_page_ref_spans_come_from_span_of():
    text = "MTUS Chronic Pain Treatment Guidelines Carisoprodol (Soma), page 29; Muscle relaxants, page 65."
    [citation] = read_guideline_line("admin", text, lambda a, b: Span(7, a + 3, 7, b + 3))
    assert citation.kind == "admin"
    assert [r.text for r in citation.page_refs] == ["page 29", "page 65"]
    for ref in citation.page_refs:
        start = text.index(ref.text)
        assert ref.span == Span(7, start + 3, 7, start + len(ref.text) + 3)


def test_a_repeated_guideline_line_is_placed_where_it_is_each_time():
    """Lines repeat from letter to letter and their reading is remembered: never where it was read first."""
    text = "MTUS Chronic Pain Treatment Guidelines 2009, Opioids; Section(s): Weaning, page 79, 80."
    first = read_guideline_line("admin", text, lambda a, b: Span(3, a + 1, 3, b + 1))
    again = read_guideline_line("reviewer", text, lambda a, b: Span(40, a + 5, 40, b + 5))
    assert [c.kind for c in first] == ["admin"] and [c.kind for c in again] == ["reviewer"]
    assert first[0].span == Span(3, 1, 3, len(text) + 1) and again[0].span == Span(40, 5, 40, len(text) + 5)
    page = text.index("page 79")
    assert [r.span for r in first[0].page_refs] == [Span(3, page + 1, 3, page + len("page 79, 80") + 1)]
    assert [r.span for r in again[0].page_refs] == [Span(40, page + 5, 40, page + len("page 79, 80") + 5)]
    assert (again[0].edition, again[0].pages, again[0].sections) == ("2009", [79, 80], ["Weaning"])
    # Each reading is the caller's own: what later steps change (an edition decided from the item's
    # lines, a topic added) stays with that citation.
    first[0].topics.append("changed")
    first[0].page_refs[0].pages.append(81)
    first[0].sections.clear()
    third = read_guideline_line("reviewer", text, span_of)
    assert "changed" not in third[0].topics and third[0].pages == [79, 80] and third[0].sections == ["Weaning"]


def test_only_guideline_lines_of_usual_length_are_remembered():
    """Memory stays bounded: a damaged file's line of a million characters is read, not kept."""
    from checker.letter.citations import _LONGEST_REMEMBERED_LINE, _remembered_line

    long_line = "MTUS Chronic Pain Treatment Guidelines, page 29; " + "Muscle relaxants; " * (_LONGEST_REMEMBERED_LINE // 10)
    asked = _remembered_line.cache_info()
    [citation] = read_guideline_line("reviewer", long_line, span_of)
    assert citation.pages == [29] and citation.guideline == "cpmtg"
    after = _remembered_line.cache_info()
    assert (after.hits, after.misses) == (asked.hits, asked.misses)  # not looked up, so not kept


def test_guideline_line_sections():
    text = "MTUS Chronic Pain Medical Treatment 2009, Section(s): Muscle relaxants (for pain); Opioids, long-term assessment."
    [citation] = read_guideline_line("reviewer", text, span_of)
    assert citation.source == "MTUS"
    assert citation.sections == ["Muscle relaxants (for pain)", "Opioids, long-term assessment"]
    assert citation.pages == []


@pytest.mark.parametrize(
    "text,edition",
    [
        ("MTUS Chronic Pain Treatment Guidelines X 2009: Carisoprodol (Soma), page 29.", "2009"),
        ("MTUS Chronic Pain Medical Treatment Guidelines (Effective July 2016), Muscle relaxants (for pain).", "2016"),
        ("Chronic Pain Medical Treatment Guidelines 8 C.C.R. 9792.20 - 9792.26 MTUS (Effective July 18, 2009), Opioids", "2009"),
        ("MTUS Opioids Treatment Guidelines (8 C.C.R. 9792.24.4).", "2016"),
        ("ACOEM Practice Guidelines (2004), page 308.", "2004"),
        ("ACOEM Practice Guidelines, 2nd Edition, Chapter 12, page 308.", "2004"),
        ("ACOEM Practice Guidelines, 3rd Edition (2011), Chronic Pain", "2011"),
        ("MTUS: ACOEM Practice Guidelines, Low Back Disorders (2016), Muscle relaxants", "2017"),
        # No edition words: the letter's dates decide later (checker/letter/editions.py)
        ("MTUS Chronic Pain Treatment Guidelines, page 29.", None),
        ("ODG, Pain chapter.", None),
        ("MTUS Drug Formulary, 8 C.C.R. 9792.27.15 (MTUS Drug List)", None),
    ],
)
def test_guideline_edition_from_its_words(text, edition):
    [citation] = read_guideline_line("reviewer", text, span_of)
    assert citation.edition == edition
    assert citation.decided_by == ("citation" if edition else "unknown")


def test_a_line_naming_several_guidelines_gives_one_citation_each():
    text = ("ACOEM Practice Guidelines, 2nd Edition (2004), Chapter 12, Low Back Complaints, page 303, which is part "
            "of the MTUS, and on the Official Disability Guidelines (ODG), Low Back Chapter, MRIs, page 12")
    acoem, odg = read_guideline_line("reviewer", text, span_of)
    assert (acoem.guideline, acoem.edition, acoem.pages) == ("acoem", "2004", [303])
    assert (odg.guideline, odg.edition, odg.pages) == ("odg", None, [12])
    text = ("ACOEM Practice Guidelines, 2nd Edition (2004), Chapter 7, pages 137-138; Non-MTUS Citation: ACOEM "
            "Practice Guidelines, 3rd Edition (2011), Chronic Pain, Functional Capacity Evaluation.")
    second, third = read_guideline_line("reviewer", text, span_of)
    assert (second.edition, second.pages, third.edition, third.pages) == ("2004", [137, 138], "2011", [])
    text = "MTUS Drug Formulary, MTUS Drug List; MTUS: ACOEM Practice Guidelines, Low Back Disorders. The MTUS Drug Formulary applies."
    assert [c.guideline for c in read_guideline_line("reviewer", text, span_of)] == ["formulary", "acoem"]


def test_every_source_name_is_recognised():
    names = sources().names
    assert {family for family, _ in names} >= {"cpmtg", "opioids-tg", "acoem", "odg", "acupuncture", "formulary", "mtus"}
    for family, name in names:
        citations = read_guideline_line("reviewer", f"Decision based on {name}, page 12.", span_of)
        expected = {"mtus": "cpmtg", "non-mtus": None}.get(family, family)
        assert [(c.guideline, c.pages) for c in citations] == [(expected, [12])], name


# --------------------------------------------------------------------------- rationale pages


@pytest.mark.parametrize(
    "text,pages",
    [
        ("As stated on pages 29 and 65 of CA MTUS Chronic Pain Medical Treatment Guidelines, Soma is not "
         "recommended.", [29, 65]),
        ("MTUS Guidelines page 63 state that muscle relaxants are a second-line option.", [63]),
        ("For chronic opiate use, MTUS Guidelines pages 88 and 89 states, \"Pain should be assessed.\" MTUS page 78 "
         "also requires documentation of the 4 A's.", [78, 88, 89]),
        ("See p. 24 and pp. 76-80 of the guidelines; also page 63 to 66.", [24, 63, 64, 65, 66, 76, 77, 78, 79, 80]),
        ("Page 80 recommends discontinuing opioids if there is no overall improvement in function.", [80]),
    ],
)
def test_rationale_guideline_pages(text, pages):
    citations = read_rationale_citations(text, span_of)
    assert citations and all(c.kind == "rationale" for c in citations)
    assert sorted(p for c in citations for p in c.pages) == pages
    for citation in citations:  # one citation per page reference, pointing at it
        [ref] = citation.page_refs
        assert citation.span == ref.span
        assert text[ref.span.column - 1 : ref.span.end_column - 1] == ref.text


@pytest.mark.parametrize(
    "text,guideline,edition,named",
    [
        ("As stated on page 24 of the MTUS, benzodiazepines are not recommended.", "cpmtg", None, False),
        ("Per the 2016 MTUS, page 29, continued opioid therapy depends on improvement.", "cpmtg", "2016", False),
        ("As stated on page 212 of the 2009 MTUS Chronic Pain Medical Treatment Guidelines, NSAIDs help.", "cpmtg", "2009", True),
        ("According to the ACOEM Practice Guidelines, Chapter 12, Low Back Complaints, page 303, imaging helps.", "acoem", None, True),
        ("Page 80 recommends discontinuing opioids if there is no overall improvement in function.", None, None, False),
    ],
)
def test_rationale_page_names_its_guideline(text, guideline, edition, named):
    [citation] = read_rationale_citations(text, span_of)
    assert (citation.guideline, citation.edition, citation.named) == (guideline, edition, named)


@pytest.mark.parametrize(
    "text",
    [
        "According to page 3 of the progress report, she is better.",
        "The patient rated pain 6/10. Per (Chou, 2007), use for 2-3 weeks. Report of 12/19/2014.",
        "On page 2 of his report dated 12/19/2014 the physician notes spasm.",
        "The medical records (page 14) document 6/10 pain.",
        "Soma has been used for 2-3 weeks.",
    ],
)
def test_rationale_without_guideline_pages(text):
    assert read_rationale_citations(text, span_of) == []


@pytest.mark.parametrize(
    "text,pages",
    [
        # A record word in another clause of the sentence does not make the page a record's.
        ("The general section on muscle relaxants, page 63, recommends caution as a second-line option for "
         "short-term treatment, and notes that their efficacy diminishes over time.", [63]),
        ("Page 41 states that cyclobenzaprine is recommended for a short course of therapy only, which the "
         "medical records do not show.", [41]),
        ("Benzodiazepines, page 24, are not recommended for long-term use because efficacy is unproven, as "
         "the utilization review explained.", [24]),
        # A record word followed by "that" is a verb.
        ("Page 66 notes that tizanidine is FDA approved for the management of spasticity.", [66]),
        ("Page 24 of the guideline notes that benzodiazepines are not recommended for long-term use.", [24]),
        ("As page 41 records that the effect is greatest early, a short course is supported.", [41]),
        # A record word next to the page does.
        ("Page 3 of the progress report notes that pain is 6/10.", []),
        ("On page 2 the physician notes spasm.", []),
        ("The progress report of 3/4/2014, page 3, describes spasm.", []),
        ("On page 2 the treating physician's report describes spasm.", []),
        ("Her pain diary, page 5 of the exhibits, and the evaluation show 7/10 pain.", []),
    ],
)
def test_a_record_word_counts_only_near_the_page(text, pages):
    assert sorted(p for c in read_rationale_citations(text, span_of) for p in c.pages) == pages


def test_a_word_cut_by_the_reading_window_is_not_read_as_a_record_word():
    # The words before a page are read from a bounded slice (240 characters).  Seven long words stand
    # between "Footnotes" and the page, so the slice starts inside "Footnotes"; wherever it cuts, the cut
    # end ("notes", "otes" ...) is not taken for a word, and the page stays a guideline page.
    for cut in range(1, 9):
        words = " ".join(["w" * 31] * 6 + ["w" * (37 + cut)]) + " "
        text = "x " * 5 + "Footnotes " + words + "page 63 recommends a short course."
        assert text.index("page 63") - 240 == len("x " * 5) + cut
        assert [c.pages for c in read_rationale_citations(text, span_of)] == [[63]], cut
    # The same distance with the whole word "notes" in the slice: a record word near the page.
    words = " ".join(["w" * 31] * 6 + ["w" * 40]) + " "
    assert read_rationale_citations("The notes " + words + "page 63 recommends it.", span_of) == []


def test_a_word_cut_after_the_page_is_not_read_as_a_record_word():
    # "reportedly" cut after "report" would read as the record word "report".
    words = " ".join(["w" * 31] * 6 + ["w" * 40]) + " "
    text = "page 63 " + words + "reportedly helps for a short course."
    assert text.index("reportedly") + len("report") == text.index("page 63") + len("page 63") + 240
    assert [c.pages for c in read_rationale_citations(text, span_of)] == [[63]]


def test_rationale_keeps_guideline_pages_and_drops_record_pages():
    text = ("According to page 3 of the progress report dated 12/19/2014, pain is 6/10. "
            "As stated on page 24 of the MTUS, benzodiazepines are not recommended for long-term use.")
    [citation] = read_rationale_citations(text, span_of)
    assert citation.pages == [24]
    assert [r.text for r in citation.page_refs] == ["page 24"]


@pytest.mark.parametrize(
    "text,guideline,edition",
    [
        ("MTUS Chronic Pain Medical Treatment Guidelines (Effective July 18, 2009), Opioids", "cpmtg", "2009"),
        ("Chronic Pain Medical Treatment Guidelines, 8 C.C.R. 9792.20 - 9792.26", "cpmtg", "2009"),
        ("8 C.C.R. §§9792.20–9792.26 MTUS", "cpmtg", "2009"),
        ("MTUS (Effective July 2016), Benzodiazepines", "cpmtg", "2016"),
        ("8 CCR 9792.24.4", "opioids-tg", "2016"),
        ("ACOEM Practice Guidelines, 2nd Edition (2004), Chapter 12, Low Back Complaints", "acoem", "2004"),
        ("Non-MTUS Citation: Official Disability Guidelines, Pain (Chronic)", "odg", None),
        ("ODG Pain (Chronic), Zolpidem", "odg", None),
        ("8 CCR 9792.24.1(c)(1)", "acupuncture", None),
        ("MTUS Drug Formulary, MTUS Drug List", "formulary", None),
    ],
)
def test_the_ways_letters_name_a_guideline_and_edition(text, guideline, edition):
    """rules/sources.yaml: the naming forms of DOMAIN.md section 3 map to a guideline and edition."""
    [citation] = read_guideline_line("reviewer", f"Decision based on {text}.", span_of)
    assert (citation.guideline, citation.edition) == (guideline, edition)


def test_an_acoem_chapter_title_names_acoem():
    """ "MTUS Guidelines, Chapter 12, Low Back Complaints, page 303": page 303 is ACOEM's, not the CPMTG's."""
    citations = read_guideline_line("reviewer", "MTUS Guidelines, Chapter 12, Low Back Complaints, page 303.", span_of)
    assert [(c.guideline, c.pages) for c in citations if c.pages] == [("acoem", [303])]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab ,;.()", max_size=60))
@example("Carisoprodol (Soma, page 29), muscle relaxants; page 63.")
@example("a, (b, c), d)")
def test_topic_parts_cut_where_the_pattern_cut(text):
    import re

    from checker.letter.citations import topic_parts

    assert topic_parts(text) == re.split(r"[;.]|,(?![^(]*\))", text)


def test_a_text_is_read_for_its_first_references_only():
    """A damaged line of 25,000 page references gives the first MOST_REFERENCES; a letter makes a few dozen."""
    from checker.letter.citations import MOST_REFERENCES

    refs, _ = page_refs("page 1, " * (MOST_REFERENCES + 100))
    assert len(refs) == MOST_REFERENCES
    prose = " ".join(f"As stated on page {n} of the MTUS, it is not recommended." for n in range(1, 41))
    assert [r.pages for r in page_refs(prose)[0]] == [(n,) for n in range(1, 41)]


@pytest.mark.parametrize(
    ("ranges", "expected"),
    [([], "ACOEM, page 303"), ([(7, 15)], "ACOEM, ;"), ([(0, 5), (3, 9)], ";ge 303"), ([(0, 5), (7, 11)], ";, ; 303"),
     ([(7, 11), (0, 5)], ";, ; 303"), ([(12, 99)], "ACOEM, page ;"), ([(4, 4)], "ACOEM, page 303")],
)
def test_page_references_and_sections_are_cut_out_of_the_topics_as_one_cut_each(ranges, expected):
    assert _cut_out("ACOEM, page 303", ranges) == expected


def test_a_long_page_reference_leaves_no_empty_topics_behind():
    (citation,) = read_guideline_line("claims-administrator", "MTUS Chronic Pain Medical Treatment Guidelines, "
                                      "pages 78, 79, 80, 81, 82 and 83, Opioids, criteria for use", lambda a, b: Span(1, a + 1, 1, b + 1))
    assert citation.topics == ["Opioids", "criteria for use"]


# --------------------------------------------------------------------------- where the words come from
def test_the_guideline_line_boilerplate_is_language_data():
    """The form's words dropped from topics live in rules/language/citations.yaml."""
    from checker.text import language

    assert {"decision based on", "the", "x"} == set(language.phrases("citations.guideline_line.dropped"))
    assert {"which is part of", "which are part of"} == set(language.phrases("citations.guideline_line.dropped_to_end"))


def test_the_page_keywords_are_written_once_in_the_grammar():
    """The prefilters and the section label hold no keyword of their own: the grammar's PAGE_WORD and SECTION_WORD do."""
    from checker.letter.grammars import grammar_path
    from tests.conftest import ROOT

    source = (ROOT / "checker" / "letter" / "citations.py").read_text(encoding="utf-8")
    assert "pages?" not in source and "sections?" not in source and "pp?" not in source
    grammar = grammar_path("citation").read_text(encoding="utf-8")
    assert sum(line.startswith("PAGE_WORD:") for line in grammar.splitlines()) == 1
    assert "PAGE_KW.5: PAGE_WORD " in grammar and "SECTION_REF.5: SECTION_WORD " in grammar


@pytest.mark.parametrize(
    "text, pages, sections",
    [
        # Every page keyword of the grammar ends a section list ("Page(s)" always did).
        ("MTUS (2009), Section(s): Opioids, long-term assessment, Page(s): 88-89.", [88, 89],
         ["Opioids, long-term assessment"]),
        ("MTUS (2009), Section(s): Opioids, long-term assessment, pgs 88-89.", [88, 89],
         ["Opioids, long-term assessment"]),
        ("MTUS (2009), Section(s): NSAIDs; pp 67 and 68", [67, 68], ["NSAIDs"]),
        ("MTUS (2009), Section(s): Muscle relaxants (for pain), page #63.", [63], ["Muscle relaxants (for pain)"]),
        # A keyword-like word that is not followed by a number does not.
        ("MTUS (2009), Section(s): Proton pump inhibitors, PPIs 20 mg daily.", [],
         ["Proton pump inhibitors, PPIs 20 mg daily"]),
    ],
)
def test_a_section_list_ends_where_a_page_reference_starts(text, pages, sections):
    [citation] = read_guideline_line("reviewer", text, span_of)
    assert citation.pages == pages
    assert citation.sections == sections


@pytest.mark.parametrize(
    "text, topics",
    [
        ("MAXIMUS guideline: Decision based on the MTUS Chronic Pain Treatment Guidelines, Opioids, page 80",
         ["MAXIMUS guideline", "Opioids"]),
        # A page keyword left without its number is not a topic; the words it begins are kept.
        ("MTUS Chronic Pain Treatment Guidelines, NSAIDs, GI symptoms (PPIs), pp.", ["NSAIDs", "GI symptoms (PPIs)"]),
        ("MTUS Chronic Pain Treatment Guidelines 2009: Paget's disease, Page(s):", ["Paget's disease"]),
        ("MTUS Chronic Pain Treatment Guidelines, Carisoprodol x 2009", ["Carisoprodol"]),
    ],
)
def test_guideline_line_topics_leave_the_forms_words_out(text, topics):
    found = [t for c in read_guideline_line("reviewer", text, span_of) for t in c.topics]
    assert found == topics


@pytest.mark.parametrize(
    "text",
    ["ACOEM Practice Guidelines, Muscle relaxants, which is part of the MTUS, page 308",
     "ACOEM Practice Guidelines, Muscle relaxants which are part of the MTUS guidelines and the ODG"],
)
def test_what_follows_which_is_part_of_is_no_topic(text):
    found = [t for c in read_guideline_line("reviewer", text, span_of) for t in c.topics]
    assert "Muscle relaxants" in found
    assert not any("part of" in t or "which" in t for t in found), found


def test_page_owner_and_leftover_words_are_language_data():
    from checker.text import language

    assert set(language.phrases("citations.page_owner.prepositions")) == {"of", "in", "from"}
    assert {"the", "their", "a"} <= set(language.phrases("citations.page_owner.determiners"))
    assert language.words("citations.guideline_line.not_topics") == {"and", "guidelines"}


@pytest.mark.parametrize(
    "text, pages",
    [
        ("Page 12 from their progress report documents pain at 8/10, and the MTUS, page 80, is clear.", [80]),
        ("Page 3 in a progress report notes spasm; the MTUS, page 63, recommends a short course.", [63]),
        ("Page 66 in the MTUS Chronic Pain guidelines supports tizanidine.", [66]),
        # Capitalised, the preposition is not read as one (prepositions are matched as written).
        ("Per page 24 Of the MTUS, benzodiazepines are limited to 4 weeks.", [24]),
    ],
)
def test_what_a_page_belongs_to_in_other_wording(text, pages):
    found = sorted({p for c in read_rationale_citations(text, span_of) for p in c.pages})
    assert found == pages


def test_leftover_words_between_cuts_are_no_topics():
    text = "MTUS Chronic Pain Treatment Guidelines, Opioids; and; Guidelines; Tramadol, page 93"
    [citation] = read_guideline_line("reviewer", text, span_of)
    assert citation.topics == ["Opioids", "Tramadol"]


# --------------------------------------------------------------------------- numbers the grammar does not take for pages
@pytest.mark.parametrize(
    "text, refs",
    [
        # A spelled-out keyword or a dotted abbreviation makes the number before "/" or "." a page ...
        ("see pages 24/7 of it", [("pages 24", (24,))]),
        ("Page(s): 24/7.", [("Page(s): 24", (24,))]),
        ("MTUS pp. 3.5", [("pp. 3", (3,))]),
        ("MTUS P. 80-81.5", [("P. 80-81", (80, 81))]),
        # ... the grammar's shorter keywords without a dot do not.
        ("MTUS pp 24/7", []),
        ("MTUS pg 3.5", []),
        ("MTUS pgs. 3.5", []),
    ],
)
def test_a_page_number_the_grammar_rejects_is_read_only_after_a_plain_keyword(text, refs):
    found, _ = page_refs(text)
    assert [(text[r.start : r.end], r.pages) for r in found] == refs


@pytest.mark.parametrize(
    "text, refs",
    [
        ("PAGES 24/7 and page 30", [("PAGES 24", (24,)), ("page 30", (30,))]),
        ("see pp. 3.5, p. 9 and then page 12 of the MTUS", [("pp. 3", (3,)), ("p. 9", (9,)), ("page 12", (12,))]),
    ],
)
def test_a_page_after_one_the_grammar_rejects_is_read_once(text, refs):
    found, _ = page_refs(text)
    assert [(text[r.start : r.end], r.pages) for r in found] == refs
