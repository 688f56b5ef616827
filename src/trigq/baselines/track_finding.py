"""Hit-to-muon assignment from the hits alone: seeds, roads, candidate tracks and the best pair.

Vectorised over a block of events (``B``) and over candidates (``K``). No truth is used: noise
clusters compete with muon clusters through the fit chi2 and the penalties of ``VertexFitConfig``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from trigq.baselines.clusters import Clusters, find_clusters, group_stations, station_clusters
from trigq.baselines.track_model import TrackFit, TrackModel
from trigq.baselines.vertex_config import VertexFitConfig
from trigq.sim.atlas_rpc.geometry import CURVATURE_PER_CM

NO_HIT = -1
SEED_POOL = 4
"""Seeds considered for suppression: ``SEED_POOL * n_seeds`` best combinations."""
MAX_WEIGHT = 30.0
"""Cap of the derived hit gain and miss penalty (ideal detectors: no noise, full efficiency)."""
WEAK_CURVATURE_PRIOR = 1e-2
"""sigma [1/cm] of the curvature prior when ``curvature_prior_pt_gev`` is null (a 0.15 GeV muon)."""


@dataclass(frozen=True)
class Tracks:
    """Candidate tracks ``[B, K]``: layer-cluster index per layer (``hit [B, K, 9]``, -1 none), fit."""

    hit: np.ndarray
    fit: TrackFit
    valid: np.ndarray
    score: np.ndarray

    def take(self, index: np.ndarray) -> Tracks:
        """The tracks at ``index [B, M]`` (per event)."""

        def pick(a: np.ndarray) -> np.ndarray:
            return np.take_along_axis(a, index.reshape(index.shape + (1,) * (a.ndim - 2)), axis=1)

        fit = TrackFit(pick(self.fit.params), pick(self.fit.chi2), pick(self.fit.n_hits), pick(self.fit.cov))
        return Tracks(pick(self.hit), fit, pick(self.valid), pick(self.score))


@dataclass(frozen=True)
class Pair:
    """The chosen pair per event: the two tracks ``[B, 2]`` and whether the event has one."""

    tracks: Tracks
    found: np.ndarray
    score: np.ndarray


def likelihood_weights(sim_config: Any, config: VertexFitConfig) -> tuple[float, float, float]:
    """(hit gain, miss penalty, share penalty) in chi2 units: ``VertexFitConfig``'s values, or where
    null derived from the detector's mean efficiency e and noise per strip n (``MAX_WEIGHT`` caps):
    a cluster on a track instead of noise gains ``2 ln(e / (sqrt(2 pi) sigma n))``, a crossed
    layer without a cluster costs ``-2 ln(1 - e)``, a shared cluster costs one hit gain."""
    eff = float(np.mean(sim_config.response.layer_efficiency))
    noise = float(np.mean(sim_config.response.layer_noise))
    gain = config.hit_gain
    if gain is None:
        density = eff / (np.sqrt(2 * np.pi) * config.sigma_strips)
        gain = MAX_WEIGHT if noise <= 0 else float(np.clip(2 * np.log(density / noise), 0.0, MAX_WEIGHT))
    miss = config.miss_penalty
    if miss is None:
        miss = MAX_WEIGHT if eff >= 1 else float(min(-2 * np.log(1 - eff), MAX_WEIGHT))
    share = gain if config.share_penalty is None else config.share_penalty
    return gain, miss, share


class TrackFinder:
    """Seeds, roads and scores for one simulator config (geometry, field) and ``VertexFitConfig``."""

    def __init__(self, sim_config: Any, config: VertexFitConfig | None = None) -> None:
        self.config = config = config or VertexFitConfig()
        b = abs(sim_config.toroid.b_tesla)
        pt = config.curvature_prior_pt_gev
        sigma = WEAK_CURVATURE_PRIOR if pt is None else max(CURVATURE_PER_CM * b / pt, 1e-9)
        bound_pt = config.curvature_bound_pt_gev
        bound = None if bound_pt is None else CURVATURE_PER_CM * b / bound_pt
        self.model = TrackModel(sim_config, kappa_prior_sigma=sigma, kappa_bound=bound)
        self.hit_gain, self.miss_penalty, self.share_penalty = likelihood_weights(sim_config, config)
        radii = self.model.radii
        self.stations = group_stations(radii, config.station_gap_cm)
        self.station_radii = np.array([radii[list(s)].mean() for s in self.stations])
        self.station_layers = np.array([len(s) for s in self.stations])
        n_c = config.max_station_clusters
        self.combos = np.array(list(itertools.product(range(n_c + 1), repeat=len(self.stations))))

    def sigma(self, width: np.ndarray) -> np.ndarray:
        """Cluster sigma [strips] of clusters of ``width`` strips (wider ones: merged muons)."""
        c = self.config
        return c.sigma_strips * np.maximum(1, width - c.max_single_width + 1)

    # ----------------------------------------------------------------------------- seeds
    def seeds(self, st: Clusters, fired: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Parabolic seed tracks ``x [B, n_seeds, 3]`` (``TrackModel.linear_solve``), validity and the
        first layer of each seed's innermost station (no clusters are attached inside it).

        Every combination of one station cluster (or none) per station with >= 2 stations is
        fitted and scored (chi2 - hit gain per station layer with a hit in the chosen cluster +
        miss penalty per one without); the best ones are kept, each suppressing the worse seeds
        with the same stations that pass within ``seed_merge_strips`` of it at every station.
        """
        c = self.config
        n_c = st.start.shape[2]
        combos = self.combos
        idx = np.minimum(combos, n_c - 1)  # [Q, S]
        stations = np.arange(len(self.stations))[None, :]
        radii = self.station_radii[:, None]
        centre = np.where(st.valid, st.centre, 0.0)  # [B, S, C]
        z = self.model.z_of_strip(centre, radii)
        w = np.where(
            st.valid, self.model.z_sigma(centre, c.sigma_strips * np.maximum(st.width, 1), radii) ** -2.0, 0.0
        )
        chosen = (combos < n_c)[None]
        present = chosen & st.valid[:, stations, idx]  # [B, Q, S]
        w = np.where(present, w[:, stations, idx], 0.0)
        x, chi2 = self.model.linear_solve_z(z[:, stations, idx], w, self.station_radii)
        misses = np.sum(self.station_layers - np.where(present, fired[:, stations, idx], 0), axis=-1)
        hits = np.sum(np.where(present, fired[:, stations, idx], 0), axis=-1)
        score = chi2 - self.hit_gain * hits + self.miss_penalty * misses
        ok = (present.sum(axis=-1) >= 2) & np.all(present == chosen, axis=-1) & np.isfinite(score)
        score = np.where(ok, score, np.inf)
        m = min(SEED_POOL * c.n_seeds, score.shape[1])
        order = np.argsort(score, axis=1, kind="stable")[:, :m]
        x = np.take_along_axis(x, order[..., None], axis=1)
        ok = np.take_along_axis(ok, order, axis=1)
        present = np.take_along_axis(present, order[..., None], axis=1)  # [B, M, S]
        pred = self.model.linear_strips(x, self.station_radii)  # [B, M, S]
        suppressed = ~ok
        for k in range(m - 1):
            same = np.all(present[:, k + 1 :] == present[:, k : k + 1], axis=-1)
            close = np.all(np.abs(pred[:, k + 1 :] - pred[:, k : k + 1]) <= c.seed_merge_strips, axis=-1)
            suppressed[:, k + 1 :] |= same & close & ~suppressed[:, k : k + 1]
        keep = np.argsort(suppressed, axis=1, kind="stable")[:, : c.n_seeds]
        first_station = np.argmax(np.take_along_axis(present, keep[..., None], axis=1), axis=-1)
        first_layer = np.array([s[0] for s in self.stations])[first_station]
        return (
            np.take_along_axis(x, keep[..., None], axis=1),
            ~np.take_along_axis(suppressed, keep, axis=1),
            first_layer,
        )

    # ----------------------------------------------------------------------------- roads
    def attach(self, lc: Clusters, pred: np.ndarray, first_layer: np.ndarray) -> np.ndarray:
        """Nearest layer cluster ``[B, K, 9]`` within the road of predictions ``pred [B, K, 9]``, in
        layers from ``first_layer [B, K]`` outwards."""
        d = np.abs(lc.centre[:, None] - pred[..., None])  # [B, K, 9, C]
        layers = np.arange(pred.shape[-1]) >= first_layer[..., None]
        road = self.config.road_strips + 0.5 * lc.width[:, None]
        d = np.where(lc.valid[:, None] & (d <= road) & layers[..., None], d, np.inf)
        best = np.argmin(d, axis=-1)
        found = np.isfinite(np.take_along_axis(d, best[..., None], axis=-1)[..., 0])
        return np.where(found, best, NO_HIT)

    def measurements(self, lc: Clusters, hit: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Strip coordinate, sigma and mask ``[B, K, 9]`` of the attached clusters."""
        idx = np.maximum(hit, 0)[..., None]
        centre = np.take_along_axis(lc.centre[:, None], idx, axis=-1)[..., 0]
        width = np.take_along_axis(lc.width[:, None], idx, axis=-1)[..., 0]
        mask = hit >= 0
        return np.where(mask, centre, 0.0), self.sigma(np.where(mask, width, 1)), mask

    def misses(self, hit: np.ndarray, inner_radius: np.ndarray) -> np.ndarray:
        """Layers at or beyond ``inner_radius [...]`` without a cluster on the track."""
        beyond = self.model.radii >= inner_radius[..., None] - 1e-6
        return np.sum(beyond & (hit < 0), axis=-1)

    def first_radius(self, hit: np.ndarray) -> np.ndarray:
        """Radius of each track's innermost layer with a cluster (inf for none)."""
        return np.min(np.where(hit >= 0, self.model.radii, np.inf), axis=-1)

    def candidates(self, hits: np.ndarray) -> tuple[Tracks, Clusters]:
        """Candidate tracks ``[B, n_seeds]``: seeds, clusters attached in their road, fitted twice
        (parabola, then the exact model after re-attaching), with their single-track score."""
        c = self.config
        lc = find_clusters(hits, c.max_clusters_per_layer)
        st, fired = station_clusters(hits, self.stations, c.max_station_clusters)
        x, ok, first = self.seeds(st, fired)
        hit = self.attach(lc, self.model.linear_strips(x), first)
        x, _ = self.model.linear_solve(*self.measurements(lc, hit))
        hit = self.attach(lc, self.model.linear_strips(x), first)
        fit = self.model.fit(*self.measurements(lc, hit), iterations=c.gauss_newton_iterations)
        valid = ok & (fit.n_hits >= 3) & np.isfinite(fit.chi2)
        score = (
            fit.chi2
            - self.hit_gain * fit.n_hits
            + self.miss_penalty * self.misses(hit, self.first_radius(hit))
        )
        return Tracks(hit, fit, valid, np.where(valid, score, np.inf)), lc

    # ----------------------------------------------------------------------------- pairs
    def best_distinct(self, tracks: Tracks) -> Tracks:
        """The ``n_candidates`` best-scoring tracks with distinct hit sets, per event."""
        base = self.config.max_clusters_per_layer + 1
        code = np.sum((tracks.hit + 1).astype(np.int64) * base ** np.arange(tracks.hit.shape[-1]), axis=-1)
        n_b, n_k = code.shape
        order = np.lexsort((tracks.score, code), axis=1) if n_k else np.zeros((n_b, 0), np.int64)
        sorted_code = np.take_along_axis(code, order, axis=1)
        first = np.ones_like(sorted_code, bool)
        first[:, 1:] = sorted_code[:, 1:] != sorted_code[:, :-1]
        unique = np.zeros_like(first)
        np.put_along_axis(unique, order, first, axis=1)
        score = np.where(unique & tracks.valid, tracks.score, np.inf)
        keep = np.argsort(score, axis=1, kind="stable")[:, : self.config.n_candidates]
        out = tracks.take(keep)
        return Tracks(
            out.hit, out.fit, out.valid & np.isfinite(np.take_along_axis(score, keep, axis=1)), out.score
        )

    def pair_scores(self, tracks: Tracks) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Score ``[B, P]`` of every pair (i < j) of ``tracks [B, M]`` and the index arrays i, j."""
        c = self.config
        m = tracks.hit.shape[1]
        i, j = (np.array(a, dtype=np.int64) for a in zip(*itertools.combinations(range(m), 2)))
        hi, hj = tracks.hit[:, i], tracks.hit[:, j]
        inner = np.minimum(self.first_radius(hi), self.first_radius(hj))
        misses = self.misses(hi, inner) + self.misses(hj, inner)
        shared = np.sum((hi == hj) & (hi >= 0), axis=-1)
        k_i, k_j = tracks.fit.params[:, i, 2], tracks.fit.params[:, j, 2]
        var_i, var_j = tracks.fit.cov[:, i, 2, 2], tracks.fit.cov[:, j, 2, 2]
        same_sign = np.sign(k_i) == np.sign(k_j)
        charge = np.where(same_sign, np.minimum(k_i**2 / var_i, k_j**2 / var_j), 0.0)
        crossed = self.parabola_crossed(tracks.fit.params[:, i], tracks.fit.params[:, j], inner)
        chi2 = tracks.fit.chi2[:, i] + tracks.fit.chi2[:, j]
        n_hits = tracks.fit.n_hits[:, i] + tracks.fit.n_hits[:, j]
        score = (
            chi2
            - self.hit_gain * n_hits
            + self.miss_penalty * misses
            + self.share_penalty * shared
            + charge
            + c.vertex_penalty * ~crossed
        )
        ok = (
            tracks.valid[:, i]
            & tracks.valid[:, j]
            & (shared < np.minimum(tracks.fit.n_hits[:, i], tracks.fit.n_hits[:, j]))
        )
        return np.where(ok, score, np.inf), i, j

    def best_pair(self, hits: np.ndarray) -> tuple[Pair, Clusters]:
        """The best-scoring pair of distinct candidate tracks of each event of ``hits [B, 9, 384]``."""
        tracks, lc = self.candidates(hits)
        tracks = self.best_distinct(tracks)
        score, i, j = self.pair_scores(tracks)
        best = np.argmin(score, axis=1)
        rows = np.arange(score.shape[0])
        index = np.stack([i[best], j[best]], axis=1)
        found = np.isfinite(score[rows, best])
        return Pair(tracks.take(index), found, score[rows, best]), lc

    # ----------------------------------------------------------------------------- vertex
    def parabola_crossed(self, p1: np.ndarray, p2: np.ndarray, inner: np.ndarray) -> np.ndarray:
        """Whether two tracks cross in ``[0, inner]``, in the parabolic approximation (closed form:
        a line inside the field, a quadratic in it, a line beyond; for scoring pairs)."""

        def coeffs(p: np.ndarray) -> np.ndarray:
            return np.stack([p[..., 0], np.tan(p[..., 1]), p[..., 2] / np.cos(p[..., 1]) ** 3], axis=-1)

        with np.errstate(invalid="ignore", over="ignore"):
            return self._parabola_crossed(coeffs(p1) - coeffs(p2), inner)

    def _parabola_crossed(self, d: np.ndarray, inner: np.ndarray) -> np.ndarray:
        m = self.model
        at_in = d[..., 0] + d[..., 1] * (m.r_in - m.r_ref)
        at_0 = d[..., 0] - d[..., 1] * m.r_ref
        crossed = np.zeros(inner.shape, bool)
        # straight part [0, min(r_in, inner)]
        top = np.minimum(m.r_in, inner)
        at_top = d[..., 0] + d[..., 1] * (top - m.r_ref)
        crossed |= np.sign(at_0) != np.sign(at_top)
        # field part [r_in, min(r_out, inner)]: at_in + d1 p + d2 p^2 / 2, p = R - r_in
        p_top = np.clip(np.minimum(m.r_out, inner) - m.r_in, 0.0, None)
        a, b = 0.5 * d[..., 2], d[..., 1]
        disc = b * b - 4 * a * at_in
        with np.errstate(invalid="ignore", divide="ignore"):
            sq = np.sqrt(np.where(disc >= 0, disc, 0.0))
            for root in ((-b + sq) / (2 * a), (-b - sq) / (2 * a), -at_in / b):
                crossed |= (disc >= 0) & (root >= 0) & (root <= p_top) & np.isfinite(root)
        # beyond the field: a line from r_out
        beyond = inner > m.r_out
        at_out = at_in + b * (m.r_out - m.r_in) + a * (m.r_out - m.r_in) ** 2
        slope_out = b + 2 * a * (m.r_out - m.r_in)
        at_end = at_out + slope_out * (np.where(beyond, inner, m.r_out) - m.r_out)
        crossed |= beyond & (np.sign(at_out) != np.sign(at_end))
        return crossed

    def crossing(
        self, p1: np.ndarray, p2: np.ndarray, inner: np.ndarray, n_grid: int = 48, n_bisect: int = 0
    ) -> tuple[np.ndarray, np.ndarray]:
        """Outermost crossing radius of track pairs (``[..., 3]`` each) inside ``inner [...]``.

        The difference of the two tracks' z is scanned on ``n_grid`` radii in ``[0, inner]``; the
        outermost sign change is refined by ``n_bisect`` bisections (0: linear interpolation).
        Without a sign change: the radius of the closest approach on the grid, ``crossed`` False.
        """
        hi = np.where(np.isfinite(inner), inner, self.model.radii[-1])
        grid = hi[..., None] * np.linspace(0.0, 1.0, n_grid)
        dz = self.model.z_at(p1, grid) - self.model.z_at(p2, grid)
        dz = np.where(np.isfinite(dz), dz, np.inf)
        change = np.sign(dz[..., 1:]) != np.sign(dz[..., :-1])
        change &= np.isfinite(dz[..., 1:]) & np.isfinite(dz[..., :-1])
        crossed = change.any(axis=-1)
        last = n_grid - 2 - np.argmax(change[..., ::-1], axis=-1)
        lo = np.take_along_axis(grid, last[..., None], axis=-1)[..., 0]
        up = np.take_along_axis(grid, last[..., None] + 1, axis=-1)[..., 0]
        d_lo = np.take_along_axis(dz, last[..., None], axis=-1)[..., 0]
        d_up = np.take_along_axis(dz, last[..., None] + 1, axis=-1)[..., 0]
        for _ in range(n_bisect):
            mid = 0.5 * (lo + up)
            d_mid = (self.model.z_at(p1, mid[..., None]) - self.model.z_at(p2, mid[..., None]))[..., 0]
            left = np.sign(d_mid) == np.sign(d_lo)
            lo, d_lo = np.where(left, mid, lo), np.where(left, d_mid, d_lo)
            up, d_up = np.where(left, up, mid), np.where(left, d_up, d_mid)
        with np.errstate(invalid="ignore", divide="ignore"):
            root = np.where(d_up != d_lo, lo + (up - lo) * d_lo / (d_lo - d_up), lo)
        closest = np.take_along_axis(grid, np.argmin(np.abs(dz), axis=-1)[..., None], axis=-1)[..., 0]
        return np.where(crossed, root, closest), crossed
