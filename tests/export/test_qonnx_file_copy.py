"""A user's QONNX file whose tensors live in an external data file of its own name."""

from __future__ import annotations

import numpy as np
import onnx
from numpy.testing import assert_array_equal
from onnx import helper, numpy_helper

from trigq.export.export import _copy_qonnx_file
from trigq.layout import ProjectLayout


def _model(weights: np.ndarray) -> onnx.ModelProto:
    x = helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, 3])
    w = numpy_helper.from_array(weights, "w")
    graph = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "g", [x], [y], [w])
    return helper.make_model(graph)


def _weights(path) -> np.ndarray:
    model = onnx.load(str(path))
    return numpy_helper.to_array(model.graph.initializer[0])


def test_external_data_under_another_name_is_resaved_beside_the_project_copy(tmp_path):
    w = np.arange(12, dtype=np.float32).reshape(4, 3)
    src = tmp_path / "user" / "silu.onnx"
    src.parent.mkdir()
    onnx.save_model(
        _model(w), str(src), save_as_external_data=True, location="silu.onnx.data", size_threshold=0
    )
    prj = ProjectLayout(tmp_path / "prj")
    prj.root.mkdir()
    _copy_qonnx_file(src, prj)
    assert prj.qonnx_data.is_file() and not (prj.root / "silu.onnx.data").exists()
    (src.parent / "silu.onnx.data").unlink()  # the copy does not read the user's file any more
    assert_array_equal(_weights(prj.qonnx), w)


def test_inline_tensors_are_copied_byte_for_byte(tmp_path):
    src = tmp_path / "net.onnx"
    onnx.save_model(_model(np.ones((4, 3), np.float32)), str(src))
    prj = ProjectLayout(tmp_path / "prj")
    prj.root.mkdir()
    _copy_qonnx_file(src, prj)
    assert prj.qonnx.read_bytes() == src.read_bytes() and not prj.qonnx_data.exists()
