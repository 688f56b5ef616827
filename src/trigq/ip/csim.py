"""C simulation of a core's hls4ml sources: compiled with g++ in a temporary copy, run on vectors.

Also the code comparison every core check uses: exact dyadic outputs to integer codes, and the
first mismatching rows named in the error.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from trigq.ip.errors import IPError
from trigq.layout import CoreLayout

CORE_STAMP = "core"  # the library stamp of a core's own build (``LIB_STAMP=core`` in build_lib.sh)


def float_codes(y: np.ndarray, frac: int, where: str) -> np.ndarray:
    """Integer codes of exact dyadic outputs; IPError if any value is off the grid."""
    raw = np.asarray(y, dtype=np.float64) * 2.0**frac
    if not np.array_equal(raw, np.round(raw)):
        raise IPError(f"{where}: outputs are not on the output format's grid (2**-{frac})")
    return np.round(raw).astype(np.int64)


def compare_codes(got: np.ndarray, want: np.ndarray, what: str) -> None:
    """IPError naming the first mismatching events when ``got != want``."""
    if got.shape != want.shape:
        raise IPError(f"{what}: output shape {got.shape}, expected {want.shape}")
    bad = np.flatnonzero(np.any(got != want, axis=1))
    if bad.size:
        i = int(bad[0])
        raise IPError(f"{what}: {bad.size} of {len(want)} test vectors differ from the emulator "
                      f"(first: row {i}, got {got[i].tolist()}, expected {want[i].tolist()})")


def compile_core_csim(core: Path, top: str, work: Path) -> tuple[Path, float]:
    """Copy ``core/hls`` into ``work`` and compile its C simulation; (library, seconds)."""
    from trigq.export.csim import compile_library

    hls = Path(work) / CoreLayout.HLS_DIR
    shutil.copytree(CoreLayout(core).hls_dir, hls)
    t0 = time.perf_counter()
    lib = compile_library(hls, top, CORE_STAMP, hls / "firmware" / "weights")
    return lib, time.perf_counter() - t0


def core_csim_outputs(core: Path, top: str, inputs_flat: np.ndarray, n_out: int) -> tuple[np.ndarray, float]:
    """Float outputs of the C simulation compiled from the core's own ``hls/`` and the compile time."""
    from trigq.ip.csim_runner import run_csim

    with tempfile.TemporaryDirectory(prefix="trigq-ip-csim-") as tmp:
        lib, seconds = compile_core_csim(core, top, Path(tmp))
        return run_csim(lib, top, inputs_flat, n_out), seconds
