"""Cleaned channels-last QONNX: the graph both the IR builder and hls4ml read.

hls4ml's documented QONNX flow: ``cleanup_model`` -> ``ConvertToChannelsLastAndClean`` ->
``GemmToMatMul`` -> ``cleanup_model``. A bias-free ``Gemm`` first gets an explicit zero bias
(qonnx 1.0 ``GemmToMatMul`` needs input C). Node names after this are the names hls4ml gives its
layers, and the names of the IR's nodes.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np
from qonnx.core.modelwrapper import ModelWrapper
from qonnx.transformation.base import Transformation
from qonnx.util.basic import get_by_name

from trigq.ir.channels_last_5d import convert as convert_5d
from trigq.ir.channels_last_5d import has_5d
from trigq.ir.errors import UnsupportedOpError


class AddZeroGemmBias(Transformation):
    """Append a zero ``C`` input to every two-input ``Gemm`` (a ``Linear`` without bias)."""

    def apply(self, model: ModelWrapper) -> tuple[ModelWrapper, bool]:
        changed = False
        for node in model.graph.node:
            if node.op_type != "Gemm" or len(node.input) >= 3:
                continue
            w_shape = model.get_tensor_shape(node.input[1])
            trans_b = get_by_name(node.attribute, "transB")
            n_out = w_shape[0] if trans_b is not None and trans_b.i else w_shape[1]
            name = model.make_new_valueinfo_name()
            model.set_initializer(name, np.zeros(n_out, dtype=np.float32))
            node.input.append(name)
            changed = True
        return model, changed


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type name when it has none)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def channels_last(model: Any, where: str = "model") -> ModelWrapper:
    """The cleaned channels-last form of a channels-first QONNX ``ModelWrapper`` (or file path);
    ``UnsupportedOpError`` naming ``where`` when qonnx cannot read or convert it."""
    from qonnx.transformation.channels_last import ConvertToChannelsLastAndClean
    from qonnx.transformation.gemm_to_matmul import GemmToMatMul
    from qonnx.util.cleanup import cleanup_model

    if isinstance(model, (str, os.PathLike)):
        try:
            model = ModelWrapper(os.fspath(model))
        except Exception as exc:  # onnx raises DecodeError, ValueError, ...
            raise UnsupportedOpError(f"{where}: not a readable ONNX/QONNX model: {first_line(exc)}") from exc
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from trigq.ir.ops import QONNX_PREPARES

        try:
            model = cleanup_model(model)
            for prepare in QONNX_PREPARES:  # ops that must be fused before the conversion (tables)
                model = prepare(model)
            # qonnx converts 3-D and 4-D tensors only
            model = convert_5d(model) if has_5d(model) else model.transform(ConvertToChannelsLastAndClean())
            model = model.transform(AddZeroGemmBias())
            model = model.transform(GemmToMatMul())
            model = cleanup_model(model)
        except Exception as exc:  # qonnx raises plain exceptions on graphs it cannot convert
            raise UnsupportedOpError(
                f"{where}: qonnx cleanup / channels-last conversion failed: {first_line(exc)}"
            ) from exc
    if len(model.graph.input) != 1 or len(model.graph.output) != 1:
        raise UnsupportedOpError(f"{where}: the model must have exactly one input and one output")
    from trigq.ir.ops import QONNX_REWRITES

    for rewrite in QONNX_REWRITES:  # ops that need their own form (e.g. channels-last average pools)
        model = rewrite(model)
    return model
