"""Give a bias-free ``Gemm`` an explicit zero bias (qonnx 1.0 ``GemmToMatMul`` needs input C)."""

from __future__ import annotations

import numpy as np
from qonnx.core.modelwrapper import ModelWrapper
from qonnx.transformation.base import Transformation
from qonnx.util.basic import get_by_name


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
