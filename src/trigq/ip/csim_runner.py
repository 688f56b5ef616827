"""Run a compiled hls4ml C simulation in a child process.

hls4ml's C simulation calls ``exit(1)`` when its weight files are missing (e.g. a project moved
after compiling), which would end the calling Python process; a child process contains that.
Usage: ``python -m trigq.ip.csim_runner LIB TOP N_OUT IN.npy OUT.npy``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from trigq.ip.errors import IPError


def run_csim(library: Path, top: str, inputs: np.ndarray, n_out: int, timeout_s: float = 3600) -> np.ndarray:
    """Outputs ``[N, n_out]`` (float64) of the C simulation ``library`` on ``inputs`` ``[N, n_in]``."""
    with tempfile.TemporaryDirectory(prefix="trigq-csim-") as tmp:
        x_path, y_path = Path(tmp) / "in.npy", Path(tmp) / "out.npy"
        np.save(x_path, np.ascontiguousarray(inputs, dtype=np.float64))
        cmd = [
            sys.executable,
            "-m",
            "trigq.ip.csim_runner",
            str(library),
            top,
            str(n_out),
            str(x_path),
            str(y_path),
        ]
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s)
        if run.returncode != 0 or not y_path.is_file():
            raise IPError(
                f"C simulation {library} failed (exit {run.returncode}): "
                f"{(run.stderr or run.stdout).strip()[-1500:]}"
            )
        return np.load(y_path, allow_pickle=False)


def main(argv: list[str]) -> int:
    from trigq.export.csim import CSimulation

    lib, top, n_out, x_path, y_path = argv
    x = np.load(x_path, allow_pickle=False)
    y = CSimulation(Path(lib), top, x.shape[1], int(n_out)).predict(x)
    np.save(y_path, y)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
