"""Rewrite every float BatchNormalization as the exact dyadic affine the emulator computes."""

from __future__ import annotations

from typing import Any

import numpy as np
from qonnx.core.modelwrapper import ModelWrapper
from qonnx.transformation.base import Transformation
from qonnx.util.basic import get_by_name

from trigq.export.errors import ExportError


def _float32_exact(values: np.ndarray, node: str, what: str) -> np.ndarray:
    out = values.astype(np.float32)
    if not np.array_equal(out.astype(np.float64), values):
        raise ExportError(
            f"node {node} (BatchNormalization): exact {what} needs more than float32's 24 "
            "significant bits, which ONNX BatchNormalization parameters cannot hold"
        )
    return out


class WriteExactBatchNorms(Transformation):
    """Set ``scale = mult * 2**-m``, ``B = offset * 2**-frac``, ``mean = 0``, ``var = 1``, ``eps = 0``.

    ``folds`` maps BN node names to their IR ``affine`` nodes (the exact fold of
    :mod:`trigq.ir.batchnorm`), ``formats`` the IR's tensor formats. hls4ml's importer computes
    ``scale / sqrt(var + eps)`` and ``B - mean * scale``, which then reproduce these dyadic numbers
    exactly; its ``normalize`` multiplies and adds at full precision, so with the derived result
    type the firmware computes the emulator's integers.
    """

    def __init__(self, folds: dict[str, Any], formats: dict[str, Any]) -> None:
        super().__init__()
        self.folds = folds
        self.formats = formats

    def apply(self, model: ModelWrapper) -> tuple[ModelWrapper, bool]:
        for node in model.graph.node:
            if node.op_type != "BatchNormalization":
                continue
            fold = self.folds.get(node.name)
            if fold is None:
                raise ExportError(f"node {node.name} (BatchNormalization): no exact fixed-point form derived")
            in_frac, frac = self.formats[fold.inputs[0]].frac, fold.out_fmt.frac
            mult, offset = np.asarray(fold.params["mult"]), np.asarray(fold.params["offset"])
            scale = mult.astype(np.float64) * 2.0 ** -(frac - in_frac)
            shift = offset.astype(np.float64) * 2.0**-frac
            shape = model.get_initializer(node.input[1]).shape
            values = {
                node.input[1]: _float32_exact(scale, node.name, "scale"),
                node.input[2]: _float32_exact(shift, node.name, "shift"),
                node.input[3]: np.zeros(len(mult), np.float32),
                node.input[4]: np.ones(len(mult), np.float32),
            }
            for tensor, value in values.items():
                model.set_initializer(tensor, value.reshape(shape))
            eps = get_by_name(node.attribute, "epsilon")
            if eps is None:
                from onnx import helper

                node.attribute.append(helper.make_attribute("epsilon", 0.0))
            else:
                eps.f = 0.0
        return model, False
