"""Format 4, the early-2013 notice: read item for item, clean or as PDF extraction damages it."""

from __future__ import annotations

import pytest

from checker.letter.layouts import detect
from tests import messify
from tests.conftest import FIXTURES, load_expected, read_path, read_text
from tests.test_expected_readings import assert_reads_as_expected
from tests.test_messy_letters import _plain_quotes, _semantic

FORMAT4 = FIXTURES / "format4"
EXPECTED = load_expected(FORMAT4)
CLEAN = sorted(name for name in EXPECTED if "_damaged" not in name)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_format4_letter_reads_as_expected(name):
    result = read_path(FORMAT4 / name)
    assert detect((FORMAT4 / name).read_text(encoding="utf-8")).number == 4
    assert_reads_as_expected(result, EXPECTED[name])
    assert [f.rule for f in result.findings] == []  # nothing the reader could not read


@pytest.mark.parametrize("name", [n for n in EXPECTED if "_damaged" in n])
def test_damaged_copy_reads_like_the_clean_letter(name):
    clean = read_path(FORMAT4 / name.replace("_damaged", ""))
    damaged = read_path(FORMAT4 / name)
    want, got = _semantic(clean.letter), _semantic(damaged.letter)
    for reading in (want, got):
        reading.pop("header")  # the glued first lines give the same fields on other lines
        for item in reading["items"]:
            item.pop("conclusion_text")  # the damaged words themselves ("notmedically"); polarity is compared
    assert got == want


@pytest.mark.parametrize("index,name", list(enumerate(CLEAN)))
def test_messy_versions_read_like_the_clean_letter(index, name, tmp_path):
    clean = (FORMAT4 / name).read_text(encoding="utf-8")
    want = _plain_quotes(_semantic(read_text(clean, tmp_path, "clean.txt").letter))
    style = messify.FURNITURE_STYLES[index % len(messify.FURNITURE_STYLES)]
    variants = {
        "pdf-like": messify.pdf_like(clean, style=style, page_lines=30 + index % 7).encode(),
        "narrow-crlf": messify.crlf(messify.double_space(messify.wrap(clean, 78))).encode(),
        "cp1252": messify.to_cp1252(messify.pdf_like(clean, style=style)),
    }
    for label, data in variants.items():
        result = read_text(data, tmp_path, f"{label}.txt")
        assert _plain_quotes(_semantic(result.letter)) == want, label


def test_the_decision_comes_from_the_numbered_list_and_points_at_it():
    result = read_path(FORMAT4 / "f4_hydrocodone_overturned_alprazolam_upheld.txt")
    lines = (FORMAT4 / "f4_hydrocodone_overturned_alprazolam_upheld.txt").read_text(encoding="utf-8").splitlines()
    first, second = result.letter.items
    assert (first.number, first.decision, second.number, second.decision) == (1, "overturned", 2, "upheld")
    # the list repeated under the heading, not the notice's first list
    heading = next(n for n, line in enumerate(lines, 1) if line.startswith("INDEPENDENT MEDICAL REVIEW DECISION"))
    assert second.decision_span.line > heading
    assert lines[second.decision_span.line - 1].startswith("2) MAXIMUS")
    said = lines[second.decision_span.line - 1][second.decision_span.column - 1 : second.decision_span.end_column - 1]
    assert said == "is not medically necessary and appropriate"


def test_a_notice_whose_items_cannot_be_found_is_reported(tmp_path):
    text = (FORMAT4 / "f4_soma_upheld_since_10_2012.txt").read_text(encoding="utf-8")
    text = text.replace("1) Regarding the request for", "Concerning")
    result = read_text(text, tmp_path)
    assert result.letter.format == 4
    assert result.letter.items == []
    assert "parse-no-items" in [f.rule for f in result.findings]


@pytest.fixture(scope="module")
def shipped_rules():
    from checker.knowledge.guideline import default_guideline
    from checker.rules.loader import load_ruleset

    return load_ruleset(default_guideline())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_only_the_planted_findings_are_reported(name, shipped_rules):
    """Planted defects at warning or error, by category and item; nothing else above info."""
    from checker.input.discover import InputRef
    from checker.pipeline import read_letter

    result = read_letter(InputRef(str(FORMAT4 / name)), shipped_rules).result
    loud = sorted({(f.category, f.item) for f in result.findings if f.severity.value in ("error", "warning")}, key=str)
    planted = sorted({(f["category"], f["item"]) for f in EXPECTED[name]["findings"]}, key=str)
    assert loud == planted, [(f.rule, f.severity.value, f.item, f.message) for f in result.findings]
