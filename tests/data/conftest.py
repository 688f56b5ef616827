"""Small synthetic datasets for the data tests."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from trigq.data import TRUTH_FIELDS, AxisSpec, DetectorSpec, FieldSpec, SampleSpec, write_dataset

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
def toy() -> Callable[..., DetectorSpec]:
    """The ``toy_calo`` spec builder (keyword arguments replace fields)."""
    return toy_calo


@pytest.fixture
def toy_arrays() -> Callable[..., tuple[np.ndarray, dict[str, np.ndarray]]]:
    return toy_calo_arrays


@pytest.fixture
def sim_attrs() -> dict[str, object]:
    return dict(SIM_ATTRS)


@pytest.fixture
def make_file(tmp_path: Path) -> Callable[..., Path]:
    def _make(n: int = 100, name: str = "d.h5", seed: int = 0, **kw) -> Path:
        hits, truth = make_arrays(n, seed)
        return write_dataset(tmp_path / name, hits, truth, {**SIM_ATTRS, **kw})

    return _make


def toy_calo(**changes) -> DetectorSpec:
    """A made-up detector: 2 channels (EM, HAD) of 8 x 8 float energies, 3 classes."""
    spec = DetectorSpec(
        name="toy-calo",
        description="test detector: 8 x 8 calorimeter towers, EM and HAD energies",
        channels=("em", "had"),
        axes=(AxisSpec("x", 8, unit="tower"), AxisSpec("y", 8, unit="tower")),
        dtype="float32",
        values="nonnegative",
        fields=(
            FieldSpec("label", "uint8", (), "0 background, 1 signal, 2 pile-up"),
            FieldSpec("energy", "float32", (), "true energy, GeV"),
            FieldSpec("position", "float32", (2,), "true x, y of the shower, towers"),
        ),
        samples=(SampleSpec("signal", (1,)), SampleSpec("background", (0, 2))),
        n_classes=3,
    )
    return dataclasses.replace(spec, **changes) if changes else spec


def toy_calo_arrays(n: int, seed: int = 0) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Energies ``[n, 2, 8, 8]`` and the toy's truth; ``energy`` holds the event index."""
    rng = np.random.default_rng(seed)
    images = rng.exponential(1.0, (n, 2, 8, 8)).astype(np.float32) * (rng.random((n, 2, 8, 8)) < 0.3)
    truth = {
        "label": rng.integers(0, 3, n).astype(np.uint8),
        "energy": np.arange(n, dtype=np.float32),
        "position": rng.uniform(0, 8, (n, 2)).astype(np.float32),
    }
    return images, truth
