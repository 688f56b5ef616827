"""The MicroBooNE dark-trident LArTPC image toy (``trigq simulate microboone``); see ``simulate``."""

from __future__ import annotations

from trigq.sim.microboone.config import MicroBooNEConfig, same_field
from trigq.sim.microboone.errors import MicroBooNESimError
from trigq.sim.microboone.simulate import SAMPLES, SOURCES, MicroBooNEEvents, simulate

__all__ = [
    "SAMPLES",
    "SOURCES",
    "MicroBooNEConfig",
    "MicroBooNEEvents",
    "MicroBooNESimError",
    "same_field",
    "simulate",
]
