"""pT spectra of prompt muons: densities on ``[pt_min, pt_max]`` and the per-event weights.

A weight turns the generated spectrum into the falling one a trigger rate is measured on:
``w(pT) = f_target(pT) / f_generated(pT)`` with both densities normalised on the generated pT
range, so weights average 1 over the muons of a sample.
"""

from __future__ import annotations

import numpy as np

from trigq.sim.atlas_rpc.config import MuonConfig


def power_law_density(pt: np.ndarray, index: float, lo: float, hi: float) -> np.ndarray:
    """Normalised density of dN/dpT ~ pT^-index on [lo, hi] (index 0: flat)."""
    pt = np.asarray(pt, dtype=np.float64)
    a = 1.0 - index
    norm = np.log(hi / lo) if abs(a) < 1e-12 else (hi**a - lo**a) / a
    return pt**-index / norm


def generated_density(pt: np.ndarray, muons: MuonConfig) -> np.ndarray:
    """Density the muons of ``muons`` were drawn from."""
    index = 0.0 if muons.spectrum == "flat" else muons.power_index
    return power_law_density(pt, index, muons.pt_min_gev, muons.pt_max_gev)


def spectrum_weights(pt: np.ndarray, muons: MuonConfig) -> np.ndarray:
    """float32 weights reweighting muons drawn with ``muons`` to dN/dpT ~ pT^-``weight_index``
    (all 1 for a single pT value)."""
    lo, hi = muons.pt_min_gev, muons.pt_max_gev
    if hi <= lo:
        return np.ones(np.shape(pt), np.float32)
    target = power_law_density(pt, muons.weight_index, lo, hi)
    return (target / generated_density(pt, muons)).astype(np.float32)
