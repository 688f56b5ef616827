"""Atomic checkpoints holding only plain data (tensors, numbers, strings, lists, dicts), loaded with
``torch.load(weights_only=True)``; RNG states of torch, numpy and Python stored as tensors."""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import numpy as np
import torch

from trigq.errors import TrigqError
from trigq.utils import atomic_path


class CheckpointError(TrigqError):
    """A checkpoint or run directory is missing, unreadable or does not fit the request."""


def save_checkpoint(path: str | os.PathLike[str], state: dict[str, Any]) -> Path:
    """``torch.save`` to a temporary file beside ``path``, fsync, rename: the old file survives any
    failure while saving."""
    with atomic_path(path) as tmp:
        torch.save(state, tmp)
    return Path(path)


def load_checkpoint(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Load a checkpoint with ``weights_only=True``; raise ``CheckpointError`` naming the file."""
    p = Path(path)
    if not p.is_file():
        if (p.parent / "manifest.json").is_file() and (p.parent / "build_ip.sh").is_file():
            raise CheckpointError(
                f"{p.parent}: is a packaged IP core, not a training run; pass the training run "
                "directory (with best.pt) or verify/report the core with `trigq verify|report CORE`"
            )
        raise CheckpointError(f"checkpoint not found: {p}; train one with `trigq train` first")
    import pickle
    import zipfile

    try:
        state = torch.load(p, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        raise CheckpointError(
            f"{p}: refused: the checkpoint holds Python objects, not only tensors and plain data; trigq "
            "never unpickles those (arbitrary code could run). Re-save it with state_dict() tensors."
        ) from exc
    except (RuntimeError, EOFError, OSError, zipfile.BadZipFile, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CheckpointError(
            f"{p}: not a readable torch checkpoint (truncated or corrupted?): {first}"
        ) from exc
    if not isinstance(state, dict):
        raise CheckpointError(f"{p}: expected a mapping, found {type(state).__name__}")
    return state


def get_rng_state() -> dict[str, Any]:
    """RNG states of Python, numpy and torch (CPU and CUDA) as tensors and plain numbers."""
    version, py_state, gauss = random.getstate()
    name, keys, pos, has_gauss, cached = np.random.get_state()
    state: dict[str, Any] = {
        "python": {"version": version, "state": torch.tensor(py_state, dtype=torch.int64), "gauss": gauss},
        "numpy": {
            "name": name,
            "keys": torch.from_numpy(keys.astype(np.int64)),
            "pos": int(pos),
            "has_gauss": int(has_gauss),
            "cached": float(cached),
        },
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    """Restore what ``get_rng_state`` returned."""
    py = state["python"]
    random.setstate((py["version"], tuple(int(v) for v in py["state"].tolist()), py["gauss"]))
    npy = state["numpy"]
    np.random.set_state(
        (npy["name"], npy["keys"].numpy().astype(np.uint32), npy["pos"], npy["has_gauss"], npy["cached"])
    )
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
