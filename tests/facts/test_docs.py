"""docs/rules.md's fact tables are generated from the registry (checker/facts/docs.py) and must not drift."""

from __future__ import annotations

import pytest

from checker.facts import docs
from checker.facts.registry import RECORDS, declared
from tests.conftest import ROOT

RULES_MD = ROOT / "docs" / "rules.md"


def test_docs_rules_md_is_generated_from_the_registry():
    text = RULES_MD.read_text(encoding="utf-8")
    assert docs.rewrite(text) == text, "docs/rules.md is out of date: run python -m checker.facts.docs"


def test_every_fact_and_record_type_is_documented():
    text = RULES_MD.read_text(encoding="utf-8")
    for name in declared():
        assert f"| `{name}` |" in text, name
    for name in RECORDS:
        assert f"### `{name}`" in text, name


def test_check_mode_reports_drift(tmp_path):
    stale = tmp_path / "rules.md"
    stale.write_text(f"# Rules\n\n{docs.BEGIN}\n| `item.aproved` | hand-written |\n{docs.END}\n", encoding="utf-8")
    assert docs.main(["--check", str(stale)]) == 1
    assert docs.main([str(stale)]) == 0
    assert docs.main(["--check", str(stale)]) == 0
    assert "item.aproved" not in stale.read_text(encoding="utf-8")


def test_a_file_without_markers_is_refused():
    with pytest.raises(ValueError, match="markers"):
        docs.rewrite("# Rules\n")
