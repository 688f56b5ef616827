import numpy as np
from numpy.testing import assert_array_equal

from trigq.cli import main
from trigq.data import read_arrays, validate_dataset
from trigq.sim import RPCSimConfig
from trigq.sim.atlas_rpc.config import config_from_yaml_text


def simulate_cli(out, *extra, sample="mixed", events=300, seed=4):
    return main(
        [
            "simulate",
            "atlas-rpc",
            "--sample",
            sample,
            "--events",
            str(events),
            "--seed",
            str(seed),
            "--out",
            str(out),
            *extra,
        ]
    )


def test_simulate_writes_a_valid_dataset(tmp_path, capsys):
    out = tmp_path / "mixed.h5"
    assert simulate_cli(out, "--json") == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert '"events": 300' in last and '"sample": "mixed"' in last
    info = validate_dataset(out)
    assert info.n_events == 300 and info.sample == "mixed" and info.attrs["seed"] == 4
    assert info.attrs["generator"] == "atlas-rpc"
    assert config_from_yaml_text(info.config_yaml) == RPCSimConfig()


def test_same_seed_same_file_contents(tmp_path):
    a, b, c = tmp_path / "a.h5", tmp_path / "b.h5", tmp_path / "c.h5"
    assert simulate_cli(a) == 0 and simulate_cli(b) == 0 and simulate_cli(c, seed=5) == 0
    fields = ["hits", "truth/label", "truth/pt", "truth/eta", "truth/source"]
    ra, rb, rc = (read_arrays(p, fields) for p in (a, b, c))
    for name in fields:
        assert_array_equal(ra[name], rb[name])
    assert not np.array_equal(ra["hits"], rc["hits"])


def test_config_override_is_applied_and_bad_config_exits_2(tmp_path, capsys):
    cfg = tmp_path / "quiet.yaml"
    cfg.write_text("response:\n  noise_per_strip: 0.0\ncavern:\n  enabled: false\n")
    out = tmp_path / "bg.h5"
    assert simulate_cli(out, "--config", str(cfg), sample="background") == 0
    assert read_arrays(out, ["hits"])["hits"].sum() == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("response:\n  noise: 0.0\n")
    assert simulate_cli(tmp_path / "x.h5", "--config", str(bad)) == 2
    assert "unknown key" in capsys.readouterr().err
    assert not (tmp_path / "x.h5").exists()


def test_preset_is_applied_and_stored(tmp_path, capsys):
    from trigq.sim.atlas_rpc.presets import preset_config

    legacy = tmp_path / "legacy.h5"
    assert simulate_cli(legacy, "--preset", "legacy") == 0
    stored = config_from_yaml_text(validate_dataset(legacy).config_yaml)
    assert stored == preset_config("legacy") and stored.preset == "legacy"
    cfg = tmp_path / "realistic.yaml"
    cfg.write_text("preset: realistic\n")
    assert simulate_cli(tmp_path / "x.h5", "--config", str(cfg), "--preset", "legacy") == 2
    assert "disagrees with --preset legacy" in capsys.readouterr().err


def test_show_saves_a_png(tmp_path, capsys):
    data = tmp_path / "dp.h5"
    assert simulate_cli(data, sample="dark-photon", events=20) == 0
    png = tmp_path / "ev.png"
    assert main(["show", str(data), "--event", "3", "--out", str(png), "--json"]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert '"event": 3' in capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["show", str(data), "--event", "0"]) == 0
    assert (tmp_path / "dp_event0.png").exists()
    assert main(["show", str(data), "--event", "20"]) == 2
    assert "outside [0, 20)" in capsys.readouterr().err


def test_simulated_files_carry_the_rpc_spec(tmp_path):
    import h5py

    from trigq.data import ATLAS_RPC
    from trigq.sim import cli
    from trigq.sim.atlas_rpc import DETECTOR, SAMPLES
    from trigq.sim.atlas_rpc.simulate import SOURCE_CODES

    out = tmp_path / "m.h5"
    assert simulate_cli(out, events=20) == 0
    assert validate_dataset(out).detector == ATLAS_RPC == DETECTOR
    with h5py.File(out) as f:
        assert f.attrs["detector_yaml"] == ATLAS_RPC.to_yaml()
        assert f.attrs["n_layers"] == 9 and f.attrs["n_strips"] == 384
    assert cli.SAMPLES == SAMPLES == ATLAS_RPC.sample_names  # the CLI repeats them (stdlib only)
    assert SOURCE_CODES == {"background": 0, "muons": 1, "dark-photon": 2}
