"""``package_ip(project, out)``: an exported project -> a self-contained IP core directory."""

from __future__ import annotations

import dataclasses
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from trigq.errors import TrigqError
from trigq.export.config import ExportConfig
from trigq.export.manifest import ExportManifest, read_export_manifest, toolkit_versions
from trigq.ip import sources as S
from trigq.ip.build_script import build_script
from trigq.ip.csim import compare_codes, core_csim_outputs, float_codes
from trigq.ip.errors import IPError
from trigq.ip.manifest import (
    CORE_VERSION,
    CoreFormats,
    CoreManifest,
    CorePort,
    CorePorts,
    CoreRtl,
    HlsVariant,
    Normalised,
    VectorsInfo,
)
from trigq.ip.ports import Port, read_ports
from trigq.ip.provenance import model_info, repo_root, source_in_repo
from trigq.ip.readme import render_readme
from trigq.ip.testbench import write_testbench
from trigq.ip.vectors import Vectors, make_vectors, write_tb_data, write_vectors_h5
from trigq.ir import IntegerGraph
from trigq.layout import CoreLayout, ProjectLayout, write_manifest
from trigq.report.build import Figure
from trigq.utils import atomic_write_text, config_from_dict

RESOURCES = ("LUT", "FF", "DSP", "BRAM_18K", "URAM")
CsimMode = Literal["auto", "compile", "skip"]
CHECKED_EXPORT = "csim (the export's compiled library)"
CHECKED_CORE = "csim (compiled from the core's hls/)"


@dataclass
class PackageResult:
    """The packaged core and its manifest (also on disk)."""

    core_dir: Path
    manifest: CoreManifest

    @property
    def vectors_checked_with(self) -> list[str]:
        return list(self.manifest.vectors_checked_with)


def _report(project: ProjectLayout, core: CoreLayout) -> tuple[dict[str, Any], list[str]]:
    """A new report of the project (its vendor reports included) written into ``core/report``;
    a ``report/`` the project may hold is not copied (it may be of other settings)."""
    from trigq.report import report_project, write_report
    from trigq.report.build import estimator_error_table

    try:
        rep = report_project(project.root)
    except TrigqError as exc:
        return {}, [f"no latency/resource report: {exc}"]
    # the export directory is a scratch path on the packager's machine: name it, don't record it
    root = project.root
    rep = dataclasses.replace(
        rep,
        notes=tuple(
            n.replace(str(root.resolve()), "<export>").replace(str(root), "<export>") for n in rep.notes
        ),
    )
    write_report(rep, core.report_dir, estimator_error_table())
    return rep.to_dict(), []


def _csim_codes(project: ProjectLayout, project_name: str, vectors: Vectors, n_out: int) -> np.ndarray | None:
    """Output codes of the project's compiled C simulation, or None if it has none usable here."""
    from trigq.export.csim import find_library
    from trigq.export.errors import VerifyError
    from trigq.ip.csim_runner import run_csim

    try:
        lib = find_library(project.hls_dir, project_name)
    except VerifyError:
        return None
    y = run_csim(lib, project_name, vectors.inputs_flat, n_out)
    return float_codes(y, vectors.output_format.frac, str(lib))


def _hls_figures(report: dict[str, Any]) -> tuple[dict[str, Figure], dict[str, Figure]]:
    """(latency, resources) of the HLS variant from the report's totals."""
    total = {k: config_from_dict(Figure, v, f"report total {k}") for k, v in report.get("total", {}).items()}
    latency = {"cycles": total.get("latency_cycles"), "ns": total.get("latency_ns"), "ii": total.get("ii")}
    return (
        {k: v for k, v in latency.items() if v is not None},
        {k: total[k] for k in RESOURCES if k in total},
    )


def _rtl_entry(
    project: ProjectLayout,
    core: CoreLayout,
    max_rtl_mb: float | None,
    command_source: str,
    export_config: ExportConfig,
) -> CoreRtl | None:
    """Copy the project's RTL variant into the core unless it exceeds ``max_rtl_mb``; the
    manifest's ``rtl`` entry (None when the project has no RTL variant)."""
    from trigq.ip.rtl_variant import export_command, included_rtl, omitted_rtl, rtl_size

    if not project.rtl.manifest.is_file():
        return None
    if max_rtl_mb is not None and rtl_size(project.rtl_dir)[1] > max_rtl_mb * 1e6:
        return omitted_rtl(project.rtl_dir, max_rtl_mb, export_command(command_source, export_config))
    S.copy_rtl_sources(project.rtl_dir, core.rtl_dir)
    return included_rtl(core.rtl_dir)


def _command_source(source_rel: str | None, out: Path) -> str:
    """What the regeneration commands export from: the committed weights, else the core's QONNX."""
    if source_rel:
        return source_rel
    root = repo_root(out)
    core = Path(out).resolve()
    rel = core.relative_to(root).as_posix() if root is not None else core.as_posix()
    return f"{rel}/{CoreLayout.MODEL_DIR}/{ProjectLayout.QONNX}"


