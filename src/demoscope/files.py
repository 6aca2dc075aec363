"""Writing output files safely: the one way demoscope writes a file a user names.

What a write does depends on what is at the path (``lstat``, then the link's target):

* **nothing yet, or a regular file**: the bytes go to a temporary file in the same folder
  (same file system, so the rename is atomic), are flushed to disk (``fsync``), get the
  permissions of the file they replace (a new file: ``0666`` less the umask, as any program
  that creates a file), and are renamed over the path; the folder is synced so the rename
  survives a crash. A reader sees the old file or the new one, never half of one, and on any
  error (disk full, interrupted) the temporary file is removed and the old file is intact;
* **``-``, or the process's own standard output** (``/dev/stdout``, ``/dev/fd/1``): written
  to standard output;
* **a symbolic link**: written through to what it points to, by the same rules (the link
  stays a link);
* **a character device or a FIFO** (``/dev/null``, a terminal, a named pipe with a reader):
  written through, never replaced; a FIFO without a reader is refused rather than waited on;
* **a folder, a block device, a socket**: refused;

and every failure is one :class:`~demoscope.errors.OutputError` line naming the path and the
reason (permission denied, no space left, read-only file system...). Nothing here decides
*what* to write: callers hand over bytes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from demoscope.errors import OutputError

#: What a user types for standard output.
STDOUT = "-"


@dataclass(frozen=True)
class Written:
    """Where bytes went: ``kind`` is ``"file"`` (atomically replaced or created),
    ``"stdout"`` or ``"device"`` (a character device or FIFO written through)."""

    path: Path
    kind: str
    size: int


def is_stdout(target: str | Path) -> bool:
    """Whether ``target`` means standard output: ``-``, or a path that is this process's
    standard output (``/dev/stdout``, ``/dev/fd/1``, ``/proc/self/fd/1``)."""
    if str(target) == STDOUT:
        return True
    try:
        here, out = os.stat(target), os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no such path, or stdout is not a real file
        return False
    return (here.st_dev, here.st_ino) == (out.st_dev, out.st_ino) and str(target).startswith(
        ("/dev/", "/proc/"))


def write_bytes(target: str | Path, data: bytes) -> Written:
    """Write ``data`` to ``target`` by the rules of this module; returns where it went."""
    if is_stdout(target):
        return _to_stdout(Path(str(target)), data)
    path = Path(target)
    real = _through_links(path)
    try:
        st: os.stat_result | None = os.stat(real)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise _error(path, exc) from None
    if st is None or stat.S_ISREG(st.st_mode):
        _atomic(path, real, data, st)
        return Written(path, "file", len(data))
    if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        _through(path, real, data, fifo=stat.S_ISFIFO(st.st_mode))
        return Written(path, "device", len(data))
    kind = ("a folder" if stat.S_ISDIR(st.st_mode) else "a block device"
            if stat.S_ISBLK(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode)
            else "not a regular file")
    raise OutputError(f"{path} is {kind}: give a file name", field="output")


def write_text(target: str | Path, text: str) -> Written:
    """:func:`write_bytes` of UTF-8 text."""
    return write_bytes(target, text.encode("utf-8"))


def _through_links(path: Path) -> Path:
    """The path a symlink chain ends at (the path itself when it is no link); a loop or a
    chain too long is one line."""
    try:
        if not path.is_symlink():
            return path
        return path.resolve(strict=False)
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
        raise OutputError(f"cannot write {path}: a symbolic link that leads nowhere ({exc})",
                          field="output") from None


def _to_stdout(path: Path, data: bytes) -> Written:
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    except BrokenPipeError:
        raise OutputError("standard output was closed before the data was written",
                          field="output") from None
    except OSError as exc:
        raise _error(Path("standard output"), exc) from None
    return Written(path, "stdout", len(data))


def _umask() -> int:
    """The process's umask (read from /proc where it can be, without changing it)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _atomic(shown: Path, real: Path, data: bytes, st: os.stat_result | None) -> None:
    folder = real.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{real.name}.", suffix=".tmp")
    except OSError as exc:
        raise _error(shown, exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
            mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask()
            os.fchmod(fh.fileno(), mode)
            if st is not None and (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
                with contextlib.suppress(OSError):  # only root may give a file away
                    os.fchown(fh.fileno(), st.st_uid, st.st_gid)
        now = os.lstat(real) if os.path.lexists(real) else None
        if now is not None and not stat.S_ISREG(now.st_mode):  # swapped for something else
            raise OutputError(f"{shown} changed into something that is not a regular file "
                              "while it was written; nothing replaced", field="output")
        os.replace(tmp, real)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _error(shown, exc) from None
        raise
    _sync_folder(folder)


def _through(shown: Path, real: Path, data: bytes, *, fifo: bool) -> None:
    """Write into a character device or a FIFO as it is (never replacing it)."""
    flags = os.O_WRONLY | getattr(os, "O_CLOEXEC", 0) | (os.O_NONBLOCK if fifo else 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        if fifo and exc.errno == errno.ENXIO:
            raise OutputError(f"{shown} is a named pipe with no reader: start the reader first",
                              field="output") from None
        raise _error(shown, exc) from None
    try:
        if fifo:
            os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError as exc:
        raise _error(shown, exc) from None
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _error(path: Path, exc: OSError) -> OutputError:
    reason = {errno.EACCES: "permission denied", errno.EPERM: "permission denied",
              errno.ENOSPC: "no space left on the device", errno.EROFS: "read-only file system",
              errno.EISDIR: "it is a folder", errno.ENOTDIR: "a part of the path is not a folder",
              errno.EDQUOT: "disk quota exceeded", errno.ENAMETOOLONG: "the name is too long",
              errno.EPIPE: "the reader went away"}.get(exc.errno or 0,
                                                          exc.strerror or type(exc).__name__)
    return OutputError(f"cannot write {path}: {reason}", field="output")
