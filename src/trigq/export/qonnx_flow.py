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
    """Clean ``source`` into the channels-last graph hls4ml and the IR read (``trigq.ir.channels_last``);
    save it to ``target``. Errors name ``shown`` (the user's file) instead of ``source`` when given."""
    from trigq.ir import channels_last
    from trigq.ir.errors import UnsupportedOpError

    try:
        model = channels_last(source, shown or str(source))
    except UnsupportedOpError as exc:
        raise ExportError(str(exc)) from exc
    model.save(str(target))
    return model
