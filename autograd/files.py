"""One way to write a file, for every file the project writes (models, drawings, pages).

``write_atomic(path, data)`` writes beside the target and moves the result into place
with ``os.replace``, so a reader sees the old file or the new one, never half of one,
and a failure (a full disk, an encoding error, Ctrl-C, SIGKILL) leaves the old file as
it was.  The same rules for every writer:

* a symlink is written through, to its target (the link stays a link);
* an existing file keeps its permissions, and a read-only one is refused;
* a new file gets the permissions ``open()`` would give it (0o666 less the umask);
* text is encoded as UTF-8 before anything is touched: what cannot be encoded (a lone
  surrogate) is refused with the position, and nothing is written.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: str | os.PathLike, data: bytes | str, what: str = "save") -> Path:
    """Write ``data`` (bytes, or text as UTF-8) to ``path`` whole or not at all; return the
    path written (a symlink's target).  ``what`` names the caller in error messages."""
    if isinstance(data, str):
        try:
            data = data.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ValueError(
                f"{what}: the text has {data[error.start:error.end]!r} at position {error.start}, which UTF-8 "
                "cannot encode (a lone surrogate); nothing was written"
            ) from None
    elif not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"{what}: data must be bytes or str, got {type(data).__name__}")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{what}: path must be a str or a path, got {type(path).__name__}")
    target, mode = writable_target(path, what)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise
    return target


def writable_target(path: str | os.PathLike, what: str = "save") -> tuple[Path, int]:
    """Where a write to ``path`` goes (a symlink's target) and the mode the file will have, or
    the error the write would raise: check before long work whose result is to be written."""
    target = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    if target.is_dir():
        raise IsADirectoryError(f"{what}: {target} is a folder; give a file name")
    if not target.parent.exists():
        raise FileNotFoundError(f"{what}: folder {target.parent} does not exist")
    if not target.parent.is_dir():
        raise NotADirectoryError(f"{what}: {target.parent} is not a folder")
    if target.exists():
        mode = target.stat().st_mode & 0o7777
        if not mode & 0o222:
            raise PermissionError(f"{what}: {target} is read-only; make it writable or choose another name")
    else:
        mode = new_file_mode()
    if not os.access(target.parent, os.W_OK):
        raise PermissionError(f"{what}: folder {target.parent} is not writable")
    return target, mode


def new_file_mode() -> int:
    """What ``open()`` would give a new file: 0o666 less the umask."""
    umask = os.umask(0o022)  # read by setting it and setting it back at once
    os.umask(umask)
    return 0o666 & ~umask
