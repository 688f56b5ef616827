"""``export(source, out_dir, config)``: Brevitas module / run dir / QONNX file -> IR -> hls4ml project
and the da4ml RTL variant, as named steps (``STEPS``)."""

from __future__ import annotations

import dataclasses
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from trigq.export.config import ExportConfig
from trigq.export.errors import ExportError
from trigq.export.manifest import (
    EXPORT_VERSION,
    ExportFormats,
    ExportManifest,
    ProjectRtl,
    Source,
    toolkit_versions,
)
from trigq.layout import Format, ProjectLayout, file_hashes, read_rtl_summary, write_manifest
from trigq.utils import atomic_write_text
from trigq.utils.outputs import check_output_dir, output_directory


@dataclass
class ExportResult:
    """What an export produced: the project directory and its manifest (also on disk)."""

    project_dir: Path
    manifest: ExportManifest
    problems: list[str] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        """True when no check found an inexact quantiser."""
        return not self.problems


def _is_module(source: Any) -> bool:
    return hasattr(source, "forward") and hasattr(source, "eval")


def _resolve_source(
    source: Any, input_shape: tuple[int, ...] | None
) -> tuple[str, Any, tuple[int, ...] | None]:
    """(kind, payload, input shape): kind is 'module', 'run-dir' or 'qonnx-file'."""
    if _is_module(source):
        if input_shape is None:
            raise ExportError("export of a torch module needs input_shape, e.g. (1, 1, 9, 384)")
        return "module", source, tuple(input_shape)
    path = Path(source)
    if path.is_file() and path.suffix == ".onnx":
        return "qonnx-file", path, None
    if path.is_dir():
        try:
            from trigq.train import load_trained
        except ImportError as exc:
            raise ExportError(
                f"{path}: training run directories need trigq.train.load_trained, which is not available"
            ) from exc
        loaded = load_trained(path)
        model, spec = (loaded if isinstance(loaded, tuple) else (loaded.model, loaded.spec))[:2]
        return "run-dir", model, input_shape or (1, *spec.input_shape)
    raise ExportError(f"{source}: not a training run directory, a .onnx QONNX file, or a torch module")


def _check_layers_quantised(module: Any) -> None:
    """ExportError naming the first torch layer with float weights (a plain nn.Conv2d/Linear)."""
    from brevitas.nn.quant_layer import QuantWeightBiasInputOutputLayer as QuantLayer
    from torch import nn

    weighted = (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.Linear)
    for name, layer in module.named_modules():
        if isinstance(layer, weighted) and not isinstance(layer, QuantLayer):
            raise ExportError(
                f"layer {name!r} ({type(layer).__name__}) of {type(module).__name__} has float weights: "
                "an exact export needs quantised layers (brevitas QuantConv2d/QuantLinear; in the zoo, "
                "a quantised preset such as 'ternary' instead of 'float')"
            )


def _write_qonnx(kind: str, payload: Any, input_shape, prj: ProjectLayout) -> None:
    from trigq.export.qonnx_flow import brevitas_to_qonnx

    if kind == "qonnx-file":
        _copy_qonnx_file(Path(payload), prj)
        return
    _check_layers_quantised(payload)
    brevitas_to_qonnx(payload, input_shape, prj.qonnx)


def _copy_qonnx_file(src: Path, prj: ProjectLayout) -> None:
    """The user's QONNX file as ``model_qonnx.onnx``: copied as is when its tensors are inline or
    already in ``model_qonnx.onnx.data``, else re-saved with its external tensors in that file (a
    plain copy would still point at the user's data file by its old name)."""
    import onnx

    from trigq.ir.qonnx_clean import first_line

    try:
        header = onnx.load(str(src), load_external_data=False)
    except Exception as exc:  # onnx raises protobuf DecodeError, OSError, ... on a bad file
        raise ExportError(f"{src}: not a readable ONNX/QONNX model: {first_line(exc)}") from exc
    locations = {
        e.value
        for t in header.graph.initializer
        if t.data_location == onnx.TensorProto.EXTERNAL
        for e in t.external_data
        if e.key == "location"
    }
    if not locations:
        shutil.copy2(src, prj.qonnx)
        return
    if locations == {prj.qonnx_data.name}:
        shutil.copy2(src, prj.qonnx)
        shutil.copy2(src.parent / prj.qonnx_data.name, prj.qonnx_data)
        return
    model = onnx.load(str(src))
    onnx.save_model(  # the project is built in a temporary directory: no partial file survives
        model,
        str(prj.qonnx),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location=prj.qonnx_data.name,
        size_threshold=0,
    )


