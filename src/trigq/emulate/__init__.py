"""The bit-accurate integer emulator and its integer IR (built from the cleaned QONNX graph)."""

from trigq.emulate.ir import FixedFormat, IntegerGraph, IRError, Node

__all__ = ["FixedFormat", "IRError", "IntegerGraph", "Node"]
