"""``export(source, out_dir, config)``: Brevitas module / run dir / QONNX file -> hls4ml project."""

from __future__ import annotations

import dataclasses
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from trigq.export.config import ExportConfig
from trigq.export.errors import ExportError
from trigq.export.project import MANIFEST, file_hashes, toolkit_versions
from trigq.utils import atomic_write_text
from trigq.utils.outputs import check_output_dir, output_directory

QONNX_FILE = "model_qonnx.onnx"
CLEAN_FILE = "model_clean.onnx"
IR_FILE = "integer_graph.json"
HLS_CONFIG_FILE = "hls4ml_config.yml"
HLS_DIR = "hls4ml_prj"


@dataclass
class ExportResult:
    """What an export produced: the project directory and its manifest (also on disk)."""

    project_dir: Path
    manifest: dict[str, Any]
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
            raise ExportError(f"{path}: training run directories need trigq.train.load_trained, "
                              "which is not available") from exc
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


def _write_qonnx(kind: str, payload: Any, input_shape, prj: Path) -> None:
    from trigq.export.qonnx_flow import brevitas_to_qonnx

    if kind == "qonnx-file":
        shutil.copy2(payload, prj / QONNX_FILE)
        data = payload.with_name(payload.name + ".data")
        if data.exists():
            shutil.copy2(data, prj / (QONNX_FILE + ".data"))
        return
    _check_layers_quantised(payload)
    brevitas_to_qonnx(payload, input_shape, prj / QONNX_FILE)


def _run_checks(model, config: ExportConfig) -> list[str]:
    from trigq.export.passes import CheckPowerOfTwoScales, CheckRoundingModes, CheckSupportedOps

    model.transform(CheckSupportedOps())
    problems: list[str] = []
    for check in (CheckPowerOfTwoScales(config.allow_inexact), CheckRoundingModes(config.allow_inexact)):
        model.transform(check)
        problems += check.problems
    return problems


def _save_integer_graph(qonnx_path: Path, prj: Path) -> str | None:
    """Save the emulator's IR (built from the channels-first QONNX); the reason if it cannot."""
    from trigq.emulate import Emulator
    from trigq.errors import TrigqError

    try:
        emulator = Emulator.from_qonnx(qonnx_path)
    except TrigqError as exc:
        return f"the integer emulator cannot build this graph: {exc}"
    emulator.graph.save(prj / IR_FILE)
    return None


def _formats_manifest(formats) -> dict[str, Any]:
    return {
        "input_quant": formats.input_quant.to_dict(),
        "output": formats.output.to_dict(),
        "layers": {n: {k: (v.to_dict() if hasattr(v, "to_dict") else v)
                       for k, v in dataclasses.asdict(lf).items() if v is not None}
                   for n, lf in formats.layers.items()},
    }


def export(source: Any, out_dir: str | Path, config: ExportConfig | None = None,
           input_shape: tuple[int, ...] | None = None, *, force: bool = False) -> ExportResult:
    """Export ``source`` (torch/Brevitas module, training run dir or ``.onnx`` QONNX file).

    Writes the project into a temporary sibling of ``out_dir`` and swaps it in at the end; an
    existing ``out_dir`` must be a previous export project (``force``: any trigq output), never a
    directory holding other files or the source (:mod:`trigq.utils.outputs`). Raises
    :class:`ExportError` naming the node/layer when the model cannot be exact (unless
    ``config.allow_inexact``, then the problems are listed in the result and the manifest).
    """
    import hls4ml

    from trigq.export.csim import compile_library
    from trigq.export.formats import derive_formats
    from trigq.export.hls_config import build_hls_config, finalise_precisions
    from trigq.export.passes import WriteExactBatchNorms
    from trigq.export.qonnx_flow import clean_qonnx

    config = config or ExportConfig()
    out_dir = Path(out_dir)
    inputs = [] if _is_module(source) else [Path(source), Path(str(source) + ".data")]
    check_output_dir(out_dir, "export-project", inputs=inputs, force=force)
    kind, payload, input_shape = _resolve_source(source, input_shape)
    shown = str(source) if kind == "qonnx-file" else None
    with output_directory(out_dir, "export-project", inputs=inputs, force=force) as prj:
        _write_qonnx(kind, payload, input_shape, prj)
        model = clean_qonnx(prj / QONNX_FILE, prj / CLEAN_FILE, shown=shown)
        problems = _run_checks(model, config)
        formats = derive_formats(model)
        if formats.batchnorms:  # hls4ml must see the exact dyadic BN the emulator computes
            model = model.transform(WriteExactBatchNorms(formats.batchnorms))
            model.save(str(prj / CLEAN_FILE))
        ir_note = _save_integer_graph(prj / QONNX_FILE, prj)
        hls_cfg = build_hls_config(model, formats, config)
        atomic_write_text(prj / HLS_CONFIG_FILE, _yaml(hls_cfg))
        hls_model = hls4ml.converters.convert_from_onnx_model(
            model, output_dir=str(prj / HLS_DIR), project_name=config.project_name,
            backend=config.backend, hls_config=hls_cfg, part=config.part,
            clock_period=config.clock_period_ns, io_type=config.hls4ml_io_type,
        )
        try:
            hls_types = finalise_precisions(hls_model, model, formats, config)
        except ExportError as exc:
            if not config.allow_inexact:
                raise
            problems.append(str(exc))
            hls_types = {}
        hls_model.write()
        compile_s = None
        if config.compile:
            t0 = time.perf_counter()
            compile_library(prj / HLS_DIR, config.project_name, hls_model.config.get_config_value("Stamp"),
                            out_dir.resolve() / HLS_DIR / "firmware" / "weights")
            compile_s = round(time.perf_counter() - t0, 1)
        graph_shape = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
        out_shape = [d.dim_value for d in model.graph.output[0].type.tensor_type.shape.dim]
        manifest = {
            "trigq_export_version": 1,
            "source": {"kind": kind, "path": None if kind == "module" else str(Path(payload).resolve())
                       if kind == "qonnx-file" else str(Path(source).resolve())},
            "input_shape": list(input_shape) if input_shape else graph_shape,
            "input_name": model.graph.input[0].name,
            "hls_input_size": int(np.prod(hls_model.get_input_variables()[0].shape)),
            "hls_output_size": int(np.prod(hls_model.get_output_variables()[0].shape)),
            "output_shape": out_shape,
            "formats": _formats_manifest(formats),
            "hls_types": hls_types,
            "config": dataclasses.asdict(config),
            "clock_period_ns": config.clock_period_ns,
            "exact": not problems,
            "problems": problems,
            "integer_graph": None if ir_note else IR_FILE,
            "notes": [ir_note] if ir_note else [],
            "compiled": bool(config.compile),
            "compile_seconds": compile_s,
            "versions": toolkit_versions(),
            "files": file_hashes(
                prj, [QONNX_FILE, QONNX_FILE + ".data", CLEAN_FILE, HLS_CONFIG_FILE, IR_FILE]
            ),
        }
        atomic_write_text(prj / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    manifest["project_dir"] = str(out_dir)
    return ExportResult(out_dir, manifest, problems)


def _yaml(hls_cfg: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(hls_cfg, sort_keys=True)


