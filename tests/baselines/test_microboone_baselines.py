"""The MicroBooNE BDT baseline: features of known images (vertex gap, track vs shower clusters), the
BDT separates tridents from pi0 and cosmics, accuracy and confusion with binomial errors, the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest

from trigq.baselines.microboone import (
    FEATURES,
    MicroBooNEBaselineError,
    MicroBooNEBdt,
    MicroBooNEBdtConfig,
    event_features,
)
from trigq.baselines.microboone_evaluate import classifier_metrics
from trigq.sim.microboone import MicroBooNEConfig, same_field, simulate

F = {name: i for i, name in enumerate(FEATURES)}


def test_features_of_known_images():
    img = np.zeros((2, 32, 32), np.uint8)
    img[0, 16, 16:20] = img[0, 17, 16:21] = 50  # a blob at the vertex (pixel 16 starts at 0 cm)
    img[1, 5, :] = 10  # a straight track across the image, far from the vertex
    img[1, 16, 22:24] = img[1, 17, 22:25] = 50  # a blob 6 pixels away
    f = event_features(img, 0.1, 2.0, 0.0, MicroBooNEBdtConfig(track_min_cm=20))
    assert f.shape == (2, len(FEATURES))
    assert f[0, F["vertex_gap_cm"]] == pytest.approx(np.hypot(1, 1)) and f[0, F["n_tracks"]] == 0
    assert f[1, F["vertex_gap_cm"]] == pytest.approx(np.hypot(13, 1)) and f[1, F["n_tracks"]] == 1
    assert f[1, F["n_showers"]] == 1 and f[1, F["track_fraction"]] == pytest.approx(32 / (32 + 25))
    assert f[0, F["shower_cos_beam"]] > 0.9 and f[0, F["total_mev"]] == pytest.approx(45.0)
    with pytest.raises(MicroBooNEBaselineError, match=r"\[N, S, S\]"):
        event_features(np.zeros((1, 3, 4)), 0.1, 2.0, 0.0, MicroBooNEBdtConfig())


def test_bdt_separates_tridents_and_metrics_have_errors():
    c = same_field(MicroBooNEConfig(), 32)
    ev = simulate("mixed", 1200, seed=5, config=c)
    f = event_features(ev.images, c.charge_lsb_mev, c.pixel_mm / 10, 0.0, MicroBooNEBdtConfig())
    y, src = ev.truth["label"], ev.truth["source"]
    bdt = MicroBooNEBdt(MicroBooNEBdtConfig(max_iter=50)).fit(f[:900], y[:900])
    m = classifier_metrics(bdt.score(f[900:]), y[900:], src[900:])
    assert m["accuracy"] > 0.8 and 0 < m["accuracy_error"] < 0.03 and m["auc"] > 0.85
    assert sum(c["count"] for c in m["confusion"].values()) == 300
    assert m["per_source"]["trident"]["classified_signal"] > m["per_source"]["pi0"]["classified_signal"]
    with pytest.raises(MicroBooNEBaselineError, match="one class"):
        MicroBooNEBdt().fit(f[:10], np.zeros(10))


def test_cli_writes_metrics_and_scores_other_masses(tmp_path, capsys):
    from trigq.cli import main

    data, other = tmp_path / "m.h5", tmp_path / "o.h5"
    sim = ["simulate", "microboone", "--size", "32", "--seed", "3"]
    assert main([*sim, "--events", "400", "--out", str(data)]) in (0, None)
    assert main([*sim, "--events", "40", "--sample", "trident", "--mass", "0.2", "--out", str(other)]) in (
        0,
        None,
    )
    capsys.readouterr()
    args = ["baseline", "microboone-bdt", "--data", str(data), "--extra", str(other), "--json"]
    assert main([*args, "--out", str(tmp_path / "b")]) in (0, None)
    printed = capsys.readouterr().out.strip().splitlines()
    assert printed[0].startswith("microboone-bdt on 40 test events")  # its result, then the JSON line
    out = json.loads(printed[-1])
    assert 0 < out["microboone-bdt"]["accuracy"] <= 1 and out["n_test"] == 40
    report = json.loads((tmp_path / "b" / "metrics.json").read_text())
    assert report["generalisation"][str(other)]["mass_gev"] == pytest.approx(0.2)
    assert (tmp_path / "b" / "confusion.png").stat().st_size > 0
    assert "| microboone-bdt |" in (tmp_path / "b" / "metrics.md").read_text()
    jets = tmp_path / "j.h5"
    assert main(["simulate", "jets", "--events", "5", "--out", str(jets)]) in (0, None)
    capsys.readouterr()
    assert main(["baseline", "microboone-bdt", "--data", str(jets), "--out", str(tmp_path / "c")]) == 2
    assert "needs microboone" in capsys.readouterr().err
