"""Tuning the coincidence trigger: the search, the rule, and the tuned 50% point on independent events."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from trigq.baselines import CoincidenceConfig, coincidence_trigger
from trigq.baselines.rates import RateModel
from trigq.baselines.tune import (
    TuneConfig,
    TuningError,
    choose,
    distinct_roads,
    majority_options,
    scan,
    simulated_tuning_blocks,
    tune_coincidence,
    tune_for_data,
)
from trigq.baselines.turn_on import crossing_pt, turn_on_curve
from trigq.cli import main
from trigq.data import write_dataset
from trigq.sim import RPCSimConfig, simulate
from trigq.utils import load_config

SMALL = TuneConfig(n_muons=8000, n_background=2000, road_pt_factors=(0.5, 1.0, 1.5, 2.0, 3.0, 4.0))


def test_scan_decisions_equal_the_trigger_run_with_each_candidate():
    config = RPCSimConfig()
    tune = TuneConfig(
        n_muons=300,
        n_background=100,
        road_pt_factors=(0.5, 1.5),
        bm_min_layers=(2, 3),
        confirm=("bi-and-bo", "bo"),
    )
    base = CoincidenceConfig(require_pivot_hit=True)
    sc = scan(simulated_tuning_blocks(config, tune, seed=3), base, config, tune)
    assert sc.fired.shape == (len(sc.road_pts), len(sc.options), int(sc.kept.sum()))
    assert 0 < sc.kept.sum() < 400  # noise-only events that cannot fire are not scanned
    hits = np.concatenate([b for b, _ in simulated_tuning_blocks(config, tune, seed=3)])
    for r in range(len(sc.road_pts)):
        for c in range(len(sc.options)):
            want = coincidence_trigger(hits, sc.config(r, c), sim_config=config)
            assert_array_equal(sc.decisions(r, c), want)


def test_search_space_is_deduplicated():
    base = CoincidenceConfig()
    options = majority_options(base, TuneConfig())
    keys = {(o.bm_min_layers, o.confirm, o.bi_min_layers, o.bo_min_layers) for o in options}
    assert len(keys) == len(options) == 3 * (1 + 3 + 2 + 6 + 6)
    roads = distinct_roads(base, TuneConfig(road_pt_factors=(2.0, 1.0, 1.0)), RPCSimConfig())
    assert [pt for pt, _ in roads] == [20.0, 40.0]


def _row(rule_pt, plateau, rate, r=0):
    return {"rule_pt_gev": rule_pt, "plateau": plateau, "rate_hz": rate, "r": r, "c": 0}


def test_choose_keeps_the_rule_then_the_plateau_then_the_lowest_rate():
    tune = TuneConfig(tolerance_gev=1.0, plateau_tolerance=0.02)
    rows = [
        _row(12.0, 0.99, 10.0, 0),
        _row(19.5, 0.90, 50.0, 1),
        _row(20.5, 0.89, 40.0, 2),
        _row(20.2, 0.80, 5.0, 3),
    ]
    winner, reached = choose(rows, 20.0, tune)
    assert reached and winner["r"] == 2  # 12 GeV breaks the rule; 0.80 is 10 points below the best plateau
    winner, reached = choose([_row(16.0, 0.9, 1.0, 0), _row(25.0, 0.9, 1.0, 1)], 20.0, tune)
    assert not reached and winner["r"] == 0  # the closest one, and the result says so
    with pytest.raises(TuningError, match="no candidate"):
        choose([_row(float("nan"), 0.1, 1.0)], 20.0, tune)


@pytest.mark.parametrize("rule", ["half", "plateau90"])
def test_tuned_turn_on_sits_at_the_threshold_on_independent_events(rule):
    config = RPCSimConfig()
    base = CoincidenceConfig()
    tune = dataclasses.replace(SMALL, rule=rule)
    result = tune_coincidence(simulated_tuning_blocks(config, tune, seed=11), base, config, tune, RateModel())
    assert result.target_reached
    assert abs(result.chosen["rule_pt_gev"] - 20.0) <= tune.tolerance_gev
    test = simulate("muons", 8000, seed=12, config=config)
    edges = np.asarray(base.pt_bin_edges_gev)
    bin_width = float(np.diff(edges).max())
    curve = turn_on_curve(
        test.truth["pt"], coincidence_trigger(test.hits, result.config, sim_config=config), edges
    )
    plateau = curve.efficiency[curve.centres >= 30].mean()
    point = crossing_pt(curve, 0.5 if rule == "half" else 0.9 * plateau)
    assert abs(point - 20.0) <= bin_width  # within one pT bin of the threshold
    untuned = turn_on_curve(test.truth["pt"], coincidence_trigger(test.hits, base, sim_config=config), edges)
    assert crossing_pt(untuned, 0.5) < 20.0 - 2 * bin_width  # why the baseline must be tuned


def _mixed(tmp_path: Path, seed: int = 5, n: int = 1500) -> Path:
    ev = simulate("mixed", n, seed=seed)
    return write_dataset(tmp_path / f"mixed{seed}.h5", ev.hits, ev.truth, ev.attrs())


def test_tuning_sample_is_independent_of_the_data(tmp_path: Path):
    data = _mixed(tmp_path)
    tiny = TuneConfig(n_muons=200, n_background=50, road_pt_factors=(1.0, 2.0))
    with pytest.raises(TuningError, match="is the evaluated data"):
        tune_for_data(data, CoincidenceConfig(), tiny, RateModel(), tune_data=data)
    with pytest.raises(TuningError, match="overlaps the seed 5"):
        tune_for_data(data, CoincidenceConfig(), dataclasses.replace(tiny, seed=5), RateModel())
    result = tune_for_data(data, CoincidenceConfig(), tiny, RateModel())
    assert result.sample["source"] == "simulated" and result.sample["seed_muons"] == 5 + 1_000_003


@pytest.mark.slow
def test_cli_tune_writes_a_reusable_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    data = _mixed(tmp_path, n=3000)
    grid = tmp_path / "tune.yaml"
    grid.write_text("n_muons: 6000\nn_background: 1000\nroad_pt_factors: [0.5, 1.0, 2.0, 3.0]\n")
    out = tmp_path / "tuned"
    assert (
        main(
            [
                "baseline",
                "rpc-coincidence",
                "--data",
                str(data),
                "--tune",
                "--tune-config",
                str(grid),
                "--out",
                str(out),
                "--json",
            ]
        )
        == 0
    )
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["tuning"]["rule"] == "half" and "rate_hz" in summary["rate"]
    full = json.loads((out / "rpc_coincidence.json").read_text())
    assert full["tuning"]["config"] == full["config"] and np.isfinite(full["pt_90_plateau_gev"])
    tuned = load_config(CoincidenceConfig, out / "tuned_config.yaml")
    assert tuned.road_pt_gev is not None
    again = tmp_path / "again"
    reuse = ["--data", str(data), "--config", str(out / "tuned_config.yaml"), "--out", str(again)]
    assert main(["baseline", "rpc-coincidence", *reuse, "--json"]) == 0
    reused = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert reused["pt_50_gev"] == summary["pt_50_gev"] and reused["rate"] == summary["rate"]
    assert (
        main(
            [
                "baseline",
                "rpc-coincidence",
                "--data",
                str(data),
                "--tune",
                "--tune-data",
                str(data),
                "--out",
                str(tmp_path / "x"),
            ]
        )
        == 2
    )
    assert "independent sample" in capsys.readouterr().err
