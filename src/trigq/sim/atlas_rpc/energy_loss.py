"""Energy loss in the calorimeters: the momentum a muon carries into the spectrometer."""

from __future__ import annotations

import numpy as np

from trigq.sim.atlas_rpc.config import EnergyLossConfig


def calorimeter_fraction(vertex_r: np.ndarray, loss: EnergyLossConfig) -> np.ndarray:
    """Fraction of the calorimeter's radial depth still ahead of a muon produced at ``vertex_r``."""
    depth = loss.r_outer_cm - loss.r_inner_cm
    ahead = loss.r_outer_cm - np.maximum(np.asarray(vertex_r, dtype=np.float64), loss.r_inner_cm)
    if depth <= 0:
        return (ahead > 0).astype(np.float64)
    return np.clip(ahead / depth, 0.0, 1.0)


def mean_momentum_after_calorimeter(
    p: np.ndarray, eta: np.ndarray, vertex_r: np.ndarray, loss: EnergyLossConfig
) -> np.ndarray:
    """Momentum [GeV] left after the mean loss, no fluctuation (<= 0: ranged out); ``p`` if disabled."""
    p = np.asarray(p, dtype=np.float64)
    if not loss.enabled:
        return p
    return p - loss.mean_gev * np.cosh(eta) * calorimeter_fraction(vertex_r, loss)


def momentum_after_calorimeter(
    rng: np.random.Generator, p: np.ndarray, eta: np.ndarray, vertex_r: np.ndarray, loss: EnergyLossConfig
) -> np.ndarray:
    """Momentum [GeV] left after the calorimeters (<= 0: the muon ranged out), shape of ``p``.

    Loss = ``mean_gev x cosh(eta) x fraction crossed x max(0, 1 + relative_spread x N(0, 1))``.
    Draws one normal per muon (only when enabled), so a disabled loss leaves the random stream as
    it was.
    """
    p = np.asarray(p, dtype=np.float64)
    if not loss.enabled or loss.mean_gev == 0:
        return p
    spread = np.maximum(0.0, 1.0 + loss.relative_spread * rng.standard_normal(p.shape))
    mean = loss.mean_gev * np.cosh(eta) * calorimeter_fraction(np.broadcast_to(vertex_r, p.shape), loss)
    return p - mean * spread
