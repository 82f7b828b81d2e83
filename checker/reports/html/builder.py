"""Write the static HTML report of an audit database into a folder.

Opens from disk with no server and no network: every script, style and chart
is a file in the folder (charts are inline SVG), pages link to each other by
relative paths, and the letters table reads its data from a ``<script>``
file (``fetch`` of a local file is blocked in browsers; a script is not).

Layout of the folder::

    index.html              overview and charts
    letters.html            the letters table (sorts, filters, pages of 50)
    data/letters.js         one compact row per letter, dictionary-coded
    letters/NNN/ID.html     a page per letter (1,000 to a folder)
    assets/                 report.css, letters.js

The report is deterministic: the same database gives the same bytes (run
times appear only as data from the database).  Memory does not grow with
the number of letters: rows are streamed from SQLite to the files.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from html import escape
from pathlib import Path
from string import Template

from checker import __version__
from checker.audit import queries
from checker.model import CATEGORIES
from checker.reports.html import charts
from checker.reports.html.letter_page import facts_block, findings_block, text_block

_HERE = Path(__file__).resolve().parent
_PAGE = Template((_HERE / "templates" / "page.html").read_text(encoding="utf-8"))
#: Letter pages per folder, so no folder holds 100,000 files.
SHARD = 1000
SEVERITY_BITS = {"error": 1, "warning": 2, "info": 4}
#: MED histogram edges: the 2009 CPMTG's 120 mg threshold falls on an edge.
MED_EDGES = (0, 30, 60, 90, 120, 150, 200, 300, 500)


def letter_href(letter_id: int) -> str:
    return f"letters/{letter_id // SHARD:03d}/{letter_id}.html"


def _page(title: str, body: str, root: str, scripts: tuple[str, ...] = ()) -> str:
    tags = "".join(f'<script src="{root}{s}"></script>' for s in scripts)
    return _PAGE.substitute(title=escape(title), body=body, root=root, scripts=tags, version=__version__)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def build(conn: sqlite3.Connection, out: Path) -> int:
    """Write the whole report; returns the number of files written."""
    out.mkdir(parents=True, exist_ok=True)
    for stale in ("letters", "data", "assets"):
        shutil.rmtree(out / stale, ignore_errors=True)
    shutil.copytree(_HERE / "static", out / "assets")
    written = len(list((out / "assets").iterdir()))
    _write(out / "index.html", _page("imr-check audit: overview", overview_html(conn), ""))
    _write(out / "letters.html", _page("imr-check audit: letters", _LETTERS_BODY, "", ("data/letters.js", "assets/letters.js")))
    write_table_data(conn, out / "data" / "letters.js")
    written += 3
    for letter_id in queries.letter_ids(conn):
        _write(out / letter_href(letter_id), letter_html(conn, letter_id))
        written += 1
    return written


# ------------------------------------------------------------------ overview
def overview_html(conn: sqlite3.Connection) -> str:
    o = queries.overview(conn)
    numbers = (
        ("letters", o.letters), ("unreadable", o.unreadable), ("items", o.items), ("findings", o.findings),
        ("errors", o.by_severity["error"]), ("warnings", o.by_severity["warning"]), ("infos", o.by_severity["info"]),
        ("suppressed", o.suppressed),
    )
    cards = "".join(
        f'<div class="card"><span class="n" id="count-{name}">{value:,}</span><span class="k">{name}</span></div>'
        for name, value in numbers
    )
    parts = [
        "<h1>Audit overview</h1>",
        f'<section class="cards">{cards}</section>',
        "<p class=\"note\">Findings counts leave out suppressed findings (acknowledged in the letter).</p>",
        _category_table(o),
        _unreadable_html(conn, o.unreadable),
        _charts_html(conn),
        _runs_table(o.runs),
    ]
    return "\n".join(parts)


def _category_table(o: queries.Overview) -> str:
    counts = {(c, s): n for c, s, n in o.by_category}
    head = "".join(f"<th>{s}</th>" for s in queries.SEVERITIES) + "<th>all</th>"
    rows = []
    for category in CATEGORIES:
        cells = "".join(
            f'<td data-severity="{s}">{_filter_link(counts.get((category, s), 0), category=category, severity=s)}</td>'
            for s in queries.SEVERITIES
        )
        total = sum(counts.get((category, s), 0) for s in queries.SEVERITIES)
        rows.append(f'<tr data-category="{category}"><th>{category}</th>{cells}'
                    f'<td class="total">{_filter_link(total, category=category)}</td></tr>')
    return (
        '<h2>Findings by category and severity</h2><table class="counts" id="by-category">'
        f"<thead><tr><th>category</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _filter_link(count: int, **filters: str) -> str:
    if not count:
        return "0"
    query = "&amp;".join(f"{k}={escape(v)}" for k, v in filters.items())
    return f'<a href="letters.html#{query}">{count:,}</a>'


def _unreadable_html(conn: sqlite3.Connection, total: int, shown: int = 200) -> str:
    if not total:
        return '<h2>Unreadable files</h2><p class="note" id="unreadable">None: every file was read.</p>'
    rows = queries.unreadable(conn)[:shown]
    items = "".join(
        f'<li><a href="{letter_href(i)}">{escape(p)}</a>: {escape(e)}</li>' for i, p, e in rows
    )
    more = f"<p class=\"note\">and {total - shown:,} more (see the letters table)</p>" if total > shown else ""
    return f'<h2>Unreadable files</h2><ul id="unreadable">{items}</ul>{more}'


def _runs_table(runs: list[tuple]) -> str:
    head = "".join(f"<th>{h}</th>" for h in ("run", "imr-check", "rule set", "started", "finished", "seen", "checked", "unchanged"))
    body = "".join(
        "<tr>" + "".join(f"<td>{escape('(interrupted)' if v is None else str(v))}</td>" for v in run) + "</tr>"
        for run in runs
    )
    return f'<h2>Runs</h2><table class="runs"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


# ------------------------------------------------------------------ charts
def _figure(chart_id: str, title: str, svg: str, table: str) -> str:
    return (
        f'<figure class="chart" id="{chart_id}"><figcaption id="{chart_id}-title">{escape(title)}</figcaption>'
        f'{svg}<details><summary>the numbers</summary>{table}</details></figure>'
    )


def _data_table(header: tuple[str, ...], rows: list[tuple]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _empty(chart_id: str, title: str, why: str) -> str:
    return f'<figure class="chart empty" id="{chart_id}"><figcaption>{escape(title)}</figcaption><p class="note">{escape(why)}</p></figure>'


def _chart(chart_id: str, title: str, rows: list, empty: str, draw, header: tuple[str, ...]) -> str:
    """A chart with its numbers in a table below it, or a note when there is nothing to draw."""
    if not rows:
        return _empty(chart_id, title, empty)
    return _figure(chart_id, title, draw(chart_id, rows), _data_table(header, rows))


def _count_chart(conn: sqlite3.Connection, dimension: str) -> str:
    def draw(chart_id: str, rows: list) -> str:
        return charts.bars(chart_id, [r[0] for r in rows], [r[1] for r in rows], "findings (not suppressed)")

    return _chart("chart-findings-" + dimension.replace(" ", "-"), f"Findings per {dimension}",
                  queries.findings_by(conn, dimension), "No findings.", draw, (dimension, "findings"))


def _decision_chart(conn: sqlite3.Connection, dimension: str) -> str:
    def draw(chart_id: str, rows: list) -> str:
        series = {"upheld": [r[1] for r in rows], "overturned": [r[2] for r in rows]}
        return charts.grouped_bars(chart_id, [r[0] for r in rows], series, "items")

    return _chart("chart-decisions-" + dimension.replace(" ", "-"),
                  f"Decisions per {dimension}: upheld (denial stands) and overturned",
                  queries.decisions_by(conn, dimension), "No items with a decision.", draw,
                  (dimension, "upheld", "overturned"))


def _med_chart(conn: sqlite3.Connection) -> str:
    values = queries.opioid_meds(conn)
    edges = [*MED_EDGES, max([*values, MED_EDGES[-1]]) + 1]  # the same ranges in every report

    def draw(chart_id: str, rows: list) -> str:
        return charts.histogram(chart_id, values, "mg morphine equivalents a day", edges)

    return _chart("chart-med", "Daily morphine-equivalent dose (MED) of opioid items",
                  _histogram_rows(values, edges) if values else [],
                  "No opioid item in this database has a MED yet.", draw, ("range", "items"))


def _histogram_rows(values: list[float], edges: list[float]) -> list[tuple[str, int]]:
    rows = []
    for low, high in zip(edges, edges[1:]):
        last = high == edges[-1]
        rows.append((f"{low:g}-{high:g}", sum(1 for v in values if low <= v < high or (last and v == high))))
    return rows


def _charts_html(conn: sqlite3.Connection) -> str:
    figures = [_count_chart(conn, d) for d in ("rule", "drug class", "year", "reviewer specialty", "layout")]
    figures += [_decision_chart(conn, d) for d in ("drug class", "year")]
    figures.append(_med_chart(conn))
    return '<h2>Charts</h2><div class="charts">' + "\n".join(figures) + "</div>"


# ------------------------------------------------------------------ letters table
_LETTERS_BODY = """<h1>Letters</h1>
<form id="filters" class="filters" onsubmit="return false">
  <label>rule <select id="f-rule"><option value="">any</option></select></label>
  <label>category <select id="f-category"><option value="">any</option></select></label>
  <label>severity <select id="f-severity"><option value="">any</option></select></label>
  <label>drug <select id="f-drug"><option value="">any</option></select></label>
  <label>year <select id="f-year"><option value="">any</option></select></label>
  <label>path <input id="f-path" type="search" placeholder="part of the path"></label>
  <button id="f-clear" type="button">clear</button>
