"""Files written safely (demoscope.files): atomic, permissions kept, nothing but a regular file
replaced, every failure one line and no temporary file left behind."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from demoscope import files
from demoscope.errors import OutputError

SRC = Path(__file__).resolve().parents[1] / "src" / "demoscope"


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_new_file_takes_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        w = files.write_bytes(tmp_path / "new.csv", b"a,b\n")
    finally:
        os.umask(old)
    assert w.kind == "file" and (tmp_path / "new.csv").read_bytes() == b"a,b\n"
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o640
    assert _leftovers(tmp_path) == []


def test_existing_file_keeps_its_permissions_and_is_replaced_whole(tmp_path):
    target = tmp_path / "kept.csv"
    target.write_bytes(b"old")
    target.chmod(0o604)
    before = target.stat().st_ino
    files.write_bytes(target, b"new contents")
    assert target.read_bytes() == b"new contents"
    assert stat.S_IMODE(target.stat().st_mode) == 0o604
    assert target.stat().st_ino != before  # a new file renamed over it, not rewritten in place


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "kept.csv"
    target.write_bytes(b"precious")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError, match="no space left"):
        files.write_bytes(target, b"x" * 100_000)
    assert target.read_bytes() == b"precious"
    assert _leftovers(tmp_path) == []


def test_interrupted_write_removes_the_temporary(tmp_path, monkeypatch):
    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        files.write_bytes(tmp_path / "x.csv", b"data")
    assert list(tmp_path.iterdir()) == []


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "real.csv"
    real.write_bytes(b"old")
    link = tmp_path / "link.csv"
    link.symlink_to(real.name)
    files.write_bytes(link, b"through")
    assert link.is_symlink() and real.read_bytes() == b"through"
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to("made-by-write.csv")
    files.write_bytes(dangling, b"made")
    assert dangling.is_symlink() and (tmp_path / "made-by-write.csv").read_bytes() == b"made"
    loop = tmp_path / "loop"
    loop.symlink_to("loop")
    with pytest.raises(OutputError):
        files.write_bytes(loop, b"x")


def test_character_devices_are_written_through_never_replaced():
    files.write_bytes("/dev/null", b"discarded")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    if Path("/dev/full").exists():
        with pytest.raises(OutputError, match="no space left"):
            files.write_bytes("/dev/full", b"x" * 10)
        assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_a_fifo_is_written_through_or_refused_without_a_reader(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="no reader"):
        files.write_bytes(fifo, b"x")  # must not block waiting for one
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    for _ in range(200):  # the reader opens the FIFO
        try:
            files.write_bytes(fifo, b"y" * 200_000)  # more than a pipe buffer
            break
        except OutputError:
            threading.Event().wait(0.01)
    reader.join(10)
    assert got == [b"y" * 200_000]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_folders_and_missing_parents(tmp_path):
    with pytest.raises(OutputError, match="is a folder"):
        files.write_bytes(tmp_path, b"x")
    (tmp_path / "plain").write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        files.write_bytes(tmp_path / "plain" / "x.csv", b"x")
    files.write_bytes(tmp_path / "a" / "b" / "x.csv", b"made")  # missing folders are created
    assert (tmp_path / "a" / "b" / "x.csv").read_bytes() == b"made"


def test_standard_output(capfd):
    w = files.write_bytes("-", b"to stdout\n")
    assert w.kind == "stdout"
    assert capfd.readouterr().out == "to stdout\n"


def test_dev_stdout_is_standard_output_not_replaced(tmp_path):
    code = ("import sys; from demoscope import files; "
            "w = files.write_bytes('/dev/stdout', b'hello\\n'); print(w.kind, file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert out.stdout == b"hello\n" and out.stderr.strip() == b"stdout"
    assert Path("/dev/stdout").is_symlink()


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_a_folder_the_user_cannot_write_is_one_line(tmp_path):
    """As root (CI) permissions do not apply, so the write runs as the user nobody, from a copy
    of the module any user can read."""
    locked = tmp_path / "locked"
    locked.mkdir()
    if os.geteuid() != 0:
        locked.chmod(0o555)
        with pytest.raises(OutputError, match="permission denied"):
            files.write_bytes(locked / "x.csv", b"x")
        return
    python = next((p for p in ("/usr/bin/python3", "/usr/local/bin/python3")
                   if os.access(p, os.X_OK) and not p.startswith("/root")), None)
    if python is None:
        pytest.skip("no system python3 that another user may run")
    base = Path(tempfile.mkdtemp(prefix="demoscope-files-"))  # tmp_path is root's alone
    try:
        base.chmod(0o755)
        pkg = base / "lib" / "demoscope"
        pkg.mkdir(parents=True)
        (pkg / "__init__.py").write_text("")
        for name in ("errors.py", "files.py"):
            shutil.copy(SRC / name, pkg / name)
        for p in (base / "lib", pkg, *pkg.iterdir()):
            p.chmod(0o755 if p.is_dir() else 0o644)
        ro = base / "locked"
        ro.mkdir(mode=0o555)
        ro.chmod(0o555)
        code = ("import sys; sys.path.insert(0, sys.argv[1]); from demoscope import files, errors\n"
                "try:\n    files.write_bytes(sys.argv[2], b'x')\n"
                "except errors.OutputError as e:\n    print(e); sys.exit(8)\n")
        run = subprocess.run([python, "-c", code, str(base / "lib"), str(ro / "x.csv")],
                             capture_output=True, text=True, user=65534, group=65534, cwd="/")
        assert run.returncode == 8, run.stderr
        assert run.stdout.strip() == f"cannot write {ro / 'x.csv'}: permission denied"
        assert list(ro.iterdir()) == []
    finally:
        shutil.rmtree(base)
