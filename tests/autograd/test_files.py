"""write_atomic: every file the project writes is written whole or not at all, by one set of rules."""

from __future__ import annotations

import os

import pytest

from autograd.files import new_file_mode, write_atomic


def test_text_and_bytes_are_written_and_the_path_returned(tmp_path) -> None:
    assert write_atomic(tmp_path / "a.txt", "θ ✓") == tmp_path / "a.txt"
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "θ ✓"
    write_atomic(tmp_path / "b.bin", b"\x00\xff")
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\xff"


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_follows_the_umask(tmp_path, umask, mode) -> None:
    old = os.umask(umask)
    try:
        assert new_file_mode() == mode
        write_atomic(tmp_path / "f", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "f").stat().st_mode & 0o7777 == mode


def test_an_existing_file_keeps_its_mode_and_a_read_only_one_is_refused(tmp_path) -> None:
    f = tmp_path / "f"
    f.write_text("old")
    f.chmod(0o640)
    write_atomic(f, "new")
    assert f.stat().st_mode & 0o7777 == 0o640 and f.read_text() == "new"
    f.chmod(0o444)
    with pytest.raises(PermissionError, match="read-only"):
        write_atomic(f, "newer")
    assert f.read_text() == "new"


def test_a_symlink_is_written_through(tmp_path) -> None:
    target = tmp_path / "target"
    target.write_text("old")
    link = tmp_path / "link"
    link.symlink_to(target)
    assert write_atomic(link, "new") == target
    assert link.is_symlink() and target.read_text() == "new"


def test_text_that_cannot_be_encoded_is_refused_before_anything_is_touched(tmp_path) -> None:
    f = tmp_path / "f"
    f.write_text("old")
    with pytest.raises(ValueError, match=r"position 4.*nothing was written"):
        write_atomic(f, "abc \udc80 def")
    assert f.read_text() == "old"
    assert os.listdir(tmp_path) == ["f"]


@pytest.mark.parametrize("make, error, words", [
    (lambda p: p / "missing" / "f", FileNotFoundError, "does not exist"),
    (lambda p: p, IsADirectoryError, "is a folder"),
])
def test_bad_paths(tmp_path, make, error, words) -> None:
    with pytest.raises(error, match=words):
        write_atomic(make(tmp_path), "x")


def test_bad_data_and_path_types(tmp_path) -> None:
    with pytest.raises(TypeError, match="bytes or str"):
        write_atomic(tmp_path / "f", 3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="path"):
        write_atomic(3, "x")  # type: ignore[arg-type]


def test_a_parent_that_is_a_file_is_refused(tmp_path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADirectoryError):
        write_atomic(tmp_path / "file" / "f", "x")


def test_the_library_writes_files_only_through_write_atomic() -> None:
    """No other writer: every open-for-writing, write_text, write_bytes or os.replace of a file
    in the packages goes through autograd.files (the demos' folder swap moves whole folders)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for package in ("autograd", "nn", "viz", "demos"):
        for path in (root / package).glob("*.py"):
            if path.name == "files.py":
                continue
            for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"\.write_text\(|\.write_bytes\(|open\([^)]*[\"'][wax]b?[\"']|mkstemp", line):
                    offenders.append(f"{package}/{path.name}:{i}: {line.strip()}")
    assert offenders == []
