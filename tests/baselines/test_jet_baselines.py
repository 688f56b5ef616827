"""The jet BDT baseline: features of known images, the BDT separates the classes, rejection at 50%
signal efficiency with its binomial error, ``trigq baseline jet-bdt`` from the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest

from trigq.baselines.jets import FEATURES, JetBaselineError, JetBdt, JetBdtConfig, jet_features
from trigq.baselines.jets_evaluate import classifier_metrics, rejection_at
from trigq.sim.jets import simulate


def test_features_of_known_images():
    img = np.zeros((2, 2, 25, 25), np.uint8)
    img[0, 1, 12, 12] = 20  # 10 GeV in the central hadronic cell
    img[1, 0, 12, 12] = img[1, 1, 12, 15] = 10  # 5 GeV EM at the axis, 5 GeV HAD 0.3 rad away
    f = jet_features(img, 0.5, 0.1, JetBdtConfig())
    assert f.shape == (2, len(FEATURES))
    np.testing.assert_allclose(f[0], [0.0, 0.0, 1.0, 1, 10.0], atol=1e-12)
    np.testing.assert_allclose(f[1], [0.15, 0.5, 0.5, 2, 10.0], atol=1e-12)
    with pytest.raises(JetBaselineError, match=r"\[N, 2, S, S\]"):
        jet_features(np.zeros((1, 3, 25, 25)), 0.5, 0.1, JetBdtConfig())


def test_bdt_separates_the_classes_and_needs_both():
    ev = simulate("mixed", 800, seed=12)
    f, y = jet_features(ev.images, 0.5, 0.1, JetBdtConfig()), ev.truth["label"]
    bdt = JetBdt(JetBdtConfig(max_iter=50)).fit(f[:600], y[:600])
    m = classifier_metrics(bdt.score(f[600:]), y[600:])
    assert 0.85 < m["auc"] < 1.0 and 0 < m["auc_error"] < 0.05
    assert m["at_50_percent_signal"]["rejection"] > 3
    with pytest.raises(JetBaselineError, match="one class"):
        JetBdt().fit(f[:10], np.zeros(10))
    with pytest.raises(JetBaselineError, match="fit first"):
        JetBdt().score(f)


def test_rejection_at_half_signal_efficiency_and_its_error():
    labels = np.array([1] * 4 + [0] * 10)
    scores = np.array([0.9, 0.8, 0.3, 0.2] + [0.85] + [0.1] * 9)  # 2 signals above 0.55
    r = rejection_at(scores, labels)
    assert r["signal_efficiency"] == 0.5 and r["n_background_passed"] == 1
    assert r["rejection"] == 10.0
    assert r["rejection_error"] == pytest.approx(np.sqrt(0.1 * 0.9 / 10) / 0.01)
    none = rejection_at(np.array([0.9, 0.8, 0.1, 0.1]), np.array([1, 1, 0, 0]))
    assert none["rejection"] == np.inf and none["rejection_lower_limit_95"] == pytest.approx(2 / 3)


def test_baseline_cli_on_a_jets_file(tmp_path, capsys):
    from trigq.cli import main

    data = tmp_path / "j.h5"
    assert main(["simulate", "jets", "--events", "400", "--seed", "3", "--out", str(data)]) in (0, None)
    cfg = tmp_path / "bdt.yaml"
    cfg.write_text("max_iter: 30\n")
    out = tmp_path / "bdt"
    assert main(["baseline", "jet-bdt", "--data", str(data), "--config", str(cfg), "--out", str(out)]) in (
        0,
        None,
    )
    report = json.loads((out / "metrics.json").read_text())
    assert report["n_test"] == 40 and report["methods"]["jet-bdt"]["auc"] > 0.5
    assert (out / "metrics.md").read_text().startswith("# Jet BDT") and (out / "roc.png").stat().st_size > 0
    ship = tmp_path / "s.h5"
    assert main(["simulate", "ship-tt", "--events", "20", "--out", str(ship)]) in (0, None)
    capsys.readouterr()
    assert main(["baseline", "jet-bdt", "--data", str(ship), "--out", str(tmp_path / "b2")]) == 2
    err = capsys.readouterr().err.strip()
    assert "ship-tt" in err and "\n" not in err
