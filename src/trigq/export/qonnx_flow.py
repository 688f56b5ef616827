"""Brevitas -> QONNX -> cleaned channels-last QONNX (hls4ml's documented import flow)."""

from __future__ import annotations

import contextlib
import io
import warnings
from pathlib import Path

from trigq.export.errors import ExportError


def brevitas_to_qonnx(module, input_shape: tuple[int, ...], path: Path) -> Path:
    """Export a Brevitas module to QONNX at ``path`` (torch 2.13 also writes ``path.data``)."""
    import torch

    from trigq.models.qonnx_export import export_qonnx  # keeps unsigned 1-bit quantisers as Quant

    module = module.eval()
    example = torch.zeros(tuple(input_shape), dtype=torch.float32)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            export_qonnx(module, path, example)
    except Exception as exc:  # torch.export / brevitas raise many types; name the step and model
        raise ExportError(f"QONNX export of {type(module).__name__} failed: {exc}") from exc
    return path


def clean_qonnx(source: Path, target: Path, shown: str | None = None):
    """Clean ``source``, convert to channels-last, Gemm -> MatMul, clean again; save to ``target``.

    Errors name ``shown`` (the user's file) instead of ``source`` when given (a working copy)."""
    name = shown or source
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.transformation.channels_last import ConvertToChannelsLastAndClean
    from qonnx.transformation.gemm_to_matmul import GemmToMatMul
    from qonnx.util.cleanup import cleanup_model

    from trigq.export.passes.add_zero_gemm_bias import AddZeroGemmBias

    try:
        model = ModelWrapper(str(source))
    except Exception as exc:
        raise ExportError(f"{name}: not a readable ONNX/QONNX model: {_first_line(exc)}") from exc
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            model = cleanup_model(model)
            model = model.transform(ConvertToChannelsLastAndClean())
            model = model.transform(AddZeroGemmBias())
            model = model.transform(GemmToMatMul())
            model = cleanup_model(model)
        except Exception as exc:  # qonnx raises plain exceptions on graphs it cannot convert
            raise ExportError(
                f"{name}: qonnx cleanup / channels-last conversion failed: {_first_line(exc)}") from exc
    if len(model.graph.input) != 1 or len(model.graph.output) != 1:
        raise ExportError(f"{name}: the model must have exactly one input and one output")
    model.save(str(target))
    return model


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
