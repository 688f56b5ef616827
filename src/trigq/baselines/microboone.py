"""The MicroBooNE dark-trident baseline: a gradient-boosted tree on classical image features.

``event_features`` (per event, from the charge codes times the LSB, distances in cm from the vertex
at the image centre): pixels above ``hit_threshold_mev`` are grouped into 8-connected clusters
holding at least ``cluster_min_mev``; a cluster is track-like when its charge-weighted principal
axes give a linearity ``1 - l2 / l1`` above ``track_linearity`` over a length ``sqrt(12 l1)`` of at
least ``track_min_cm`` (a cosmic muon), shower-like otherwise. Features (``FEATURES``): the total
charge; the vertex gap (distance from the vertex to the nearest pixel of a shower-like cluster:
0 for a trident, tens of cm for a pi0); the gap to any charge; the charge within ``near_cm`` of the
vertex; the numbers of shower-like and track-like clusters; the track-like charge fraction; the
largest shower-like cluster's share of the shower charge; the charge-weighted mean and RMS distance
of the shower charge from the vertex; the cosine of its centroid direction with the beam; its
overall linearity. ``MicroBooNEBdt`` fits ``sklearn.ensemble.HistGradientBoostingClassifier``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trigq.baselines.boosted_trees import BoostedTrees
from trigq.errors import TrigqError

FEATURES = (
    "total_mev", "vertex_gap_cm", "charge_gap_cm", "near_vertex_mev", "n_showers", "n_tracks",
    "track_fraction", "leading_shower_fraction", "shower_mean_cm", "shower_rms_cm", "shower_cos_beam",
    "shower_linearity",
)  # fmt: skip
FAR_CM = 999.0
"""The gap of an event without a (shower) cluster."""


class MicroBooNEBaselineError(TrigqError, ValueError):
    """The MicroBooNE baseline asked for something the data cannot give."""


@dataclass
class MicroBooNEBdtConfig:
    """Features and tree settings (``sklearn.ensemble.HistGradientBoostingClassifier``)."""

    hit_threshold_mev: float = 0.0
    cluster_min_mev: float = 5.0
    track_linearity: float = 0.97
    track_min_cm: float = 60.0
    near_cm: float = 5.0
    max_iter: int = 200
    learning_rate: float = 0.1
    max_leaf_nodes: int = 31
    random_state: int = 0
    n_threads: int = 1

    def __post_init__(self) -> None:
        for name in ("track_min_cm", "near_cm", "learning_rate"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)}")
        for name in ("hit_threshold_mev", "cluster_min_mev"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")
        if not 0 < self.track_linearity < 1:
            raise ValueError(f"track_linearity must be in (0, 1), got {self.track_linearity}")
        if self.max_iter < 1 or self.max_leaf_nodes < 2 or self.n_threads < 1:
            raise ValueError("max_iter and n_threads must be >= 1 and max_leaf_nodes >= 2")


def _moments(w: np.ndarray, x: np.ndarray, y: np.ndarray, lab: np.ndarray, n: int):
    """Per label ``0..n-1``: charge, centroid, and the principal values ``l1 >= l2`` (cm^2)."""
    q = np.bincount(lab, w, n)
    safe = np.maximum(q, 1e-12)
    mx, my = np.bincount(lab, w * x, n) / safe, np.bincount(lab, w * y, n) / safe
    dx, dy = x - mx[lab], y - my[lab]
    sxx, syy = np.bincount(lab, w * dx * dx, n) / safe, np.bincount(lab, w * dy * dy, n) / safe
    sxy = np.bincount(lab, w * dx * dy, n) / safe
    half_tr, det = (sxx + syy) / 2, sxx * syy - sxy**2
    root = np.sqrt(np.maximum(half_tr**2 - det, 0))
    return q, mx, my, half_tr + root, np.maximum(half_tr - root, 0)


def event_features(
    images: np.ndarray, lsb_mev: float, pixel_cm: float, beam_angle_deg: float, config: MicroBooNEBdtConfig
) -> np.ndarray:
    """``[n, len(FEATURES)]`` features of images ``[n, S, S]`` of charge codes (module docstring)."""
    from scipy import ndimage

    if images.ndim != 3 or images.shape[1] != images.shape[2]:
        raise MicroBooNEBaselineError(f"features need square images [N, S, S], got {list(images.shape)}")
    c, size = config, images.shape[-1]
    coord = (np.arange(size) + 0.5 - size / 2) * pixel_cm
    ux, uy = np.cos(np.deg2rad(beam_angle_deg)), np.sin(np.deg2rad(beam_angle_deg))
    out = np.zeros((len(images), len(FEATURES)))
    structure = np.ones((3, 3), bool)
    for i, codes in enumerate(images):
        q_img = codes.astype(np.float64) * lsb_mev
        hit = q_img > c.hit_threshold_mev
        lab_img, n_lab = ndimage.label(hit, structure)
        iy, ix = np.nonzero(hit)
        w, lab = q_img[iy, ix], lab_img[iy, ix] - 1
        x, y = coord[ix], coord[iy]
        r = np.hypot(x, y)
        total = w.sum()
        q, _, _, l1, l2 = _moments(w, x, y, lab, n_lab)
        big = q >= c.cluster_min_mev
        lin = np.where(l1 > 0, 1 - l2 / np.maximum(l1, 1e-12), 0.0)
        track = big & (lin > c.track_linearity) & (np.sqrt(12 * l1) >= c.track_min_cm)
        shower = big & ~track
        on_shower = shower[lab] if lab.size else np.zeros(0, bool)
        ws, xs, ys, rs = w[on_shower], x[on_shower], y[on_shower], r[on_shower]
        qs = ws.sum()
        if qs > 0:
            mean_r = (ws * rs).sum() / qs
            rms_r = np.sqrt(max((ws * rs**2).sum() / qs - mean_r**2, 0.0))
            cx, cy = (ws * xs).sum() / qs, (ws * ys).sum() / qs
            cos_beam = (cx * ux + cy * uy) / max(np.hypot(cx, cy), 1e-9)
            _, _, _, s1, s2 = _moments(ws, xs, ys, np.zeros(ws.size, np.int64), 1)
            shower_lin = float(1 - s2[0] / s1[0]) if s1[0] > 0 else 0.0
            gap, leading = float(rs.min()), float(q[shower].max() / qs)
        else:
            mean_r = rms_r = cos_beam = shower_lin = leading = 0.0
            gap = FAR_CM
        out[i] = (
            total, gap, float(r.min()) if r.size else FAR_CM, float(w[r < c.near_cm].sum()),
            int(shower.sum()), int(track.sum()), float(q[track].sum() / total) if total > 0 else 0.0,
            leading, mean_r, rms_r, cos_beam, shower_lin,
        )  # fmt: skip
    return out


class MicroBooNEBdt(BoostedTrees):
    """``HistGradientBoostingClassifier`` on ``event_features``: ``fit``, ``score`` -> P(trident)."""

    name = "microboone-bdt"
    error = MicroBooNEBaselineError

    def __init__(self, config: MicroBooNEBdtConfig | None = None) -> None:
        super().__init__(config or MicroBooNEBdtConfig())
