"""Clusters of adjacent fired strips, per layer and per station (the OR of a station's layers).

Vectorised over events: run starts and ends come from one ``diff`` along the strips, in the same
(event, row, strip) order, and each run gets its rank within its (event, row); runs beyond
``max_clusters`` per row are dropped (station clusters are kept by the number of layers they
fire, so noise goes first).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Clusters:
    """Up to ``C`` clusters per (event, row): strip span ``[start, stop)``; ``width`` 0 where none."""

    start: np.ndarray  # int32 [N, R, C]
    stop: np.ndarray  # int32 [N, R, C]

    @property
    def width(self) -> np.ndarray:
        return self.stop - self.start

    @property
    def valid(self) -> np.ndarray:
        return self.stop > self.start

    @property
    def centre(self) -> np.ndarray:
        """Continuous strip coordinate of the centroid (strip k spans [k, k+1)); NaN where none."""
        return np.where(self.valid, 0.5 * (self.start + self.stop), np.nan)


def _runs(hits: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row key ``event * R + row``, start, stop) of every run of fired strips of ``hits [N, R, W]``."""
    n, r, w = hits.shape
    padded = np.zeros((n, r, w + 2), np.int8)
    padded[:, :, 1:-1] = hits != 0
    d = np.diff(padded, axis=2)
    ev_s, row_s, start = np.nonzero(d == 1)
    stop = np.nonzero(d == -1)[2]
    return ev_s.astype(np.int64) * r + row_s, start.astype(np.int32), stop.astype(np.int32)


def _pack(
    key: np.ndarray, values: tuple[np.ndarray, ...], n_rows: int, max_clusters: int
) -> tuple[np.ndarray, ...]:
    """Scatter per-run ``values`` (sorted by ``key``) into ``[n_rows, max_clusters]`` arrays (0 fill)."""
    rank = np.arange(key.size) - np.searchsorted(key, key, side="left")
    keep = rank < max_clusters
    out = []
    for v in values:
        a = np.zeros((n_rows, max_clusters), v.dtype)
        a[key[keep], rank[keep]] = v[keep]
        out.append(a)
    return tuple(out)


def find_clusters(hits: np.ndarray, max_clusters: int) -> Clusters:
    """Clusters of ``hits [N, R, W]`` (0/1), at most ``max_clusters`` per row, in strip order."""
    n, r, _ = hits.shape
    key, start, stop = _runs(hits)
    s, e = _pack(key, (start, stop), n * r, max_clusters)
    return Clusters(s.reshape(n, r, max_clusters), e.reshape(n, r, max_clusters))


def group_stations(radii: tuple[float, ...] | np.ndarray, max_gap_cm: float) -> tuple[tuple[int, ...], ...]:
    """Layers grouped into stations: consecutive layers less than ``max_gap_cm`` apart."""
    groups: list[list[int]] = [[0]]
    for i in range(1, len(radii)):
        if radii[i] - radii[i - 1] < max_gap_cm:
            groups[-1].append(i)
        else:
            groups.append([i])
    return tuple(tuple(g) for g in groups)


def station_clusters(
    hits: np.ndarray, stations: tuple[tuple[int, ...], ...], max_clusters: int
) -> tuple[Clusters, np.ndarray]:
    """Clusters of each station's OR image and how many of its layers fire inside each (``[N, S, C]``).

    With more than ``max_clusters`` in a station, those firing the most layers are kept (a muon
    fires most layers of a station, a noise strip one), in strip order among equals.
    """
    n, _, w = hits.shape
    n_st = len(stations)
    image = np.stack([hits[:, list(layers)].any(axis=1) for layers in stations], axis=1)
    key, start, stop = _runs(image)
    cs = np.zeros((n, hits.shape[1], w + 1), np.int16)
    np.cumsum(hits != 0, axis=2, dtype=np.int16, out=cs[:, :, 1:])
    event, station = np.divmod(key, n_st)
    layers_fired = np.zeros(key.size, np.int16)
    for s, layers in enumerate(stations):
        sel = station == s
        for layer in layers:
            c = cs[event[sel], layer]
            inside = c[np.arange(c.shape[0]), stop[sel]] > c[np.arange(c.shape[0]), start[sel]]
            layers_fired[sel] += inside.astype(np.int16)
    order = np.lexsort((start, -layers_fired, key))
    key, start, stop, layers_fired = key[order], start[order], stop[order], layers_fired[order]
    s, e, m = _pack(key, (start, stop, layers_fired), n * n_st, max_clusters)
    shape = (n, n_st, max_clusters)
    return Clusters(s.reshape(shape), e.reshape(shape)), m.reshape(shape)