def _run_checks(model, config: ExportConfig) -> list[str]:
    from trigq.export.passes import CheckPowerOfTwoScales, CheckRoundingModes

    problems: list[str] = []
    for check in (CheckPowerOfTwoScales(config.allow_inexact), CheckRoundingModes(config.allow_inexact)):
        model.transform(check)
        problems += check.problems
    return problems


def _formats_manifest(graph: Any, table: Any, model: Any) -> ExportFormats:
    """The firmware input's quantiser, the output, and every QONNX node's hls4ml formats (with its op)."""
    ops = {n.name: n.op_type for n in model.graph.node}

    def plain(layer: Any) -> dict[str, Any]:
        out = {
            k: (v.to_dict() if hasattr(v, "to_dict") else v)
            for k, v in dataclasses.asdict(layer).items()
            if v is not None and k != "weight_key"
        }
        return {**out, "op": ops.get(layer.node)}

    layers = {n: plain(lf) for n, lf in table.layers.items()} if table is not None else {}
    return ExportFormats(Format.of(graph.input_fmt), Format.of(graph.output_fmt), layers)


@dataclass
class _State:
    """What the export steps hand on: the project directory, the cleaned QONNX, the IR, results."""

    prj: ProjectLayout
    final_dir: ProjectLayout
    kind: str
    payload: Any
    input_shape: tuple[int, ...] | None
    shown: str | None
    model: Any = None
    graph: Any = None
    table: Any = None
    hls_model: Any = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    hls_types: dict[str, Any] = field(default_factory=dict)
    compile_s: float | None = None
    rtl: ProjectRtl | None = None
    seconds: dict[str, float] = field(default_factory=dict)


def step_qonnx(state: _State, config: ExportConfig) -> None:
    """The QONNX model (Brevitas export or the user's file) and its cleaned channels-last form."""
    from trigq.export.qonnx_flow import clean_qonnx

    _write_qonnx(state.kind, state.payload, state.input_shape, state.prj)
    state.model = clean_qonnx(state.prj.qonnx, state.prj.clean, shown=state.shown)
    state.problems += _run_checks(state.model, config)


def step_ir(state: _State, config: ExportConfig) -> None:
    """The integer IR of the cleaned graph: the formats every back end uses."""
    from trigq.ir import build_integer_graph
    from trigq.ir.errors import IRError, UnsupportedOpError

    try:
        state.graph = build_integer_graph(state.model, allow_inexact=config.allow_inexact)
    except (UnsupportedOpError, IRError) as exc:
        raise ExportError(f"{state.shown}: {exc}" if state.shown else str(exc)) from exc
    state.graph.save(state.prj.ir)


def step_hls4ml(state: _State, config: ExportConfig) -> None:
    """The hls4ml project: exact BatchNorms, every precision from the IR, checked, compiled."""
    import hls4ml

    from trigq.export.csim import compile_library
    from trigq.export.hls_config import build_hls_config, finalise_precisions, hls_formats
    from trigq.export.passes import WriteExactBatchNorms

    state.table = hls_formats(state.graph)
    folds = {n.name: n for n in state.graph.nodes if n.op == "affine" and n.attrs.get("batchnorm")}
    if folds:  # hls4ml must see the exact dyadic BN the emulator computes
        state.model = state.model.transform(WriteExactBatchNorms(folds, state.graph.formats()))
        state.model.save(str(state.prj.clean))
    hls_cfg = build_hls_config(state.model, state.table, config)
    atomic_write_text(state.prj.hls_config, _yaml(hls_cfg))
    state.hls_model = hls4ml.converters.convert_from_onnx_model(
        state.model,
        output_dir=str(state.prj.hls_dir),
        project_name=config.project_name,
        backend=config.backend,
        hls_config=hls_cfg,
        part=config.part,
        clock_period=config.clock_period_ns,
        io_type=config.hls4ml_io_type,
    )
    try:
        state.hls_types = finalise_precisions(state.hls_model, state.model, state.table, config)
    except ExportError as exc:
        if not config.allow_inexact:
            raise
        state.problems.append(str(exc))
    state.hls_model.write()
    if config.compile:
        t0 = time.perf_counter()
        compile_library(
            state.prj.hls_dir,
            config.project_name,
            state.hls_model.config.get_config_value("Stamp"),
            state.final_dir.hls_dir.resolve() / "firmware" / "weights",
        )
        state.compile_s = round(time.perf_counter() - t0, 1)


def step_rtl(state: _State, config: ExportConfig) -> None:
    """The da4ml RTL variant (``rtl/``), pipelined for the export's clock and part."""
    from trigq.rtl import generate_rtl

    r = config.rtl
    generate_rtl(
        state.graph,
        state.prj.rtl_dir,
        clock_mhz=config.clock_mhz,
        top=r.top,
        latency_cutoff=r.latency_cutoff,
        part=config.part,
        reuse_kernels=r.reuse_kernels,
    )
    state.rtl = ProjectRtl(**read_rtl_summary(state.prj.rtl_dir).summary_fields())


