"""``verify(project, n_events)``: reference model, integer emulator, C simulation and (opt-in) the
Verilator simulation of the RTL variant, bit for bit.

Outputs are compared as integer LSB codes of the model's output format. The reference is the
Brevitas model (a training run dir, or a module given to :func:`verify`) or, for a QONNX-file
source, qonnx's ``execute_onnx`` on the original QONNX graph. A project exported with
``--no-hls`` has no C simulation: reference = emulator (= RTL). Packaged cores are verified by
:func:`trigq.ip.core_verify.verify_core` with the helpers of this module.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from trigq.export.errors import VerifyError
from trigq.export.manifest import ExportManifest, read_export_manifest
from trigq.ir import FixedFormat, IntegerGraph
from trigq.layout import ProjectLayout
from trigq.utils import atomic_write_text

VERIFY_FILE = ProjectLayout.VERIFY


def edge_case_inputs(shape: tuple[int, ...], fmt: FixedFormat) -> dict[str, np.ndarray]:
    """Inputs that stress the first quantiser: every rounding tie of its grid (and next to one),
    all-zeros, all-ones, the extremes of its range and values far beyond (saturation)."""
    lsb = 2.0**-fmt.frac
    lo, hi = fmt.lo * lsb, fmt.hi * lsb
    size = int(np.prod(shape))
    ties = (np.arange(fmt.lo, fmt.hi) + 0.5) * lsb  # exactly half-way between two codes
    n_tie = max(1, -(-ties.size // size))
    tie_rows = np.resize(ties, (n_tie, size))
    rng = np.random.default_rng(1)
    tie_rows = np.stack([rng.permutation(r) for r in tie_rows])
    eps = lsb / 256
    near = np.concatenate([tie_rows + eps, tie_rows - eps])
    cases = {
        "ties": tie_rows,
        "near_ties": near,
        "zeros": np.zeros((1, size)),
        "ones": np.ones((1, size)),
        "max": np.full((1, size), hi),
        "min": np.full((1, size), lo),
        "saturate_high": np.full((1, size), 2 * abs(hi) + 1),
        "saturate_low": np.full((1, size), -(2 * max(abs(lo), abs(hi)) + 1)),
        "alternating": np.resize([lo, hi], (1, size)).astype(np.float64),
    }
    return {k: v.reshape(-1, *shape).astype(np.float64) for k, v in cases.items()}


def event_inputs(
    n: int, shape: tuple[int, ...], fmt: FixedFormat, data: Path | None, seed: int
) -> np.ndarray:
    """``n`` events: from an HDF5 dataset (any detector whose images fit ``shape``, read through the
    file's ``DetectorSpec``), simulated events of the first registered detector whose images fit
    (the ATLAS RPC for ``[1, 9, W]``, ``W <= 384``, a centred eta crop), otherwise random codes on
    the first quantiser's grid."""
    if n <= 0:
        return np.zeros((0, *shape))
    if data is not None:
        from trigq.data import read_arrays, validate_dataset

        info = validate_dataset(data, require=())
        spec = info.detector
        if not spec.fits(shape):
            raise VerifyError(
                f"{data}: holds {spec.name} images {list(spec.image_shape)}, the model reads "
                f"{list(shape)}; verify without --data"
            )
        if info.n_events < n:
            raise VerifyError(f"{data}: holds {info.n_events} events, fewer than --events {n}")
        images = read_arrays(data, [spec.image_key], indices=np.arange(n))[spec.image_key]
        return spec.model_inputs(images, shape)
    from trigq.sim.simulators import detector_events

    events = detector_events(shape, n, seed)
    if events is not None:
        return events[0]
    rng = np.random.default_rng(seed)
    span = fmt.hi - fmt.lo
    codes = rng.integers(fmt.lo - span // 8, fmt.hi + span // 8 + 1, size=(n, *shape))
    return codes * 2.0**-fmt.frac


def brevitas_outputs(module: Any, x: np.ndarray) -> np.ndarray:
    """Float outputs ``[N, outputs]`` of a torch/Brevitas module on channels-first inputs."""
    import torch

    module.eval()
    with torch.no_grad():
        outs = []
        for i in range(0, len(x), 1024):
            y = module(torch.as_tensor(x[i : i + 1024], dtype=torch.float32))
            y = getattr(y, "value", y)
            outs.append(y.detach().double().numpy().reshape(len(y), -1))
    return np.concatenate(outs) if outs else np.zeros((0, 0))


def qonnx_outputs(qonnx: Path, x: np.ndarray) -> np.ndarray:
    """Float outputs of qonnx's ``execute_onnx`` on the QONNX file, event by event (slow)."""
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.core.onnx_exec import execute_onnx
    from qonnx.util.cleanup import cleanup_model

    model = cleanup_model(ModelWrapper(str(qonnx)))
    iname, oname = model.graph.input[0].name, model.graph.output[0].name
    from trigq.utils.console import progress

    events = progress(range(len(x)), desc="qonnx execute_onnx", unit="event")
    ys = [execute_onnx(model, {iname: x[i : i + 1].astype(np.float32)})[oname] for i in events]
    return np.concatenate([np.asarray(y, dtype=np.float64).reshape(1, -1) for y in ys])


def _reference_outputs(
    manifest: ExportManifest, project: ProjectLayout, x: np.ndarray, module
) -> tuple[str, np.ndarray]:
    kind = manifest.source.kind
    if module is None and kind == "run-dir":
        from trigq.train import load_trained

        module = load_trained(manifest.source.path).model
    if module is not None:
        return "brevitas", brevitas_outputs(module, x)
    if kind == "module":
        raise VerifyError(f"{project.root}: exported from a Python module; pass the module to verify()")
    return "qonnx", qonnx_outputs(project.qonnx, x)


def float_codes(y: np.ndarray, frac: int) -> tuple[np.ndarray, int]:
    """LSB codes of float outputs and how many values were off the grid (rounded)."""
    raw = np.asarray(y, dtype=np.float64) * 2.0**frac
    off = int(np.sum(raw != np.round(raw)))
    return np.round(raw).astype(np.int64), off


def compare(a: np.ndarray, b: np.ndarray) -> dict[str, Any]:
    """Per output: events that differ and the largest |difference| in LSBs."""
    diff = np.abs(a.astype(np.int64) - b.astype(np.int64))
    return {
        "mismatching_events": [int(v) for v in np.sum(diff != 0, axis=0)],
        "max_abs_lsb": [int(v) for v in np.max(diff, axis=0, initial=0)],
        "total_mismatches": int(np.sum(diff != 0)),
    }


def input_codes(graph: IntegerGraph, x: np.ndarray, channels_last: bool = False) -> np.ndarray:
    """The graph input quantiser's int64 codes of float inputs (what the RTL's port carries)."""
    import torch

    from trigq.ir.torch_kernels import quantise_float

    x = np.asarray(x, dtype=np.float64)
    if not channels_last and x.ndim >= 3:
        x = np.moveaxis(x, 1, -1)
    raw = quantise_float(
        torch.from_numpy(np.ascontiguousarray(x)), graph.input_fmt, graph.input_rounding, False
    ).raw
    return raw.numpy().astype(np.int64)


def emulator_order(y: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``[N, *shape]`` channels-last outputs flattened like the emulator's (torch, channels first)."""
    y = np.asarray(y).reshape(len(y), *shape)
    return (np.moveaxis(y, -1, 1) if len(shape) > 1 else y).reshape(len(y), -1)


def rtl_codes(rtl_dir: Path, graph: IntegerGraph, x: np.ndarray, channels_last: bool = False) -> np.ndarray:
    """Output codes of the Verilator simulation of the RTL variant in ``rtl_dir``, in the emulator's
    order (the input is quantised by the graph's input quantiser, as the RTL's port expects)."""
    from trigq.rtl import simulate_rtl

    y = simulate_rtl(rtl_dir, input_codes(graph, x, channels_last))
    return emulator_order(y, tuple(graph.output_shape))


def comparisons(codes: dict[str, np.ndarray]) -> dict[str, dict[str, Any]]:
    """:func:`compare` of every pair of sources, keyed ``"a_vs_b"`` in the order of ``codes``."""
    names = list(codes)
    return {f"{a}_vs_{b}": compare(codes[a], codes[b]) for i, a in enumerate(names) for b in names[i + 1 :]}


def summarise(codes: dict[str, np.ndarray], off_grid: dict[str, int]) -> dict[str, Any]:
    """The comparisons of ``codes`` and the total number of mismatching (or off-grid) outputs."""
    pairs = comparisons(codes)
    mismatches = sum(p["total_mismatches"] for p in pairs.values()) + sum(off_grid.values())
    return {
        "sources": list(codes),
        "off_grid_outputs": off_grid,
        "comparisons": pairs,
        "mismatches": int(mismatches),
        "exact": mismatches == 0,
    }


def mismatch_error(where: Path, result: dict[str, Any], details: Path | None = None) -> VerifyError:
    """The one-line error of a verification with mismatches."""
    worst = {k: max(v["max_abs_lsb"], default=0) for k, v in result["comparisons"].items()}
    see = f"; see {details}" if details is not None else ""
    return VerifyError(
        f"{where}: {result['mismatches']} mismatching outputs (max |diff| in LSB per pair: {worst}){see}"
    )


def collect_codes(
    project: str | Path, x: np.ndarray, module=None, *, csim: bool = True, rtl: bool = False
) -> tuple[str, dict[str, np.ndarray], dict[str, int]]:
    """Output LSB codes ``[N, outputs]`` of the reference, the emulator, the C simulation (unless
    ``csim`` is False or the project has no hls4ml project) and, with ``rtl``, the Verilator
    simulation of the RTL variant, for channels-first float inputs ``x``; plus, per source, how
    many float outputs were off the output grid (counted as mismatches by :func:`verify`)."""
    from trigq.emulate import Emulator
    from trigq.export.csim import CSimulation, find_library

    prj = ProjectLayout(Path(project))
    manifest = read_export_manifest(prj.root)
    if rtl and manifest.rtl is None:
        raise VerifyError(f"{prj.root}: has no RTL variant (export with --rtl) to simulate")
    sim = None
    if csim and manifest.config.hls:  # before the slow reference: a missing library fails first
        name = manifest.config.project_name
        sim = CSimulation(
            find_library(prj.hls_dir, name), name, manifest.hls_input_size, manifest.hls_output_size
        )
    out_fmt = manifest.formats.output
    ref_name, y_ref = _reference_outputs(manifest, prj, x, module)
    codes: dict[str, np.ndarray] = {}
    off_grid: dict[str, int] = {}
    codes[ref_name], off_grid[ref_name] = float_codes(y_ref, out_fmt.frac)
    emulator = Emulator.load(prj.root / manifest.integer_graph)
    codes["emulator"], off_grid["emulator"] = emulator.predict_raw(x), 0
    if sim is not None:
        # hls4ml keeps the graph input's own (channels-first) order on the port and transposes inside
        codes["csim"], off_grid["csim"] = float_codes(sim.predict(x.reshape(len(x), -1)), out_fmt.frac)
    if rtl and manifest.rtl is not None:
        codes["rtl"], off_grid["rtl"] = rtl_codes(prj.root / manifest.rtl.rtl_dir, emulator.graph, x), 0
    return ref_name, codes, off_grid


def verify(
    project: str | Path,
    n_events: int = 2000,
    data: str | Path | None = None,
    module=None,
    seed: int = 0,
    *,
    csim: bool = True,
    rtl: bool = False,
) -> dict[str, Any]:
    """Run reference, emulator, C simulation (``csim``; none for a ``--no-hls`` project) and, with
    ``rtl``, the Verilator simulation of the RTL variant on ``n_events`` events plus edge cases.

    Writes ``verify.json`` into the project and returns the same dict. Raises
    :class:`VerifyError` on any mismatch unless the project was exported with ``allow_inexact``.
    """
    prj = ProjectLayout(Path(project))
    if isinstance(n_events, bool) or not isinstance(n_events, int) or n_events < 1:
        raise VerifyError(f"n_events: must be an integer >= 1, got {n_events!r} (edge cases are added to it)")
    manifest = read_export_manifest(prj.root)
    shape = tuple(manifest.input_shape[1:])
    in_fmt, out_fmt = manifest.formats.input_quant.fixed(), manifest.formats.output.fixed()
    blocks = {"events": event_inputs(n_events, shape, in_fmt, Path(data) if data else None, seed)}
    blocks.update(edge_case_inputs(shape, in_fmt))
    x = np.concatenate(list(blocks.values()))
    rows, start = {}, 0
    for k, v in blocks.items():
        rows[k] = [start, start + len(v)]
        start += len(v)

    ref_name, codes, off_grid = collect_codes(prj.root, x, module, csim=csim, rtl=rtl)
    summary = summarise(codes, off_grid)
    result = {
        "project": str(prj.root),
        "kind": "export-project",
        "reference": ref_name,
        "n_events": int(n_events),
        "n_inputs": len(x),
        "input_blocks": rows,
        "output_format": out_fmt.to_dict(),
        **summary,
        "emulator": True,
        "export_exact": manifest.exact,
        "notes": [] if manifest.config.hls else ["no C simulation: exported without the hls4ml project"],
    }
    atomic_write_text(prj.verify, json.dumps(result, indent=1, sort_keys=True) + "\n")
    if result["mismatches"] and not manifest.config.allow_inexact:
        raise mismatch_error(prj.root, result, prj.verify)
    return result
