"""The dark-photon jet-image toy (``trigq simulate jets``); see ``simulate`` for the model."""

from __future__ import annotations

from trigq.sim.jets.config import JetsConfig
from trigq.sim.jets.errors import JetsSimError
from trigq.sim.jets.simulate import SAMPLES, JetEvents, cell_edges, sample_decay_radius, sample_pt, simulate

__all__ = [
    "SAMPLES",
    "JetEvents",
    "JetsConfig",
    "JetsSimError",
    "cell_edges",
    "sample_decay_radius",
    "sample_pt",
    "simulate",
]
