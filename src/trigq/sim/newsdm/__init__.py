"""The NEWSdm polarisation-microscope cluster toy (``trigq simulate newsdm``); see ``simulate``."""

from __future__ import annotations

from trigq.sim.newsdm.config import NEWSdmConfig
from trigq.sim.newsdm.errors import NEWSdmSimError
from trigq.sim.newsdm.simulate import BACKGROUND_SOURCES, SAMPLES, SOURCES, NEWSdmEvents, simulate

__all__ = [
    "BACKGROUND_SOURCES",
    "SAMPLES",
    "SOURCES",
    "NEWSdmConfig",
    "NEWSdmEvents",
    "NEWSdmSimError",
    "simulate",
]
