"""Small helpers over a qonnx ``ModelWrapper`` shared by the passes."""

from __future__ import annotations

from qonnx.core.modelwrapper import ModelWrapper
from qonnx.transformation.base import Transformation

from trigq.export.errors import ExportError


def is_constant(model: ModelWrapper, tensor: str) -> bool:
    """True when ``tensor`` is an initializer (a weight, bias or quantiser parameter)."""
    return model.get_initializer(tensor) is not None


def describe_quant(model: ModelWrapper, node) -> str:
    """``'Quant node Quant_0 (weights of layer Conv_0)'``: the Quant and the layer it serves."""
    consumers = model.find_consumers(node.output[0]) or []
    layer = ", ".join(c.name for c in consumers) or "the graph output"
    if is_constant(model, node.input[0]):
        role = (
            "weights"
            if all(list(c.input).index(node.output[0]) == 1 for c in consumers if node.output[0] in c.input)
            else "constant input"
        )
        return f"Quant node {node.name} ({role} of layer {layer})"
    producer = model.find_producer(node.input[0])
    source = producer.name if producer is not None else "the graph input"
    return f"Quant node {node.name} (activation quantiser after {source}, feeding layer {layer})"


class Recorder:
    """Raise on the first problem, or collect problems when inexact exports are allowed."""

    def __init__(self, allow_inexact: bool) -> None:
        self.allow_inexact = allow_inexact
        self.problems: list[str] = []

    def report(self, message: str) -> None:
        if not self.allow_inexact:
            raise ExportError(message + " (use --allow-inexact to export anyway and measure the mismatch)")
        self.problems.append(message)


class QuantNodeCheck(Transformation):
    """Base of the passes that check every ``Quant`` node: ``check(model, node, where)`` reports
    problems, which raise at once or, with ``allow_inexact``, are collected in ``problems``."""

    def __init__(self, allow_inexact: bool = False) -> None:
        super().__init__()
        self._recorder = Recorder(allow_inexact)

    @property
    def problems(self) -> list[str]:
        return self._recorder.problems

    def report(self, message: str) -> None:
        self._recorder.report(message)

    def apply(self, model: ModelWrapper) -> tuple[ModelWrapper, bool]:
        for node in model.graph.node:
            if node.op_type == "Quant":
                self.check(model, node, describe_quant(model, node))
        return model, False

    def check(self, model: ModelWrapper, node, where: str) -> None:
        raise NotImplementedError
