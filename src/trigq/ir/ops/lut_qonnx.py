"""The QONNX side of the ``lut`` op: the ``TableActivation`` custom op (domain ``trigq.ir.ops.lut_qonnx``).

qonnx finds custom ops by importing their domain as a module and taking the class named after
the op type, so this module is that domain: shape inference sees an identity, qonnx's executor
(``execute_onnx``) looks the table up, so a cleaned graph that holds tables stays a truthful
model of the network.
"""

from __future__ import annotations

import numpy as np
from onnx import helper
from qonnx.custom_op.base import CustomOp

__all__ = ["TableActivation"]


class TableActivation(CustomOp):
    """``y = table[x_code - lo] * 2**-out_frac`` for ``x_code = round(x * 2**in_frac)``."""

    def get_nodeattr_types(self):
        return {
            "table": ("ints", True, []),
            "function": ("s", False, ""),
            "in_signed": ("i", True, 1),
            "in_width": ("i", True, 8),
            "in_frac": ("i", True, 0),
            "out_signed": ("i", True, 1),
            "out_width": ("i", True, 8),
            "out_frac": ("i", True, 0),
            "out_narrow": ("i", False, 0),
        }

    def make_shape_compatible_op(self, model):
        node = self.onnx_node
        return helper.make_node("Identity", [node.input[0]], [node.output[0]])

    def infer_node_datatype(self, model):
        node = self.onnx_node
        model.set_tensor_datatype(node.output[0], model.get_tensor_datatype(node.input[0]))

    def execute_node(self, context, graph):
        node = self.onnx_node
        x = np.asarray(context[node.input[0]], dtype=np.float64)
        lo = -(2 ** (self.get_nodeattr("in_width") - 1)) if self.get_nodeattr("in_signed") else 0
        index = np.rint(x * 2.0 ** self.get_nodeattr("in_frac")).astype(np.int64) - lo
        table = np.asarray(self.get_nodeattr("table"), dtype=np.int64)
        context[node.output[0]] = (table[index] * 2.0 ** -self.get_nodeattr("out_frac")).astype(np.float32)

    def verify_node(self):
        return []
