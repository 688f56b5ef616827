"""Correlated cavern background: low-energy particles firing several layers of one chamber unit.

See ``CavernConfig``. Vectorised over every particle of a block of events; random numbers are
drawn only when the background is enabled, so a disabled one leaves the random stream as it was.
"""

from __future__ import annotations

import numpy as np

from trigq.sim.atlas_rpc.config import CHAMBER_UNITS, N_LAYERS, N_STRIPS, CavernConfig


def particles_per_unit(cavern: CavernConfig) -> float:
    """Mean number of particles per chamber unit and crossing giving the configured hits per strip."""
    hits_per_layer = cavern.hits_per_strip * cavern.rate_multiplier * N_STRIPS
    return hits_per_layer / (cavern.layer_probability * cavern.mean_cluster_size)


def cavern_hits(rng: np.random.Generator, n_events: int, cavern: CavernConfig) -> np.ndarray:
    """Flat hit indices ``(event * 9 + layer) * 384 + strip`` of the correlated background."""
    mean = particles_per_unit(cavern)
    if not cavern.enabled or mean <= 0 or n_events == 0:
        return np.empty(0, dtype=np.int64)
    parts = []
    sizes = np.arange(1, 5)
    for layers in CHAMBER_UNITS.values():
        count = rng.poisson(mean, n_events)
        event = np.repeat(np.arange(n_events), count)
        x0 = rng.uniform(0.0, N_STRIPS, event.size)
        slope = rng.normal(0.0, cavern.slope_sigma_strips, event.size) if cavern.slope_sigma_strips else 0.0
        for step, layer in enumerate(layers):
            fired = rng.random(event.size) < cavern.layer_probability
            size = rng.choice(sizes, size=event.size, p=np.asarray(cavern.cluster_size_probs))
            x = x0 + step * slope
            first = np.floor(x).astype(np.int64) - (size - 1) // 2
            for offset in range(4):
                keep = fired & (offset < size)
                strip = first[keep] + offset
                inside = (strip >= 0) & (strip < N_STRIPS)
                parts.append((event[keep][inside] * N_LAYERS + layer) * N_STRIPS + strip[inside])
    return np.concatenate(parts)
