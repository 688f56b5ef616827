"""NEWSdm 3-D residual SWISH net in RTL: Verilator simulation of the da4ml Verilog == emulator == Brevitas.

    .venv/bin/python benchmarks/newsdm_rtl.py [--events N] [--out DIR]

The tiny net of ``firmware_tests/test_export_new_ops.tiny_3d_net`` (4 x 4 clusters of 8 polarisation
images: slice + concat for the periodic 9th image, 3x3x3 and 1x1x1 convolutions, SWISH tables, the
residual add, 3-D max pools, a dense output; int4, 8-bit inputs, seeded calibrated weights) is exported
with ``ExportConfig(hls=False, rtl=RtlConfig(enabled=True))`` and simulated by Verilator on ``--events``
random 8-bit clusters; the output codes are compared with the emulator's and Brevitas'. Outside CI: 52 s
at load 2-3 on 2 cores (Verilator 42 s), 20 minutes under load 10-12. Prints one JSON object (timings in s).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch


def main() -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100)
    ap.add_argument("--out", default="newsdm-rtl", help="project directory (created)")
    args = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "firmware_tests"))
    from test_export_new_ops import tiny_3d_net
    from trigq.emulate import Emulator
    from trigq.export import ExportConfig, export
    from trigq.export.config import RtlConfig
    from trigq.rtl import simulate_rtl

    net = tiny_3d_net()
    shape = (1, 1, 8, 4, 4)
    t0 = time.perf_counter()
    export(net, Path(args.out), ExportConfig(hls=False, rtl=RtlConfig(enabled=True)), input_shape=shape)
    t1 = time.perf_counter()
    emu = Emulator.load(Path(args.out) / "integer_graph.json")
    x = np.random.default_rng(5).integers(0, 256, (args.events, *shape[1:])).astype(np.float32)
    rtl = simulate_rtl(Path(args.out) / "rtl", np.moveaxis(x, 1, -1).astype(np.int64)).reshape(len(x), -1)
    t2 = time.perf_counter()
    emulated = emu.predict_raw(x)
    with torch.no_grad():
        brevitas = net(torch.from_numpy(x)).numpy().astype(np.float64)
    np.testing.assert_array_equal(rtl, emulated)
    np.testing.assert_array_equal(emu.predict(x), brevitas)
    return {
        "events": len(x), "rtl_equals_emulator": True, "emulator_equals_brevitas": True,
        "distinct_outputs": int(np.unique(rtl).size), "export_s": t1 - t0, "verilator_s": t2 - t1,
    }  # fmt: skip


if __name__ == "__main__":
    print(json.dumps(main()))
