"""The NEWSdm baseline: a gradient-boosted tree on a few classical cluster features.

``cluster_features`` (per cluster, from the 8 polarisation images ``[n, P, S, S]`` of camera codes):
each image has its pedestal (the median code of the cluster) subtracted and is clipped at 0; ``sum``
is their sum over the polarisations. Features (``FEATURES``): the number of grains (local maxima of
``sum`` in 3 x 3 windows above ``grain_fraction`` of its maximum); the total and peak brightness;
the length ``sqrt(12 l1)`` and elongation ``1 - l2 / l1`` of the pixels of ``sum`` above
``pixel_fraction`` of its maximum (principal values of their brightness-weighted second moments);
the peak displacement across polarisations (the largest distance between the brightest pixels of
two polarisation images) and the path of the brightness barycentre around the periodic
polarisation cycle; the polarisation modulation of the total brightness (``(max - min) / mean``
over the images). ``NEWSdmBdt`` fits ``sklearn.ensemble.HistGradientBoostingClassifier``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trigq.baselines.boosted_trees import BoostedTrees
from trigq.errors import TrigqError

FEATURES = (
    "n_grains", "total", "peak", "length_px", "elongation", "peak_displacement_px", "barycentre_path_px",
    "modulation",
)  # fmt: skip


class NEWSdmBaselineError(TrigqError, ValueError):
    """The NEWSdm baseline asked for something the data cannot give."""


@dataclass
class NEWSdmBdtConfig:
    """Features and tree settings (``sklearn.ensemble.HistGradientBoostingClassifier``)."""

    grain_fraction: float = 0.3
    pixel_fraction: float = 0.1
    max_iter: int = 200
    learning_rate: float = 0.1
    max_leaf_nodes: int = 31
    random_state: int = 0
    n_threads: int = 1

    def __post_init__(self) -> None:
        for name in ("grain_fraction", "pixel_fraction"):
            if not 0 < getattr(self, name) < 1:
                raise ValueError(f"{name} must be in (0, 1), got {getattr(self, name)}")
        if self.learning_rate <= 0:
            raise ValueError(f"learning_rate must be > 0, got {self.learning_rate}")
        if self.max_iter < 1 or self.max_leaf_nodes < 2 or self.n_threads < 1:
            raise ValueError("max_iter and n_threads must be >= 1 and max_leaf_nodes >= 2")


def cluster_features(images: np.ndarray, config: NEWSdmBdtConfig | None = None) -> np.ndarray:
    """``[n, len(FEATURES)]`` features of clusters ``[n, P, S, S]`` (see the module docstring)."""
    from scipy import ndimage

    c = config or NEWSdmBdtConfig()
    if images.ndim != 4 or images.shape[2] != images.shape[3]:
        raise NEWSdmBaselineError(f"features need clusters [N, P, S, S], got {list(images.shape)}")
    n, p, s, _ = images.shape
    x = images.astype(np.float64)
    pedestal = np.median(x.reshape(n, -1), axis=1)
    x = np.clip(x - pedestal[:, None, None, None], 0, None)
    total_img = x.sum(axis=1)  # [n, S, S]
    peak = total_img.reshape(n, -1).max(axis=1)
    local = ndimage.maximum_filter(total_img, size=(1, 3, 3), mode="constant")
    grains = (total_img == local) & (total_img > c.grain_fraction * peak[:, None, None]) & (total_img > 0)
    n_grains = grains.reshape(n, -1).sum(axis=1)
    yy, xx = np.meshgrid(np.arange(s, dtype=np.float64), np.arange(s, dtype=np.float64), indexing="ij")
    w = total_img.reshape(n, -1)
    w = np.where(w > c.pixel_fraction * peak[:, None], w, 0.0)  # the moments of the cluster, not the noise
    q = np.maximum(w.sum(axis=1), 1e-9)
    mx, my = (w * xx.ravel()).sum(1) / q, (w * yy.ravel()).sum(1) / q
    dx, dy = xx.ravel()[None] - mx[:, None], yy.ravel()[None] - my[:, None]
    sxx, syy, sxy = (w * dx * dx).sum(1) / q, (w * dy * dy).sum(1) / q, (w * dx * dy).sum(1) / q
    half, det = (sxx + syy) / 2, sxx * syy - sxy**2
    root = np.sqrt(np.maximum(half**2 - det, 0))
    l1, l2 = half + root, np.maximum(half - root, 0)
    # per polarisation: brightest pixel and brightness barycentre
    flat = x.reshape(n, p, -1)
    arg = flat.argmax(axis=2)
    py, px = arg // s, arg % s
    disp = np.hypot(py[:, :, None] - py[:, None, :], px[:, :, None] - px[:, None, :]).max(axis=(1, 2))
    qk = np.maximum(flat.sum(axis=2), 1e-9)
    bx, by = (flat * xx.ravel()).sum(2) / qk, (flat * yy.ravel()).sum(2) / qk
    path = np.hypot(np.diff(bx, axis=1, append=bx[:, :1]), np.diff(by, axis=1, append=by[:, :1])).sum(axis=1)
    per_pol = flat.sum(axis=2)
    modulation = (per_pol.max(1) - per_pol.min(1)) / np.maximum(per_pol.mean(1), 1e-9)
    return np.stack(
        [n_grains, w.sum(1), peak, np.sqrt(12 * l1), np.where(l1 > 0, 1 - l2 / np.maximum(l1, 1e-12), 0.0),
         disp, path, modulation], axis=1,
    )  # fmt: skip


class NEWSdmBdt(BoostedTrees):
    """``HistGradientBoostingClassifier`` on ``cluster_features``: ``fit``, ``score`` -> P(carbon)."""

    name = "newsdm-bdt"
    error = NEWSdmBaselineError

    def __init__(self, config: NEWSdmBdtConfig | None = None) -> None:
        super().__init__(config or NEWSdmBdtConfig())
