"""imr-check audit: the schema and its migrations, incremental reruns, unreadable files, JSON parity."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from checker.audit.schema import SCHEMA_VERSION, connect, migrate
from checker.reports.json import finding_dict, letter_dict
from tests.audit_support import ROOT, UNREADABLE, checked_in_process, content, run_cli

EXAMPLE = ROOT / "examples" / "carisoprodol-hydrocodone.txt"


def _runs(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT letters_seen, letters_checked, letters_skipped, finished_at IS NOT NULL FROM runs ORDER BY id").fetchall()


def _small(tmp_path: Path, names=("carisoprodol-hydrocodone.txt", "soma-oxycodone-upheld.txt")) -> Path:
    folder = tmp_path / "letters"
    folder.mkdir()
    for name in names:
        shutil.copy(ROOT / "examples" / name, folder / name)
    return folder


# ------------------------------------------------------------------ schema
def test_a_new_database_is_at_the_current_version(tmp_path):
    conn = connect(str(tmp_path / "a.sqlite"))
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    assert {"runs", "letters", "items", "citations", "findings", "letter_texts", "rules"} <= tables


def test_a_version_1_database_is_migrated_and_its_letters_read_again(tmp_path):
    db = tmp_path / "old.sqlite"
    conn = sqlite3.connect(db, isolation_level=None)
    migrate(conn, upto=1)
    conn.execute("INSERT INTO runs (id, tool_version, ruleset_hash, started_at) VALUES (1, '0.0.9', 'old', 'then')")
    conn.execute(
        "INSERT INTO letters (id, path, content_hash, ruleset_hash, run_id, layout) VALUES (1, ?, 'x', 'old', 1, 1)",
        (str(EXAMPLE),),
    )
    conn.execute("INSERT INTO items (letter_id, item, request) VALUES (1, 1, 'Soma')")
    conn.close()

    conn = connect(str(db))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    assert conn.execute("SELECT request FROM items").fetchall() == [("Soma",)]  # data kept
    assert conn.execute("SELECT ruleset_hash FROM letters").fetchone()[0] == ""  # to be read again
    conn.close()

    assert run_cli("audit", str(EXAMPLE), "--db", str(db)) == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id, count(*) FROM letters").fetchone() == (1, 1)  # same row, updated
        assert conn.execute("SELECT count(*) FROM letter_texts").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM items").fetchone()[0] == 2


def test_a_newer_database_or_another_file_is_refused(tmp_path, capsys):
    newer = tmp_path / "newer.sqlite"
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 99")
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not a database" * 100)
    assert run_cli("audit", str(EXAMPLE), "--db", str(newer)) == 2
    assert "newer than this imr-check" in capsys.readouterr().err
    assert run_cli("audit", str(EXAMPLE), "--db", str(garbage)) == 2
    assert run_cli("report", "--db", str(tmp_path / "missing.sqlite"), "-o", str(tmp_path / "r")) == 2
    assert "no such audit database" in capsys.readouterr().err


# ------------------------------------------------------------------ incremental
def test_a_rerun_with_nothing_changed_checks_nothing_and_changes_nothing(tmp_path):
    folder, db = _small(tmp_path), tmp_path / "a.sqlite"
    assert run_cli("audit", str(folder), "--db", str(db)) == 0
    first = content(db)
    assert run_cli("audit", str(folder), "--db", str(db)) == 0
    assert _runs(db) == [(2, 2, 0, 1), (2, 0, 2, 1)]
    assert content(db) == first


def test_a_changed_letter_is_checked_again_in_place(tmp_path):
    folder, db = _small(tmp_path), tmp_path / "a.sqlite"
    assert run_cli("audit", str(folder), "--db", str(db)) == 0
    letter = folder / "carisoprodol-hydrocodone.txt"
    with sqlite3.connect(db) as conn:
        (before_id,) = conn.execute("SELECT id FROM letters WHERE path = ?", (str(letter),)).fetchone()
    letter.write_text(letter.read_text(encoding="utf-8").replace("ninety count", "120 count"), encoding="utf-8")
    assert run_cli("audit", str(folder), "--db", str(db)) == 0
    assert _runs(db)[-1] == (2, 1, 1, 1)
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT id FROM letters WHERE path = ?", (str(letter),)).fetchone()
        messages = [r[0] for r in conn.execute(
            "SELECT message FROM findings WHERE letter_id = ? AND rule = 'quantity-differs-within-letter'", row)]
        request = conn.execute("SELECT request FROM items WHERE letter_id = ? AND item = 1", row).fetchone()[0]
    assert row[0] == before_id
    assert request == "Carsoprodol 350 mg, 120 count"
    # the item line now agrees with the summary; only the rationale's "#90" still differs
    assert messages == ["the rationale gives quantity 90, but the summary gives the request as quantity 120"]


def test_a_rule_change_checks_every_letter_again(tmp_path, monkeypatch):
    folder, db = _small(tmp_path), tmp_path / "a.sqlite"
    assert run_cli("audit", str(folder), "--db", str(db)) == 0
    project = tmp_path / "project"
    project.mkdir()
    (project / ".imr-check.yaml").write_text("rules:\n  pronoun-contradicts-sex: info\n", encoding="utf-8")
    monkeypatch.chdir(project)
    assert run_cli("audit", str(folder), "--db", str(db)) == 0
    assert _runs(db)[-1] == (2, 2, 0, 1)
    with sqlite3.connect(db) as conn:
        severities = {r[0] for r in conn.execute("SELECT severity FROM findings WHERE rule = 'pronoun-contradicts-sex'")}
        hashes = {r[0] for r in conn.execute("SELECT DISTINCT ruleset_hash FROM letters")}
        assert conn.execute("SELECT severity FROM rules WHERE id = 'pronoun-contradicts-sex'").fetchone()[0] == "info"
    assert severities == {"info"}
    assert len(hashes) == 1


def test_unreadable_files_are_recorded_with_their_error(audited, capsys):
    with sqlite3.connect(audited) as conn:
        rows = dict(conn.execute("SELECT path, error FROM letters WHERE error IS NOT NULL").fetchall())
    assert {Path(p).name: e for p, e in rows.items()} == {"empty.txt": "empty file", "binary.txt": "binary file (not a text letter)"}
    assert set(UNREADABLE) == {Path(p).name for p in rows}


def test_a_missing_file_is_recorded_and_tried_again(tmp_path):
    db = tmp_path / "a.sqlite"
    missing = tmp_path / "gone.txt"
    assert run_cli("audit", str(EXAMPLE), str(missing), "--db", str(db)) == 0
    assert run_cli("audit", str(EXAMPLE), str(missing), "--db", str(db)) == 0
    assert _runs(db)[-1] == (2, 1, 1, 1)  # the example skipped, the missing file tried again
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT error, content_hash FROM letters WHERE path = ?", (str(missing),)).fetchone() == (
            "no such file or directory", None)


# ------------------------------------------------------------------ same data as JSON, determinism
def test_the_database_says_what_the_json_output_says(audited, corpus):
    conn = sqlite3.connect(audited)
    results = checked_in_process(str(corpus))  # every input, read again in this process
    assert len(results) == conn.execute("SELECT count(*) FROM letters").fetchone()[0]
    for result in results:
        (letter_id, error, layout) = conn.execute("SELECT id, error, layout FROM letters WHERE path = ?", (result.path,)).fetchone()
        assert error == result.error
        if result.letter is None:
            continue
        data = letter_dict(result.letter)
        assert layout == data["format"]
        items = conn.execute("SELECT item, request, drug, drug_class, decision, conclusion, quantity FROM items "
                             "WHERE letter_id = ? ORDER BY item", (letter_id,)).fetchall()
        assert items == [(i["index"], i["request"], i["drug"], i["drug_class"], i["decision"], i["conclusion"],
                          i["quantity"]) for i in data["items"]]
        findings = conn.execute('SELECT rule, severity, item, message, line, "column", evidence FROM findings '
                                "WHERE letter_id = ? ORDER BY seq", (letter_id,)).fetchall()
        expected = [finding_dict(f) for f in result.findings]
        assert findings == [(f["rule"], f["severity"], f["item"], f["message"], f["line"], f["column"],
                             json.dumps(f["evidence"], ensure_ascii=False)) for f in expected]
    conn.close()


def test_jobs_give_the_same_database_and_two_audits_the_same_content(tmp_path, corpus, audited):
    db = tmp_path / "jobs.sqlite"
    assert run_cli("audit", str(corpus), "--db", str(db), "--jobs", "2", "--batch", "7") == 0
    assert content(db) == content(audited)


def test_pdf_findings_know_their_page(audited):
    with sqlite3.connect(audited) as conn:
        rows = conn.execute(
            "SELECT f.line, f.page, f.line_in_page, l.page_starts FROM findings f JOIN letters l ON l.id = f.letter_id "
            "WHERE l.kind = 'pdf'"
        ).fetchall()
    assert rows
    for line, page, line_in_page, starts in rows:
        starts = json.loads(starts)
        assert starts[page - 1] + line_in_page - 1 == line
