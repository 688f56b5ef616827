"""Numpy metrics on known inputs."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from trigq.train import metrics


def test_roc_auc_perfect_inverted_and_ties():
    y = np.array([0, 0, 0, 1, 1])
    s = np.array([0.1, 0.2, 0.3, 0.8, 0.9])
    assert metrics.roc_auc(s, y) == 1.0
    assert metrics.roc_auc(-s, y) == 0.0
    assert metrics.roc_auc(np.full(5, 0.4), y) == 0.5


def test_roc_auc_matches_pairwise_definition():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)
    s = np.round(rng.normal(size=300) + y, 1)  # rounding makes ties
    pos, neg = s[y == 1], s[y == 0]
    diff = pos[:, None] - neg[None, :]
    expected = (np.sum(diff > 0) + 0.5 * np.sum(diff == 0)) / diff.size
    assert metrics.roc_auc(s, y) == pytest.approx(expected, abs=1e-12)


def test_roc_auc_one_class_is_nan():
    assert np.isnan(metrics.roc_auc([0.1, 0.2], [1, 1]))


def test_roc_curve_and_efficiency_at_fake_rate():
    y = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    s = np.array([0.1, 0.2, 0.3, 0.6, 0.4, 0.7, 0.8, 0.9])
    fpr, tpr, thr = metrics.roc_curve(s, y)
    assert fpr[0] == 0 and tpr[0] == 0 and np.isinf(thr[0])
    assert fpr[-1] == 1 and tpr[-1] == 1
    eff, t = metrics.efficiency_at_fake_rate(s, y, 0.0)
    assert eff == 0.75 and t == 0.7
    eff, t = metrics.efficiency_at_fake_rate(s, y, 0.25)
    assert eff == 1.0 and t == 0.4


def test_decision_metrics():
    y = np.array([1, 1, 0, 0, 0])
    d = np.array([True, False, True, False, False])
    m = metrics.trigger_decision_metrics(d, y)
    assert m["efficiency"] == 0.5
    assert m["fake_rate"] == pytest.approx(1 / 3)
    assert m["background_rejection"] == pytest.approx(2 / 3)
    assert m["accuracy"] == pytest.approx(3 / 5)
    assert metrics.accuracy([0.9, 0.4, 0.5, 0.1, 0.2], y) == pytest.approx(3 / 5)


def test_trigger_metrics_compares_with_baseline_at_equal_rate():
    y = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    s = np.array([0.1, 0.2, 0.3, 0.6, 0.4, 0.7, 0.8, 0.9])
    base = np.array([1, 0, 0, 0, 1, 0, 0, 1], dtype=bool)
    table = metrics.trigger_metrics(s, y, base)
    assert table["baseline"]["efficiency"] == 0.5
    assert table["baseline"]["fake_rate"] == 0.25
    assert table["network_at_baseline_rate"]["efficiency"] == 1.0
    assert table["network_at_baseline_rate"]["efficiency_gain"] == 0.5
    assert table["network"]["roc_auc"] == pytest.approx(15 / 16)


def test_efficiency_curve():
    pt = np.array([5, 15, 15, 25, 25, 25, 35, 100.0])
    d = np.array([0, 0, 1, 1, 1, 0, 1, 1], dtype=bool)
    curve = metrics.efficiency_curve(d, pt, [0, 10, 20, 30, 40])
    assert_array_equal(curve["counts"], [1, 2, 3, 1])
    np.testing.assert_allclose(curve["efficiency"], [0, 0.5, 2 / 3, 1])
    assert curve["error"][1] == pytest.approx(np.sqrt(0.25 / 2))
    masked = metrics.efficiency_curve(d, pt, [0, 10, 20, 30, 40], mask=pt > 10)
    assert np.isnan(masked["efficiency"][0])


@pytest.mark.parametrize("sigma", [1.0, 3.5])
def test_core_fit_recovers_sigma_with_20_percent_outliers(sigma):
    rng = np.random.default_rng(7)
    core = rng.normal(-0.3, sigma, 40_000)
    outliers = rng.uniform(-60, 60, 10_000)  # 20% of the total
    r = np.concatenate([core, outliers])
    fit = metrics.core_gaussian_fit(r)
    assert fit["converged"] == 1.0
    assert fit["sigma"] == pytest.approx(sigma, rel=0.03)
    assert fit["mean"] == pytest.approx(-0.3, abs=0.05 * sigma)
    assert np.std(r) > 4 * sigma  # the plain RMS is useless here


def test_core_fit_falls_back_on_few_events():
    fit = metrics.core_gaussian_fit([1.0, 2.0, 3.0])
    assert fit["converged"] == 0.0 and fit["mean"] == 2.0


def test_tail_fraction_and_regression_metrics():
    r = np.array([0.0, 1.0, -9.0, 8.0, 8.5])
    assert metrics.tail_fraction(r, 8.0) == pytest.approx(2 / 5)
    m = metrics.regression_metrics(r + 10, np.full(5, 10.0))
    assert m["residual_mean"] == pytest.approx(np.mean(r))
    assert m["tail_fraction"] == pytest.approx(2 / 5)


def test_resolution_vs_bins():
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 100, 20_000)
    r = rng.normal(0, 1, x.size) * np.where(x < 50, 1.0, 4.0)
    res = metrics.resolution_vs(r, x, [0, 50, 100])
    assert res["sigma"][0] == pytest.approx(1.0, rel=0.05)
    assert res["sigma"][1] == pytest.approx(4.0, rel=0.05)
    assert res["counts"].sum() == x.size


def test_one_lsb_difference_is_a_mismatch() -> None:
    a = np.arange(12, dtype=np.int64).reshape(6, 2)
    assert metrics.code_mismatches(a, a.copy()) == {"events": 0, "max_lsb": 0}
    b = a.copy()
    b[4, 1] += 1
    assert metrics.code_mismatches(a, b) == {"events": 1, "max_lsb": 1}
    b[0] -= 3
    assert metrics.code_mismatches(a, b) == {"events": 2, "max_lsb": 3}
    with pytest.raises(ValueError, match="shape"):
        metrics.code_mismatches(a, a[:5])


def test_output_codes_flag_values_off_the_grid() -> None:
    frac = 4
    values = np.array([[0.0625], [-1.5], [0.03125], [3.0]])  # 1/32 is half an LSB of 2**-4
    codes, off = metrics.output_codes(values, frac)
    np.testing.assert_array_equal(codes[:, 0], [1, -24, 0, 48])
    np.testing.assert_array_equal(off, [False, False, True, False])


def test_shower_row_reads_the_energy_and_depth_outputs() -> None:
    from trigq.train.metrics import shower_row, task_row

    truth = {"energy": np.array([10.0, 20.0, 50.0]), "depth": np.array([1.0, 2.0, 3.0])}
    row = shower_row(np.array([11.0, 18.0, 50.0]), np.array([1.0, 2.0, 5.0]), truth)
    assert row["energy_resolution"] == pytest.approx(np.std([-0.1, 0.1, 0.0]))
    assert row["energy_rmse_gev"] == pytest.approx(np.sqrt(5 / 3))
    assert row["depth_rmse_cm"] == pytest.approx(np.sqrt(4 / 3))

    class Norm:  # outputs depth, energy (in 100 GeV): task_row finds the columns by name
        targets = ("depth", "energy")

        def denormalise(self, raw):
            return raw * np.array([1.0, 100.0])

    raw = np.array([[1.0, 0.11], [2.0, 0.18], [5.0, 0.5]])
    assert task_row("ship", raw, truth, Norm()) == pytest.approx(row)
