import pytest

from trigq.sim import RPCSimConfig, simulate
from trigq.sim.atlas_rpc.config import config_from_yaml_text
from trigq.utils import ConfigError, dump_config, load_config


def test_yaml_round_trip(tmp_path):
    config = load_config(RPCSimConfig, None)
    assert config == RPCSimConfig()
    path = tmp_path / "sim.yaml"
    path.write_text(
        "toroid:\n  b_tesla: 1.0\nresponse:\n  efficiency: [0.9, 0.9, 0.9, 1, 1, 1, 1, 0.8, 0.8]\n"
    )
    custom = load_config(RPCSimConfig, path)
    assert custom.toroid.b_tesla == 1.0 and custom.response.layer_efficiency[-1] == 0.8
    assert custom.muons == RPCSimConfig().muons
    dumped = tmp_path / "dumped.yaml"
    dump_config(custom, dumped)
    assert load_config(RPCSimConfig, dumped) == custom
    assert config_from_yaml_text(dumped.read_text()) == custom


def test_file_attribute_holds_the_full_config():
    config = load_config(RPCSimConfig, None, toroid={"b_tesla": 0.7})
    attrs = simulate("background", 4, seed=0, config=config).attrs()
    assert config_from_yaml_text(attrs["config_yaml"]) == config


def test_unknown_key_is_an_error_naming_it(tmp_path):
    path = tmp_path / "sim.yaml"
    path.write_text("toroid:\n  b_field: 1.0\n")
    with pytest.raises(ConfigError, match=r"toroid.*unknown key.*'b_field'"):
        load_config(RPCSimConfig, path)
    with pytest.raises(ConfigError, match=r"unknown key.*'detector'"):
        config_from_yaml_text("detector: x\n")


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"response": {"efficiency": 1.5}}, "response.efficiency"),
        ({"response": {"efficiency": [0.9, 0.9]}}, "response.efficiency: expected one number or 9"),
        ({"response": {"cluster_size_probs": [0.5, 0.2, 0.2]}}, "sum to 1"),
        ({"response": {"cluster_size_probs": [0.5, 0.5]}}, "expected 3 probabilities"),
        ({"geometry": {"layer_radii_cm": [455, 465]}}, "expected 9 radii"),
        ({"geometry": {"eta_min": 1.0, "eta_max": 0.5}}, "eta_max"),
        ({"mix": {"muons": 0.9}}, "mix: fractions must sum to 1"),
        ({"dark_photon": {"vertex_r_max_cm": 1200.0}}, "vertex_r_max_cm"),
        ({"scattering": {"radius_cm": 520.0}}, "scattering.radius_cm"),
        ({"muons": {"spectrum": "exponential"}}, "spectrum"),
    ],
)
def test_invalid_values_raise_config_error(override, message):
    with pytest.raises(ConfigError, match=message):
        load_config(RPCSimConfig, None, **override)
