"""The bit-accurate integer emulator and its integer IR (built from the cleaned QONNX graph)."""

from trigq.emulate.build import build_integer_graph
from trigq.emulate.emulator import Emulator, merge_audits
from trigq.emulate.errors import InexactGraphError, UnsupportedOpError
from trigq.emulate.ir import FixedFormat, IntegerGraph, IRError, Node

__all__ = [
    "Emulator",
    "FixedFormat",
    "IRError",
    "InexactGraphError",
    "IntegerGraph",
    "Node",
    "UnsupportedOpError",
    "build_integer_graph",
    "merge_audits",
]