def step_synth(state: _State, config: ExportConfig) -> None:
    """yosys on the RTL variant: LUT/FF/DSP/CARRY counts (flat, or per pipeline stage)."""
    from trigq.layout import YosysSummary
    from trigq.rtl import synthesize

    r = config.rtl
    synthesize(state.prj.rtl_dir, per_stage=r.per_stage, jobs=r.jobs, timeout=r.synth_timeout_s)
    assert state.rtl is not None
    state.rtl = dataclasses.replace(state.rtl, yosys=YosysSummary.read(state.prj.rtl.yosys))


STEPS = {"qonnx": step_qonnx, "ir": step_ir, "hls4ml": step_hls4ml, "rtl": step_rtl, "synth": step_synth}
"""The export's named steps, in order; :func:`steps_of` says which a config runs."""


def steps_of(config: ExportConfig) -> list[str]:
    """The steps ``config`` runs: qonnx -> ir -> [hls4ml] -> [rtl] -> [synth]."""
    chosen = ["qonnx", "ir"]
    chosen += ["hls4ml"] if config.hls else []
    chosen += ["rtl"] if config.rtl.enabled else []
    chosen += ["synth"] if config.rtl.synth else []
    return chosen


def export(
    source: Any,
    out_dir: str | Path,
    config: ExportConfig | None = None,
    input_shape: tuple[int, ...] | None = None,
    *,
    force: bool = False,
) -> ExportResult:
    """Export ``source`` (torch/Brevitas module, training run dir or ``.onnx`` QONNX file).

    Runs the named steps of :func:`steps_of` (``STEPS``) in a temporary sibling of ``out_dir`` and
    swaps it in at the end; an existing ``out_dir`` must be a previous export project (``force``:
    any trigq output), never a directory holding other files or the source
    (:mod:`trigq.utils.outputs`). Raises :class:`ExportError` naming the node/layer when the model
    cannot be exact (unless ``config.allow_inexact``: then the problems are listed in the result
    and the manifest, and ``trigq verify`` measures the mismatch).
    """
    config = config or ExportConfig()
    out_dir = Path(out_dir)
    inputs = [] if _is_module(source) else [Path(source), Path(str(source) + ".data")]
    check_output_dir(out_dir, "export-project", inputs=inputs, force=force)
    kind, payload, input_shape = _resolve_source(source, input_shape)
    shown = str(source) if kind == "qonnx-file" else None
    with output_directory(out_dir, "export-project", inputs=inputs, force=force) as prj:
        state = _State(ProjectLayout(prj), ProjectLayout(out_dir), kind, payload, input_shape, shown)
        for name in steps_of(config):
            t0 = time.perf_counter()
            STEPS[name](state, config)
            state.seconds[name] = round(time.perf_counter() - t0, 2)
        manifest = _manifest(state, config, source)
        write_manifest(state.prj.manifest, manifest)
    return ExportResult(out_dir, manifest, state.problems)


def _manifest(state: _State, config: ExportConfig, source: Any) -> ExportManifest:
    model, kind, payload = state.model, state.kind, state.payload
    graph_shape = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    out_shape = [d.dim_value for d in model.graph.output[0].type.tensor_type.shape.dim]
    hls = state.hls_model
    path = None if kind == "module" else str(Path(payload if kind == "qonnx-file" else source).resolve())
    return ExportManifest(
        trigq_export_version=EXPORT_VERSION,
        source=Source(kind, path),
        config=config,
        input_shape=list(state.input_shape) if state.input_shape else graph_shape,
        input_name=model.graph.input[0].name,
        output_shape=out_shape,
        hls_input_size=int(np.prod(hls.get_input_variables()[0].shape)) if hls else None,
        hls_output_size=int(np.prod(hls.get_output_variables()[0].shape)) if hls else None,
        formats=_formats_manifest(state.graph, state.table, model),
        hls_types=state.hls_types,
        clock_period_ns=config.clock_period_ns,
        exact=not state.problems,
        problems=state.problems,
        integer_graph=ProjectLayout.IR,
        notes=state.notes,
        compiled=bool(config.compile and config.hls),
        compile_seconds=state.compile_s,
        steps=state.seconds,
        rtl=state.rtl,
        versions=toolkit_versions(),
        files=file_hashes(state.prj.root, ProjectLayout.HASHED),
    )


def _yaml(hls_cfg: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(hls_cfg, sort_keys=True)
