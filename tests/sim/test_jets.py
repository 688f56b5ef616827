"""The dark-photon jet-image toy: jet widths and EM fractions differ between the classes, totals grow
with pT, the decay-length and pT distributions follow the config, the file of ``trigq simulate jets``."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from trigq.baselines.jets import JetBdtConfig, jet_features
from trigq.data import read_arrays, validate_dataset
from trigq.sim.jets import JetsConfig, JetsSimError, simulate

N = 600
QUIET = JetsConfig(pileup_noise_gev=0.0)  # no pile-up: the shapes are the jets' own


@pytest.fixture(scope="module")
def events():
    return simulate("mixed", N, seed=3, config=QUIET)


def _features(ev) -> np.ndarray:
    return jet_features(ev.images, QUIET.et_lsb_gev, QUIET.cell_size, JetBdtConfig())


def test_shapes_truth_and_seed(events):
    assert events.images.shape == (N, 2, 25, 25) and events.images.dtype == np.uint8
    label = events.truth["label"]
    assert 0.4 < label.mean() < 0.6
    pt = events.truth["pt"]
    assert pt.min() >= 40 and pt.max() <= 200
    assert (events.truth["decay_radius"][label == 0] == 0).all()
    r = events.truth["decay_radius"][label == 1]
    assert r.min() >= 1.0 and r.max() <= 3.5
    assert_array_equal(simulate("mixed", 20, seed=3).images, simulate("mixed", 20, seed=3).images)
    assert (simulate("qcd", 20, seed=1).truth["label"] == 0).all()
    assert (simulate("dark-photon", 20, seed=1).truth["label"] == 1).all()
    with pytest.raises(JetsSimError, match="sample"):
        simulate("showers", 1)


def test_dark_photon_jets_are_narrower_with_less_em_energy(events):
    f, label = _features(events), events.truth["label"]
    width, em, core = f[:, 0], f[:, 1], f[:, 2]
    assert width[label == 0].mean() > 1.5 * width[label == 1].mean()
    assert em[label == 0].mean() > em[label == 1].mean() + 0.25
    assert core[label == 1].mean() > core[label == 0].mean() + 0.1
    n_const = events.truth["n_constituents"]
    assert n_const[label == 0].mean() > 2 * n_const[label == 1].mean()  # many constituents vs few pions


def test_totals_grow_with_pt(events):
    total = events.images.astype(np.float64).sum(axis=(1, 2, 3)) * QUIET.et_lsb_gev
    pt = events.truth["pt"].astype(np.float64)
    assert np.corrcoef(total, pt)[0, 1] > 0.95
    assert 0.8 < np.median(total / pt) < 1.05  # a little falls outside the image or rounds away


def test_decay_radius_sets_the_em_deposit():
    early = simulate("dark-photon", 100, seed=2, config=JetsConfig(pileup_noise_gev=0, decay_r_max_m=1.5))
    late = simulate("dark-photon", 100, seed=2, config=JetsConfig(pileup_noise_gev=0, decay_r_min_m=2.0))
    assert late.images[:, 0].max() == 0  # decayed behind the EM calorimeter: nothing in it
    assert early.truth["em_fraction"].mean() > 0.2
    short = simulate("dark-photon", 400, seed=2, config=JetsConfig(decay_length_mean_m=0.3))
    long = simulate("dark-photon", 400, seed=2, config=JetsConfig(decay_length_mean_m=20.0))
    assert short.truth["decay_radius"].mean() < 1.5 < long.truth["decay_radius"].mean()


def test_pt_spectrum_follows_the_index():
    flat = simulate("qcd", 400, seed=5, config=JetsConfig(pt_spectrum_index=0.0)).truth["pt"]
    steep = simulate("qcd", 400, seed=5, config=JetsConfig(pt_spectrum_index=5.0)).truth["pt"]
    assert 100 < np.median(flat) < 140 and np.median(steep) < 60


def test_pileup_noise_adds_cells():
    noisy = simulate("qcd", 100, seed=4, config=JetsConfig(pileup_noise_gev=1.0, noise_threshold_sigma=1.0))
    quiet = simulate("qcd", 100, seed=4, config=QUIET)
    assert (noisy.images > 0).sum() > 5 * (quiet.images > 0).sum()


def test_simulate_cli_writes_a_valid_file_with_its_config(tmp_path, capsys):
    from trigq.cli import main
    from trigq.utils import config_from_dict, yaml_load

    out = tmp_path / "j.h5"
    cfg = tmp_path / "c.yaml"
    cfg.write_text("pt_min_gev: 60.0\n")
    assert main(
        ["simulate", "jets", "--events", "30", "--seed", "2", "--out", str(out), "--config", str(cfg)]
    ) in (0, None)
    info = validate_dataset(out, require=("label", "pt"))
    assert info.detector.name == "jets" and info.n_events == 30
    stored = config_from_dict(JetsConfig, yaml_load(str(info.attrs["config_yaml"]), "x"), "x")
    assert stored == JetsConfig(pt_min_gev=60.0)
    assert read_arrays(out, ["images"])["images"].shape == (30, 2, 25, 25)
    cfg.write_text("pt_minimum: 60.0\n")
    capsys.readouterr()
    assert (
        main(["simulate", "jets", "--events", "3", "--out", str(tmp_path / "k.h5"), "--config", str(cfg)])
        == 2
    )
    err = capsys.readouterr().err.strip()
    assert "pt_minimum" in err and "\n" not in err and not (tmp_path / "k.h5").exists()
