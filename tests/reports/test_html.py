"""imr-check report: the files, offline and deterministic; in a real (headless) browser, the DOM.

The browser tests drive the system Chromium through selenium and skip, with
the reason, where Chromium, chromedriver or selenium is missing (.ci/run
installs Chromium where it can).  Screenshots of the overview and of a
letter page are saved as test artifacts: in $IMR_CHECK_ARTIFACTS when set,
else in pytest's temporary folder (the path is printed).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import zlib
from pathlib import Path

import pytest

from tests.audit_support import run_cli
from tests.conftest import built_once

CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,1000",
)


@pytest.fixture(scope="session")
def report(audited, tmp_path_factory) -> Path:
    """The report of the audited corpus, written once per run (read it; do not change it)."""

    def write(folder: Path) -> None:
        assert run_cli("report", "--db", str(audited), "-o", str(folder / "report")) == 0

    return built_once(tmp_path_factory, "report", write) / "report"


def _sql(db: Path, query: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(query, params).fetchall()


# ------------------------------------------------------------------ files
def test_the_report_has_an_overview_a_table_and_a_page_per_letter(report, audited):
    ids = [r[0] for r in _sql(audited, "SELECT id FROM letters")]
    assert (report / "index.html").is_file() and (report / "letters.html").is_file()
    assert {p.name for p in (report / "assets").iterdir()} == {"report.css", "letters.js"}
    assert sorted(int(p.stem) for p in (report / "letters").glob("*/*.html")) == sorted(ids)
    data = (report / "data" / "letters.js").read_text(encoding="utf-8")
    assert data.count('.html"],\n') == len(ids)


def test_the_report_needs_no_network(report):
    for path in report.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"https?://", text), path
            assert not re.search(r"""(?:src|href)=["'](?:/|[a-z]+:)""", text), path


