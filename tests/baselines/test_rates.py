"""Rates in Hz and efficiencies above threshold on a falling spectrum, on hand-made truth."""

from __future__ import annotations

import numpy as np
import pytest

from trigq.baselines.rates import (
    Fraction,
    RateModel,
    TriggerTruth,
    score_scan,
    threshold_at_efficiency,
    threshold_at_rate,
)
from trigq.baselines.turn_on import clopper_pearson


def _truth() -> TriggerTruth:
    # 10 noise-only, 4 sub-threshold muons (weights 3, 3, 1, 1), 2 signal muons (weights 0.5, 0.5),
    # 2 displaced events above threshold and 1 below
    source = np.array([0] * 10 + [1] * 6 + [2] * 3)
    pt = np.array([0.0] * 10 + [5, 6, 15, 18, 25, 40] + [30, 35, 10.0])
    weight = np.array([1.0] * 10 + [3, 3, 1, 1, 0.5, 0.5] + [1.0] * 3)
    label = pt > 20
    return TriggerTruth.from_arrays({"source": source, "pt": pt, "weight": weight, "label": label}, 20.0)


def test_rate_counts_sub_threshold_muons_and_noise_only():
    t = _truth()
    model = RateModel(threshold_gev=20.0, bunch_crossing_rate_hz=40e6, muon_rate_per_crossing=0.01)
    fired = np.zeros(len(t), bool)
    fired[[0, 12, 14, 15, 16]] = True  # 1 noise event, the sub-threshold muon of weight 1, both signals
    rate = model.rate(fired, t)
    noise_fraction, muon_fraction = 1 / 10, 1.0 / 9.0  # sub-threshold weight / all muon weight
    assert rate["noise_hz"] == pytest.approx(40e6 * 0.99 * noise_fraction)
    assert rate["muon_hz"] == pytest.approx(40e6 * 0.01 * muon_fraction)
    assert rate["rate_hz"] == pytest.approx(rate["noise_hz"] + rate["muon_hz"])
    assert rate["lower"] < rate["rate_hz"] < rate["upper"]
    eff = model.efficiencies(fired, t)
    assert eff["prompt"]["value"] == 1.0 and eff["displaced"]["value"] == 0.5
    assert eff["displaced"]["n_events"] == 2


def test_weighted_fraction_uses_the_effective_number_of_events():
    f = Fraction.of([True, False, False, False], [3.0, 1.0, 1.0, 1.0])
    assert f.value == pytest.approx(0.5)
    assert f.n_effective == pytest.approx(36 / 12)
    lo, hi = clopper_pearson(1.5, 3.0)
    assert (f.lower, f.upper) == pytest.approx((float(lo), float(hi)))
    unweighted = Fraction.of([True, False])
    assert unweighted.n_effective == 2 and unweighted.value == 0.5
    assert np.isnan(Fraction.of([]).value)


def test_score_scan_matches_the_decisions_at_every_threshold():
    rng = np.random.default_rng(0)
    n = 400
    source = rng.choice([0, 1, 2], n, p=[0.3, 0.5, 0.2])
    pt = np.where(source == 0, 0.0, rng.uniform(3, 50, n))
    truth = TriggerTruth.from_arrays(
        {"source": source, "pt": pt, "weight": rng.uniform(0.1, 2, n), "label": pt > 20}, 20.0
    )
    scores = np.round(rng.random(n), 2)  # ties
    model = RateModel(muon_rate_per_crossing=0.05)
    scan = score_scan(scores, truth, model)
    for i in range(0, scan["threshold"].size, 7):
        fired = scores >= scan["threshold"][i]
        assert scan["rate_hz"][i] == pytest.approx(model.rate(fired, truth)["rate_hz"])
        eff = model.efficiencies(fired, truth)
        assert scan["prompt"][i] == pytest.approx(eff["prompt"]["value"])
        assert scan["displaced"][i] == pytest.approx(eff["displaced"]["value"])
    target = model.rate(scores >= 0.6, truth)["rate_hz"]
    t = threshold_at_rate(scan, target)
    assert t <= 0.6 and model.rate(scores >= t, truth)["rate_hz"] <= target * (1 + 1e-12)
    lower = scan["threshold"][scan["threshold"] < t]
    assert lower.size == 0 or model.rate(scores >= lower.max(), truth)["rate_hz"] > target
    goal = model.efficiencies(scores >= 0.3, truth)["prompt"]["value"]
    t = threshold_at_efficiency(scan, goal)
    assert t >= 0.3 and model.efficiencies(scores >= t, truth)["prompt"]["value"] >= goal - 1e-12
