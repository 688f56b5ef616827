"""The SHiP target-tracker baselines (seed 000): Gaussian-fit features with a linear regression for
E and d, and DBSCAN clusters joined by a straight line across planes for the transverse origin.

``gauss_features``: per plane the hit-weighted variance in x, covariance, variance in y (a 2D
Gaussian fitted by moments) and the hit count: 12 features for 3 planes. ``GaussRegression``
fits ``sklearn.linear_model.LinearRegression`` on them for E and d. ``dbscan_origin``: per plane
``sklearn.cluster.DBSCAN`` on the hit pixels (weighted by their counts), each cluster's weighted
centre, the combination of one cluster per plane whose straight line in z fits best; the origin
is that combination's cluster in the first plane (as the seed's algorithm 1: extrapolating the
line's slope back by d amplified the slope's noise, measured 9 mm vs 3.6 mm);
``weighted_mean_origin`` is the plain hit-weighted mean of the first plane with hits, the simple
method it is compared with.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from trigq.errors import TrigqError


class ShipBaselineError(TrigqError, ValueError):
    """A SHiP baseline asked for something the data cannot give."""


@dataclass
class DbscanConfig:
    """DBSCAN settings (``eps`` in pixels, ``min_samples`` in hits, counting multiplicity)."""

    eps_pixels: float = 2.0
    min_samples: int = 4
    max_clusters: int = 4


def _grid(size: int, pitch: float) -> np.ndarray:
    return (np.arange(size) + 0.5) * pitch - size * pitch / 2


def gauss_features(images: np.ndarray, pitch_cm: float) -> np.ndarray:
    """``[n, 4 * planes]``: per plane var x, cov xy, var y (cm^2, hit-weighted) and the hit count."""
    n, planes, size, _ = images.shape
    g = _grid(size, pitch_cm)
    w = images.astype(np.float64)
    tot = w.sum(axis=(2, 3))
    safe = np.maximum(tot, 1.0)
    mx = (w.sum(axis=2) * g).sum(axis=2) / safe
    my = (w.sum(axis=3) * g).sum(axis=2) / safe
    dx = g[None, None, None, :] - mx[..., None, None]
    dy = g[None, None, :, None] - my[..., None, None]
    vx = (w * dx**2).sum(axis=(2, 3)) / safe
    vy = (w * dy**2).sum(axis=(2, 3)) / safe
    cxy = (w * dx * dy).sum(axis=(2, 3)) / safe
    return np.stack([vx, cxy, vy, tot], axis=2).reshape(n, 4 * planes)


@dataclass
class GaussRegression:
    """Linear regression of E and d on ``gauss_features`` (sklearn); ``fit`` returns self."""

    targets: tuple[str, ...] = ("energy", "depth")
    model_: Any = field(default=None, repr=False)

    def fit(self, features: np.ndarray, truth: np.ndarray) -> GaussRegression:
        from sklearn.linear_model import LinearRegression

        self.model_ = LinearRegression().fit(features, truth)
        return self

    def predict(self, features: np.ndarray) -> np.ndarray:
        if self.model_ is None:
            raise ShipBaselineError("GaussRegression: call fit first")
        return self.model_.predict(features)


def _clusters(plane: np.ndarray, g: np.ndarray, config: DbscanConfig) -> list[tuple[float, float, float]]:
    """(x, y, hits) of the plane's DBSCAN clusters, largest first."""
    from sklearn.cluster import DBSCAN

    rows, cols = np.nonzero(plane)
    if rows.size == 0:
        return []
    weight = plane[rows, cols].astype(np.float64)
    pts = np.stack([cols, rows], axis=1).astype(np.float64)
    labels = (
        DBSCAN(eps=config.eps_pixels, min_samples=config.min_samples).fit(pts, sample_weight=weight).labels_
    )
    out = []
    for lab in set(labels.tolist()) - {-1}:
        m = labels == lab
        w = weight[m]
        out.append(
            (float((g[cols[m]] * w).sum() / w.sum()), float((g[rows[m]] * w).sum() / w.sum()), float(w.sum()))
        )
    return sorted(out, key=lambda c: -c[2])[: config.max_clusters]


def dbscan_origin(
    images: np.ndarray,
    pitch_cm: float,
    spacing_cm: float,
    depth_cm: np.ndarray,
    config: DbscanConfig | None = None,
) -> np.ndarray:
    """``[n, 2]`` transverse origin (x, y) cm: the best straight line through one DBSCAN cluster per
    plane (least squares in z), its cluster in the first plane; NaN when no plane has one.
    ``depth_cm`` (the reconstructed d) is kept for callers that extrapolate; unused here."""
    config = config or DbscanConfig()
    g = _grid(images.shape[-1], pitch_cm)
    out = np.full((len(images), 2), np.nan)
    for i, event in enumerate(images):
        per_plane = [(k, c) for k in range(len(event)) for c in [_clusters(event[k], g, config)] if c]
        if not per_plane:
            continue
        z = np.array([k * spacing_cm for k, _ in per_plane])
        best_mse, chosen = np.inf, None
        for combo in itertools.product(*(c for _, c in per_plane)):
            xy = np.array([(c[0], c[1]) for c in combo])
            if len(z) > 1:
                coef = np.polyfit(z, xy, 1)
                mse = float(((np.polyval(coef[:, 0], z) - xy[:, 0]) ** 2).mean())
                mse += float(((np.polyval(coef[:, 1], z) - xy[:, 1]) ** 2).mean())
            else:
                mse = 0.0
            if mse < best_mse:
                best_mse, chosen = mse, xy[0]
        out[i] = chosen  # the first plane's chosen cluster (extrapolating the line's slope by d was worse)
    return out


def weighted_mean_origin(images: np.ndarray, pitch_cm: float) -> np.ndarray:
    """``[n, 2]`` hit-weighted mean (x, y) cm of the first plane with hits (noise included)."""
    g = _grid(images.shape[-1], pitch_cm)
    out = np.full((len(images), 2), np.nan)
    for i, event in enumerate(images):
        for plane in event:
            tot = plane.sum()
            if tot:
                out[i] = ((plane.sum(axis=0) * g).sum() / tot, (plane.sum(axis=1) * g).sum() / tot)
                break
    return out


def energy_resolution(e_true: np.ndarray, e_reco: np.ndarray) -> float:
    """The seed's sigma((E_true - E_reco) / E_true)."""
    return float(np.std((e_true - e_reco) / e_true))


def resolution_vs_energy(e_true: np.ndarray, e_reco: np.ndarray, edges: np.ndarray) -> dict[str, Any]:
    """Energy resolution per E bin and the fit sigma = a / sqrt(E) + b (scipy ``curve_fit``)."""
    from scipy.optimize import curve_fit

    centres, sigma = [], []
    for lo, hi in itertools.pairwise(edges):
        m = (e_true >= lo) & (e_true < hi)
        if m.sum() >= 5:
            centres.append(float(np.sqrt(lo * hi)))
            sigma.append(energy_resolution(e_true[m], e_reco[m]))
    fit: dict[str, float] | None = None
    if len(centres) >= 3:
        (a, b), _ = curve_fit(lambda x, a, b: a / np.sqrt(x) + b, centres, sigma, p0=(1.0, 0.1))
        fit = {"a": float(a), "b": float(b)}
    return {"e_centres": centres, "sigma": sigma, "fit": fit}
