"""The integer IR: fixed-point formats, the saveable ``IntegerGraph``, its builder from cleaned
QONNX, the exact BatchNorm fold, and the op registry (``trigq.ir.ops``, one module per op).

The ground floor of the firmware side: the emulator, the RTL tracer, the cost model and the
hls4ml export all read ``IntegerGraph`` nodes and ask the registry what an op is.
"""

from trigq.ir.builder import build_integer_graph
from trigq.ir.errors import InexactGraphError, IRError, UnsupportedOpError
from trigq.ir.fixed import FixedFormat
from trigq.ir.graph import IntegerGraph, Node
from trigq.ir.ops import REGISTRY, spec_of, supported_ops
from trigq.ir.qonnx_clean import channels_last

__all__ = [
    "REGISTRY",
    "FixedFormat",
    "IRError",
    "InexactGraphError",
    "IntegerGraph",
    "Node",
    "UnsupportedOpError",
    "build_integer_graph",
    "channels_last",
    "spec_of",
    "supported_ops",
]
