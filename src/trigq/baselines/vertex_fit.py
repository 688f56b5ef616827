"""The classical two-track vertex fit: ``fit_vertices(hits, sim_config)`` -> vertex R and z per event.

Per block of events: clusters, hit-to-muon assignment (``track_finding``), per-muon fits with
the exact field model (``track_model``), the crossing of the two fitted tracks (grid scan, then
bisection on the exact tracks). Events without a pair of tracks get the centre of the vertex
window and ``found`` False (they stay in every metric).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from trigq.baselines.pair_refit import refit_pair
from trigq.baselines.track_finding import TrackFinder
from trigq.baselines.vertex_config import VertexFitConfig

FINAL_GRID = 96
FINAL_BISECTIONS = 40


@dataclass(frozen=True)
class VertexFit:
    """Per event: vertex ``r``/``z`` [cm], ``found``, the two tracks' ``params [N, 2, 3]``,
    ``n_hits [N, 2]``, ``chi2 [N, 2]``, their layer-cluster centres ``hit_strip [N, 2, 9]`` (NaN:
    none) and ``crossed`` (the tracks cross inside their innermost hits)."""

    r: np.ndarray
    z: np.ndarray
    found: np.ndarray
    crossed: np.ndarray
    params: np.ndarray
    n_hits: np.ndarray
    chi2: np.ndarray
    hit_strip: np.ndarray

    def __len__(self) -> int:
        return int(self.r.size)

    @staticmethod
    def concatenate(parts: list[VertexFit]) -> VertexFit:
        names = ("r", "z", "found", "crossed", "params", "n_hits", "chi2", "hit_strip")
        return VertexFit(*(np.concatenate([getattr(p, n) for p in parts]) for n in names))


def vertex_window(sim_config: Any) -> tuple[float, float]:
    """The generated vertex-R range of a simulator config (``dark_photon.vertex_r_*_cm``)."""
    dp = sim_config.dark_photon
    return float(dp.vertex_r_min_cm), float(dp.vertex_r_max_cm)


class VertexFitter:
    """The fit for one simulator config; ``fit(hits)`` on any number of events (block by block)."""

    def __init__(self, sim_config: Any, config: VertexFitConfig | None = None) -> None:
        self.config = config or VertexFitConfig()
        self.finder = TrackFinder(sim_config, self.config)
        self.window = vertex_window(sim_config)

    def fit(self, hits: np.ndarray) -> VertexFit:
        n = hits.shape[0]
        step = self.config.block_events
        parts = [self._fit_block(np.asarray(hits[s : s + step])) for s in range(0, n, step)]
        if not parts:
            return self._fit_block(np.zeros((0, *hits.shape[1:]), np.uint8))
        return VertexFit.concatenate(parts)

    def _fit_block(self, hits: np.ndarray) -> VertexFit:
        finder, model = self.finder, self.finder.model
        pair, lc = finder.best_pair(hits)
        t = pair.tracks
        params, chi2, n_hits = t.fit.params, t.fit.chi2, t.fit.n_hits
        idx = np.maximum(t.hit, 0)
        strips = np.where(
            t.hit >= 0, np.take_along_axis(lc.centre[:, None], idx[..., None], axis=-1)[..., 0], np.nan
        )
        if self.config.pair_refit_iterations:
            inner = np.minimum(finder.first_radius(t.hit[:, 0]), finder.first_radius(t.hit[:, 1]))
            fit, refit_strips = refit_pair(finder, lc, params, inner, self.config.pair_refit_iterations)
            good = np.all((fit.n_hits >= 3) & np.isfinite(fit.chi2), axis=1) & np.isfinite(fit.params).all(
                axis=(1, 2)
            )
            params = np.where(good[:, None, None], fit.params, params)
            chi2 = np.where(good[:, None], fit.chi2, chi2)
            n_hits = np.where(good[:, None], fit.n_hits, n_hits)
            strips = np.where(good[:, None, None], refit_strips, strips)
        has = np.isfinite(strips)
        p1, p2 = params[:, 0], params[:, 1]
        inner = np.min(np.where(has, finder.model.radii, np.inf), axis=(1, 2))
        r, crossed = finder.crossing(p1, p2, inner, n_grid=FINAL_GRID, n_bisect=FINAL_BISECTIONS)
        lo, hi = self.window
        centre = 0.5 * (lo + hi)
        r = np.where(pair.found & np.isfinite(r), r, centre)
        if self.config.clip_to_hit_layers:
            r = np.clip(r, *self.hit_layer_bracket(has))
        if self.config.clip_to_window:
            r = np.clip(r, lo, hi)
        z_tracks = model.z_at(params, np.broadcast_to(r[:, None, None], (r.size, 2, 1)))[..., 0]
        z = np.nanmean(np.where(np.isfinite(z_tracks), z_tracks, np.nan), axis=1) if r.size else r.copy()
        z = np.where(pair.found & np.isfinite(z), z, self._fallback_z(hits, r, model))
        return VertexFit(
            r=r,
            z=z,
            found=pair.found,
            crossed=crossed & pair.found,
            params=params,
            n_hits=np.where(pair.found[:, None], n_hits, 0),
            chi2=chi2,
            hit_strip=strips,
        )

    def hit_layer_bracket(self, has: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Radii ``[B]`` of the layer just inside the pair's innermost hit and of that hit (0 and
        the outermost layer where the pair has no hit), from ``has [B, 2, 9]`` (track has a hit):
        the vertex lies between them unless both muons missed the layer inside (0.25% at 95%
        efficiency)."""
        radii = self.finder.model.radii
        any_hit = has.any(axis=1)  # [B, 9]
        first = np.where(any_hit.any(axis=1), np.argmax(any_hit, axis=1), radii.size - 1)
        inside = np.where(first > 0, radii[np.maximum(first - 1, 0)], 0.0)
        return inside, radii[first]

    @staticmethod
    def _fallback_z(hits: np.ndarray, r: np.ndarray, model: Any) -> np.ndarray:
        """z at radius ``r`` along the mean eta of all fired strips (0 for an empty event)."""
        strips = np.arange(hits.shape[2]) + 0.5
        count = hits.sum(axis=(1, 2))
        mean = np.where(count > 0, (hits.sum(axis=1) * strips).sum(axis=1) / np.maximum(count, 1), 0.0)
        z = model.z_of_strip(mean, r)
        return np.where(count > 0, z, 0.0)


def fit_vertices(
    hits: np.ndarray, sim_config: Any = None, config: VertexFitConfig | None = None
) -> VertexFit:
    """Vertex R and z of every event of ``hits [N, 9, 384]`` (0/1) with the classical two-track fit.

    ``sim_config`` is the ``RPCSimConfig`` the events were made with (geometry, field, vertex
    window; default ``RPCSimConfig()``).
    """
    if sim_config is None:
        from trigq.sim import RPCSimConfig

        sim_config = RPCSimConfig()
    return VertexFitter(sim_config, config).fit(hits)
