"""Tiny learnable datasets for the training tests (written with ``trigq.data.write_dataset``).

Label-1 events carry a straight vertical track (all 9 layers hit in one eta column); label-0
events a track slanted by ``vertex_r / 10`` strips per layer, so both the label and the vertex
radius can be learned. Each strip also fires with probability 0.002 (noise).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from trigq.data import TRUTH_FIELDS, write_dataset


def make_tiny_dataset(path: Path, n: int = 256, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    hits = (rng.random((n, 9, 384)) < 0.002).astype(np.uint8)
    label = rng.integers(0, 2, n).astype(np.uint8)
    vertex_r = np.where(label == 1, 0.0, rng.uniform(5.0, 40.0, n)).astype(np.float32)
    column = rng.integers(100, 280, n)
    for i in range(n):
        slope = vertex_r[i] / 10.0
        cols = np.clip(np.round(column[i] + slope * np.arange(9)).astype(int), 0, 383)
        hits[i, np.arange(9), cols] = 1
    truth = {name: np.zeros((n, *spec.trailing), spec.dtype) for name, spec in TRUTH_FIELDS.items()}
    truth["label"] = label
    truth["source"] = np.where(label == 1, 1, 2).astype(np.int8)
    truth["n_muons"] = np.ones(n, np.uint8)
    truth["pt"] = np.where(label == 1, rng.uniform(20, 100, n), rng.uniform(3, 20, n)).astype(np.float32)
    truth["charge"] = np.ones(n, np.int8)
    truth["weight"] = np.ones(n, np.float32)
    truth["vertex_r"] = vertex_r
    truth["vertex_z"] = (vertex_r * 0.5).astype(np.float32)
    return write_dataset(path, hits, truth, {"sample": "mixed"})


@pytest.fixture(scope="session")
def tiny_h5(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_dataset(tmp_path_factory.mktemp("data") / "tiny.h5", n=256)
