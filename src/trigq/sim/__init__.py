"""Toy detector simulations; ``atlas_rpc`` is the ATLAS L0 RPC barrel sector (the default)."""

from trigq.sim.atlas_rpc import (
    LAYER_NAMES,
    RPCSimConfig,
    SimEvents,
    config_from_yaml_text,
    expected_strip_coordinates,
    expected_strips,
    iter_blocks,
    load_sim_config,
    preset_config,
    simulate,
)

__all__ = [
    "LAYER_NAMES",
    "RPCSimConfig",
    "SimEvents",
    "config_from_yaml_text",
    "expected_strip_coordinates",
    "expected_strips",
    "iter_blocks",
    "load_sim_config",
    "preset_config",
    "simulate",
]
