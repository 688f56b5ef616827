"""``package_ip(project, out)``: an exported project -> a self-contained IP core directory."""

from __future__ import annotations

import dataclasses
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from trigq.errors import TrigqError
from trigq.ip import layout as L
from trigq.ip.build_script import build_script
from trigq.ip.errors import IPError
from trigq.ip.ports import read_ports
from trigq.ip.readme import render_readme
from trigq.ip.vectors import Vectors, make_vectors, write_tb_data, write_vectors_h5
from trigq.ir import IntegerGraph
from trigq.utils import atomic_write_text

CORE_VERSION = 1
RESOURCES = ("LUT", "FF", "DSP", "BRAM_18K", "URAM")
CsimMode = Literal["auto", "compile", "skip"]


@dataclass
class PackageResult:
    """The packaged core and its manifest (also on disk)."""

    core_dir: Path
    manifest: dict[str, Any]

    @property
    def vectors_checked_with(self) -> list[str]:
        return list(self.manifest["vectors_checked_with"])


def _model_info(
    export_manifest: dict[str, Any], project: Path, name: str | None, source_rel: str | None
) -> dict[str, Any]:
    """The manifest's ``model`` entry; paths relative to the repository when the export source is
    committed there (``source_rel``), not paths of the packager's machine."""
    source = export_manifest.get("source", {})
    model_name, checkpoint = name, None
    if source.get("kind") == "run-dir" and source.get("path"):
        import yaml

        run = Path(source["path"])
        cfg_path = run / "config.yaml"
        if cfg_path.is_file():
            model_name = model_name or (yaml.safe_load(cfg_path.read_text()) or {}).get("model")
        best = run / "best.pt"
        if best.is_file():
            checkpoint = {
                "path": f"{source_rel}/best.pt" if source_rel else str(best),
                "sha256": L.sha256_file(best),
            }
    model_name = model_name or project.name
    from trigq.models import MODEL_SPECS

    spec = MODEL_SPECS.get(model_name)
    weights = {"checkpoint": checkpoint}
    for f in ("model_qonnx.onnx", "model_qonnx.onnx.data"):
        if (project / f).is_file():
            weights[f] = L.sha256_file(project / f)
    return {
        "name": model_name,
        "task": spec.task if spec else "unknown",
        "targets": list(spec.targets) if spec else None,
        "source": {**source, "path": source_rel} if source_rel else source,
        "export_config": export_manifest.get("config", {}),
        "weights": weights,
    }


def repo_root(path: Path) -> Path | None:
    """The nearest ancestor of ``path`` holding ``.git`` (the repository the core lives in)."""
    for p in Path(path).resolve().parents:
        if (p / ".git").exists():
            return p
    return None


def source_in_repo(source: dict[str, Any], out_dir: Path) -> str | None:
    """The export source (training run / QONNX file) relative to the repository root of
    ``out_dir`` when it lies in that repository (committed weights), else None."""
    root, path = repo_root(out_dir), source.get("path")
    if root is None or not path or source.get("kind") not in ("run-dir", "qonnx-file"):
        return None
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return None


def _report(project: Path, core: Path) -> tuple[dict[str, Any], list[str]]:
    """The project's report (or a new one from ``report_project``), copied into ``core/report``."""
    existing = project / L.REPORT / "report.json"
    if existing.is_file():
        shutil.copytree(project / L.REPORT, core / L.REPORT)
        return json.loads(existing.read_text()), []
    from trigq.report import report_project, write_report
    from trigq.report.build import estimator_error_table

    try:
        rep = report_project(project)
    except TrigqError as exc:
        return {}, [f"no latency/resource report: {exc}"]
    # the export directory is a scratch path on the packager's machine: name it, don't record it
    rep = dataclasses.replace(
        rep,
        notes=tuple(
            n.replace(str(project.resolve()), "<export>").replace(str(project), "<export>") for n in rep.notes
        ),
    )
    write_report(rep, core / L.REPORT, estimator_error_table())
    return rep.to_dict(), []


def _csim_codes(project: Path, project_name: str, vectors: Vectors, n_out: int) -> np.ndarray | None:
    """Output codes of the project's compiled C simulation, or None if it has none usable here."""
    from trigq.export.csim import find_library
    from trigq.export.errors import VerifyError
    from trigq.ip.csim_runner import run_csim

    hls_dir = project / "hls4ml_prj"
    try:
        lib = find_library(hls_dir, project_name)
    except VerifyError:
        return None
    y = run_csim(lib, project_name, vectors.inputs_flat, n_out)
    return float_codes(y, vectors.output_format.frac, str(lib))


