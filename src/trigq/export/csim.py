"""Run a compiled hls4ml C simulation library (``firmware/<project>-<stamp>.so``) with ctypes.

This is what ``hls4ml.ModelGraph.predict`` does, without rebuilding the model graph: a project
compiled once can be verified later (and after the project directory was renamed).
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from pathlib import Path

import numpy as np
import numpy.ctypeslib as npc

from trigq.export.errors import VerifyError


def find_library(hls_dir: Path, project_name: str) -> Path:
    """The newest compiled C-simulation library of the hls4ml project in ``hls_dir``."""
    libs = sorted((hls_dir / "firmware").glob(f"{project_name}-*.so"), key=lambda p: p.stat().st_mtime)
    if not libs:
        raise VerifyError(
            f"{hls_dir}: no compiled C simulation (firmware/{project_name}-*.so); "
            "export without --no-compile (or verify with --no-csim)"
        )
    return libs[-1]


class CSimulation:
    """The compiled top function ``<project>_double(input, output)`` of one hls4ml project."""

    def __init__(self, library: Path, project_name: str, n_in: int, n_out: int) -> None:
        self.library = Path(library)
        self.n_in, self.n_out = int(n_in), int(n_out)
        self._lib = ctypes.cdll.LoadLibrary(str(self.library.resolve()))
        self._fn = getattr(self._lib, f"{project_name}_double")
        self._fn.restype = None
        arg = npc.ndpointer(ctypes.c_double, flags="C_CONTIGUOUS")
        self._fn.argtypes = [arg, arg]

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Outputs ``[N, n_out]`` (float64 values of the output type) for inputs ``[N, n_in]``."""
        x = np.ascontiguousarray(np.asarray(x, dtype=np.float64).reshape(len(x), -1))
        if x.shape[1] != self.n_in:
            raise VerifyError(
                f"C simulation {self.library.name} expects {self.n_in} inputs per event, got {x.shape[1]}"
            )
        from trigq.utils.console import progress

        out = np.zeros((len(x), self.n_out), dtype=np.float64)
        for i in progress(range(len(x)), desc="C simulation", unit="event"):
            row = np.zeros(self.n_out, dtype=np.float64)
            self._fn(np.ascontiguousarray(x[i]), row)
            out[i] = row
        return out


def _gxx_flags() -> list[str]:
    """The flags hls4ml's build_lib.sh uses: -O3 -fPIC, C++23 if g++ has it, -fno-gnu-unique."""
    flags = ["-O3", "-fPIC"]
    for probe, fallback in ((["-std=c++23"], ["-std=c++11"]), (["-fno-gnu-unique"], [])):
        ok = (
            subprocess.run(
                ["g++", "-Werror", "-fsyntax-only", *probe, "-xc++", "-", "-o", "/dev/null"],
                input="",
                capture_output=True,
                text=True,
            ).returncode
            == 0
        )
        flags += probe if ok else fallback
    return flags


def compile_library(hls_dir: Path, project_name: str, stamp: str, weights_dir: Path) -> Path:
    """Build ``firmware/<project>-<stamp>.so`` like hls4ml's ``build_lib.sh``, but with the C
    simulation reading its weights from ``weights_dir`` (the project's final location), so the
    project can be built in a temporary directory and renamed afterwards."""
    if shutil.which("g++") is None:
        raise VerifyError("g++ is not on PATH: cannot compile the C simulation")
    flags = _gxx_flags()
    inc = ["-Ifirmware/ap_types/"]
    literal = str(weights_dir).replace("\\", "\\\\").replace('"', '\\"')  # a C string literal
    define = [f'-DWEIGHTS_DIR="{literal}"']
    steps = [
        ["g++", *flags, *inc, *define, "-c", f"firmware/{project_name}.cpp", "-o", f"{project_name}.o"],
        ["g++", *flags, *inc, *define, "-c", f"{project_name}_bridge.cpp", "-o", f"{project_name}_bridge.o"],
        [
            "g++",
            *flags,
            *inc,
            "-shared",
            f"{project_name}.o",
            f"{project_name}_bridge.o",
            "-o",
            f"firmware/{project_name}-{stamp}.so",
        ],
    ]
    from trigq.utils.console import progress

    for cmd in progress(steps, desc="g++ C simulation", unit="step"):
        run = subprocess.run(cmd, cwd=hls_dir, capture_output=True, text=True)
        if run.returncode != 0:
            raise VerifyError(f"{hls_dir}: g++ failed ({' '.join(cmd[-3:])}):\n{run.stderr[-2000:]}")
    for obj in hls_dir.glob("*.o"):
        obj.unlink()
    return hls_dir / "firmware" / f"{project_name}-{stamp}.so"
