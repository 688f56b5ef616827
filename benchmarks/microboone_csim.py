"""MicroBooNE CNN firmware, full or reduced size: io_stream + resource export, C-sim == emulator == Brevitas.

    .venv/bin/python benchmarks/microboone_csim.py [--model mpid-cnn] [--events N] [--run DIR] [--out DIR]

Builds the int4 firmware architecture of ``--model`` (``mpid-cnn``: 512 x 512; ``mpid-cnn-64``: the
reduced size) from a training run (``--run``) or with seeded random weights calibrated on sparse
images (untrained: bit-exactness does not depend on training), exports it with
``ExportConfig(io_type="stream", strategy="resource")`` and compiles the C simulation, then compares
the output codes of Brevitas, the emulator and the C-sim on ``--events`` simulated events of the
model's detector (``trigq.sim.simulators``). Prints one JSON object (timings in s); the project
stays under ``--out`` for ``trigq report``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch


def main() -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="mpid-cnn")
    ap.add_argument("--events", type=int, default=20)
    ap.add_argument("--run", help="training run directory (default: calibrated random weights)")
    ap.add_argument("--out", default="microboone-csim", help="project directory (created)")
    args = ap.parse_args()
    from trigq.export import ExportConfig, export
    from trigq.export.verify import collect_codes
    from trigq.models import build_model
    from trigq.sim.simulators import detector_events

    if args.run:
        from trigq.train.trained import load_trained

        model = load_trained(args.run).model.eval()
    else:
        torch.manual_seed(0)
        model = build_model(args.model, "int4", arch="firmware")
        with torch.no_grad():
            for _ in range(2):
                model((torch.rand(8, *model.spec.input_shape) < 0.02).float() * 15)
        model.eval()
    shape = (1, *model.spec.input_shape)
    t0 = time.perf_counter()
    export(model, Path(args.out), ExportConfig(io_type="stream", strategy="resource"), input_shape=shape)
    t_export = time.perf_counter() - t0
    x, source = detector_events(model.spec.input_shape, args.events, seed=3)
    t0 = time.perf_counter()
    ref, codes, off_grid = collect_codes(args.out, x, module=model)
    t_codes = time.perf_counter() - t0
    exact = all(np.array_equal(codes[k], codes[ref]) for k in codes) and not any(off_grid.values())
    return {
        "model": model.spec.name,
        "input_shape": list(shape),
        "events": args.events,
        "events_from": source,
        "sources": sorted(codes),
        "bit_exact": bool(exact),
        "distinct_outputs": len(np.unique(codes[ref])),
        "export_and_compile_s": round(t_export, 1),
        "brevitas_emulator_csim_s": round(t_codes, 1),
        "project": str(args.out),
    }


if __name__ == "__main__":
    print(json.dumps(main()))
