"""Tiny hand-built QONNX graphs for the export pass tests (no Brevitas, no torch)."""

from __future__ import annotations

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper
from qonnx.core.modelwrapper import ModelWrapper
from qonnx.util.cleanup import cleanup_model

QONNX_DOMAIN = "qonnx.custom_op.general"


class GraphBuilder:
    """Collects nodes and initializers of a small QONNX graph."""

    def __init__(self) -> None:
        self.nodes: list = []
        self.inits: list = []

    def const(self, name: str, value) -> str:
        self.inits.append(numpy_helper.from_array(np.asarray(value, dtype=np.float32), name))
        return name

    def quant(
        self, name: str, x: str, scale, bits: int, signed: int = 1, narrow: int = 0, rounding: str = "ROUND"
    ) -> str:
        out = f"{name}_out"
        self.nodes.append(
            helper.make_node(
                "Quant",
                [
                    x,
                    self.const(f"{name}_s", scale),
                    self.const(f"{name}_z", 0.0),
                    self.const(f"{name}_b", float(bits)),
                ],
                [out],
                name=name,
                domain=QONNX_DOMAIN,
                signed=signed,
                narrow=narrow,
                rounding_mode=rounding,
            )
        )
        return out

    def op(self, op_type: str, name: str, inputs: list[str], **attrs) -> str:
        out = f"{name}_out"
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=name, **attrs))
        return out

    def model(self, in_shape, out: str, out_shape) -> ModelWrapper:
        graph = helper.make_graph(
            self.nodes,
            "g",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(in_shape))],
            [helper.make_tensor_value_info(out, TensorProto.FLOAT, list(out_shape))],
            self.inits,
        )
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        return cleanup_model(ModelWrapper(model))


def mlp(
    w_scale: float = 2.0**-3, rounding: str = "ROUND", extra: str | None = None, seed: int = 0
) -> ModelWrapper:
    """x[1,4] -> Quant -> MatMul(Quant W) + Quant b -> Relu -> Quant -> MatMul -> Quant out.

    ``extra`` inserts an op (e.g. "Sigmoid") after the Relu.
    """
    rng = np.random.default_rng(seed)
    g = GraphBuilder()
    h = g.quant("Quant_in", "x", 2.0**-2, 4, rounding=rounding)
    w1 = g.quant("Quant_w1", g.const("W1", rng.integers(-7, 8, (4, 3)) * 2.0**-3), w_scale, 4, narrow=1)
    b1 = g.quant("Quant_b1", g.const("B1", rng.integers(-50, 50, 3) * 2.0**-5), 2.0**-5, 8)
    h = g.op("MatMul", "MatMul_0", [h, w1])
    h = g.op("Add", "Add_0", [h, b1])
    h = g.op("Relu", "Relu_0", [h])
    if extra:
        h = g.op(extra, f"{extra}_0", [h])
    h = g.quant("Quant_r", h, 2.0**-2, 4, signed=0)
    w2 = g.quant("Quant_w2", g.const("W2", rng.integers(-7, 8, (3, 2)) * 2.0**-3), 2.0**-3, 4, narrow=1)
    h = g.op("MatMul", "MatMul_1", [h, w2])
    out = g.quant("Quant_out", h, 2.0**-4, 8)
    return g.model([1, 4], out, [1, 2])


@pytest.fixture
def make_mlp():
    """The :func:`mlp` graph factory."""
    return mlp


@pytest.fixture
def graph_builder():
    """A fresh :class:`GraphBuilder`."""
    return GraphBuilder()
