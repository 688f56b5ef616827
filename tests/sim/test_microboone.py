"""The MicroBooNE dark-trident toy: pi0 showers start displaced from the vertex and trident showers at
it, cosmics cross the image, tridents follow the beam, the mass opens the pair, the mix follows the
seed's table, the file of ``trigq simulate microboone``."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from trigq.data import read_arrays, validate_dataset
from trigq.sim.microboone import MicroBooNEConfig, MicroBooNESimError, same_field, simulate

QUIET = MicroBooNEConfig(image_size=128, noise_mev=0.0, proton_probability=0.0)  # 3 mm, 38 cm field


def _vertex_charge(images: np.ndarray, radius_px: int) -> np.ndarray:
    s = images.shape[-1] // 2
    return images[:, s - radius_px : s + radius_px, s - radius_px : s + radius_px].sum(axis=(1, 2))


def test_pi0_showers_start_displaced_trident_showers_at_the_vertex():
    tri, pi0 = simulate("trident", 150, seed=1, config=QUIET), simulate("pi0", 150, seed=1, config=QUIET)
    assert (tri.truth["shower_start_cm"] == 0).all()
    start = pi0.truth["shower_start_cm"]
    assert 15 < start.mean() < 21 and np.median(start.min(axis=1)) > 5  # tens of cm (9/7 X0 = 18 cm)
    near_tri, near_pi0 = _vertex_charge(tri.images, 3) > 0, _vertex_charge(pi0.images, 3) > 0  # +-9 mm
    assert near_tri.mean() > 0.95 and near_pi0.mean() < 0.25
    assert (pi0.truth["label"] == 0).all() and (tri.truth["label"] == 1).all()


def test_cosmics_cross_the_image():
    ev = simulate("cosmic", 40, seed=2, config=QUIET)
    assert (ev.truth["n_cosmics"] >= 1).all() and (ev.truth["energy"] == 0).all()
    lit = ev.images > 0
    edges = lit[:, 0, :] | lit[:, -1, :] | lit[:, :, 0] | lit[:, :, -1]
    assert (edges.any(axis=1)).all()
    border = np.concatenate([lit[:, 0, :], lit[:, -1, :], lit[:, :, 0], lit[:, :, -1]], axis=1)
    assert (border.sum(axis=1) >= 2).all()  # it enters and leaves
    assert (_vertex_charge(ev.images, 30) > 0).mean() > 0.8  # the first passes within ~5 cm
    assert (simulate("trident", 20, seed=2, config=QUIET).truth["n_cosmics"] == 0).all()


def test_trident_follows_the_beam_and_the_mass_opens_the_pair():
    tri = simulate("trident", 400, seed=3, config=QUIET)
    assert np.cos(np.deg2rad(tri.truth["direction_deg"])).mean() > 0.55  # von Mises kappa 2: 0.70
    pi0 = simulate("pi0", 400, seed=3, config=QUIET)
    assert abs(np.cos(np.deg2rad(pi0.truth["direction_deg"])).mean()) < 0.15  # isotropic
    heavy = simulate("trident", 400, seed=3, config=QUIET, mass_gev=0.2)
    assert np.median(heavy.truth["opening_deg"]) > 2.5 * np.median(tri.truth["opening_deg"])
    assert (heavy.truth["mass"] == np.float32(0.2)).all()


def test_mixed_follows_the_weights_and_the_seed_repeats():
    c = same_field(MicroBooNEConfig(), 32)
    ev = simulate("mixed", 3000, seed=4, config=c)
    w = np.asarray(c.weights) / sum(c.weights)
    counts = np.bincount(ev.truth["source"], minlength=5) / 3000
    assert np.abs(counts - w).max() < 0.03
    assert_array_equal(ev.truth["label"], np.isin(ev.truth["source"], (0, 1)))
    assert_array_equal(
        simulate("mixed", 20, seed=4, config=c).images, simulate("mixed", 20, seed=4, config=c).images
    )
    assert c.pixel_mm == 48 and c.charge_lsb_mev == pytest.approx(0.8)
    with pytest.raises(MicroBooNESimError, match="sample"):
        simulate("showers", 1)
    with pytest.raises(ValueError, match="proton_probability"):
        MicroBooNEConfig(proton_probability=2)


def test_simulate_cli_writes_a_valid_file_with_its_config(tmp_path, capsys):
    from trigq.cli import main
    from trigq.utils import config_from_dict, yaml_load

    out, cfg = tmp_path / "u.h5", tmp_path / "c.yaml"
    cfg.write_text("beam_kappa: 0.0\n")
    args = ["simulate", "microboone", "--size", "64", "--mass", "0.1", "--events", "30", "--out", str(out)]
    assert main([*args, "--config", str(cfg)]) in (0, None)
    info = validate_dataset(out, require=("label", "source", "shower_start_cm"))
    assert info.detector.name == "microboone-64" and info.n_events == 30
    stored = config_from_dict(MicroBooNEConfig, yaml_load(str(info.attrs["config_yaml"]), "x"), "x")
    expect = same_field(MicroBooNEConfig(beam_kappa=0.0, dark_photon_mass_gev=0.1), 64)
    assert stored == expect and stored.pixel_mm == 24
    assert read_arrays(out, ["images"])["images"].shape == (30, 64, 64)
    cfg.write_text("beam_kapa: 1.0\n")
    capsys.readouterr()
    assert main([*args[:-1], str(tmp_path / "k.h5"), "--config", str(cfg)]) == 2
    err = capsys.readouterr().err.strip()
    assert "beam_kapa" in err and "\n" not in err and not (tmp_path / "k.h5").exists()
