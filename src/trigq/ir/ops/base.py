"""``OpSpec``: everything trigq knows about one op of the integer IR, in one place.

An op module (``trigq.ir.ops.<op>``) defines one ``OpSpec`` (a family such as conv1d/2d/3d may
define several sharing code) with:

- ``attrs`` / ``params``: the attribute schema (name -> type) and the integer params a node carries;
- ``shape(node, in_shapes)``: the output shape (channels-last, no batch);
- ``build(ctx, qnode)``: the node(s) it makes from a cleaned channels-last QONNX node, with their
  fixed-point formats derived worst case (the interval rule), for the QONNX op types it claims in
  ``qonnx_ops`` (``qonnx_prepare`` / ``qonnx_rewrite``: optional rewrites of the channels-first
  graph before qonnx's channels-last conversion / of the converted graph, which put the op in the
  form the builder and hls4ml read);
- ``reference(node, xs, fmts)``: THE kernel, on values with a leading batch axis, written with
  numpy functions and :mod:`trigq.ir.arrays` primitives so that it runs unchanged on numpy arrays
  (the emulator's reference) and on da4ml ``FixedVariableArray`` (the RTL);
- ``fast``: an optional torch kernel on integer codes (the emulator's fast path), tested against
  ``reference``; ``sparse(node, in_shape)`` (linear ops) gives the op as a 2-D convolution
  (``linear.SparseView``) so that a first layer can run on the non-zero inputs only;
  ``fast_bits(node, in_fmts)``: the widest integer the fast kernel's intermediates reach (default:
  the widest format it touches), which decides float32 or float64; ``audits``: the emulator counts
  the values this op saturates or wraps;
- ``cost(node, ctx)``: the estimator's description of the layer hls4ml builds (or None: no cost);
- ``hls4ml``: None when hls4ml's own layers compute it, else why the hls4ml back end cannot (the
  export refuses the node there, naming it and the back ends that can run it);
  ``hls4ml_formats(node, in_fmt)``: the ``Precision`` formats of the QONNX nodes it came from
  (default: the node's ``out_fmt`` as result).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from trigq.ir.errors import IRError
from trigq.ir.fixed import FixedFormat

if TYPE_CHECKING:
    from trigq.ir.graph import Node

BACKENDS = ("emulator", "rtl", "hls4ml")


HLS_DEFAULT_FORMAT = FixedFormat(signed=True, width=16, frac=10)
"""hls4ml's ``default_precision`` of the export (``fixed<16,6>``): the type of every precision the
config leaves unset."""


@dataclass(frozen=True)
class CostContext:
    """What a cost rule knows besides the node: shapes, bit widths and the hls4ml implementation."""

    in_shape: tuple[int, ...]
    out_shape: tuple[int, ...]
    in_shapes: tuple[tuple[int, ...], ...]
    input_bits: int
    common: dict[str, Any] = field(default_factory=dict)  # reuse_factor, strategy, io_type, bits


@dataclass(frozen=True)
class HlsFormats:
    """The fixed-point formats one QONNX node needs in the hls4ml config (``Precision`` entries).

    ``result`` None: left to hls4ml (``auto``: it fuses a following bias ``Add``); ``rounding``: the
    node is an activation quantiser (its result rounds and saturates); ``weight_key``: hls4ml's
    name of the multiplier type (``weight``, or ``scale`` for a BatchNormalization).
    """

    node: str
    result: Any = None
    accum: Any = None
    weight: Any = None
    bias: Any = None
    rounding: str | None = None
    weight_key: str = "weight"


@dataclass(frozen=True)
class OpSpec:
    """One op of the integer IR (see the module docstring)."""

    name: str
    summary: str
    shape: Callable[[Node, list[tuple[int, ...]]], tuple[int, ...]]
    reference: Callable[[Node, list[Any], list[Any]], Any]
    attrs: Mapping[str, type | tuple[type, ...]] = field(default_factory=dict)
    required_attrs: tuple[str, ...] = ()
    params: tuple[str, ...] = ()
    optional_params: tuple[str, ...] = ()
    min_inputs: int = 1
    max_inputs: int | None = 1
    build: Callable[[Any, Any], None] | None = None
    qonnx_ops: tuple[str, ...] = ()
    qonnx_prepare: Callable[[Any], Any] | None = None
    qonnx_rewrite: Callable[[Any], Any] | None = None
    fast: Callable[..., Any] | None = None
    prepare: Callable[[Node, Any], dict[str, Any]] | None = None
    sparse: Callable[[Node, tuple[int, ...]], Any] | None = None
    fast_bits: Callable[[Node, list[Any]], int] | None = None
    audits: bool = False
    cost: Callable[[Node, CostContext], Any] | None = None
    hls4ml: str | None = None
    hls4ml_formats: Callable[[Node, Any], list[HlsFormats]] | None = None
    validate: Callable[[Node], None] | None = None
    rtl: bool = True

    def supports(self, backend: str) -> bool:
        """Whether ``backend`` ("emulator", "rtl", "hls4ml") can run this op."""
        if backend == "emulator":
            return True
        if backend == "rtl":
            return self.rtl
        if backend == "hls4ml":
            return self.hls4ml is None
        raise ValueError(f"unknown back end {backend!r}; expected one of {BACKENDS}")

    def check(self, node: Node) -> None:
        """Raise ``IRError`` if ``node`` does not fit this op's schema."""
        where = f"node {node.name!r} ({self.name})"
        n = len(node.inputs)
        if n < self.min_inputs or (self.max_inputs is not None and n > self.max_inputs):
            raise IRError(f"{where}: {n} inputs, expected {self.min_inputs}..{self.max_inputs or 'any'}")
        unknown = sorted(set(node.attrs) - set(self.attrs))
        if unknown:
            raise IRError(f"{where}: unknown attribute(s) {unknown}; allowed: {sorted(self.attrs)}")
        missing = [a for a in self.required_attrs if a not in node.attrs]
        if missing:
            raise IRError(f"{where}: missing attribute(s) {missing}")
        for key, value in node.attrs.items():
            if not isinstance(value, self.attrs[key]):
                raise IRError(f"{where}: attribute {key!r} = {value!r} is not of type {self.attrs[key]}")
        missing_params = [p for p in self.params if p not in node.params]
        extra = sorted(set(node.params) - set(self.params) - set(self.optional_params))
        if missing_params or extra:
            raise IRError(
                f"{where}: params {sorted(node.params)}, expected {list(self.params)} "
                f"(+ optional {list(self.optional_params)})"
            )
        if self.validate is not None:
            self.validate(node)
