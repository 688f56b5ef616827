"""The trigger figures of ``trigq evaluate`` on tiny data: equal rate, equal efficiency, curves, plots."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from trigq.baselines import CoincidenceConfig, coincidence_trigger
from trigq.baselines.rates import RateModel, TriggerTruth
from trigq.baselines.tune import TuneConfig
from trigq.data import write_dataset
from trigq.sim import simulate
from trigq.train.evaluate_trigger import (
    plot_efficiency_vs_rate,
    plot_trigger,
    trigger_markdown,
    trigger_report,
)

TINY_TUNE = TuneConfig(
    n_muons=3000,
    n_background=500,
    road_pt_factors=(1.0, 2.0, 3.0),
    bm_min_layers=(3,),
    bi_min_layers=(2,),
    bo_min_layers=(1,),
)


@pytest.fixture(scope="module")
def events():
    return simulate("mixed", 3000, seed=31)


def _fake_scores(truth: dict[str, np.ndarray], seed: int = 0) -> np.ndarray:
    """A 'network' that sees the true pT with some resolution (displaced events: its leading muon)."""
    rng = np.random.default_rng(seed)
    pt = truth["pt"].astype(float) * rng.lognormal(0, 0.25, truth["pt"].size)
    return 1 / (1 + np.exp(-(pt - 20.0) / 2.0))


def test_trigger_report_compares_at_equal_rate_and_equal_efficiency(events, tmp_path: Path):
    truth = dict(events.truth)
    scores = _fake_scores(truth)
    base = coincidence_trigger(
        events.hits, CoincidenceConfig(road_pt_gev=60.0, confirm="bi-and-bo"), sim_config=events.config
    )
    model = RateModel(muon_rate_per_crossing=1e-3)
    rep = trigger_report(scores, truth, base, model, CoincidenceConfig().pt_bin_edges_gev)
    b, n = rep["working_point"]["baseline"], rep["working_point"]["network"]
    er, ee = rep["equal_rate"]["network"], rep["equal_efficiency"]["network"]
    assert er["rate"]["rate_hz"] <= b["rate"]["rate_hz"] * (1 + 1e-9)
    assert ee["efficiency"]["prompt"]["value"] >= b["efficiency"]["prompt"]["value"] - 1e-9
    t = TriggerTruth.from_arrays(truth, 20.0)
    assert b["rate"]["rate_hz"] == pytest.approx(model.rate(base, t)["rate_hz"])
    for w in (b, n, er):
        curve = w["turn_on"]
        assert sum(curve["total"]) == int((truth["source"] == 1).sum())
        assert all(
            lo <= e <= hi
            for lo, e, hi in zip(curve["lower"], curve["efficiency"], curve["upper"])
            if np.isfinite(e)
        )
        displaced = (truth["source"] == 2) & (truth["label"] == 1)
        assert sum(w["displaced_vs_vertex_r"]["total"]) == int(displaced.sum())
    acc = rep["network"]["accuracy_interval"]
    assert acc["lower"] < rep["network"]["accuracy"] < acc["upper"] and acc["total"] == 3000
    curve = rep["efficiency_vs_rate"]["network"]
    assert np.all(np.diff(curve["rate_hz"]) <= 1e-9)  # thresholds ascending: rate falls
    lines = trigger_markdown("label", rep, {"how": "given"})
    text = "\n".join(lines)
    assert "at equal rate" in text and "50% point" in text and "Clopper-Pearson" in text
    assert "| true vertex R [cm] |" in text
    for png in (plot_trigger(rep, tmp_path / "t.png"), plot_efficiency_vs_rate(rep, tmp_path / "r.png")):
        assert png.read_bytes()[:4] == b"\x89PNG"


def _same(a: object, b: object) -> bool:
    """Equal as JSON (NaN equals NaN)."""
    return json.dumps(a, sort_keys=True, default=np.ndarray.tolist) == json.dumps(
        b, sort_keys=True, default=np.ndarray.tolist)


def test_background_noise_events_enter_the_rates_only(events):
    truth = dict(events.truth)
    scores = _fake_scores(truth)
    base = coincidence_trigger(events.hits, CoincidenceConfig(road_pt_gev=60.0, confirm="bi-and-bo"),
                               sim_config=events.config)
    model, edges = RateModel(muon_rate_per_crossing=1e-3), CoincidenceConfig().pt_bin_edges_gev
    plain = trigger_report(scores, truth, base, model, edges)
    rng = np.random.default_rng(5)
    n = 4000
    extra_scores, extra_base = rng.random(n) ** 8, rng.random(n) < 0.01
    rep = trigger_report(scores, truth, base, model, edges,
                         noise={"scores": extra_scores, "baseline": extra_base})
    n_file = int((truth["source"] == 0).sum())
    assert rep["noise_events"] == {"data_file": n_file, "background_file": n}
    for key in ("network", "baseline"):
        assert _same(rep[key], plain[key])  # accuracy, fake rate, ROC AUC: the data file's events only
        wp, wp0 = rep["working_point"][key], plain["working_point"][key]
        assert _same(wp["efficiency"], wp0["efficiency"]) and _same(wp["turn_on"], wp0["turn_on"])
        noise = wp["rate"]["noise_fire_fraction"]
        assert noise["n_events"] == n_file + n
    fired = int((base[truth["source"] == 0]).sum()) + int(extra_base.sum())
    noise = rep["working_point"]["baseline"]["rate"]["noise_fire_fraction"]
    assert noise["value"] * (n_file + n) == pytest.approx(fired)
    assert _same(rep["roc"], plain["roc"])
    text = "\n".join(trigger_markdown("label", rep, {"how": "given"}))
    assert f"counts {n_file + n:,} noise-only events ({n:,} of them from the background file)" in text
    assert "| noise-only events firing |" in text
    assert f"| {fired:,} / {n_file + n:,} |" in text


@pytest.mark.slow
def test_evaluate_tunes_the_baseline_by_default_and_reuses_a_given_one(
    events, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    from trigq.cli import main
    from trigq.train import TrainConfig, train
    from trigq.train.evaluate import evaluate

    data = write_dataset(tmp_path / "mixed.h5", events.hits, events.truth, events.attrs())
    train(
        TrainConfig(
            model="tiny-cnn",
            quant="int4",
            data=str(data),
            out=str(tmp_path / "run"),
            epochs=1,
            batch_size=64,
            progress=False,
            max_train_events=512,
        )
    )
    result = evaluate(tmp_path / "run", data, split="test", out=tmp_path / "ev", tune=TINY_TUNE)
    assert result["baseline"]["tuned"] is True
    rep = result["outputs"]["label"]
    assert rep["weighted"] and "equal_rate" in rep and "equal_efficiency" in rep
    ev = tmp_path / "ev"
    for name in (
        "metrics.json",
        "metrics.md",
        "label.png",
        "label_efficiency_vs_rate.png",
        "baseline_config.yaml",
    ):
        assert (ev / name).is_file(), name
    saved = json.loads((ev / "metrics.json").read_text())
    base = saved["outputs"]["label"]["working_point"]["baseline"]
    assert "tuned" in (ev / "metrics.md").read_text()
    args = [
        "evaluate",
        str(tmp_path / "run"),
        "--data",
        str(data),
        "--out",
        str(tmp_path / "ev2"),
        "--baseline-config",
        str(ev / "baseline_config.yaml"),
        "--json",
    ]
    assert main(args) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["baseline"]["how"].startswith("given")
    assert summary["label"]["baseline"]["rate"] == pytest.approx(base["rate"]["rate_hz"])
    noise_only = simulate("background", 700, seed=32)
    bkg = write_dataset(tmp_path / "noise.h5", noise_only.hits, noise_only.truth, noise_only.attrs())
    assert main([*args[:5], str(tmp_path / "ev3"), *args[6:], "--background", str(bkg)]) == 0
    summary3 = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary3["background"] == {"file": str(bkg), "n_events": 700}
    saved3 = json.loads((tmp_path / "ev3" / "metrics.json").read_text())["outputs"]["label"]
    assert saved3["noise_events"]["background_file"] == 700
    assert saved3["network"] == saved["outputs"]["label"]["network"]
    rate3 = saved3["working_point"]["baseline"]["rate"]["noise_fire_fraction"]
    assert rate3["n_events"] == saved3["noise_events"]["data_file"] + 700
