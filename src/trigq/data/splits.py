"""Deterministic train/validation/test splits of event indices."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from trigq.data.schema import DatasetError

SPLITS = ("train", "val", "test")


def check_fractions(fractions: Sequence[float]) -> tuple[float, float, float]:
    """Validate three non-negative split fractions that sum to 1."""
    values = tuple(float(x) for x in fractions)
    if len(values) != 3:
        raise DatasetError(f"split fractions: expected 3 values (train, val, test), found {len(values)}")
    if any(not np.isfinite(x) or x < 0 for x in values) or abs(sum(values) - 1.0) > 1e-6:
        raise DatasetError(f"split fractions: expected 3 non-negative numbers summing to 1, found {values}")
    return values  # type: ignore[return-value]


def split_indices(
    n: int, fractions: Sequence[float] = (0.8, 0.1, 0.1), seed: int = 0
) -> dict[str, np.ndarray]:
    """Sorted, disjoint event indices per split (``"train"``, ``"val"``, ``"test"``) covering ``range(n)``.

    A seeded permutation of ``range(n)`` is cut into ``round(f * n)`` events for val and test; train
    takes the rest. Depends only on ``(n, fractions, seed)``, never on how the file is chunked or
    read, so every stage (training, evaluation, baselines) sees the same test events.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise DatasetError(f"split_indices: n must be a non-negative integer, found {n!r}")
    _, f_val, f_test = check_fractions(fractions)
    perm = np.random.default_rng(seed).permutation(int(n))
    n_val = round(f_val * n)
    n_test = min(round(f_test * n), n - n_val)
    val = perm[:n_val]
    test = perm[n_val : n_val + n_test]
    train = perm[n_val + n_test :]
    return {"train": np.sort(train), "val": np.sort(val), "test": np.sort(test)}
