"""Letters read the same however PDF extraction mangled them.

Each clean fixture letter is turned into the mess real extraction produces
(``tests/messify.py``: wrapping at ~95 columns, a blank line after every line,
running page headers/footers even mid-paragraph and mid-heading, words
hyphenated across breaks, CRLF/CR, form feeds, cp1252, a BOM) and must give
the same reading, item for item, as the clean text.
"""

from __future__ import annotations

import pytest

from checker.reports.json import letter_dict
from tests import messify
from tests.conftest import LETTERS, load_expected, read_text

NAMES = sorted(load_expected(LETTERS))
_POSITIONAL = {"line", "request_span", "decision_span", "conclusion_span", "rationale_span", "encoding"}


def _semantic(letter) -> dict:
    """The reading without positions (which differ between layouts by design)."""
    data = letter_dict(letter)
    data.pop("encoding")
    data["header"] = [(h["label"], h["value"]) for h in data["header"]]
    data["sections"] = [(s["kind"], s["title"]) for s in data["sections"]]
    data["items"] = [{k: v for k, v in item.items() if k not in _POSITIONAL} for item in data["items"]]
    for item in data["items"]:
        item["citations"] = [{k: v for k, v in c.items() if k != "line"} for c in item.get("citations", [])]
    return data


def _plain_quotes(value):
    """cp1252 variants curl quotes and dashes; compare text with them straightened."""
    if isinstance(value, str):
        return (
            value.replace("\u201c", '"').replace("\u201d", '"').replace("\u2018", "'")
            .replace("\u2019", "'").replace("\u2013", "-")
        )
    if isinstance(value, dict):
        return {k: _plain_quotes(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_quotes(v) for v in value]
    return value


def _clean(name: str) -> str:
    return (LETTERS / name).read_text(encoding="utf-8")


def _variants(name: str, index: int) -> dict[str, bytes]:
    clean = _clean(name)
    style = messify.FURNITURE_STYLES[index % len(messify.FURNITURE_STYLES)]
    pdf = messify.pdf_like(clean, style=style, page_lines=30 + index % 7)
    return {
        "pdf-like": pdf.encode(),
        "pdf-like-hyphenated": messify.pdf_like(clean, style=style, seed=index).encode(),
        "narrow-crlf": messify.crlf(messify.double_space(messify.wrap(clean, 78))).encode(),
        "cr-only": messify.cr_only(pdf).encode(),
        "form-feeds": messify.add_page_furniture(
            messify.double_space(messify.wrap(clean, 95)), 24, style="footer", form_feed=True
        ).encode(),
        "cp1252": messify.to_cp1252(pdf),
        "bom": messify.with_bom(pdf),
    }


@pytest.mark.parametrize("index,name", list(enumerate(NAMES)), ids=NAMES)
def test_messy_versions_read_like_the_clean_letter(index, name, tmp_path):
    baseline = read_text(_clean(name), tmp_path, "clean.txt")
    assert baseline.error is None
    want = _plain_quotes(_semantic(baseline.letter))
    assert want["items"] and want["format"] in (1, 2, 3)  # a real reading to compare against
    for label, data in _variants(name, index).items():
        result = read_text(data, tmp_path, f"{label}.txt")
        assert result.error is None, label
        assert _plain_quotes(_semantic(result.letter)) == want, label
