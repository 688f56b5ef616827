"""The SHiP baselines: Gaussian-fit features, the linear regression of E and d, DBSCAN origin."""

from __future__ import annotations

import numpy as np
import pytest

from trigq.baselines.ship import (
    GaussRegression,
    ShipBaselineError,
    dbscan_origin,
    energy_resolution,
    gauss_features,
    weighted_mean_origin,
)
from trigq.sim.ship_tt import ShipTTConfig, simulate


@pytest.fixture(scope="module")
def events():
    return simulate("showers", 600, seed=11, config=ShipTTConfig(noise_hits_per_plane=0.0))


def test_features_are_12_and_moments_of_a_known_plane():
    img = np.zeros((1, 3, 8, 8), np.uint8)
    img[0, 0, 4, 3] = img[0, 0, 4, 5] = 2  # two pixels 0.2 cm apart in x, same y
    f = gauss_features(img, 0.1)
    assert f.shape == (1, 12)
    np.testing.assert_allclose(f[0, :4], [0.01, 0.0, 0.0, 4.0], atol=1e-12)


def test_gauss_regression_beats_the_mean_and_needs_fit(events):
    f = gauss_features(events.images, 0.1)
    y = np.stack([events.truth["energy"], events.truth["depth"]], 1).astype(np.float64)
    reg = GaussRegression().fit(f[:400], y[:400])
    pred = reg.predict(f[400:])
    e, d = y[400:, 0], y[400:, 1]
    assert np.sqrt(np.mean((pred[:, 0] - e) ** 2)) < 0.5 * e.std()
    assert np.sqrt(np.mean((pred[:, 1] - d) ** 2)) < 0.8 * d.std()
    assert energy_resolution(e, pred[:, 0]) < energy_resolution(e, np.full_like(e, e.mean()))
    with pytest.raises(ShipBaselineError, match="fit first"):
        GaussRegression().predict(f)


def test_dbscan_and_weighted_mean_find_the_origin_without_noise(events):
    truth = np.stack([events.truth["x"], events.truth["y"]], 1)
    for xy in (dbscan_origin(events.images[:100], 0.1, 3.0, events.truth["depth"][:100]),
               weighted_mean_origin(events.images[:100], 0.1)):  # fmt: skip
        ok = np.isfinite(xy).all(axis=1)
        assert ok.mean() > 0.8  # DBSCAN finds no cluster in a few 1-3 GeV showers
        assert np.median(np.abs(xy[ok] - truth[:100][ok])) < 0.3  # cm; a random guess: ~0.5


@pytest.mark.slow
def test_baseline_cli_on_a_ship_file(tmp_path):
    import json

    from trigq.cli import main

    data = tmp_path / "s.h5"
    assert main(["simulate", "ship-tt", "--events", "200", "--seed", "3", "--out", str(data)]) in (0, None)
    for algo in ("ship-gauss", "ship-dbscan"):
        out = tmp_path / algo
        assert main(["baseline", algo, "--data", str(data), "--out", str(out)]) in (0, None)
        report = json.loads((out / "metrics.json").read_text())
        if algo == "ship-gauss":
            assert report["energy_rmse_gev"] > 0 and report["vs_energy"]["sigma"]
        else:
            assert report["dbscan"]["efficiency"] > 0.5 and "weighted-mean" in report
        assert (out / "metrics.md").read_text().startswith("# SHiP")
