"""Refuse ops of the cleaned QONNX graph that the exact export path does not handle."""

from __future__ import annotations

from qonnx.core.modelwrapper import ModelWrapper
from qonnx.transformation.base import Transformation
from qonnx.util.basic import get_by_name

from trigq.export.errors import ExportError

SUPPORTED_OPS = frozenset({
    "Quant", "Conv", "MatMul", "Add", "Relu", "MaxPool", "Flatten", "Reshape", "Transpose", "Concat",
    "BatchNormalization",
})

# Known-unsupported ops and why: the message the user sees.
REASONS = {
    "FloatQuant": "floating-point quantisers have no ap_fixed equivalent",
    "Trunc": "Trunc (Brevitas TruncAvgPool / shift) is not imported by hls4ml's QONNX frontend",
    "BipolarQuant": "bipolar quantisers are not supported by the exact export path",
    "MultiThreshold": "MultiThreshold is a FINN op, not imported by hls4ml",
    "Sigmoid": "Sigmoid/SiLU activations cannot be exact in fixed point",
    "Mul": "element-wise Mul (e.g. SiLU = x * sigmoid(x), or a float rescale) is not exact",
    "AveragePool": "average pooling is not supported yet by the exact export path",
    "GlobalAveragePool": "average pooling is not supported yet by the exact export path",
}


class CheckSupportedOps(Transformation):
    """Raise :class:`ExportError` naming the first node whose op (or op variant) is unsupported.

    Conv must be 1-D or 2-D (Conv3D is refused), ungrouped and undilated.
    """

    def apply(self, model: ModelWrapper) -> tuple[ModelWrapper, bool]:
        for node in model.graph.node:
            op = node.op_type
            if op not in SUPPORTED_OPS:
                reason = REASONS.get(op, "not supported by the exact export path")
                raise ExportError(f"node {node.name} (op {op}): {reason}")
            if op == "Conv":
                self._check_conv(model, node)
        return model, False

    @staticmethod
    def _check_conv(model: ModelWrapper, node) -> None:
        weight_shape = model.get_tensor_shape(node.input[1])
        n_spatial = len(weight_shape) - 2 if weight_shape is not None else 0
        if n_spatial not in (1, 2):
            raise ExportError(f"node {node.name} (op Conv{n_spatial}D): only 1-D and 2-D convolutions "
                              "are supported (Conv3D is not imported by hls4ml)")
        group = get_by_name(node.attribute, "group")
        if group is not None and group.i != 1:
            raise ExportError(f"node {node.name} (op Conv): grouped/depthwise convolution (group={group.i}) "
                              "is not supported")
        dil = get_by_name(node.attribute, "dilations")
        if dil is not None and any(d != 1 for d in dil.ints):
            raise ExportError(f"node {node.name} (op Conv): dilations {list(dil.ints)} are not supported")
