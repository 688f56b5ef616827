"""The NEWSdm toy: carbon tracks move their brightness peak with the polarisation and fog does not,
track length grows with the carbon energy, gamma electrons are longer and sparser, the mix and
seeds repeat, and the file of ``trigq simulate newsdm`` stores its spec and config."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from trigq.data import read_arrays, validate_dataset
from trigq.sim.newsdm import NEWSdmConfig, NEWSdmSimError, simulate

QUIET = NEWSdmConfig(noise=0.0, fog_pair_probability=0.0, carbon_phi_jitter_deg=0.0, brightness_spread=0.0)


def _peak_path(images: np.ndarray) -> np.ndarray:
    """Per cluster: the largest distance (pixels) between the brightest pixels of two polarisations."""
    n, p, s, _ = images.shape
    arg = images.reshape(n, p, -1).argmax(axis=2)
    y, x = arg // s, arg % s
    return np.hypot(y[:, :, None] - y[:, None, :], x[:, :, None] - x[:, None, :]).max(axis=(1, 2))


def test_carbon_peak_moves_with_polarisation_and_fog_peak_does_not():
    carbon = simulate("carbon-100", 100, seed=1, config=QUIET)
    fog = simulate("fog", 100, seed=1, config=QUIET)
    assert carbon.images.shape == (100, 8, 32, 32) and carbon.images.dtype == np.uint8
    moved, static = _peak_path(carbon.images), _peak_path(fog.images)
    assert np.median(moved) >= 4 and (static <= 1.5).mean() > 0.95
    # the brightness of the fog grain changes with the polarisation, its position does not
    per_pol = fog.images.reshape(100, 8, -1).astype(float).sum(axis=2)
    assert ((per_pol.max(1) - per_pol.min(1)) / per_pol.mean(1)).mean() > 0.05
    assert (fog.truth["n_grains"] == 1).all() and (carbon.truth["label"] == 1).all()
    assert (fog.truth["label"] == 0).all() and (fog.truth["energy_kev"] == 0).all()


def test_track_length_grows_with_energy_and_electrons_are_longer_and_sparser():
    small = NEWSdmConfig(image_size=4)  # the truth does not depend on the image size
    length = {
        s: simulate(s, 300, seed=2, config=small).truth
        for s in ("carbon-30", "carbon-60", "carbon-100", "co60")
    }
    means = [length[s]["length_nm"].mean() for s in ("carbon-30", "carbon-60", "carbon-100")]
    assert means[0] < means[1] < means[2] and means[2] == pytest.approx(200, rel=0.1)
    assert length["carbon-100"]["n_grains"].mean() > length["carbon-30"]["n_grains"].mean() + 2
    co60 = length["co60"]
    assert co60["length_nm"].mean() > 1.5 * means[2]
    spacing_e = (co60["length_nm"] / np.maximum(co60["n_grains"] - 1, 1)).mean()
    spacing_c = (length["carbon-100"]["length_nm"] / (length["carbon-100"]["n_grains"] - 1)).mean()
    assert spacing_e > 1.5 * spacing_c
    assert np.abs(length["carbon-100"]["direction_deg"]).mean() < 25  # the carbon beam direction


def test_mixed_fractions_seed_and_errors():
    c = NEWSdmConfig(image_size=4)
    ev = simulate("mixed", 1500, seed=4, config=c)
    assert ev.images.shape == (1500, 8, 4, 4)
    assert abs(ev.truth["label"].mean() - 0.5) < 0.04
    assert_array_equal(ev.truth["label"], ev.truth["source"] <= 2)
    assert np.abs(np.bincount(ev.truth["source"], minlength=6) / 1500 - 1 / 6).max() < 0.04
    assert_array_equal(
        simulate("mixed", 20, seed=5, config=c).images, simulate("mixed", 20, seed=5, config=c).images
    )
    with pytest.raises(NEWSdmSimError, match="sample"):
        simulate("neutrons", 1)
    with pytest.raises(ValueError, match="fog_pair_probability"):
        NEWSdmConfig(fog_pair_probability=2)


def test_simulate_cli_writes_a_valid_file_with_its_config(tmp_path, capsys):
    from trigq.cli import main
    from trigq.utils import config_from_dict, yaml_load

    out, cfg = tmp_path / "n.h5", tmp_path / "c.yaml"
    cfg.write_text("beam_spread_deg: 5.0\n")
    args = ["simulate", "newsdm", "--size", "16", "--events", "30", "--out", str(out)]
    assert main([*args, "--config", str(cfg)]) in (0, None)
    info = validate_dataset(out, require=("label", "source", "energy_kev", "direction_deg"))
    assert info.detector.name == "newsdm-16" and info.n_events == 30
    assert info.detector.axis_names == ("polarisation", "y", "x")
    stored = config_from_dict(NEWSdmConfig, yaml_load(str(info.attrs["config_yaml"]), "x"), "x")
    assert stored == NEWSdmConfig(image_size=16, beam_spread_deg=5.0)
    assert read_arrays(out, ["images"])["images"].shape == (30, 8, 16, 16)
    cfg.write_text("beam_sprad_deg: 1.0\n")
    capsys.readouterr()
    assert main([*args[:-1], str(tmp_path / "k.h5"), "--config", str(cfg)]) == 2
    err = capsys.readouterr().err.strip()
    assert "beam_sprad_deg" in err and "\n" not in err and not (tmp_path / "k.h5").exists()
