"""Errors raised while building the integer IR from a QONNX graph."""

from trigq.emulate.ir import IRError
from trigq.errors import TrigqError


class UnsupportedOpError(TrigqError):
    """The QONNX graph holds an op (or an op configuration) the integer emulator cannot run."""


class InexactGraphError(TrigqError):
    """An op cannot be represented exactly in fixed point (e.g. a scale that is no power of two)."""


__all__ = ["IRError", "InexactGraphError", "UnsupportedOpError"]
