"""Every input is accounted for: unreadable entries, special files, size limits, encodings."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from checker.input.decode import decode
from checker.input.discover import InputRef, discover
from checker.input.read import read_bytes
from checker.input.source import InputError
from checker.pipeline import read_letter
from tests.conftest import SEEDS, builtin_rules

SEED = SEEDS / "000_a530ee4abe81adc8.txt"


@pytest.fixture
def no_hang():
    """Fail instead of hanging for ever when an input is opened that should not be."""

    def fail(*_):
        raise TimeoutError("the input was opened and blocked")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _letters(tmp_path: Path) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a.txt").write_bytes(SEED.read_bytes())
    (folder / "z.txt").write_bytes(SEED.read_bytes())
    return folder


def test_a_broken_link_in_a_folder_is_reported_in_its_place(tmp_path):
    folder = _letters(tmp_path)
    (folder / "m.txt").symlink_to(folder / "gone.txt")
    refs = discover([str(folder)])
    assert [(Path(r.path).name, r.error) for r in refs] == [
        ("a.txt", None), ("m.txt", "broken symbolic link"), ("z.txt", None)]


def test_a_fifo_or_device_is_refused_without_being_opened(tmp_path, no_hang):
    folder = _letters(tmp_path)
    os.mkfifo(folder / "pipe.txt")
    refs = discover([str(folder), "/dev/zero"])
    errors = {Path(r.path).name: r.error for r in refs if r.error}
    assert errors == {"pipe.txt": "not a regular file: a named pipe (FIFO)",
                      "zero": "not a regular file: a character device"}
    results = [read_letter(ref, builtin_rules()).result for ref in refs]
    assert [r.error is None for r in results] == [True, False, True, False]  # the letters beside them are read


def test_an_unreadable_subfolder_is_reported(tmp_path, monkeypatch):
    folder = _letters(tmp_path)
    locked = folder / "locked"
    locked.mkdir()
    (locked / "hidden.txt").write_bytes(SEED.read_bytes())
    if os.geteuid() != 0:
        locked.chmod(0)
    else:  # root reads everything: make the listing fail as it does for other users
        real = os.scandir

        def scandir(path):
            if Path(path) == locked:
                raise PermissionError(13, "Permission denied")
            return real(path)

        monkeypatch.setattr(os, "scandir", scandir)
    try:
        refs = discover([str(folder)])
    finally:
        locked.chmod(0o755)
    assert [(Path(r.path).name, r.error) for r in refs] == [
        ("a.txt", None), ("locked", "permission denied: this folder cannot be listed"), ("z.txt", None)]


def test_a_missing_path_and_a_glob_that_matches_nothing_are_reported(tmp_path):
    refs = discover([str(tmp_path / "nope.txt"), str(tmp_path / "*.nothing")])
    assert [r.error for r in refs] == ["no such file or directory"] * 2


def test_inputs_over_the_size_limit_are_refused_before_reading(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(SEED.read_bytes() * 20)
    limit = len(SEED.read_bytes()) * 10
    with pytest.raises(InputError, match=r"file too large: over the .* limit \(raise it with --max-size\)"):
        read_bytes(InputRef(str(big)), limit)
    assert read_bytes(InputRef(str(big)), limit * 2) == big.read_bytes()


def test_a_file_longer_than_its_size_said_is_read_to_the_limit(tmp_path, monkeypatch):
    """A file still being written holds more than its size said: read up to the limit, refused past it."""
    import types

    from checker.input import read as module

    letter = tmp_path / "growing.txt"
    letter.write_bytes(SEED.read_bytes())
    real_fstat = os.fstat
    monkeypatch.setattr(module.os, "fstat", lambda fd: types.SimpleNamespace(st_size=real_fstat(fd).st_size // 3))
    assert read_bytes(InputRef(str(letter)), 10 * letter.stat().st_size) == letter.read_bytes()
    with pytest.raises(InputError, match="file too large"):
        read_bytes(InputRef(str(letter)), letter.stat().st_size // 2)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.parametrize("times,limit,refused", [(1, 10**6, False), (30, 10**5, True)])
def test_a_named_pipe_whose_size_reads_zero_is_read_to_the_limit(tmp_path, times, limit, refused):
    import threading

    pipe = tmp_path / "letter.pipe"
    os.mkfifo(pipe)
    sent = SEED.read_bytes() * times

    def write():
        try:
            with open(pipe, "wb") as out:
                out.write(sent)
        except BrokenPipeError:  # the reader stopped at the limit
            pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    if refused:
        with pytest.raises(InputError, match="file too large"):
            read_bytes(InputRef(str(pipe)), limit)
    else:
        assert read_bytes(InputRef(str(pipe)), limit) == sent
    writer.join(timeout=10)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_letters_read_like_utf8(encoding):
    text = SEED.read_text(encoding="utf-8")
    source = decode(text.encode(encoding))
    assert source.text == text
    assert source.encoding in ("utf-16-le", "utf-16-be")


def test_binary_that_is_not_utf16_is_still_refused():
    with pytest.raises(InputError, match="binary file"):
        decode(b"\x00\x01\x02\x03" * 200)
