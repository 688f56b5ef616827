"""The simplified L0 RPC coincidence trigger: roads around a pivot column and majority logic.

Vectorised over events and pivot columns and driven by the hits (a few per layer): each hit marks
the pivot columns whose road covers it (``Roads.covering``), so the cost grows with the number of
hits, not with 9 x 384 windows per event; events are processed ``block_events`` at a time.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

from trigq.baselines.config import STATIONS, CoincidenceConfig
from trigq.data.detectors.atlas_rpc import N_LAYERS, N_STRIPS
from trigq.data.writer import check_hits

HitCoordinates = tuple[np.ndarray, np.ndarray, np.ndarray]
"""``(event, layer, strip)`` of the fired strips of a block of events."""


@dataclass(frozen=True)
class Roads:
    """Coincidence windows: layer ``l`` at pivot column ``p`` spans ``[p + lo[l, p], p + hi[l, p]]``."""

    lo: np.ndarray  # int64 [9, 384], <= 0
    hi: np.ndarray  # int64 [9, 384], >= 0

    def half_width_range(self) -> dict[str, list[int]]:
        """Per layer: the widest extent (strips) of its window below and above the pivot."""
        from trigq.data.detectors.atlas_rpc import LAYER_NAMES

        return {name: [int(self.lo[i].min()), int(self.hi[i].max())] for i, name in enumerate(LAYER_NAMES)}

    @functools.cached_property
    def covering(self) -> tuple[np.ndarray, np.ndarray]:
        """``(offsets [9 * 384 + 1], pivots)``: the pivot columns whose road in layer ``l`` covers strip
        ``s`` are ``pivots[offsets[k]:offsets[k + 1]]`` with ``k = l * 384 + s`` (sorted)."""
        cols = np.arange(N_STRIPS)
        keys, pivots = [], []
        for layer in range(N_LAYERS):
            first = np.clip(cols + self.lo[layer], 0, N_STRIPS)
            last = np.clip(cols + self.hi[layer] + 1, 0, N_STRIPS)
            width = np.maximum(last - first, 0)
            pivot = np.repeat(cols, width)
            within = np.arange(width.sum()) - np.repeat(np.cumsum(width) - width, width)
            strip = np.repeat(first, width) + within
            keys.append(layer * N_STRIPS + strip)
            pivots.append(pivot)
        key, pivot = np.concatenate(keys), np.concatenate(pivots)
        order = np.lexsort((pivot, key))
        offsets = np.searchsorted(key[order], np.arange(N_LAYERS * N_STRIPS + 1))
        return offsets, pivot[order]


def uniform_roads(half_widths: tuple[int, ...] | list[int]) -> Roads:
    """Symmetric roads of fixed half width (strips) per layer, the same at every pivot column."""
    w = np.asarray(half_widths, dtype=np.int64).reshape(N_LAYERS, 1)
    shape = (N_LAYERS, N_STRIPS)
    return Roads(lo=np.broadcast_to(-w, shape).copy(), hi=np.broadcast_to(w, shape).copy())


def calibrate_roads(config: CoincidenceConfig, sim_config: Any = None) -> Roads:
    """Per-pivot-column windows containing a road-pT muon's noise-free deflection (both charges).

    Muons from the IP at ``config.road_pt`` (``road_pt_gev``, by default the threshold) are traced
    with the simulator's ``expected_strip_coordinates`` (mean energy loss included) on a fine eta
    grid (``calibration_points_per_strip`` per strip) spanning twice the acceptance, so that muons
    of both charges reach every pivot column.
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
    coords = expected_strip_coordinates(config.road_pt, charge, eta, config=sim_config)  # [2E, 9]
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
        raise ValueError(
            f"calibrate_roads: no {config.road_pt:g} GeV muon crosses the pivot layer inside the strips"
        )
    cols = np.flatnonzero(covered)
    nearest = cols[np.abs(np.arange(N_STRIPS)[:, None] - cols[None, :]).argmin(axis=1)]
    m = config.road_margin_strips
    return Roads(lo=lo[:, nearest] - m, hi=hi[:, nearest] + m)


def roads_for(config: CoincidenceConfig, sim_config: Any = None) -> Roads:
    """Fixed roads if ``config.road_half_widths`` is set, else roads calibrated on the simulator."""
    if config.road_half_widths is not None:
        return uniform_roads(config.road_half_widths)
    return calibrate_roads(config, sim_config)


def hit_coordinates(hits: np.ndarray) -> HitCoordinates:
    """``(event, layer, strip)`` of every fired strip of ``hits [N, 9, 384]`` (row-major order).

    Scans 8 strips at a time as 64-bit words, then only the non-zero words byte by byte.
    """
    flat = np.ascontiguousarray(hits, dtype=np.uint8).reshape(-1)
    words = np.flatnonzero(flat.view(np.uint64))
    row, byte = np.nonzero(flat.reshape(-1, 8)[words])
    index = words[row] * 8 + byte
    event, rest = np.divmod(index, N_LAYERS * N_STRIPS)
    layer, strip = np.divmod(rest, N_STRIPS)
    return event, layer, strip


def layers_in_road(hits: np.ndarray, roads: Roads, coordinates: HitCoordinates | None = None) -> np.ndarray:
    """bool ``[N, 9, 384]``: layer ``l`` has a hit inside its road around pivot column ``p``.

    ``coordinates``: ``hit_coordinates(hits)`` when already known (several roads on the same hits).
    """
    n = hits.shape[0]
    event, layer, strip = hit_coordinates(hits) if coordinates is None else coordinates
    offsets, pivots = roads.covering
    key = layer * N_STRIPS + strip
    start = offsets[key]
    count = offsets[key + 1] - start
    hit = np.repeat(np.arange(key.size), count)
    position = np.repeat(start - (np.cumsum(count) - count), count) + np.arange(int(count.sum()))
    out = np.zeros(n * N_LAYERS * N_STRIPS, bool)
    out[(event[hit] * N_LAYERS + layer[hit]) * N_STRIPS + pivots[position]] = True
    return out.reshape(n, N_LAYERS, N_STRIPS)


def station_counts(
    hits: np.ndarray, roads: Roads, coordinates: HitCoordinates | None = None
) -> dict[str, np.ndarray]:
    """Per station (BI, BM, BO): int8 ``[N, 384]`` number of its layers in coincidence at each pivot."""
    inroad = layers_in_road(hits, roads, coordinates)
    return {
        name: inroad[:, idx[0] : idx[-1] + 1].sum(axis=1, dtype=np.int8)  # stations are contiguous
        for name, idx in STATIONS.items()
    }


def majority(counts: dict[str, np.ndarray], hits: np.ndarray, config: CoincidenceConfig) -> np.ndarray:
    """bool ``[N, 384]``: the majority logic of ``config`` on per-station counts (``station_counts``)."""
    bi = counts["BI"] >= config.bi_min_layers
    bo = counts["BO"] >= config.bo_min_layers
    confirm = {
        "bi-or-bo": lambda: bi | bo,
        "bi-and-bo": lambda: bi & bo,
        "bi": lambda: bi,
        "bo": lambda: bo,
        "none": lambda: np.ones_like(bi),
    }[config.confirm]()
    fire = (counts["BM"] >= config.bm_min_layers) & confirm
    if config.require_pivot_hit:
        fire &= hits[:, config.pivot_index].astype(bool)
    return fire


def fires_per_pivot(hits: np.ndarray, roads: Roads, config: CoincidenceConfig) -> np.ndarray:
    """bool ``[N, 384]``: the majority logic holds for the road around pivot column ``p``."""
    return majority(station_counts(hits, roads), hits, config)


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
