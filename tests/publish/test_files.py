"""Publication files are written atomically and never replace a non-regular file."""

from __future__ import annotations

import os

import pytest

from demoscope.methodology import nit
from demoscope.publish.files import UnsafeTarget, write_bytes
from demoscope.publish.render import render_edition


def test_write_replaces_a_regular_file_and_leaves_no_temp(tmp_path):
    path = tmp_path / "out" / "report.md"
    write_bytes(path, b"one")
    write_bytes(path, b"two")
    assert path.read_bytes() == b"two"
    assert sorted(p.name for p in path.parent.iterdir()) == ["report.md"]


@pytest.mark.parametrize("kind", ["symlink", "folder", "fifo"])
def test_write_refuses_what_is_not_a_regular_file(tmp_path, kind):
    path = tmp_path / "target"
    keep = tmp_path / "keep.txt"
    keep.write_text("precious")
    if kind == "symlink":
        path.symlink_to(keep)
    elif kind == "folder":
        path.mkdir()
    else:
        os.mkfifo(path)
    with pytest.raises(UnsafeTarget):
        write_bytes(path, b"data")
    assert keep.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt", "target"]


def test_edition_in_parallel_matches_one_by_one(db_url, tmp_path):
    m = nit()
    ticks = []
    one = render_edition(db_url, m, 2009, ("md",), tmp_path / "one")
    two = render_edition(db_url, m, 2009, ("md",), tmp_path / "two", jobs=2,
                         progress=lambda done, total, label: ticks.append((done, total)))
    assert len(one) == len(two) >= 28 and ticks[-1] == (len(two), len(two))
    for a, b in zip(sorted(one), sorted(two), strict=True):
        assert a.name == b.name and a.read_bytes() == b.read_bytes()
