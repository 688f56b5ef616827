"""Scale of the RTL path on the ternary L0 trigger: trace time, da4ml cost, pipeline depth, yosys.

    .venv/bin/python benchmarks/rtl_scale.py [--compare] [--yosys] [--verilator N] [--out DIR]

Builds ``trigq.models.build_model("l0-trigger", "ternary")`` (seeded random weights: untrained, so
the weight sparsity is not a trained net's), exports it to QONNX, builds the integer IR, traces it
with one adder graph per conv kernel (``--compare``: also da4ml's per-position optimisation), checks
da4ml's bit-exact interpreter against the emulator, pipelines it at the clock and writes the
Verilog. ``--yosys`` synthesises the whole design (long), ``--verilator N`` simulates N events.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import warnings
from pathlib import Path

VU13P_LUTS = 1_728_000


def main() -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="l0-trigger")
    ap.add_argument("--quant", default="ternary")
    ap.add_argument("--clock-mhz", type=float, default=320.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--events", type=int, default=2000, help="events for the da4ml-vs-emulator check")
    ap.add_argument("--compare", action="store_true", help="also trace with per-position CMVM solves")
    ap.add_argument("--yosys", action="store_true", help="synthesise the whole design with yosys")
    ap.add_argument("--verilator", type=int, default=0, help="simulate this many events with Verilator")
    ap.add_argument("--out", type=Path, default=None, help="keep the RTL here (default: a temp dir)")
    args = ap.parse_args()

    import numpy as np
    import torch

    from trigq.emulate import Emulator
    from trigq.ir import build_integer_graph
    from trigq.models import build_model
    from trigq.models.qonnx_export import export_qonnx
    from trigq.rtl import simulate_rtl, synthesize, trace_graph, write_pipeline_rtl

    out: dict = {"model": args.model, "quant": args.quant, "clock_mhz": args.clock_mhz, "seed": args.seed}
    with tempfile.TemporaryDirectory(prefix="trigq-rtl-scale-") as tmp:
        torch.manual_seed(args.seed)
        model = build_model(args.model, args.quant)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            onnx_path = export_qonnx(model, Path(tmp) / "model.onnx")
        graph = build_integer_graph(str(onnx_path))
        out["n_params"] = int(sum(int(np.prod(v.shape)) for n in graph.nodes for v in n.params.values()))

        t0 = time.perf_counter()
        traced = trace_graph(graph, reuse_kernels=True)
        out["trace_s"] = round(time.perf_counter() - t0, 2)
        out["trace_s_per_node"] = {k: round(v, 2) for k, v in traced.trace_seconds.items()}
        out["cost_luts"] = traced.cost
        out["cost_vu13p_fraction"] = traced.cost / VU13P_LUTS
        if args.compare:
            t0 = time.perf_counter()
            per_row = trace_graph(graph, reuse_kernels=False)
            out["per_position_trace_s"] = round(time.perf_counter() - t0, 2)
            out["per_position_cost_luts"] = per_row.cost

        rng = np.random.default_rng(args.seed)
        x = (rng.random((args.events, *graph.input_shape)) < 0.05).astype(np.int64)
        y_da = traced.predict_raw(x)
        y_emu = Emulator(graph).predict_raw(x * graph.input_fmt.scale, channels_last=True)
        out["da4ml_vs_emulator_mismatches"] = int(np.count_nonzero(y_da != y_emu))
        out["distinct_outputs"] = len(np.unique(y_emu))

        rtl_dir = args.out or Path(tmp) / "rtl"
        t0 = time.perf_counter()
        res = write_pipeline_rtl(traced, rtl_dir, clock_mhz=args.clock_mhz)
        out["pipeline_write_s"] = round(time.perf_counter() - t0, 2)
        skip = ("rtl_dir", "input_port", "output_port")
        out.update({k: v for k, v in res.to_dict().items() if k not in skip})
        if args.verilator:
            t0 = time.perf_counter()
            y_rtl = simulate_rtl(rtl_dir, x[: args.verilator])
            out["verilator_s"] = round(time.perf_counter() - t0, 1)
            out["verilator_vs_emulator_mismatches"] = int(np.count_nonzero(y_rtl != y_emu[: args.verilator]))
        if args.yosys:
            counts = synthesize(rtl_dir)
            out["yosys"] = {k: v for k, v in counts.to_dict().items() if k != "cells"}
    print(json.dumps(out, indent=1))
    return out


if __name__ == "__main__":
    main()
