from __future__ import annotations

import json
from pathlib import Path

import pytest

from trigq.cli import main
from trigq.data import write_dataset
from trigq.sim import simulate


def test_cli_writes_json_and_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mixed = simulate("mixed", 600, seed=5)
    data = write_dataset(tmp_path / "mixed.h5", mixed.hits, mixed.truth, mixed.attrs())
    bg = simulate("background", 300, seed=6)
    background = write_dataset(tmp_path / "bg.h5", bg.hits, bg.truth, bg.attrs())
    out = tmp_path / "out"
    rc = main(
        [
            "baseline",
            "rpc-coincidence",
            "--data",
            str(data),
            "--background",
            str(background),
            "--threshold",
            "15",
            "--out",
            str(out),
            "--json",
        ]
    )
    assert rc == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["threshold_gev"] == 15.0
    n_bkg = int((mixed.truth["source"] == 0).sum()) + 300
    assert summary["n_background"] == n_bkg
    assert summary["background_fire_fraction"]["total"] == n_bkg
    assert summary["n_muons"] == int((mixed.truth["source"] == 1).sum())
    full = json.loads((out / "rpc_coincidence.json").read_text())
    assert sum(full["turn_on"]["total"]) == summary["n_muons"]
    assert full["config"]["threshold_gev"] == 15.0
    assert (out / "rpc_coincidence_turn_on.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_names_the_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.h5"
    bad.write_text("nope")
    rc = main(["baseline", "rpc-coincidence", "--data", str(bad), "--out", str(tmp_path / "o")])
    assert rc == 2
    assert "bad.h5: not an HDF5 file" in capsys.readouterr().err
