"""The boosted-tree classifier the seeds' "conventional BDT" baselines share (jets, MicroBooNE,
NEWSdm): scikit-learn's ``HistGradientBoostingClassifier`` on a family's classical features, with
its OpenMP threads limited (on small samples more threads only cost)."""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

import numpy as np

from trigq.errors import TrigqError


class TreeSettings(Protocol):
    """What a family's BDT config holds for the trees."""

    max_iter: int
    learning_rate: float
    max_leaf_nodes: int
    random_state: int
    n_threads: int


class BoostedTrees:
    """``fit(features, labels)`` then ``score(features)`` -> P(label 1). Subclasses set ``name``
    (the CLI baseline, for messages), ``error`` (their error class) and ``config`` defaults."""

    name: ClassVar[str] = "bdt"
    error: ClassVar[type[TrigqError]] = TrigqError

    def __init__(self, config: Any) -> None:
        self.config: TreeSettings = config
        self._model = None

    def fit(self, features: np.ndarray, labels: np.ndarray):
        from sklearn.ensemble import HistGradientBoostingClassifier
        from threadpoolctl import threadpool_limits

        labels = np.asarray(labels).astype(np.int64)
        if np.unique(labels).size < 2:
            raise self.error(f"{self.name}: the training events hold one class only; it needs both")
        c = self.config
        model = HistGradientBoostingClassifier(
            max_iter=c.max_iter, learning_rate=c.learning_rate, max_leaf_nodes=c.max_leaf_nodes,
            early_stopping=False, random_state=c.random_state,
        )  # fmt: skip
        with threadpool_limits(limits=c.n_threads, user_api="openmp"):
            self._model = model.fit(features, labels)
        return self

    def score(self, features: np.ndarray) -> np.ndarray:
        from threadpoolctl import threadpool_limits

        if self._model is None:
            raise self.error(f"{self.name}: fit first")
        with threadpool_limits(limits=self.config.n_threads, user_api="openmp"):
            return self._model.predict_proba(features)[:, 1]