</form>
<p id="match-count" class="note" aria-live="polite"></p>
<table id="letters" class="letters">
<thead><tr>
<th data-sort="path">letter</th><th data-sort="year">year</th><th data-sort="layout">layout</th>
<th data-sort="specialty">reviewer specialty</th><th>drugs</th><th data-sort="items">items</th>
<th data-sort="error">errors</th><th data-sort="warning">warnings</th><th data-sort="info">infos</th><th>rules</th>
</tr></thead><tbody></tbody></table>
<nav class="pager"><button id="prev" type="button">&larr; previous</button> <span id="page-info"></span>
<button id="next" type="button">next &rarr;</button></nav>
<noscript><p>The letters table needs JavaScript; every letter also has its own page under letters/.</p></noscript>
"""


class _Codes:
    """Dictionary coding: each distinct value once, rows refer to it by index."""

    def __init__(self, values: list[str] | None = None) -> None:
        self.values: list[str] = list(values or [])
        self.index = {v: i for i, v in enumerate(self.values)}

    def __call__(self, value: str) -> int:
        if value not in self.index:
            self.index[value] = len(self.values)
            self.values.append(value)
        return self.index[value]


def write_table_data(conn: sqlite3.Connection, path: Path) -> None:
    """The letters table's rows as ``window.IMR_LETTERS``, streamed row by row.

    A row: [id, path, year, layout, specialty, [drugs], [rules], severity
    bits, errors, warnings, infos, items, unreadable, page]; strings other
    than the path are indexes into the lists written after the rows.
    """
    rule_category = queries.rule_categories(conn)
    rules = _Codes(list(rule_category))
    drugs, specialties = _Codes(), _Codes()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write("window.IMR_LETTERS = {rows: [\n")
        for r in queries.letter_rows(conn):
            bits = sum(SEVERITY_BITS[s] for s in r.severities)
            row = [
                r.id, r.path, r.year, r.layout, specialties(r.specialty) if r.specialty else None,
                [drugs(d) for d in r.drugs], [rules(x) for x in r.rules], bits,
                r.counts["error"], r.counts["warning"], r.counts["info"], r.items, 1 if r.error else 0,
                letter_href(r.id),
            ]
            out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + ",\n")
        out.write("],\n")
        categories = list(CATEGORIES)
        meta = {
            "rules": rules.values,
            "ruleCategory": [categories.index(rule_category[x]) if rule_category.get(x) in categories else -1 for x in rules.values],
            "categories": categories,
            "drugs": drugs.values,
            "specialties": specialties.values,
            "severities": list(SEVERITY_BITS),
        }
        for key, value in meta.items():
            out.write(f"{key}: {json.dumps(value, ensure_ascii=False)},\n")
        out.write("};\n")


# ------------------------------------------------------------------ letter pages
def letter_html(conn: sqlite3.Connection, letter_id: int) -> str:
    page = queries.letter_page(conn, letter_id)
    row = page.letter
    starts = json.loads(row["page_starts"]) if row.get("page_starts") else None
    error = f'<p class="error" id="letter-error">Unreadable: {escape(row["error"])}</p>' if row["error"] else ""
    body = (
        f'<h1 class="path">{escape(row["path"])}</h1>{error}'
        f'<section class="says"><h2>What the letter says</h2>{facts_block(page)}</section>'
        f'<div class="letter-layout"><section class="side">'
        f'<h2>Findings ({len(page.findings)})</h2>{findings_block(page, starts)}</section>'
        f'<section class="main"><h2>The letter</h2>{text_block(page, starts)}</section></div>'
    )
    return _page(f"{row['path']}: imr-check audit", body, "../../")
