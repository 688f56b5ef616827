"""Channels-last conversion of the 5-D (3-D convolutional) part of a QONNX graph.

qonnx 1.0's ``ConvertToChannelsLastAndClean`` and its channels-last custom ops handle 3-D and 4-D
tensors only, so a Brevitas ``QuantConv3d`` model (NEWSdm) cannot reach the IR through it. This
pass does the conversion for graphs whose image tensors are 5-D ``[N, C, D, H, W]``: one
``Transpose`` after the graph input (the builder folds it into the input's axis order), every 5-D
tensor relabelled ``[N, D, H, W, C]``, ``Conv`` weights transposed to ``O, kD, kH, kW, I`` and
``Conv``/``MaxPool`` moved to this module's domain (whose ``CustomOp`` classes give qonnx their
channels-last shapes), ``Slice``/``Concat`` axes remapped, and one ``Transpose`` back to
channels-first before the ``Flatten`` (or 2-D ``Reshape``) so the dense layer reads torch's
order. Elementwise ops (``Quant``, ``Sigmoid``, ``Mul``, ``Add``, ``Relu``) need no change. Any
other op on a 5-D tensor is refused, naming it. qonnx's own conversion is then skipped (it would
assert on 5-D tensors).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from onnx import helper
from qonnx.custom_op.base import CustomOp

from trigq.ir.errors import UnsupportedOpError

DOMAIN = "trigq.ir.channels_last_5d"
TO_LAST = (0, 2, 3, 4, 1)
TO_FIRST = (0, 4, 1, 2, 3)
ELEMENTWISE = ("Quant", "Sigmoid", "Mul", "Add", "Relu", "TableActivation")
AXIS_TO_LAST = {1: 4, 2: 1, 3: 2, 4: 3, -4: 4, -3: 1, -2: 2, -1: 3}


def _out_size(size: int, k: int, s: int, pb: int, pe: int) -> int:
    return (size + pb + pe - k) // s + 1


class _Window(CustomOp):
    """Shape inference of a channels-last 5-D Conv / MaxPool (execution: not needed by trigq)."""

    def get_nodeattr_types(self):
        return {
            "kernel_shape": ("ints", True, []),
            "strides": ("ints", False, [1, 1, 1]),
            "pads": ("ints", False, [0, 0, 0, 0, 0, 0]),
            "dilations": ("ints", False, [1, 1, 1]),
            "group": ("i", False, 1),
            "ceil_mode": ("i", False, 0),
            "auto_pad": ("s", False, "NOTSET"),
            "storage_order": ("i", False, 0),
        }

    def _out_channels(self, model) -> int:
        raise NotImplementedError

    def make_shape_compatible_op(self, model):
        ishape = model.get_tensor_shape(self.onnx_node.input[0])
        k, s, p = self.get_nodeattr("kernel_shape"), self.get_nodeattr("strides"), self.get_nodeattr("pads")
        spatial = [_out_size(ishape[1 + i], k[i], s[i], p[i], p[i + 3]) for i in range(3)]
        return self.make_const_shape_op([ishape[0], *spatial, self._out_channels(model)])

    def infer_node_datatype(self, model):
        node = self.onnx_node
        model.set_tensor_datatype(node.output[0], model.get_tensor_datatype(node.input[0]))

    def execute_node(self, context, graph):  # pragma: no cover - trigq never executes these
        raise NotImplementedError(f"{self.onnx_node.op_type} in domain {DOMAIN} is not executable")

    def verify_node(self):
        return []


class Conv(_Window):
    def _out_channels(self, model) -> int:
        return int(model.get_tensor_shape(self.onnx_node.input[1])[0])


class MaxPool(_Window):
    def _out_channels(self, model) -> int:
        return int(model.get_tensor_shape(self.onnx_node.input[0])[-1])


def _rank(model: Any, tensor: str) -> int:
    shape = model.get_tensor_shape(tensor)
    return 0 if shape is None else len(shape)


def has_5d(model: Any) -> bool:
    """Whether the graph's input is a 5-D image (the graphs this pass converts)."""
    return _rank(model, model.graph.input[0].name) == 5


def _set_shape(model: Any, tensor: str, perm: tuple[int, ...]) -> None:
    shape = model.get_tensor_shape(tensor)
    model.set_tensor_shape(tensor, [shape[p] for p in perm])


