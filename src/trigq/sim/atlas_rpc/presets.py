"""Named presets of ``RPCSimConfig``, and loading a config from YAML on top of one.

- ``realistic`` (the default): the dataclass defaults. Both eta signs over the barrel
  (|eta| < 1.05), no acceptance redraw (charge independent of eta), energy loss in the
  calorimeters (~3 GeV x cosh eta), correlated cavern background at today's noise rate on top of
  the uncorrelated noise, 2-strip clusters more likely near a strip edge, and a mix of 60% prompt
  muons, 20% noise-only and 20% dark-photon events.
- ``legacy``: the toy as it was before the presets (eta in [0, 1], redraw of muons leaving the
  strips, none of the above effects, 50% muons / 50% noise-only, the legacy dark-photon
  generator: decays in the R-z plane at a uniform vertex R). With the same seed it gives the
  same hits and truth as the toy of that time, so older results reproduce.

A file's ``config_yaml`` names its preset; files written before presets existed name none and are
read as ``legacy`` (their missing keys take the legacy values, not today's defaults). A stored
``dark_photon`` section without ``model`` was written before the decay model existed (by either
preset), so its dark photons came from the legacy generator: it reads as ``model: legacy``.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

from trigq.sim.atlas_rpc.config import PRESET_NAMES, RPCSimConfig
from trigq.utils import ConfigError, config_from_dict, config_to_dict, read_text_file, yaml_load

LEGACY_OVERRIDES: dict[str, Any] = {
    "geometry": {"eta_min": 0.0, "eta_max": 1.0},
    "energy_loss": {"enabled": False},
    "response": {"charge_sharing": 0.0},
    "cavern": {"enabled": False},
    "muons": {"power_index": 2.0, "eta_margin": 0.05, "redraw_outside": True},
    "mix": {"muons": 0.5, "background": 0.5, "dark_photon": 0.0},
    "dark_photon": {"model": "legacy"},
}
"""What ``legacy`` changes relative to the dataclass defaults (``realistic``)."""

PRESET_OVERRIDES: dict[str, dict[str, Any]] = {"realistic": {}, "legacy": LEGACY_OVERRIDES}
UNNAMED_FILE_PRESET = "legacy"
"""The preset of a stored config that names none (files written before presets existed)."""


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def preset_defaults(name: str) -> dict[str, Any]:
    """The full config of preset ``name`` as plain data."""
    if name not in PRESET_NAMES:
        raise ConfigError(f"preset {name!r}: expected one of {list(PRESET_NAMES)}")
    return _merge(config_to_dict(RPCSimConfig()), {**PRESET_OVERRIDES[name], "preset": name})


def preset_config(name: str = "realistic", overrides: dict[str, Any] | None = None,
                  where: str = "RPCSimConfig") -> RPCSimConfig:
    """``RPCSimConfig`` of preset ``name`` with (partial, nested) ``overrides`` applied.

    ``overrides`` may name a ``preset`` itself; it must then agree with ``name``.
    """
    overrides = dict(overrides or {})
    named = overrides.pop("preset", name)
    if named != name:
        raise ConfigError(f"{where}: preset {named!r} disagrees with the requested preset {name!r}")
    return config_from_dict(RPCSimConfig, _merge(preset_defaults(name), overrides), where=where)


def _mapping(data: Any, where: str) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: top level must be a mapping")
    return data


def load_sim_config(path: str | os.PathLike[str] | None = None, preset: str | None = None) -> RPCSimConfig:
    """A config from a partial YAML file on top of a preset (``--config`` + ``--preset``).

    The preset is ``preset``, else the file's ``preset`` key, else ``realistic``; naming two
    different ones is an error. Unknown keys are errors.
    """
    data: dict[str, Any] = {}
    where = "RPCSimConfig"
    if path is not None:
        p = Path(path)
        where = str(p)
        data = _mapping(yaml_load(read_text_file(p), where), where)
    in_file = data.get("preset")
    if preset is not None and in_file is not None and in_file != preset:
        raise ConfigError(f"{where}: preset {in_file!r} disagrees with --preset {preset}")
    name = preset or in_file or "realistic"
    if not isinstance(name, str):
        raise ConfigError(f"{where}.preset: expected one of {list(PRESET_NAMES)}, got {name!r}")
    return preset_config(name, data, where=where)


def config_from_yaml_text(text: str, where: str = "config_yaml") -> RPCSimConfig:
    """``RPCSimConfig`` from YAML text, e.g. a dataset's ``config_yaml`` attribute.

    Missing keys take the values of the preset the text names, or of ``legacy`` when it names none
    (a file written before presets existed), and a ``dark_photon`` section without ``model`` reads
    as ``legacy`` (written before the decay model), so an old file's config reads back as it was made.
    """
    data = _mapping(yaml_load(text, where), where)
    dark_photon = data.get("dark_photon")
    if isinstance(dark_photon, dict) and "model" not in dark_photon:
        data["dark_photon"] = {**dark_photon, "model": "legacy"}
    name = data.get("preset", UNNAMED_FILE_PRESET)
    if not isinstance(name, str):
        raise ConfigError(f"{where}.preset: expected one of {list(PRESET_NAMES)}, got {name!r}")
    return preset_config(name, data, where=where)
