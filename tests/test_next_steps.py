"""Errors a new user meets say what to do next (issue 16, item 7): one line, exit 2, nothing written."""

from __future__ import annotations

import pytest

from trigq.cli import main
from trigq.errors import TrigqError
from trigq.models.quant import get_preset


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "RUN", "--out", "OUT", "--rtl-synth"], "--rtl-synth needs yosys, which is not on PATH"),
        (["verify", "RUN", "--rtl"], "--rtl needs verilator, which is not on PATH"),
    ],
)
def test_a_missing_open_source_tool_is_named_before_any_work(tmp_path, monkeypatch, capsys, argv, message):
    run = tmp_path / "run"
    run.mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))  # no yosys, no verilator
    argv = [str(run) if a == "RUN" else str(tmp_path / "out") if a == "OUT" else a for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "apt-get install" in err and f"or run without {argv[-1]}" in err
    assert err.count("\n") == 1 and not (tmp_path / "out").exists()


def test_a_directory_that_is_not_a_project_says_how_to_make_one(tmp_path, capsys):
    plain = tmp_path / "plain"
    plain.mkdir()
    run = tmp_path / "run"
    run.mkdir()
    (run / "best.pt").write_bytes(b"")
    assert main(["report", str(plain)]) == 2
    assert f"is {plain} an export project? make one with `trigq export RUN --out {plain}`" in (
        capsys.readouterr().err
    )
    assert main(["verify", str(run)]) == 2
    assert f"it holds a training run: export it first with `trigq export {run} --out PROJECT`" in (
        capsys.readouterr().err
    )
    assert (
        main(["emulate", str(plain), "--data", str(tmp_path / "d.h5"), "--out", str(tmp_path / "p.h5")]) == 2
    )
    assert "is it an export project or an IP core?" in capsys.readouterr().err


def test_a_mistyped_preset_gets_a_suggestion():
    with pytest.raises(
        TrigqError, match=r"unknown quantisation preset 'ternery-a3'; did you mean 'ternary'\?"
    ):
        get_preset("ternery-a3")
