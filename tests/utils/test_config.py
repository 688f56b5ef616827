from dataclasses import dataclass, field

import pytest

from trigq.utils import ConfigError, config_from_dict, dump_config, load_config


@dataclass
class Inner:
    radius_cm: float = 450.0
    names: tuple[str, ...] = ("BI0", "BI1")


@dataclass
class Outer:
    n: int = 3
    mode: str = "a"
    ratio: float | None = None
    inner: Inner = field(default_factory=Inner)


def test_unknown_key_is_an_error_naming_it():
    with pytest.raises(ConfigError, match=r"unknown key.*'typo'"):
        config_from_dict(Outer, {"typo": 1})


def test_nested_unknown_key_names_the_path():
    with pytest.raises(ConfigError, match=r"Outer\.inner: unknown key.*'radius'"):
        config_from_dict(Outer, {"inner": {"radius": 1.0}})


def test_wrong_type_is_an_error():
    with pytest.raises(ConfigError, match=r"Outer\.n: expected an integer"):
        config_from_dict(Outer, {"n": "three"})
    with pytest.raises(ConfigError, match="expected an integer"):
        config_from_dict(Outer, {"n": True})


def test_int_is_accepted_for_float_and_tuples_round_trip(tmp_path):
    cfg = config_from_dict(Outer, {"inner": {"radius_cm": 500, "names": ["X"]}, "ratio": 2})
    assert cfg.inner.radius_cm == 500.0 and isinstance(cfg.inner.radius_cm, float)
    assert cfg.inner.names == ("X",)
    path = tmp_path / "c.yaml"
    dump_config(cfg, path)
    assert load_config(Outer, path) == cfg


def test_partial_yaml_overrides_defaults(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("inner:\n  radius_cm: 470\n")
    cfg = load_config(Outer, path)
    assert cfg.inner.radius_cm == 470.0
    assert cfg.inner.names == ("BI0", "BI1")
    assert cfg.n == 3


def test_bad_yaml_and_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(Outer, tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("n: [1,\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(Outer, bad)
    top = tmp_path / "list.yaml"
    top.write_text("- 1\n- 2\n")
    with pytest.raises(ConfigError, match="top level must be a mapping"):
        load_config(Outer, top)


@dataclass
class Pair:
    window: tuple[float, int] = (1.0, 2)


def test_fixed_length_tuple_converts_each_item():
    cfg = config_from_dict(Pair, {"window": [3, 4]})
    assert cfg.window == (3.0, 4) and isinstance(cfg.window[0], float)
    with pytest.raises(ConfigError, match="expected 2 values"):
        config_from_dict(Pair, {"window": [1.0]})
    with pytest.raises(ConfigError, match=r"window\[1\]: expected an integer"):
        config_from_dict(Pair, {"window": [1.0, 2.5]})
