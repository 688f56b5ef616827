"""``trigq baseline vertex-fit`` and the vertexing table it writes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from trigq.baselines.vertex_table import markdown, vertex_table
from trigq.cli import main
from trigq.data import write_dataset
from trigq.sim import simulate


def test_cli_writes_the_table_json_and_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events = simulate("mixed", 500, seed=41, config=None)
    dp = simulate("dark-photon", 300, seed=42)
    hits = np.concatenate([events.hits, dp.hits])
    truth = {k: np.concatenate([events.truth[k], dp.truth[k]]) for k in events.truth}
    data = write_dataset(tmp_path / "data.h5", hits, truth, dp.attrs())
    out = tmp_path / "fit"
    assert main(["baseline", "vertex-fit", "--data", str(data), "--out", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    n_dp = int((truth["source"] == 2).sum())
    assert summary["n_events"] == n_dp  # only the dark-photon events
    assert 0 < summary["vertex_r"]["core_sigma"] < 50 and 0 <= summary["vertex_r"]["tail_fraction"] <= 1
    full = json.loads((out / "vertex_fit.json").read_text())
    table = full["table"]["methods"]["vertex fit"]
    assert sum(r["n"] for r in table["vertex_r"]["vs_vertex_r"]) == n_dp
    assert sum(r["n"] for r in table["vertex_z"]["vs_opening_angle"]) == n_dp
    assert full["generator"]["dark_photon"]["model"] == "decay"
    assert "vertex R vs true R-z opening angle" in (out / "vertex_fit.md").read_text()
    assert (out / "vertex_fit.png").read_bytes()[:4] == b"\x89PNG"
    # a second run replaces its own output; the input is never an output
    assert main(["baseline", "vertex-fit", "--data", str(data), "--out", str(out), "--max-events", "50"]) == 0
    assert json.loads((out / "vertex_fit.json").read_text())["n_events"] == 50
    assert main(["baseline", "vertex-fit", "--data", str(data), "--out", str(data)]) == 2
    assert "is the input" in capsys.readouterr().err


def test_cli_names_a_file_without_dark_photons(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bg = simulate("background", 50, seed=43)
    data = write_dataset(tmp_path / "bg.h5", bg.hits, bg.truth, bg.attrs())
    assert main(["baseline", "vertex-fit", "--data", str(data), "--out", str(tmp_path / "o")]) == 2
    assert "no dark-photon events" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_table_recovers_a_known_core_and_tail() -> None:
    rng = np.random.default_rng(0)
    n = 20000
    true_r = rng.uniform(100, 700, n)
    angle = rng.uniform(0.0, 0.2, n)
    core = rng.normal(0.5, 3.0, n)
    tail = rng.random(n) < 0.2
    pred_r = true_r + np.where(tail, rng.uniform(-200, 200, n), core)
    truth = {"vertex_r": true_r, "vertex_z": np.zeros(n), "opening_angle_rz": angle}
    table = vertex_table({"m": {"vertex_r": pred_r}}, truth, (100.0, 400.0, 700.0), (0.0, 0.1, 0.2))
    row = table["methods"]["m"]["vertex_r"]["all"]
    assert row["core_sigma"] == pytest.approx(3.0, abs=4 * row["core_sigma_error"] + 0.05)
    assert row["core_mean"] == pytest.approx(0.5, abs=4 * row["core_mean_error"])
    expected_tail = 0.2 * (1 - 16 / 400) + 0.8 * np.mean(np.abs(rng.normal(0.5, 3.0, 200000)) > 8)
    assert row["tail_fraction"] == pytest.approx(expected_tail, abs=4 * row["tail_fraction_error"])
    assert [r["n"] for r in table["methods"]["m"]["vertex_r"]["vs_opening_angle"]] == [
        int((angle < 0.1).sum()),
        int((angle >= 0.1).sum()),
    ]
    assert "vertex_z" not in table["methods"]["m"]
    text = markdown(table, "t")
    assert "| m | 20,000 |" in text and "vertex z" not in text