def float_codes(y: np.ndarray, frac: int, where: str) -> np.ndarray:
    """Integer codes of exact dyadic outputs; IPError if any value is off the grid."""
    raw = np.asarray(y, dtype=np.float64) * 2.0**frac
    if not np.array_equal(raw, np.round(raw)):
        raise IPError(f"{where}: outputs are not on the output format's grid (2**-{frac})")
    return np.round(raw).astype(np.int64)


def compare_codes(got: np.ndarray, want: np.ndarray, what: str) -> None:
    """IPError naming the first mismatching events when ``got != want``."""
    if got.shape != want.shape:
        raise IPError(f"{what}: output shape {got.shape}, expected {want.shape}")
    bad = np.flatnonzero(np.any(got != want, axis=1))
    if bad.size:
        i = int(bad[0])
        raise IPError(
            f"{what}: {bad.size} of {len(want)} test vectors differ from the emulator "
            f"(first: row {i}, got {got[i].tolist()}, expected {want[i].tolist()})"
        )


def _figures(report: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    total = report.get("total", {})
    latency = {"cycles": total.get("latency_cycles"), "ns": total.get("latency_ns"), "ii": total.get("ii")}
    return latency, {k: total.get(k) for k in RESOURCES if k in total}


def _rtl_entry(
    project: Path, core: Path, max_rtl_mb: float | None, command_source: str, export_config: dict[str, Any]
) -> dict[str, Any] | None:
    """Copy the project's RTL variant into the core unless it exceeds ``max_rtl_mb``; the
    manifest's ``rtl`` entry (None when the project has no RTL variant)."""
    from trigq.ip.rtl_variant import export_command, omitted_rtl, rtl_figures, rtl_size

    rtl = project / L.RTL
    if not (rtl / "rtl_manifest.json").is_file():
        return None
    if max_rtl_mb is not None and rtl_size(rtl)[1] > max_rtl_mb * 1e6:
        return omitted_rtl(rtl, max_rtl_mb, export_command(command_source, export_config))
    L.copy_rtl_sources(rtl, core / L.RTL)
    return {"included": True, **rtl_figures(core / L.RTL)}


def _command_source(source_rel: str | None, out: Path) -> str:
    """What the regeneration commands export from: the committed weights, else the core's QONNX."""
    if source_rel:
        return source_rel
    root = repo_root(out)
    core = Path(out).resolve()
    rel = core.relative_to(root).as_posix() if root is not None else core.as_posix()
    return f"{rel}/{L.MODEL}/model_qonnx.onnx"


def assemble_core(
    project: Path,
    core: Path,
    vectors_n: int,
    seed: int,
    name: str,
    csim: CsimMode,
    inputs: np.ndarray | None = None,
    blocks: dict[str, tuple[int, int]] | None = None,
    source: str | None = None,
    model_name: str | None = None,
    final_dir: Path | None = None,
    max_rtl_mb: float | None = None,
) -> dict[str, Any]:
    """Write the core into the (empty, existing) directory ``core``; returns its manifest."""
    from trigq.export.project import read_manifest, toolkit_versions

    exp = read_manifest(project)
    if not exp.get("integer_graph"):
        raise IPError(
            f"{project}: the export has no integer graph (emulator IR): "
            f"{'; '.join(exp.get('notes', [])) or 'integer_graph.json missing'}"
        )
    if not exp.get("exact", False):
        raise IPError(
            f"{project}: the export is not exact ({'; '.join(exp.get('problems', []))}); "
            "an IP core must match its emulator bit for bit"
        )
    graph = IntegerGraph.load(project / exp["integer_graph"])
    cfg = exp["config"]
    prj_name = cfg["project_name"]
    hls_src = project / "hls4ml_prj"
    in_port, out_port = read_ports(hls_src, prj_name, (graph.input_shape, graph.output_shape))
    vectors = make_vectors(graph, in_port.format, out_port.format, vectors_n, seed, inputs, blocks, source)

    checked = ["emulator"]
    if csim == "auto":
        codes = _csim_codes(project, prj_name, vectors, out_port.n_elements)
        if codes is not None:
            compare_codes(codes, vectors.outputs_raw, f"{project}: C simulation")
            checked.append("csim (the export's compiled library)")

    L.copy_hls_sources(hls_src, core / L.HLS, prj_name)
    (core / L.MODEL).mkdir()
    for f in L.MODEL_FILES:
        if (project / f).is_file():
            shutil.copy2(project / f, core / L.MODEL / f)
    source_rel = source_in_repo(exp.get("source", {}), final_dir or core)
    rtl = _rtl_entry(project, core, max_rtl_mb, _command_source(source_rel, final_dir or core), cfg)
    write_tb_data(core / L.TB_DATA, vectors)
    write_vectors_h5(core / L.VECTORS, vectors)
    script = core / L.BUILD_SCRIPT
    atomic_write_text(script, build_script(cfg["backend"], prj_name))
    script.chmod(0o755)
    report, notes = _report(project, core)
    latency, resources = _figures(report)

    manifest: dict[str, Any] = {
        "trigq_core_version": CORE_VERSION,
        "name": name,
        "model": {**_model_info(exp, project, model_name, source_rel), "source_in_repo": source_rel},
        "hls": {
            "top": prj_name,
            "backend": cfg["backend"],
            "part": cfg["part"],
            "clock_mhz": cfg["clock_mhz"],
            "io_type": cfg["io_type"],
            "strategy": cfg["strategy"],
            "reuse_factor": cfg["reuse_factor"],
            "input_guard_bits": cfg["input_guard_bits"],
        },
        "ports": {"input": in_port.to_dict(), "output": out_port.to_dict()},
        "formats": {
            "input_quantiser": graph.input_fmt.ap_type(),
            "output": graph.output_fmt.ap_type(),
            "input_port": in_port.ap_type,
            "output_port": out_port.ap_type,
        },
        "latency": latency,
        "resources": resources,
        "report_notes": list(report.get("notes", [])) + notes,
        "rtl": rtl,
        "vectors": {
            "n": len(vectors.inputs),
            "n_events": vectors_n if inputs is None else None,
            "seed": seed if inputs is None else None,
            "source": vectors.source,
            "blocks": {k: list(v) for k, v in vectors.blocks.items()},
        },
        "vectors_checked_with": checked,
        "versions": toolkit_versions(),
        "normalised": {
            "excluded": [f"hls/{f}" for f in L.HLS_EXCLUDED],
            "rewritten": {"hls/build_lib.sh": "LIB_STAMP=core"},
        },
        "sources": {},
    }
    if csim == "compile":
        from trigq.ip.check import csim_vectors

        atomic_write_text(core / L.MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
        csim_vectors(core, manifest, vectors)
        manifest["vectors_checked_with"] = [*checked, "csim (compiled from the core's hls/)"]
    manifest["sources"] = L.source_hashes(core)
    atomic_write_text(core / L.MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    atomic_write_text(core / L.README, render_readme(manifest))
    return manifest


def package_ip(
    project_dir: str | Path,
    out_dir: str | Path,
    n_vectors: int = 1000,
    seed: int = 0,
    *,
    csim: CsimMode = "auto",
    model_name: str | None = None,
    max_rtl_mb: float | None = None,
    force: bool = False,
) -> PackageResult:
    """Package the exported ``project_dir`` as an IP core in ``out_dir`` (replaced atomically).

    Test vectors: ``n_vectors`` events plus edge cases, expected outputs from the emulator. With
    ``csim="auto"`` the export's compiled C simulation (if any) must reproduce them bit for bit;
    ``"compile"`` compiles the core's own sources with g++ and checks them; ``"skip"`` does not
    run C. The project's RTL variant (``rtl/``) is copied unless it is bigger than ``max_rtl_mb``
    megabytes; then the manifest records its figures, size and the command that regenerates it.
    ``out_dir`` may only replace a previous IP core (``force``: any trigq output), never a
    directory with other files or the project (:mod:`trigq.utils.outputs`). Raises
    :class:`IPError` naming the project/file on any problem.
    """
    from trigq.utils.outputs import output_directory

    project, out = Path(project_dir), Path(out_dir)
    if not project.is_dir():
        raise IPError(f"project directory not found: {project}")
    if csim not in ("auto", "compile", "skip"):
        raise IPError(f"csim: {csim!r} is not auto, compile or skip")
    if n_vectors < 0:
        raise IPError(f"n_vectors: must be >= 0, got {n_vectors}")
    if max_rtl_mb is not None and not max_rtl_mb >= 0:
        raise IPError(f"max_rtl_mb: must be >= 0, got {max_rtl_mb}")
    with output_directory(out, "ip-core", inputs=[project], force=force) as tmp:
        manifest = assemble_core(
            project,
            tmp,
            n_vectors,
            seed,
            out.name,
            csim,
            model_name=model_name,
            final_dir=out,
            max_rtl_mb=max_rtl_mb,
        )
    return PackageResult(out, manifest)
