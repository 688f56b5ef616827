"""Checks of a packaged core: its C simulation against its vectors, and regeneration from source.

``run_ip_csim(core)`` compiles the core's ``hls/`` with g++ (as hls4ml's ``build_lib.sh`` does,
in a temporary copy) and compares the outputs on ``test_vectors/vectors.h5`` bit for bit; it also
checks ``hls/tb_data`` holds the same vectors. ``check_ip(core)`` re-exports the model from the
core's committed QONNX (or ``regenerate_from``: a QONNX file or training run directory) with the
recorded export config, packages it with the committed input vectors, and compares the
``sources`` hashes (the RTL variant is regenerated too when the core has one).
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from trigq.ip.csim import compare_codes, core_csim_outputs, float_codes
from trigq.ip.errors import IPError
from trigq.ip.manifest import CoreManifest, read_core_manifest
from trigq.ip.package import assemble_core
from trigq.ip.provenance import repo_root
from trigq.ip.sources import diff_hashes, source_hashes
from trigq.ip.vectors import Vectors, read_tb_data, read_vectors_h5
from trigq.layout import CoreLayout, ProjectLayout, read_rtl_manifest


def csim_vectors(core: Path, manifest: CoreManifest, vectors: Vectors) -> dict[str, Any]:
    """Compile ``core/hls`` in a temporary copy, run the vectors, IPError on any mismatch."""
    n_out = manifest.ports.output.elements
    y, compile_s = core_csim_outputs(core, manifest.hls.top, vectors.inputs_flat, n_out)
    codes = float_codes(y, vectors.output_format.frac, f"{core}: C simulation")
    compare_codes(codes, vectors.outputs_raw, f"{core}: C simulation of hls/")
    return {"n_vectors": len(codes), "mismatches": 0, "compile_seconds": round(compile_s, 1)}


def checked_vectors(core: CoreLayout) -> Vectors:
    """The core's test vectors; IPError unless ``hls/tb_data`` holds the same ones."""
    vectors = read_vectors_h5(core.vectors)
    tb_in, tb_out = read_tb_data(core.tb_data)
    if not (np.array_equal(tb_in, vectors.inputs_flat) and np.array_equal(tb_out, vectors.outputs)):
        raise IPError(f"{core.tb_data}: differs from {core.vectors}")
    return vectors


def run_ip_csim(core_dir: str | Path) -> dict[str, Any]:
    """Compile the core's C simulation and compare it with the committed vectors bit for bit.

    Returns ``{"n_vectors", "mismatches", "compile_seconds"}``; raises :class:`IPError` on any
    difference (C-sim vs vectors, or ``hls/tb_data`` vs ``test_vectors/vectors.h5``).
    """
    core = CoreLayout(Path(core_dir))
    manifest = read_core_manifest(core.root)
    return csim_vectors(core.root, manifest, checked_vectors(core))


def _export_source(core: CoreLayout, manifest: CoreManifest, regenerate_from: str | Path | None) -> Path:
    if regenerate_from == "source":
        rel, root = manifest.model.source_in_repo, repo_root(core.root)
        if not rel or root is None or not (root / rel).exists():
            raise IPError(
                f"{core.root}: its export source is not in this repository (model.source_in_repo = {rel!r})"
            )
        return root / rel
    if regenerate_from is not None:
        return Path(regenerate_from)
    if not core.qonnx.is_file():
        raise IPError(f"{core.qonnx}: not found; the core has no committed QONNX model to regenerate from")
    return core.qonnx


def _regenerate_rtl(core: CoreLayout, project: ProjectLayout) -> None:
    """Regenerate ``project/rtl`` with the parameters recorded in the core's rtl_manifest.json."""
    from trigq.ir import IntegerGraph
    from trigq.rtl import generate_rtl

    rm = read_rtl_manifest(core.rtl_dir)
    generate_rtl(
        IntegerGraph.load(project.ir),
        project.rtl_dir,
        clock_mhz=rm.clock_mhz,
        top=rm.top,
        latency_cutoff=rm.latency_cutoff,
        part=rm.part,
        reuse_kernels=rm.reuse_kernels,
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
    from trigq.export import export
    from trigq.export.config import RtlConfig

    core = CoreLayout(Path(core_dir))
    manifest = read_core_manifest(core.root)
    committed = manifest.sources
    edited = diff_hashes(committed, source_hashes(core.root))
    # no C-sim compile, no RTL in the export (regenerated from the core's own RTL parameters)
    config = dataclasses.replace(manifest.model.export_config, compile=False, rtl=RtlConfig())
    vectors = read_vectors_h5(core.vectors)
    with tempfile.TemporaryDirectory(prefix="trigq-ip-check-", dir=work_dir) as tmp:
        project = ProjectLayout(Path(tmp) / "project")
        export(_export_source(core, manifest, regenerate_from), project.root, config)
        if rtl and core.rtl.manifest.is_file():
            _regenerate_rtl(core, project)
        new_core = Path(tmp) / core.root.name
        new_core.mkdir()
        new = assemble_core(
            project.root,
            new_core,
            0,
            0,
            manifest.name,
            "skip",
            inputs=vectors.inputs,
            blocks=vectors.blocks,
            source=vectors.source,
            model_name=manifest.model.name,
        )
        regenerated = new.sources
        if manifest.rtl is not None and not manifest.rtl.included:
            # exported without RTL: a left-out variant's testbench is written from the manifest
            from trigq.ip.testbench import write_testbench
            from trigq.ir import IntegerGraph

            top, rounding = manifest.rtl.top, IntegerGraph.load(project.ir).input_rounding
            write_testbench(new_core / CoreLayout.RTL_DIR, manifest.name, top, rounding)
            regenerated = source_hashes(new_core)
    if not rtl:
        committed = {k: v for k, v in committed.items() if not k.startswith(CoreLayout.RTL_DIR + "/")}
    diff = diff_hashes(committed, regenerated)
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
        raise IPError(f"{core.root}: regenerated sources differ from the committed core ({'; '.join(parts)})")
    return result
