"""The dark-photon jet baseline (seed 003's "conventional BDT"): a gradient-boosted tree on classic
jet-shape features of the two-sampling jet image.

``jet_features`` (per event, from the ET codes times the LSB): the jet width
``sum(ET dR) / sum(ET)`` (dR of each cell centre from the jet axis, both samplings), the EM
fraction ``ET_em / ET``, the core fraction (ET in the central ``core_cells`` x ``core_cells``
cells over ET), the number of significant cells (sum of both samplings above
``significant_cell_gev``) and the jet ET itself (the BDT may condition the shapes on it, as the
network can). ``JetBdt`` fits ``sklearn.ensemble.HistGradientBoostingClassifier`` on them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trigq.baselines.boosted_trees import BoostedTrees
from trigq.errors import TrigqError

FEATURES = ("width", "em_fraction", "core_fraction", "n_significant_cells", "et_gev")


class JetBaselineError(TrigqError, ValueError):
    """The jet BDT asked for something the data cannot give."""


@dataclass
class JetBdtConfig:
    """Features and tree settings (``sklearn.ensemble.HistGradientBoostingClassifier``)."""

    core_cells: int = 3
    significant_cell_gev: float = 1.0
    max_iter: int = 200
    learning_rate: float = 0.1
    max_leaf_nodes: int = 31
    random_state: int = 0
    n_threads: int = 1
    """OpenMP threads of the tree (1: on small samples more threads only cost, much more on a busy
    machine)."""

    def __post_init__(self) -> None:
        if self.core_cells < 1 or self.core_cells % 2 == 0:
            raise ValueError(f"core_cells must be an odd number >= 1, got {self.core_cells}")
        for name in ("significant_cell_gev", "learning_rate"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)}")
        if self.n_threads < 1:
            raise ValueError(f"n_threads must be >= 1, got {self.n_threads}")
        if self.max_iter < 1 or self.max_leaf_nodes < 2:
            raise ValueError("max_iter must be >= 1 and max_leaf_nodes >= 2")


def jet_features(images: np.ndarray, lsb_gev: float, cell_size: float, config: JetBdtConfig) -> np.ndarray:
    """``[n, 5]`` features (``FEATURES``) of images ``[n, 2, S, S]`` of ET codes."""
    if images.ndim != 4 or images.shape[1] != 2:
        raise JetBaselineError(f"jet features need images [N, 2, S, S], got {list(images.shape)}")
    et = images.astype(np.float64) * lsb_gev
    size = et.shape[-1]
    centre = (np.arange(size) - (size - 1) / 2) * cell_size
    dr = np.hypot(centre[:, None], centre[None, :])
    total = et.sum(axis=1)
    et_sum = total.sum(axis=(1, 2))
    safe = np.maximum(et_sum, 1e-9)
    lo = (size - config.core_cells) // 2
    core = total[:, lo : lo + config.core_cells, lo : lo + config.core_cells].sum(axis=(1, 2))
    return np.stack(
        [
            (total * dr).sum(axis=(1, 2)) / safe,
            et[:, 0].sum(axis=(1, 2)) / safe,
            core / safe,
            (total > config.significant_cell_gev).sum(axis=(1, 2)),
            et_sum,
        ],
        axis=1,
    )


class JetBdt(BoostedTrees):
    """``HistGradientBoostingClassifier`` on ``jet_features``: ``fit(features, labels)``,
    ``score(features)`` -> P(dark photon)."""

    name = "jet-bdt"
    error = JetBaselineError

    def __init__(self, config: JetBdtConfig | None = None) -> None:
        super().__init__(config or JetBdtConfig())
