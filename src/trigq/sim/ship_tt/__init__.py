"""The SHiP target-tracker EM-shower toy (``trigq simulate ship-tt``); see ``simulate``."""

from __future__ import annotations

from trigq.sim.ship_tt.config import ShipTTConfig
from trigq.sim.ship_tt.errors import ShipSimError
from trigq.sim.ship_tt.simulate import SAMPLES, ShipEvents, mean_hits, pixel_centres, profile, simulate

__all__ = [
    "SAMPLES",
    "ShipEvents",
    "ShipSimError",
    "ShipTTConfig",
    "mean_hits",
    "pixel_centres",
    "profile",
    "simulate",
]
