"""Checks of a packaged core: its C simulation against its vectors, and regeneration from source.

``run_ip_csim(core)`` compiles the core's ``hls/`` with g++ (as hls4ml's ``build_lib.sh`` does,
in a temporary copy) and compares the outputs on ``test_vectors/vectors.h5`` bit for bit; it also
checks ``hls/tb_data`` holds the same vectors. ``check_ip(core)`` re-exports the model from the
core's committed QONNX (or ``regenerate_from``: a QONNX file or training run directory) with the
recorded export config, packages it with the committed input vectors, and compares the
``sources`` hashes (the RTL variant is regenerated too when the core has one).
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from trigq.ip import layout as L
from trigq.ip.errors import IPError
from trigq.ip.vectors import Vectors, read_tb_data, read_vectors_h5


def read_core_manifest(core: Path) -> dict[str, Any]:
    path = Path(core) / L.MANIFEST
    try:
        return json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise IPError(f"{path}: not found; is {core} a packaged trigq core?") from exc
    except json.JSONDecodeError as exc:
        raise IPError(f"{path}: not valid JSON: {exc}") from exc


def csim_vectors(core: Path, manifest: dict[str, Any], vectors: Vectors) -> dict[str, Any]:
    """Compile ``core/hls`` in a temporary copy, run the vectors, IPError on any mismatch."""
    import shutil

    from trigq.export.csim import compile_library
    from trigq.ip.csim_runner import run_csim
    from trigq.ip.package import compare_codes, float_codes

    top = manifest["hls"]["top"]
    n_out = manifest["ports"]["output"]["elements"]
    with tempfile.TemporaryDirectory(prefix="trigq-ip-csim-") as tmp:
        hls = Path(tmp) / "hls"
        shutil.copytree(Path(core) / L.HLS, hls)
        t0 = time.perf_counter()
        lib = compile_library(hls, top, "core", hls / "firmware" / "weights")
        compile_s = time.perf_counter() - t0
        y = run_csim(lib, top, vectors.inputs_flat, n_out)
    codes = float_codes(y, vectors.output_format.frac, f"{core}: C simulation")
    compare_codes(codes, vectors.outputs_raw, f"{core}: C simulation of hls/")
    return {"n_vectors": len(codes), "mismatches": 0, "compile_seconds": round(compile_s, 1)}


def run_ip_csim(core_dir: str | Path) -> dict[str, Any]:
    """Compile the core's C simulation and compare it with the committed vectors bit for bit.

    Returns ``{"n_vectors", "mismatches", "compile_seconds"}``; raises :class:`IPError` on any
    difference (C-sim vs vectors, or ``hls/tb_data`` vs ``test_vectors/vectors.h5``).
    """
    core = Path(core_dir)
    manifest = read_core_manifest(core)
    vectors = read_vectors_h5(core / L.VECTORS)
    tb_in, tb_out = read_tb_data(core / L.TB_DATA)
    if not (np.array_equal(tb_in, vectors.inputs_flat) and np.array_equal(tb_out, vectors.outputs)):
        raise IPError(f"{core / L.TB_DATA}: differs from {core / L.VECTORS}")
    return csim_vectors(core, manifest, vectors)


def _export_source(core: Path, manifest: dict[str, Any], regenerate_from: str | Path | None) -> Path:
    if regenerate_from == "source":
        from trigq.ip.package import repo_root

        rel, root = manifest["model"].get("source_in_repo"), repo_root(core)
        if not rel or root is None or not (root / rel).exists():
            raise IPError(
                f"{core}: its export source is not in this repository (model.source_in_repo = {rel!r})"
            )
        return root / rel
    if regenerate_from is not None:
        return Path(regenerate_from)
    src = core / L.MODEL / "model_qonnx.onnx"
    if not src.is_file():
        raise IPError(f"{src}: not found; the core has no committed QONNX model to regenerate from")
    return src


def _regenerate_rtl(core: Path, project: Path) -> None:
    """Regenerate ``project/rtl`` with the parameters recorded in the core's rtl_manifest.json."""
    from trigq.ir import IntegerGraph
    from trigq.rtl import generate_rtl

    rm = json.loads((core / L.RTL / "rtl_manifest.json").read_text())
    graph = IntegerGraph.load(project / "integer_graph.json")
    generate_rtl(
        graph,
        project / L.RTL,
        clock_mhz=rm["clock_mhz"],
        top=rm["top"],
        latency_cutoff=rm["latency_cutoff"],
        part=rm["part"],
        reuse_kernels=rm.get("reuse_kernels", True),
    )


def check_ip(
    core_dir: str | Path,
    regenerate_from: str | Path | None = None,
    *,
    rtl: bool = True,
    work_dir: str | Path | None = None,
    strict: bool = True,
) -> dict[str, Any]:
    """Re-export and re-package the core's model in a temporary directory; compare sources.

    ``regenerate_from``: None = the core's ``model/model_qonnx.onnx``; ``"source"`` = the training
    run / QONNX file it was exported from when that is committed in the same repository
    (``model.source_in_repo``); or a path (QONNX file or training run directory).

    Returns ``{"identical", "changed", "missing", "added", "edited"}`` (file lists; ``edited``:
    committed files whose content no longer matches the committed manifest). With ``strict``
    raises :class:`IPError` naming the differing files.
    """
    from trigq.export import ExportConfig, export
    from trigq.ip.package import assemble_core
    from trigq.utils import config_from_dict

    core = Path(core_dir)
    manifest = read_core_manifest(core)
    committed = manifest["sources"]
    edited = L.diff_hashes(committed, L.source_hashes(core))
    cfg = dict(manifest["model"]["export_config"])
    cfg["compile"] = False
    vectors = read_vectors_h5(core / L.VECTORS)
    with tempfile.TemporaryDirectory(prefix="trigq-ip-check-", dir=work_dir) as tmp:
        project = Path(tmp) / "project"
        config = config_from_dict(ExportConfig, cfg, where=f"{core / L.MANIFEST}: model.export_config")
        export(_export_source(core, manifest, regenerate_from), project, config)
        if rtl and (core / L.RTL / "rtl_manifest.json").is_file():
            _regenerate_rtl(core, project)
        new_core = Path(tmp) / core.name
        new_core.mkdir()
        new = assemble_core(
            project,
            new_core,
            0,
            0,
            manifest["name"],
            "skip",
            inputs=vectors.inputs,
            blocks=vectors.blocks,
            source=vectors.source,
            model_name=manifest["model"]["name"],
        )
    regenerated = new["sources"]
    if not rtl:
        committed = {k: v for k, v in committed.items() if not k.startswith(L.RTL + "/")}
    diff = L.diff_hashes(committed, regenerated)
    result = {
        "identical": not any(diff.values()) and not any(edited.values()),
        **diff,
        "edited": edited["changed"] + edited["missing"] + edited["added"],
        "n_sources": len(committed),
    }
    if strict and not result["identical"]:
        parts = [
            f"{k}: {', '.join(v[:8])}{' ...' if len(v) > 8 else ''}"
            for k, v in result.items()
            if isinstance(v, list) and v
        ]
        raise IPError(f"{core}: regenerated sources differ from the committed core ({'; '.join(parts)})")
    return result
