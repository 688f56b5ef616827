"""The simplified L0 RPC coincidence trigger: roads around a pivot column and majority logic.

Vectorised over events and pivot columns: a cumulative sum of the hits along eta gives, for every
(event, layer, pivot column), the number of hits inside the road in O(N * 9 * 384), events being
processed ``block_events`` at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from trigq.baselines.config import STATIONS, CoincidenceConfig
from trigq.data.schema import N_LAYERS, N_STRIPS
from trigq.data.writer import check_hits


@dataclass(frozen=True)
class Roads:
    """Coincidence windows: layer ``l`` at pivot column ``p`` spans ``[p + lo[l, p], p + hi[l, p]]``."""

    lo: np.ndarray  # int64 [9, 384], <= 0
    hi: np.ndarray  # int64 [9, 384], >= 0

    def half_width_range(self) -> dict[str, list[int]]:
        """Per layer: the widest extent (strips) of its window below and above the pivot."""
        from trigq.data.schema import LAYER_NAMES

        return {name: [int(self.lo[i].min()), int(self.hi[i].max())] for i, name in enumerate(LAYER_NAMES)}


def uniform_roads(half_widths: tuple[int, ...] | list[int]) -> Roads:
    """Symmetric roads of fixed half width (strips) per layer, the same at every pivot column."""
    w = np.asarray(half_widths, dtype=np.int64).reshape(N_LAYERS, 1)
    shape = (N_LAYERS, N_STRIPS)
    return Roads(lo=np.broadcast_to(-w, shape).copy(), hi=np.broadcast_to(w, shape).copy())


def calibrate_roads(config: CoincidenceConfig, sim_config: Any = None) -> Roads:
    """Per-pivot-column windows containing a threshold muon's noise-free deflection (both charges).

    Muons from the IP at ``config.threshold_gev`` are traced with the simulator's
    ``expected_strip_coordinates`` on a fine eta grid (``calibration_points_per_strip`` per strip)
    spanning twice the acceptance, so that muons of both charges reach every pivot column.
    For each pivot strip ``p`` (the muon's strip in the pivot layer) the window of layer ``l``
    spans ``min(0, d)`` to ``max(0, d)`` over those muons, ``d`` being the strip offset from the
    pivot (0 is an infinitely stiff, straight muon), widened by ``road_margin_strips``; offsets
    count even where the layer's strip falls outside the 384 (the road is clipped when used).
    Pivot columns no threshold muon reaches take the window of the nearest calibrated column.
    """
    from trigq.sim import RPCSimConfig, expected_strip_coordinates

    sim_config = sim_config or RPCSimConfig()
    g = sim_config.geometry
    span = g.eta_max - g.eta_min
    n_points = 2 * N_STRIPS * config.calibration_points_per_strip
    step = 2 * span / n_points  # a grid over 2x the acceptance: both charges reach every pivot
    eta = g.eta_min - 0.5 * span + step * (np.arange(n_points) + 0.5)
    eta = np.concatenate([eta, eta])
    charge = np.repeat([1.0, -1.0], n_points)
    coords = expected_strip_coordinates(config.threshold_gev, charge, eta, config=sim_config)  # [2E, 9]
    finite = np.isfinite(coords)
    strips = np.floor(np.where(finite, coords, 0.0)).astype(np.int64)  # may lie outside [0, 384)
    pivot = strips[:, config.pivot_index]
    ok_pivot = finite[:, config.pivot_index] & (pivot >= 0) & (pivot < N_STRIPS)
    lo = np.zeros((N_LAYERS, N_STRIPS), np.int64)
    hi = np.zeros((N_LAYERS, N_STRIPS), np.int64)
    covered = np.zeros(N_STRIPS, bool)
    covered[pivot[ok_pivot]] = True
    for layer in range(N_LAYERS):
        ok = ok_pivot & finite[:, layer]
        d = strips[ok, layer] - pivot[ok]
        np.minimum.at(lo[layer], pivot[ok], d)
        np.maximum.at(hi[layer], pivot[ok], d)
    if not covered.any():
        raise ValueError("calibrate_roads: no threshold muon crosses the pivot layer inside the strips")
    cols = np.flatnonzero(covered)
    nearest = cols[np.abs(np.arange(N_STRIPS)[:, None] - cols[None, :]).argmin(axis=1)]
    m = config.road_margin_strips
    return Roads(lo=lo[:, nearest] - m, hi=hi[:, nearest] + m)


def roads_for(config: CoincidenceConfig, sim_config: Any = None) -> Roads:
    """Fixed roads if ``config.road_half_widths`` is set, else roads calibrated on the simulator."""
    if config.road_half_widths is not None:
        return uniform_roads(config.road_half_widths)
    return calibrate_roads(config, sim_config)


def layers_in_road(hits: np.ndarray, roads: Roads) -> np.ndarray:
    """bool ``[N, 9, 384]``: layer ``l`` has a hit inside its road around pivot column ``p``."""
    n = hits.shape[0]
    cs = np.zeros((n, N_LAYERS, N_STRIPS + 1), np.int16)
    np.cumsum(hits, axis=2, dtype=np.int16, out=cs[:, :, 1:])
    cols = np.arange(N_STRIPS)
    left = np.clip(cols + roads.lo, 0, N_STRIPS)[None]
    right = np.clip(cols + roads.hi + 1, 0, N_STRIPS)[None]
    upper = np.take_along_axis(cs, np.broadcast_to(right, (n, N_LAYERS, N_STRIPS)), axis=2)
    lower = np.take_along_axis(cs, np.broadcast_to(left, (n, N_LAYERS, N_STRIPS)), axis=2)
    return upper > lower


def fires_per_pivot(hits: np.ndarray, roads: Roads, config: CoincidenceConfig) -> np.ndarray:
    """bool ``[N, 384]``: the majority logic holds for the road around pivot column ``p``."""
    inroad = layers_in_road(hits, roads)
    count = {name: inroad[:, list(idx)].sum(axis=1) for name, idx in STATIONS.items()}
    bi = count["BI"] >= config.bi_min_layers
    bo = count["BO"] >= config.bo_min_layers
    confirm = {
        "bi-or-bo": bi | bo, "bi-and-bo": bi & bo, "bi": bi, "bo": bo, "none": np.ones_like(bi),
    }[config.confirm]
    fire = (count["BM"] >= config.bm_min_layers) & confirm
    if config.require_pivot_hit:
        fire &= hits[:, config.pivot_index].astype(bool)
    return fire


def coincidence_trigger(
    hits: Any, config: CoincidenceConfig | None = None, roads: Roads | None = None, sim_config: Any = None
) -> np.ndarray:
    """bool ``[N]``: whether the coincidence trigger fires on each event of ``hits [N, 9, 384]``.

    ``roads`` default to ``roads_for(config, sim_config)`` (calibrated on the simulator config
    the data was made with; pass the file's ``RPCSimConfig`` for non-default geometries).
    """
    config = config or CoincidenceConfig()
    hits = check_hits(hits)
    roads = roads if roads is not None else roads_for(config, sim_config)
    out = np.zeros(hits.shape[0], bool)
    for start in range(0, hits.shape[0], config.block_events):
        block = hits[start : start + config.block_events]
        out[start : start + block.shape[0]] = fires_per_pivot(block, roads, config).any(axis=1)
    return out
