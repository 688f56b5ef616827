"""Errors of the integer IR: a malformed graph file, an op a graph cannot hold, an inexact op."""

from trigq.errors import TrigqError


class IRError(TrigqError):
    """An integer graph (file or object) is malformed or inconsistent."""


class UnsupportedOpError(TrigqError):
    """The QONNX graph holds an op (or an op configuration) the integer IR cannot represent, or a
    back end cannot run an op of the IR."""


class InexactGraphError(TrigqError):
    """An op cannot be represented exactly in fixed point (e.g. a scale that is no power of two)."""
