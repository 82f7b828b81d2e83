"""The bad-input corpus (tests/badinputs.py) through the command line: an answer for each, alike every time.

The command line runs over the whole corpus as a user would (``-f json``,
a folder), once with ``--jobs 1`` and once with ``--jobs 2`` (worker
processes: other memory addresses, another timing).  Both runs must give
the same bytes on stdout and stderr (no memory address, time or
random value in a message; the same order whatever the workers do), exit 2
(some inputs cannot be read), list every input with a result or a one-line
error saying what it expected, print one error line per unreadable input and
nothing else, and leave every input as it was.

Inputs are smaller than the issue's figures (lines of 3,000 characters, page
lists of 2,000 entries) so the suite stays quick; ``bench/adversarial.py``
runs 200,000-character lines and 100,000-entry page lists.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from checker.input.documents import extract
from checker.input.docx import MAX_PART_BYTES, check_package
from checker.input.source import InputError, short_reason
from tests import badinputs
from tests.badinputs import ANY, READ
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad") / "corpus"
    expected = badinputs.write_corpus(folder, line_chars=3_000, page_entries=2_000, items=50)
    yield folder, expected
    badinputs.unlock(folder)


def _hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every regular file in the corpus (links and special files as what they are)."""
    found = {}
    for root, dirs, files in os.walk(folder):
        for name in sorted(dirs + files):
            path = Path(root) / name
            info = path.lstat()
            if stat.S_ISREG(info.st_mode):
                found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                found[str(path.relative_to(folder))] = f"mode {stat.S_IFMT(info.st_mode)} {os.readlink(path) if path.is_symlink() else ''}"
    return found


def _run(folder: Path, jobs: int) -> tuple[int, bytes, bytes]:
    done = run_cli(["-f", "json", "--jobs", str(jobs), "."], cwd=folder)
    return done.exit_code, done.stdout_bytes, done.stderr_bytes


def test_every_bad_input_gets_one_answer_the_same_every_time(corpus):
    folder, expected = corpus
    before = _hashes(folder)
    serial = _run(folder, 1)
    parallel = _run(folder, 2)  # other processes: other memory addresses, other timing
    assert serial == parallel  # exit code, stdout and stderr, byte for byte

    code, out, err = serial
    assert code == 2
    files = json.loads(out)["files"]
    assert sorted(f["path"] for f in files) == sorted(expected)
    for entry in files:
        want, error = expected[entry["path"]], entry["error"]
        if error is not None:
            assert "\n" not in error and error == error.strip(), entry["path"]
            assert not error.startswith("internal error"), (entry["path"], error)
        if want == READ:
            assert error is None, (entry["path"], error)
        elif want != ANY:
            assert error is not None and want in error, (entry["path"], error, want)
    errors = [f"imr-check: error: {f['path']}: {f['error']}" for f in files if f["error"] is not None]
    assert err.decode("utf-8").splitlines() == errors  # one line per unreadable input, nothing else
    assert _hashes(folder) == before  # nothing written, nothing lost


def test_a_file_one_byte_over_the_limit_is_refused_and_deleted(tmp_path):
    folder = tmp_path / "big"
    try:
        expected = badinputs.write_corpus(folder, big=True, line_chars=100, page_entries=10, items=1)
        done = run_cli(["-f", "json", "over-the-limit.txt"], cwd=folder)
        (entry,) = json.loads(done.stdout)["files"]
        assert entry["error"] == expected["over-the-limit.txt"]
        assert done.exit_code == 2
    finally:
        badinputs.unlock(folder)
        (folder / "over-the-limit.txt").unlink(missing_ok=True)


def test_the_docx_bomb_is_refused_from_its_directory_before_anything_is_inflated():
    bomb = badinputs.docx_bomb()
    assert len(bomb) < 2 * 1024 * 1024
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert archive.getinfo("word/document.xml").file_size > 1000 * 1024 * 1024
    with pytest.raises(InputError, match=r"^Word file refused: word/document\.xml would unpack to 1,024 MB \(limit 32 MB\)$"):
        check_package(bomb)


def test_reading_the_docx_bomb_never_holds_what_it_expands_to():
    bomb = badinputs.docx_bomb()
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="Word file refused"):
            extract(bomb, "bomb.docx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024  # the file is 1.6 MB; unpacked it would be 1 GB


def test_a_part_that_packs_too_well_is_refused_even_under_the_size_limit():
    bomb = badinputs.docx_bomb(expanded=MAX_PART_BYTES // 2)
    with pytest.raises(InputError, match=r"would unpack to \d+ times its packed size \(limit 100; a zip bomb\?\)"):
        check_package(bomb)


def test_a_real_word_draft_passes_the_package_check():
    check_package((badinputs.EXAMPLES / "carisoprodol-hydrocodone-draft.docx").read_bytes())


def test_pdf_object_names_lose_the_address_that_changes_every_run():
    message = "Detected loop with self reference for IndirectObject(4, 0, 140003707458768)."
    assert short_reason(message) == "Detected loop with self reference for object 4 0."
    assert short_reason("<pypdf.generic.NullObject object at 0x7f3a9c0d2e10> broke") == "<pypdf.generic.NullObject object> broke"
