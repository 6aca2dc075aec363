"""Writing publication files safely.

A write never leaves half a file and never replaces something that is not a regular file:
the bytes go to a temporary file in the target's own folder (same file system, so the rename
is atomic), are flushed to disk (fsync), then renamed over the target; the folder is synced
so the rename survives a crash. A target that is a symlink, a folder, a device or a FIFO is
refused: replacing it would destroy or redirect what the user keeps there.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from demoscope.errors import DemoscopeError


class UnsafeTarget(DemoscopeError):
    """A path demoscope will not write to (it holds something other than a regular file)."""

    exit_code = 2
    http_status = 409


def check_target(path: Path) -> None:
    """Refuse a path whose current occupant is not a regular file (lstat: a symlink counts
    as what it is, not as what it points to)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(st.st_mode):
        kind = ("a symbolic link" if stat.S_ISLNK(st.st_mode) else "a folder"
                if stat.S_ISDIR(st.st_mode) else "not a regular file")
        raise UnsafeTarget(f"{path} is {kind}; refusing to replace it", field="output")


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see the module docstring); returns the path."""
    target = Path(path)
    check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        check_target(target)  # nothing swapped in meanwhile
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _sync_dir(target.parent)
    return target


def write_text(path: str | Path, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


def _sync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
