"""``trigq emulate DIR --data FILE.h5 --out PRED.h5``: bit-accurate predictions of an exported model."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from trigq.utils.console import echo, progress


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from trigq.cli import add_force_flag, add_json_flag, positive_int, seed_int

    parser.add_argument("project", type=Path,
                        help="exported project (integer_graph.json or model_qonnx.onnx inside) or IP core")
    parser.add_argument("--data", type=Path, required=True, help="HDF5 dataset (schema 1)")
    parser.add_argument("--out", type=Path, required=True, help="predictions file to write (HDF5)")
    parser.add_argument(
        "--split",
        choices=("train", "val", "test"),
        default=None,
        help="only the events of this split (default: all events)",
    )
    parser.add_argument("--split-seed", type=seed_int, default=0, help="seed of the split (as in training)")
    parser.add_argument("--audit", action="store_true", help="print the per-layer overflow audit table")
    parser.add_argument(
        "--chunk", type=positive_int, default=65536, help="events per chunk read and emulated"
    )
    add_force_flag(parser)
    add_json_flag(parser)


def _inputs(project: Path) -> tuple[Path, Path, list[Path]]:
    """(IR file, QONNX file, every file read) of a project or, by its manifest, a core."""
    from trigq.layout import CoreLayout, ProjectLayout, target_kind

    if target_kind(project) == "ip-core":
        core = CoreLayout(project)
        return core.ir, core.qonnx, [core.manifest, core.model_dir]
    prj = ProjectLayout(project)
    return prj.ir, prj.qonnx, [prj.ir, prj.ir_arrays, prj.qonnx, prj.manifest]


def load_project_emulator(project: Path) -> Any:
    """The emulator of an exported project (or a core)."""
    from trigq.emulate import Emulator
    from trigq.ir import IRError

    if not project.is_dir():
        raise IRError(f"{project}: not a project directory")
    ir, qonnx, _ = _inputs(project)
    if ir.exists():
        emulator = Emulator.load(ir)
    elif qonnx.exists():  # channels-first; model_clean.onnx is channels-last (hls4ml)
        emulator = Emulator.from_qonnx(qonnx)
    else:
        raise IRError(
            f"{project}: neither {ir.name} nor {qonnx.name} found; is it an export project or an IP "
            f"core? make one with `trigq export RUN --out {project}`"
        )
    return emulator


def audit_table(audit: dict[str, dict[str, int]]) -> str:
    """Plain-text table of the overflow audit, one row per quantiser."""
    rows = [f"{'layer':<32} {'saturated':>10} {'wrapped':>9} {'total':>12} {'sat %':>8}"]
    for name, c in audit.items():
        pct = 100.0 * c["saturated"] / c["total"] if c["total"] else 0.0
        rows.append(f"{name:<32} {c['saturated']:>10} {c['wrapped']:>9} {c['total']:>12} {pct:>8.3f}")
    return "\n".join(rows)


def run(args: argparse.Namespace) -> dict[str, Any]:
    import h5py
    import numpy as np

    from trigq.data import read_arrays, split_indices, validate_dataset
    from trigq.emulate import merge_audits
    from trigq.ir import IRError
    from trigq.utils import atomic_path
    from trigq.utils.outputs import MARKER_ATTR, check_output_file

    if args.chunk < 1:
        raise IRError(f"--chunk must be positive, got {args.chunk}")
    read = _inputs(args.project)[2] if args.project.is_dir() else [args.project]
    check_output_file(args.out, "predictions", inputs=[args.data, *read], force=args.force)
    emulator = load_project_emulator(args.project)
    info = validate_dataset(args.data, require=())
    shape = tuple(int(d) for d in emulator.graph.input_shape)  # channels-last
    model_shape = (shape[-1], *shape[:-1]) if len(shape) > 1 else shape  # channels first, as trained
    if info.detector.crop_for(model_shape) is False:
        raise IRError(
            f"{args.project}: model input {list(model_shape)} (channels first) does not fit the "
            f"{info.detector.name} images {list(info.detector.image_shape)} of {args.data}"
        )
    indices = (
        np.arange(info.n_events)
        if args.split is None
        else split_indices(info.n_events, seed=args.split_seed)[args.split]
    )
    fmt = emulator.graph.output_fmt
    audit: dict[str, dict[str, int]] = {}
    t0 = time.perf_counter()
    with (
        atomic_path(args.out) as tmp,
        h5py.File(tmp, "w") as out,
        progress(total=len(indices), desc="emulate", unit="event") as bar,
    ):
        n_out = int(np.prod(emulator.graph.output_shape)) if emulator.graph.output_shape else 1
        d_pred = out.create_dataset("pred", (len(indices), n_out), dtype="f8")
        d_raw = out.create_dataset("raw", (len(indices), n_out), dtype="i8")
        out.create_dataset("index", data=indices.astype(np.int64))
        for start in range(0, len(indices), args.chunk):
            rows = indices[start : start + args.chunk]
            images = read_arrays(args.data, [info.detector.image_key], indices=rows)[info.detector.image_key]
            x = info.detector.model_inputs(images, model_shape)
            raw, counts = emulator.run(x)
            merge_audits(audit, counts)
            d_raw[start : start + len(rows)] = raw
            d_pred[start : start + len(rows)] = raw * fmt.scale
            bar.update(len(rows))
        out.attrs.update(
            {
                MARKER_ATTR: "predictions",
                "output_fmt": json.dumps(fmt.to_dict()),
                "project": str(args.project),
                "data": str(args.data),
                "split": args.split or "all",
                "audit": json.dumps(audit),
            }
        )
    seconds = time.perf_counter() - t0
    saturated = sum(int(c.get("saturated", 0)) for c in audit.values())
    rate = f"{len(indices) / seconds:,.0f} events/s" if seconds > 0 else "n/a events/s"
    echo(
        f"emulated {len(indices)} events -> {args.out} in {seconds:.1f} s ({rate}; "
        f"{saturated} saturated values over {len(audit)} quantisers)"
    )
    if args.audit:
        echo(audit_table(audit))
    return {
        "out": str(args.out),
        "n_events": len(indices),
        "seconds": round(seconds, 3),
        "events_per_s": round(len(indices) / seconds, 1) if seconds > 0 else None,
        "output_fmt": fmt.to_dict(),
        "audit": audit,
    }
