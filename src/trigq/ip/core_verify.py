"""``trigq verify CORE``: a packaged core's test vectors through every implementation it holds.

The committed expected outputs (``test_vectors/vectors.h5``, the same as ``hls/tb_data``) are
compared, in integer codes of the output port, with the emulator on ``model/integer_graph.json``,
the reference model (Brevitas when the training run the core was exported from is on this
machine, else qonnx's executor on ``model/model_qonnx.onnx``), the C simulation compiled from the
core's own ``hls/`` (when g++ is on PATH) and, with ``rtl``, the Verilator simulation of ``rtl/``
(built in a temporary copy: the core is never written to).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from trigq.export.errors import VerifyError
from trigq.export.verify import brevitas_outputs, float_codes, mismatch_error, qonnx_outputs, summarise
from trigq.ip.check import checked_vectors
from trigq.ip.csim import core_csim_outputs
from trigq.ip.manifest import CoreManifest, read_core_manifest
from trigq.ip.provenance import resolve_source
from trigq.ip.vectors import port_codes, port_order
from trigq.ir import IntegerGraph
from trigq.layout import CoreLayout


def _channels_first(x: np.ndarray) -> np.ndarray:
    return np.moveaxis(x, -1, 1) if x.ndim >= 3 else x


def _reference(core: CoreLayout, m: CoreManifest, x: np.ndarray, graph: IntegerGraph,
               module: Any) -> tuple[str, np.ndarray, str | None]:
    """(name, float outputs in port order, note) of the reference model on channels-last ``x``."""
    note = None
    if module is None and m.model.source.kind == "run-dir":
        run = resolve_source(core.root, m.model)
        if run is not None:
            from trigq.train import load_trained

            module = load_trained(run).model
        else:
            note = (f"the training run {m.model.source.path!r} is not on this machine: the reference is "
                    "qonnx's executor on the core's QONNX model")
    shape = tuple(graph.output_shape)
    if module is not None:
        return "brevitas", port_order(brevitas_outputs(module, _channels_first(x)), shape), note
    return "qonnx", port_order(qonnx_outputs(core.qonnx, _channels_first(x)), shape), note


def _rtl_codes(core: CoreLayout, m: CoreManifest, graph: IntegerGraph, x: np.ndarray) -> np.ndarray:
    """Verilator output codes of the core's ``rtl/`` (a temporary copy) in port order."""
    from trigq.export.verify import input_codes
    from trigq.rtl import simulate_rtl

    if m.rtl is None:
        raise VerifyError(f"{core.root}: has no RTL variant to simulate")
    if not m.rtl.included or not core.rtl.manifest.is_file():
        raise VerifyError(f"{core.root}: its RTL variant is not included ({m.rtl.reason}); generate it "
                          f"with `{m.rtl.generate}` and run trigq verify PROJECT --rtl")
    with tempfile.TemporaryDirectory(prefix="trigq-verify-rtl-") as tmp:
        rtl_dir = Path(tmp) / core.RTL_DIR
        shutil.copytree(core.rtl_dir, rtl_dir)
        y = simulate_rtl(rtl_dir, input_codes(graph, x, channels_last=True))
    return y.reshape(len(y), -1)


def verify_core(core_dir: str | Path, *, csim: bool = True, rtl: bool = False, module: Any = None
                ) -> dict[str, Any]:
    """Compare the core's expected outputs with every implementation it holds (module docstring);
    ``module``: a Brevitas model to use as the reference. Returns the comparison (nothing is
    written into the core); raises :class:`VerifyError` on any mismatch."""
    core = CoreLayout(Path(core_dir))
    m = read_core_manifest(core.root)
    vectors = checked_vectors(core)
    graph = IntegerGraph.load(core.ir)
    x, frac = vectors.inputs, vectors.output_format.frac
    codes: dict[str, np.ndarray] = {"vectors": vectors.outputs_raw.astype(np.int64)}
    off_grid: dict[str, int] = {"vectors": 0}
    notes: list[str] = []
    codes["emulator"], off_grid["emulator"] = port_codes(graph, x), 0
    ref_name, y_ref, note = _reference(core, m, x, graph, module)
    codes[ref_name], off_grid[ref_name] = float_codes(y_ref, frac)
    notes += [note] if note else []
    if csim and shutil.which("g++") is not None:
        y, _ = core_csim_outputs(core.root, m.hls.top, vectors.inputs_flat, m.ports.output.elements)
        codes["csim"], off_grid["csim"] = float_codes(y, frac)
    elif csim:
        notes.append("g++ is not on PATH: no C simulation")
    if rtl:
        codes["rtl"], off_grid["rtl"] = _rtl_codes(core, m, graph, x), 0
    result = {"core": str(core.root), "kind": "ip-core", "reference": "vectors", "n_inputs": len(x),
              "input_blocks": {k: list(v) for k, v in vectors.blocks.items()},
              "output_format": vectors.output_format.to_dict(), **summarise(codes, off_grid), "notes": notes}
    if result["mismatches"]:
        raise mismatch_error(core.root, result)
    return result