def test_the_same_database_gives_the_same_report(report, audited, tmp_path):
    again = tmp_path / "again"
    assert run_cli("report", "--db", str(audited), "-o", str(again)) == 0
    files = sorted(p.relative_to(report) for p in report.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for name in files:
        assert (report / name).read_bytes() == (again / name).read_bytes(), name


# ------------------------------------------------------------------ browser
@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install '.[test]')")
    binary = next((b for b in CHROMIUM if Path(b).exists()), None)
    if binary is None or not Path(CHROMEDRIVER).exists():
        pytest.skip("Chromium is not installed: apt-get install chromium chromium-driver (.ci/run does where it can)")
    options = webdriver.ChromeOptions()
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.binary_location = binary
    from selenium.webdriver.chrome.service import Service

    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory) -> Path:
    folder = Path(os.environ["IMR_CHECK_ARTIFACTS"]) if os.environ.get("IMR_CHECK_ARTIFACTS") else tmp_path_factory.mktemp("artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _open(browser, path: Path):
    browser.get(path.resolve().as_uri())
    return browser


def _by(selector: str):
    from selenium.webdriver.common.by import By

    return By.CSS_SELECTOR, selector


def _text(browser, selector: str) -> str:
    return browser.find_element(*_by(selector)).text


def _texts(browser, selectors: list[str]) -> list[str]:
    """The rendered text of what each selector finds, in one round trip to the browser (one missing fails)."""
    texts = browser.execute_script(
        "return arguments[0].map(s => { const e = document.querySelector(s); return e && e.innerText.trim(); });",
        selectors,
    )
    missing = [s for s, t in zip(selectors, texts) if t is None]
    assert not missing, f"not on the page: {missing}"
    return texts


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def test_overview_numbers_are_the_databases(browser, report, audited):
    _open(browser, report / "index.html")
    expected = {
        "letters": "SELECT count(*) FROM letters",
        "unreadable": "SELECT count(*) FROM letters WHERE error IS NOT NULL",
        "items": "SELECT count(*) FROM items",
        "findings": "SELECT count(*) FROM findings WHERE suppressed IS NULL",
        "errors": "SELECT count(*) FROM findings WHERE suppressed IS NULL AND severity = 'error'",
        "warnings": "SELECT count(*) FROM findings WHERE suppressed IS NULL AND severity = 'warning'",
        "infos": "SELECT count(*) FROM findings WHERE suppressed IS NULL AND severity = 'info'",
    }
    shown = _texts(browser, [f"#count-{name}" for name in expected])
    for (name, query), text in zip(expected.items(), shown):
        assert _number(text) == _sql(audited, query)[0][0], name
    counts = _sql(audited, "SELECT category, severity, count(*) FROM findings WHERE suppressed IS NULL GROUP BY 1, 2")
    cells = _texts(browser, [f'#by-category tr[data-category="{c}"] td[data-severity="{s}"]' for c, s, _ in counts])
    for (category, severity, count), text in zip(counts, cells):
        assert _number(text) == count, (category, severity)
    unreadable = [e.text for e in browser.find_elements(*_by("#unreadable li"))]
    assert sorted(u.split(":")[0].rsplit("/", 1)[-1] for u in unreadable) == ["binary.txt", "empty.txt"]
    charts = browser.find_elements(*_by("figure.chart svg"))
    assert len(charts) >= 7 and all(c.size["height"] > 50 for c in charts)


def _line_text(audited: Path, letter_id: int) -> list[str]:
    blob = _sql(audited, "SELECT text FROM letter_texts WHERE letter_id = ?", (letter_id,))[0][0]
    return re.split(r"\r\n|\r|\n", zlib.decompress(blob).decode("utf-8"))


def _letter_with_findings(audited: Path, kind: str) -> int:
    return _sql(audited, "SELECT l.id FROM letters l JOIN findings f ON f.letter_id = l.id WHERE l.kind = ? "
                "GROUP BY l.id ORDER BY count(*) DESC, l.id LIMIT 1", (kind,))[0][0]


#: For each finding {seq, line, evidence: [line, ...]}: the text of its highlights on its line, and its item
#: in the list (null when missing): whether it links its line, its explanation, its rendered text, and per
#: evidence link (in order) the link's address and whether the line the finding's evidence names is on the page.
_FINDINGS_ON_THE_PAGE = """
return arguments[0].map(f => {
  const marks = Array.from(document.querySelectorAll(`#L${f.line} mark[data-findings~="F${f.seq}"]`), m => m.textContent);
  const item = document.getElementById(`F${f.seq}`);
  if (item === null) return {marks: marks, item: null};
  const pre = item.querySelector("details.explain pre");
  const links = Array.from(item.querySelectorAll("a.evidence"));
  return {marks: marks, item: {
    links_its_line: item.querySelector(`a[href="#L${f.line}"]`) !== null,
    explain: pre === null ? null : pre.textContent,
    text: item.innerText,
    evidence: links.slice(0, f.evidence.length).map((a, i) => [a.href, document.getElementById(`L${f.evidence[i]}`) !== null]),
  }};
});
"""


@pytest.mark.parametrize("kind", ["text", "pdf"])
def test_a_letter_page_highlights_each_findings_span(browser, report, audited, kind):
    letter_id = _letter_with_findings(audited, kind)
    lines = _line_text(audited, letter_id)
    findings = _sql(audited, 'SELECT seq, line, "column", end_line, end_column, evidence, page FROM findings '
                    "WHERE letter_id = ? ORDER BY seq", (letter_id,))
    _open(browser, next(report.glob(f"letters/*/{letter_id}.html")))
    assert findings
    shown = browser.execute_script(_FINDINGS_ON_THE_PAGE, [
        {"seq": seq, "line": line, "evidence": [entry["line"] for entry in json.loads(evidence)]}
        for seq, line, _, _, _, evidence, _ in findings
    ])  # what the page shows of each finding, in one round trip to the browser
    for (seq, line, column, end_line, end_column, evidence, page), on_page in zip(findings, shown, strict=True):
        assert on_page["marks"], f"finding {seq} has no highlight on line {line}"
        if end_line == line:
            assert "".join(on_page["marks"]) == lines[line - 1][column - 1:end_column - 1]
        assert on_page["item"] is not None, f"finding {seq} is not listed"
        assert on_page["item"]["links_its_line"]
        assert on_page["item"]["explain"] and on_page["item"]["explain"].strip()
        if kind == "pdf":
            assert f"page {page}, line" in on_page["item"]["text"]
        for entry, (href, target) in zip(json.loads(evidence), on_page["item"]["evidence"]):
            assert href.endswith(f"#L{entry['line']}")
            assert target


def _matching(browser) -> int:
    return _number(_text(browser, "#match-count").split(" of ")[0])


def _select(browser, name: str, label: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element(*_by(f"#f-{name}"))).select_by_visible_text(label)


def _column(browser, index: int) -> list[str]:
    """The rendered text of one column of the letters table, row by row (one round trip to the browser)."""
    return browser.execute_script(
        "const i = arguments[0];"
        "return Array.from(document.querySelectorAll('#letters tbody tr'), tr => tr.querySelectorAll('td')[i].innerText.trim());",
        index,
    )


def test_filters_sorting_and_pages_change_the_letters_table(browser, report, audited):
    _open(browser, report / "letters.html")
    total = _sql(audited, "SELECT count(*) FROM letters")[0][0]
    assert total > 50 and _matching(browser) == total
    assert _text(browser, "#page-info") == "page 1 of 2"
    browser.find_element(*_by("#next")).click()
    assert _text(browser, "#page-info") == "page 2 of 2" and len(_column(browser, 0)) == total - 50

    rule, letters = _sql(audited, "SELECT rule, count(DISTINCT letter_id) AS n FROM findings WHERE suppressed IS NULL "
                         "GROUP BY rule ORDER BY n DESC, rule LIMIT 1")[0]
    _select(browser, "rule", rule)
    assert _matching(browser) == letters and all(rule in cell for cell in _column(browser, 9))
    assert "rule=" + rule in browser.current_url

    year, in_year = _sql(audited, "SELECT year, count(*) FROM letters l WHERE year IS NOT NULL AND EXISTS "
                         "(SELECT 1 FROM findings f WHERE f.letter_id = l.id AND f.rule = ? AND f.suppressed IS NULL) "
                         "GROUP BY year ORDER BY 2 DESC, 1 LIMIT 1", (rule,))[0]
    _select(browser, "year", str(year))
    assert _matching(browser) == in_year and set(_column(browser, 1)) == {str(year)}

    browser.find_element(*_by("#f-clear")).click()
    _select(browser, "severity", "warning")
    assert _matching(browser) == _sql(audited, "SELECT count(DISTINCT letter_id) FROM findings "
                                      "WHERE severity = 'warning' AND suppressed IS NULL")[0][0]
    _select(browser, "category", "spelling")
    assert _matching(browser) == _sql(audited, "SELECT count(DISTINCT letter_id) FROM findings WHERE severity = 'warning' "
                                      "AND category = 'spelling' AND suppressed IS NULL")[0][0]
    browser.find_element(*_by("#f-clear")).click()
    _select(browser, "drug", "carisoprodol")
    assert _matching(browser) == _sql(audited, "SELECT count(DISTINCT letter_id) FROM items WHERE drug = 'carisoprodol'")[0][0]

    browser.find_element(*_by("#f-clear")).click()
    header = browser.find_element(*_by('th[data-sort="warning"]'))
    header.click()
    header.click()  # descending
    most = _sql(audited, "SELECT max(n) FROM (SELECT count(*) AS n FROM findings WHERE severity = 'warning' "
                "AND suppressed IS NULL GROUP BY letter_id)")[0][0]
    assert int(_column(browser, 7)[0]) == most


def test_a_link_from_the_overview_opens_the_table_filtered(browser, report, audited):
    _open(browser, report / "index.html")
    link = browser.find_element(*_by('#by-category tr[data-category="fact-conflict"] td.total a'))
    link.click()
    assert _matching(browser) == _sql(audited, "SELECT count(DISTINCT letter_id) FROM findings "
                                      "WHERE category = 'fact-conflict' AND suppressed IS NULL")[0][0]


def test_screenshots_of_the_overview_and_a_letter_page(browser, report, audited, artifacts):
    shots = {"overview.png": report / "index.html",
             "letter.png": next(report.glob(f"letters/*/{_letter_with_findings(audited, 'text')}.html"))}
    for name, page in shots.items():
        _open(browser, page)
        browser.save_screenshot(str(artifacts / name))
        assert (artifacts / name).stat().st_size > 10_000
    print(f"screenshots in {artifacts}")


def test_the_med_chart_counts_opioid_items_per_range(audited, tmp_path):
    """MED is NULL until the model computes it; with values, every opioid item lands in one range."""
    from checker.reports.html.builder import _med_chart

    db = tmp_path / "med.sqlite"
    shutil.copy(audited, db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE items SET med = 30 * item + 15 WHERE drug_class LIKE 'opioid%'")
        opioids = conn.execute("SELECT count(*) FROM items WHERE drug_class LIKE 'opioid%'").fetchone()[0]
        html = _med_chart(conn)
    counts = [int(n) for n in re.findall(r"<tr><td>[\d.]+-[\d.]+</td><td>(\d+)</td></tr>", html)]
    assert opioids and sum(counts) == opioids
    assert "<svg" in html and "http" not in html
