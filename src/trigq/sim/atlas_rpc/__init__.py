"""The ATLAS L0 RPC toy: one barrel phi sector, 9 RPC layers x 384 eta strips, toroidal bending."""

from trigq.sim.atlas_rpc.config import (
    LAYER_NAMES,
    N_LAYERS,
    N_STRIPS,
    DarkPhotonConfig,
    GeometryConfig,
    MixConfig,
    MuonConfig,
    ResponseConfig,
    RPCSimConfig,
    ScatteringConfig,
    ToroidConfig,
)
from trigq.sim.atlas_rpc.geometry import expected_strip_coordinates, expected_strips
from trigq.sim.atlas_rpc.simulate import (
    GENERATOR,
    SAMPLES,
    SimEvents,
    SimulationError,
    file_attrs,
    iter_blocks,
    simulate,
)

__all__ = [
    "GENERATOR",
    "LAYER_NAMES",
    "N_LAYERS",
    "N_STRIPS",
    "SAMPLES",
    "DarkPhotonConfig",
    "GeometryConfig",
    "MixConfig",
    "MuonConfig",
    "RPCSimConfig",
    "ResponseConfig",
    "ScatteringConfig",
    "SimEvents",
    "SimulationError",
    "ToroidConfig",
    "expected_strip_coordinates",
    "expected_strips",
    "file_attrs",
    "iter_blocks",
    "simulate",
]
