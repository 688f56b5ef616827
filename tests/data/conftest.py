"""Small synthetic datasets for the data tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from trigq.data import TRUTH_FIELDS, write_dataset

SIM_ATTRS = {"generator": "atlas-rpc", "sample": "mixed", "seed": 7, "config_yaml": "seed: 7\n"}


def make_arrays(n: int, seed: int = 0) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Random 0/1 hits and every truth field; ``truth/pt`` holds the event index (to trace rows)."""
    rng = np.random.default_rng(seed)
    hits = (rng.random((n, 9, 384)) < 0.02).astype(np.uint8)
    truth = {}
    for name, spec in TRUTH_FIELDS.items():
        shape = (n, *spec.trailing)
        if spec.is_float:
            truth[name] = rng.normal(size=shape).astype(spec.dtype)
        else:
            truth[name] = rng.integers(0, 2, size=shape).astype(spec.dtype)
    truth["pt"] = np.arange(n, dtype=np.float32)
    hits[:, 0, 0] = np.arange(n) % 2  # a second, hits-side trace of the row
    return hits, truth


@pytest.fixture
def arrays() -> Callable[..., tuple[np.ndarray, dict[str, np.ndarray]]]:
    """The ``make_arrays`` helper."""
    return make_arrays


@pytest.fixture
def sim_attrs() -> dict[str, object]:
    return dict(SIM_ATTRS)


@pytest.fixture
def make_file(tmp_path: Path) -> Callable[..., Path]:
    def _make(n: int = 100, name: str = "d.h5", seed: int = 0, **kw) -> Path:
        hits, truth = make_arrays(n, seed)
        return write_dataset(tmp_path / name, hits, truth, {**SIM_ATTRS, **kw})

    return _make