def _transpose_weight(model: Any, node: Any) -> None:
    """``Conv`` weight ``O, I, kD, kH, kW`` -> ``O, kD, kH, kW, I`` (an initializer or a Quant of one)."""
    name = node.input[1]
    target = name if model.get_initializer(name) is not None else None
    quant = model.find_producer(name)
    if target is None and quant is not None and quant.op_type == "Quant":
        target = quant.input[0] if model.get_initializer(quant.input[0]) is not None else None
    if target is None:
        raise UnsupportedOpError(f"node {node.name!r}: Conv weight {name!r} is not a (quantised) constant")
    w = model.get_initializer(target)
    model.set_initializer(target, np.ascontiguousarray(np.transpose(w, (0, 2, 3, 4, 1))))
    _set_shape_to(model, name, list(np.transpose(w, (0, 2, 3, 4, 1)).shape))


def _set_shape_to(model: Any, tensor: str, shape: list[int]) -> None:
    model.set_tensor_shape(tensor, [int(s) for s in shape])


def _int_list(model: Any, tensor: str) -> np.ndarray | None:
    value = model.get_initializer(tensor)
    return None if value is None else np.asarray(value).astype(np.int64)


def convert(model: Any) -> Any:
    """The channels-last form of a graph with a 5-D input (see the module docstring); other graphs
    unchanged."""
    if not has_5d(model):
        return model
    graph = model.graph
    five = {t for t in _all_tensors(model) if _rank(model, t) == 5}
    weights = set()
    for node in graph.node:
        if node.op_type == "Conv":
            weights.add(node.input[1])
            producer = model.find_producer(node.input[1])
            if producer is not None:
                weights.update(producer.input)
    acts = five - weights - {graph.input[0].name}
    for node in list(graph.node):
        touches = [t for t in (*node.input, *node.output) if t in acts]
        if not touches:
            continue
        if node.op_type in ("Conv", "MaxPool"):
            if node.op_type == "Conv":
                _transpose_weight(model, node)
            node.domain = DOMAIN
        elif node.op_type == "Concat":
            axis = helper.get_attribute_value(next(a for a in node.attribute if a.name == "axis"))
            for a in node.attribute:
                if a.name == "axis":
                    a.i = AXIS_TO_LAST[int(axis)]
        elif node.op_type == "Slice":
            axes = _int_list(model, node.input[3]) if len(node.input) > 3 and node.input[3] else None
            if axes is None:
                raise UnsupportedOpError(f"node {node.name!r}: Slice of a 5-D tensor needs constant axes")
            model.set_initializer(node.input[3], np.asarray([AXIS_TO_LAST[int(a)] for a in axes], np.int64))
        elif node.op_type in ("Flatten", "Reshape") and _rank(model, node.output[0]) == 2:
            _insert_before(model, node, TO_FIRST)
            continue
        elif node.op_type not in ELEMENTWISE:
            raise UnsupportedOpError(
                f"node {node.name!r} ({node.op_type}): not supported on 5-D tensors (3-D convolutional nets)"
            )
    for tensor in acts:
        _set_shape(model, tensor, TO_LAST)
    _insert_after_input(model)
    return model


def _all_tensors(model: Any) -> set[str]:
    names = {t.name for t in model.graph.value_info} | {t.name for t in model.graph.input}
    names |= {t.name for t in model.graph.output}
    for node in model.graph.node:
        names.update(t for t in (*node.input, *node.output) if t)
    return names


def _insert_before(model: Any, node: Any, perm: tuple[int, ...]) -> None:
    src = node.input[0]
    out = model.make_new_valueinfo_name()
    shape = model.get_tensor_shape(src)
    model.set_tensor_shape(out, list(shape))  # channels-first, as ``src`` before its relabelling
    t = helper.make_node("Transpose", [src], [out], perm=list(perm), name=f"Transpose_{node.name}")
    graph = model.graph
    index = list(graph.node).index(node)
    graph.node.insert(index, t)
    node.input[0] = out


def _insert_after_input(model: Any) -> None:
    graph = model.graph
    name = graph.input[0].name
    out = model.make_new_valueinfo_name()
    shape = model.get_tensor_shape(name)
    model.set_tensor_shape(out, [shape[p] for p in TO_LAST])
    for node in graph.node:
        for i, t in enumerate(node.input):
            if t == name:
                node.input[i] = out
    node = helper.make_node("Transpose", [name], [out], perm=list(TO_LAST), name="Transpose_input")
    graph.node.insert(0, node)


__all__ = ["DOMAIN", "Conv", "MaxPool", "convert", "has_5d"]