def _core_port(port: Port) -> CorePort:
    return config_from_dict(CorePort, port.to_dict(), f"port {port.name}")


def _checked_export(exp: ExportManifest, project: ProjectLayout) -> None:
    if not exp.config.hls:
        raise IPError(f"{project.root}: exported with --no-hls; a core needs the hls4ml project")
    if not exp.exact:
        raise IPError(
            f"{project.root}: the export is not exact ({'; '.join(exp.problems)}); "
            "an IP core must match its emulator bit for bit"
        )


def assemble_core(
    project_dir: Path,
    core_dir: Path,
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
) -> CoreManifest:
    """Write the core into the (empty, existing) directory ``core_dir``; returns its manifest."""
    project, core = ProjectLayout(Path(project_dir)), CoreLayout(Path(core_dir))
    exp = read_export_manifest(project.root)
    _checked_export(exp, project)
    graph = IntegerGraph.load(project.root / exp.integer_graph)
    cfg = exp.config
    prj_name = cfg.project_name
    in_port, out_port = read_ports(project.hls_dir, prj_name, (graph.input_shape, graph.output_shape))
    vectors = make_vectors(
        graph, in_port.format, out_port.format, vectors_n, seed, inputs, blocks, source, in_port.tensor_order
    )

    checked = ["emulator"]
    if csim == "auto":
        codes = _csim_codes(project, prj_name, vectors, out_port.n_elements)
        if codes is not None:
            compare_codes(codes, vectors.outputs_raw, f"{project.root}: C simulation")
            checked.append(CHECKED_EXPORT)
    elif csim == "compile":
        checked.append(CHECKED_CORE)

    S.copy_hls_sources(project.hls_dir, core.hls_dir, prj_name)
    core.model_dir.mkdir()
    for f in ProjectLayout.MODEL_FILES:
        if (project.root / f).is_file():
            shutil.copy2(project.root / f, core.model_file(f))
    source_rel = source_in_repo(exp.source, final_dir or core.root)
    rtl = _rtl_entry(project, core, max_rtl_mb, _command_source(source_rel, final_dir or core.root), cfg)
    if rtl is not None:  # also for a left-out variant: run it with RTL_DIR= once generated
        write_testbench(core.rtl_dir, name, rtl.top, graph.input_rounding)
    write_tb_data(core.tb_data, vectors)
    write_vectors_h5(core.vectors, vectors)
    atomic_write_text(core.build_script, build_script(cfg.backend, prj_name))
    core.build_script.chmod(0o755)
    report, notes = _report(project, core)
    latency, resources = _hls_figures(report)

    if csim == "compile":
        y, _ = core_csim_outputs(core.root, prj_name, vectors.inputs_flat, out_port.n_elements)
        compare_codes(
            float_codes(y, vectors.output_format.frac, f"{core.root}: C simulation"),
            vectors.outputs_raw,
            f"{core.root}: C simulation of hls/",
        )
    manifest = CoreManifest(
        trigq_core_version=CORE_VERSION,
        name=name,
        model=model_info(exp, project.root, model_name, source_rel),
        hls=HlsVariant(
            top=prj_name,
            backend=cfg.backend,
            part=cfg.part,
            clock_mhz=cfg.clock_mhz,
            io_type=cfg.io_type,
            strategy=cfg.strategy,
            reuse_factor=cfg.reuse_factor,
            input_guard_bits=cfg.input_guard_bits,
            latency=latency,
            resources=resources,
        ),
        rtl=rtl,
        ports=CorePorts(_core_port(in_port), _core_port(out_port)),
        formats=CoreFormats(
            input_quantiser=graph.input_fmt.ap_type(),
            output=graph.output_fmt.ap_type(),
            input_port=in_port.ap_type,
            output_port=out_port.ap_type,
        ),
        report_notes=list(report.get("notes", [])) + notes,
        vectors=VectorsInfo(
            n=len(vectors.inputs),
            n_events=vectors_n if inputs is None else None,
            seed=seed if inputs is None else None,
            source=vectors.source,
            blocks={k: list(v) for k, v in vectors.blocks.items()},
        ),
        vectors_checked_with=checked,
        versions=toolkit_versions(),
        normalised=Normalised(
            excluded=[f"{CoreLayout.HLS_DIR}/{f}" for f in S.HLS_EXCLUDED],
            rewritten={f"{CoreLayout.HLS_DIR}/build_lib.sh": "LIB_STAMP=core"},
        ),
        sources=S.source_hashes(core.root),
    )
    write_manifest(core.manifest, manifest)
    atomic_write_text(core.readme, render_readme(manifest))
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
