"""Joint re-assignment of the chosen pair's clusters, layer by layer, and the refit of both tracks.

Two muons close together share clusters (merged into one run of strips) or sit in neighbouring
ones that a single-track road cannot tell apart. Given both fitted tracks, each layer is decided
jointly: when both tracks' nearest cluster is the same, either one of them takes its second
nearest cluster, or they share it; a shared run of ``W >= 2`` strips is split, the track
predicted lower taking ``start + d`` and the other ``stop - d`` with ``d = clip(W / 4, 0.5,
1.25)`` strips (two 1-3 strip clusters side by side) and sigma ``SPLIT_SIGMA``. The cheapest
option in chi2 (+ the share penalty for sharing) wins; then both tracks are refitted.
"""

from __future__ import annotations

import numpy as np

from trigq.baselines.clusters import Clusters
from trigq.baselines.track_finding import TrackFinder
from trigq.baselines.track_model import TrackFit

SPLIT_SIGMA = 0.5
"""sigma [strips] of each muon's position in a split shared cluster."""
FAR = 1e3


def _nearest_two(lc: Clusters, pred: np.ndarray, road: float) -> tuple[np.ndarray, ...]:
    """Nearest and second-nearest in-road cluster ``[B, 2, 9]`` of each track and their distances."""
    d = np.abs(lc.centre[:, None] - pred[..., None])  # [B, 2, 9, C]
    d = np.where(lc.valid[:, None] & (d <= road + 0.5 * lc.width[:, None]), d, np.inf)
    order = np.argsort(d, axis=-1)[..., :2]
    dist = np.take_along_axis(d, order, axis=-1)
    return order[..., 0], dist[..., 0], order[..., 1], dist[..., 1]


def joint_measurements(
    finder: TrackFinder, lc: Clusters, params: np.ndarray, layers: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Strip coordinate, sigma and mask ``[B, 2, 9]`` for the two tracks ``params [B, 2, 3]``, in
    the ``layers [B, 9]`` allowed."""
    cfg = finder.config
    pred = np.nan_to_num(finder.model.layer_strips(params), nan=-FAR)
    n1, d1, n2, d2 = _nearest_two(lc, pred, cfg.road_strips)
    has1 = np.isfinite(d1) & layers[:, None]
    has2 = np.isfinite(d2) & layers[:, None]

    def gather(a: np.ndarray, idx: np.ndarray) -> np.ndarray:
        return np.take_along_axis(a[:, None], idx[..., None], axis=-1)[..., 0]

    centre, width = gather(lc.centre, n1), gather(lc.width, n1)
    sigma = finder.sigma(np.where(has1, width, 1))
    same = has1[:, 0] & has1[:, 1] & (n1[:, 0] == n1[:, 1])  # [B, 9]

    # option "share": split a shared run between the two tracks by their predicted order
    start, stop = gather(lc.start, n1)[:, 0], gather(lc.stop, n1)[:, 0]
    w = (stop - start).astype(np.float64)
    offset = np.clip(w / 4.0, 0.5, 1.25)
    lower = pred[:, 0] <= pred[:, 1]
    split = w >= 2
    c_lo, c_hi = start + offset, stop - offset
    share_c = np.stack([np.where(lower, c_lo, c_hi), np.where(lower, c_hi, c_lo)], axis=1)
    share_c = np.where(split[:, None], share_c, centre)
    share_s = np.where(split[:, None], SPLIT_SIGMA, sigma)
    cost_share = np.sum(((share_c - pred) / share_s) ** 2, axis=1) + finder.share_penalty

    # option "track t moves to its second-nearest cluster", the other keeps the shared one
    alt_c, alt_w = gather(lc.centre, n2), gather(lc.width, n2)
    alt_s = finder.sigma(np.where(has2, alt_w, 1))
    keep_cost = ((centre - pred) / sigma) ** 2
    move_cost = np.where(has2, ((alt_c - pred) / alt_s) ** 2, np.inf)
    cost_move = move_cost + keep_cost[:, ::-1]  # [B, 2, 9]: track t moves, the other keeps
    move = np.argmin(cost_move, axis=1)  # which track moves
    best_move = np.min(cost_move, axis=1)
    do_move = same & (best_move < cost_share)
    do_share = same & ~do_move

    c = np.where(do_share[:, None], share_c, centre)
    s = np.where(do_share[:, None], share_s, sigma)
    mover = do_move[:, None] & (np.arange(2)[None, :, None] == move[:, None])
    c = np.where(mover, alt_c, c)
    s = np.where(mover, alt_s, s)
    return np.where(has1, c, 0.0), s, has1


def refit_pair(
    finder: TrackFinder, lc: Clusters, params: np.ndarray, inner: np.ndarray, iterations: int = 2
) -> tuple[TrackFit, np.ndarray]:
    """Alternate joint re-assignment and exact refits of both tracks ``iterations`` times, in the
    layers at or beyond ``inner [B]`` (the pair's innermost hit: the hit pattern that chose it).

    Returns the fits ``[B, 2]`` and the measurements used (strip coordinates ``[B, 2, 9]``, NaN
    where a track has none).
    """
    fit = None
    layers = finder.model.radii >= inner[:, None] - 1e-6
    for _ in range(iterations):
        c, s, mask = joint_measurements(finder, lc, params, layers)
        fit = finder.model.fit(c, s, mask, iterations=finder.config.gauss_newton_iterations)
        params = np.where((fit.n_hits >= 3)[..., None] & np.isfinite(fit.params), fit.params, params)
    assert fit is not None
    return fit, np.where(mask, c, np.nan)
