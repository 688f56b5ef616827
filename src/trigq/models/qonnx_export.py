"""Brevitas -> QONNX export of zoo models that keeps unsigned 1-bit quantisers exact.

Brevitas 0.13.4 exports every 1-bit quantiser as ``BipolarQuant`` (values -1/+1), also an
unsigned one: the binary input image {0, 1} of the trigger models then changes meaning in the
graph (measured: tiny-cnn int4 with a 1-bit input, QONNX output 0.045 vs Brevitas 0.203). Here an
unsigned 1-bit activation quantiser is exported as a plain ``Quant`` node (bitwidth 1,
signed 0), which QONNX executes as {0, 1} x scale. Everything else is Brevitas' own QONNX export
(torch.export path; torch 2.13 writes the weights to ``<path>.data`` beside the model).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

import torch
from brevitas.export.onnx.qonnx.function import BrevitasQuantOp
from brevitas.export.onnx.qonnx.handler import BrevitasActQuantProxyHandler
from brevitas.export.onnx.qonnx.manager import QONNXDynamoManager

__all__ = ["ZooQONNXManager", "export_qonnx"]


class UnsignedBinaryActQuantHandler(BrevitasActQuantProxyHandler):
    """Act-quantiser handler exporting unsigned 1-bit quantisers as ``Quant``, not ``BipolarQuant``."""

    def prepare_for_export(self, module) -> None:
        super().prepare_for_export(module)
        if module.is_quant_enabled and not module.is_signed and int(module.bit_width()) == 1:
            self.quant_op = BrevitasQuantOp


class ZooQONNXManager(QONNXDynamoManager):
    """Brevitas' QONNX (dynamo) manager with ``UnsignedBinaryActQuantHandler`` taking precedence."""

    handlers: ClassVar[list] = [UnsignedBinaryActQuantHandler, *QONNXDynamoManager.handlers]


def export_qonnx(
    model: torch.nn.Module, path: str | os.PathLike[str], input_t: torch.Tensor | None = None
) -> Path:
    """Export ``model`` (a quantised ``ZooModel``, put in eval mode) to QONNX at ``path``.

    ``input_t`` defaults to one all-zero image of the model's input shape.
    """
    if input_t is None:
        input_t = torch.zeros(1, *model.spec.input_shape)
    model.eval()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ZooQONNXManager.export(model, input_t=input_t, export_path=str(path), dynamo=True)
    strip_export_metadata(path)
    return path


def strip_export_metadata(path: Path) -> None:
    """Drop torch's per-node export metadata (stack traces with absolute source paths, FX node text)
    and doc strings, so that the same weights give byte-identical QONNX files on any checkout."""
    import onnx

    proto = onnx.load(str(path))
    for node in proto.graph.node:
        del node.metadata_props[:]
        node.doc_string = ""
    del proto.graph.metadata_props[:]
    proto.graph.doc_string = ""
    data = path.with_name(path.name + ".data")
    if data.exists():
        data.unlink()
        onnx.save(
            proto,
            str(path),
            save_as_external_data=True,
            all_tensors_to_one_file=True,
            location=data.name,
            size_threshold=1024,
        )
    else:
        onnx.save(proto, str(path))
