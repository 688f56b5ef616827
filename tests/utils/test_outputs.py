"""Output claims: a previous trigq output of the same kind is replaced, nothing else is."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from trigq.utils import atomic_write_text
from trigq.utils.outputs import (
    LEDGER,
    OutputError,
    check_output_dir,
    check_output_file,
    clean_stale,
    clean_stale_tree,
    open_directory,
    output_directory,
    read_ledger,
    unaccounted_files,
)


def _tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _make(tmp_path, kind="export-project", files=("a.txt", "sub/b.txt")):
    out = tmp_path / "out"
    with output_directory(out, kind) as tmp:
        for f in files:
            (tmp / f).parent.mkdir(parents=True, exist_ok=True)
            (tmp / f).write_text(f)
    return out


def test_directory_output_lists_its_files_and_is_replaced_by_the_same_kind(tmp_path):
    out = _make(tmp_path)
    assert read_ledger(out).files == {"a.txt", "sub/b.txt"}
    assert oct(out.stat().st_mode & 0o777) == oct(0o777 & ~_umask())
    _make(tmp_path, files=("c.txt",))
    assert sorted(_tree(out)) == [LEDGER, "c.txt"]


def test_a_users_file_inside_blocks_replacement_and_survives(tmp_path):
    out = _make(tmp_path)
    (out / "notes.txt").write_text("mine")
    before = _tree(out)
    with pytest.raises(OutputError, match=r"trigq did not write .*notes\.txt"):
        _make(tmp_path, files=("c.txt",))
    assert _tree(out) == before


def test_other_kind_needs_force_and_a_plain_directory_is_never_replaced(tmp_path):
    out = _make(tmp_path, kind="ip-core")
    with pytest.raises(OutputError, match=r"holds an IP core, not an export project; pass --force"):
        check_output_dir(out, "export-project")
    assert check_output_dir(out, "export-project", force=True) == out
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "x").write_text("x")
    for force in (False, True):
        with pytest.raises(OutputError, match="trigq did not write"):
            check_output_dir(plain, "export-project", force=force)


def test_inputs_are_never_outputs(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "best.pt").write_bytes(b"w")
    for target, word in ((run, "is the input"), (tmp_path, "contains the input")):
        with pytest.raises(OutputError, match=word):
            check_output_dir(target, "export-project", inputs=[run], force=True)
    data = tmp_path / "d.h5"
    data.write_bytes(b"\x89HDF\r\n\x1a\n")
    with pytest.raises(OutputError, match="is the input"):
        check_output_file(data, "predictions", inputs=[data], force=True)
    inside = run / "best.pt"
    with pytest.raises(OutputError, match="lies inside the input"):
        check_output_file(inside, "predictions", inputs=[run], force=True)


def test_current_directory_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for target in (".", tmp_path, tmp_path.parent):
        with pytest.raises(OutputError, match="current directory"):
            check_output_dir(target, "export-project")


def test_only_regular_files_are_replaced(tmp_path):
    link = tmp_path / "link.h5"
    link.symlink_to(tmp_path / "elsewhere.h5")
    with pytest.raises(OutputError, match="symbolic link"):
        check_output_file(link, "dataset")
    with pytest.raises(OutputError, match="not a regular file"):
        check_output_file("/dev/null", "dataset")
    with pytest.raises(OutputError, match="is a directory"):
        check_output_file(tmp_path, "dataset")
    user = tmp_path / "mine.h5"
    user.write_bytes(b"not hdf5")
    with pytest.raises(OutputError, match="not written by trigq"):
        check_output_file(user, "dataset", force=True)


def test_atomic_writes_inside_an_output_are_recorded(tmp_path):
    run, created = open_directory(tmp_path / "run", "training-run")
    assert created
    atomic_write_text(run / "config.yaml", "a: 1\n")
    atomic_write_text(run / "plots" / "loss.png", "x")
    assert read_ledger(run).files == {"config.yaml", "plots/loss.png"}
    assert unaccounted_files(run) == []
    (run / "extra").write_text("user")
    assert unaccounted_files(run) == ["extra"]


def test_interrupted_body_leaves_the_previous_output(tmp_path):
    out = _make(tmp_path)
    before = _tree(out)
    with pytest.raises(KeyboardInterrupt), output_directory(out, "export-project") as tmp:
        (tmp / "new.txt").write_text("new")
        raise KeyboardInterrupt
    assert _tree(out) == before
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_stale_temporaries_of_killed_processes_are_removed(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    ).stdout.strip()
    target = tmp_path / "d.h5"
    stale_file = tmp_path / f".d.h5.trigq-{dead}-abc123.h5.tmp"
    stale_file.write_bytes(b"partial")
    live = tmp_path / f".d.h5.trigq-{os.getpid()}-xyz.h5.tmp"
    live.write_bytes(b"in use")
    clean_stale(target)
    assert not stale_file.exists() and live.exists()
    # killed between the two renames of a swap: the old output comes back
    backup = tmp_path / f".prj.trigq-{dead}-q1.old"
    backup.mkdir()
    (backup / "manifest.json").write_text("{}")
    clean_stale(tmp_path / "prj")
    assert (tmp_path / "prj" / "manifest.json").read_text() == "{}"


def test_temporaries_of_a_killed_but_unreaped_process_are_stale(tmp_path):
    # a zombie (exited, not yet waited for: in a container PID 1 may never reap an orphan) still
    # answers kill(pid, 0); it writes nothing any more, so its temporaries go
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 30
    while Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    stale = tmp_path / "trials" / "0000" / f".export.trigq-{child.pid}-v33x4n5p.tmp"
    stale.mkdir(parents=True)
    (stale / "partial.tcl").write_text("x")
    clean_stale_tree(tmp_path)
    child.wait()
    assert not stale.exists() and (tmp_path / "trials" / "0000").is_dir()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
