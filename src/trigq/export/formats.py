"""Per-layer fixed-point formats derived from the cleaned QONNX graph (worst-case ranges).

Interim: the emulator's integer IR (``trigq.emulate``) is meant to be the single source of the
formats; until its QONNX builder lands this small interval analysis derives them here. It keeps,
for every tensor, a fixed-point format and the raw integer range ``[lo, hi]`` any input can
reach; accumulators are the covering formats of those ranges, so nothing can overflow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from qonnx.core.modelwrapper import ModelWrapper
from qonnx.util.basic import get_by_name

from trigq.emulate.batchnorm import BatchNormParams, ExactAffine, exact_batchnorm
from trigq.emulate.ir import FixedFormat
from trigq.errors import TrigqError
from trigq.export.errors import ExportError
from trigq.export.passes.check_rounding_modes import quant_attr

PASSTHROUGH_OPS = ("Flatten", "Reshape", "Transpose", "MaxPool")


@dataclass(frozen=True)
class TensorRange:
    """A fixed-point tensor: its format and the raw codes ``[lo, hi]`` it can take."""

    fmt: FixedFormat
    lo: int
    hi: int


@dataclass(frozen=True)
class LayerFormats:
    """Formats of one QONNX node, as hls4ml needs them (``None`` where not applicable)."""

    node: str
    op: str
    result: FixedFormat
    accum: FixedFormat | None = None
    weight: FixedFormat | None = None
    bias: FixedFormat | None = None
    rounding: str | None = None  # "ROUND" / "FLOOR" for Quant nodes
    quantised_constant: bool = False  # a Quant on weights/biases (hls4ml folds it away)


@dataclass(frozen=True)
class DerivedFormats:
    """The first quantiser's format (the firmware input) and every node's formats by name.

    ``batchnorms``: the exact integer affine of every BatchNormalization node (by name), the same
    one the emulator uses; the export writes it back into the graph as dyadic BN parameters.
    """

    input_quant: FixedFormat
    layers: dict[str, LayerFormats]
    output: FixedFormat
    batchnorms: dict[str, ExactAffine] = field(default_factory=dict)


def _quant_format(model: ModelWrapper, node) -> FixedFormat:
    scale = float(np.asarray(model.get_initializer(node.input[1])).ravel()[0])
    bits = int(np.asarray(model.get_initializer(node.input[3])).ravel()[0])
    _, exp = np.frexp(scale)
    return FixedFormat(bool(quant_attr(node, "signed", 1)), bits, -(int(exp) - 1),
                       bool(quant_attr(node, "narrow", 0)))


def _shift(values: np.ndarray | int, by: int):
    return values * (1 << by) if not isinstance(values, np.ndarray) else values.astype(object) * (1 << by)


def _linear_range(x: TensorRange, w_int: np.ndarray, w_frac: int, out_axis: int,
                  bias: tuple[np.ndarray, int] | None) -> TensorRange:
    """Worst-case range of ``sum_k w[k, o] * x[k] (+ b[o])`` over all reachable ``x``."""
    frac = x.fmt.frac + w_frac
    if bias is not None:
        frac = max(frac, bias[1])
    xlo, xhi = min(x.lo, 0), max(x.hi, 0)  # zero padding can feed a 0
    w = np.moveaxis(w_int.astype(object), out_axis, 0).reshape(w_int.shape[out_axis], -1)
    pos = np.array([sum(v for v in row if v > 0) for row in w], dtype=object)
    neg = np.array([sum(v for v in row if v < 0) for row in w], dtype=object)
    hi = pos * xhi + neg * xlo
    lo = pos * xlo + neg * xhi
    up = frac - (x.fmt.frac + w_frac)
    hi, lo = _shift(hi, up), _shift(lo, up)
    if bias is not None:
        b = _shift(bias[0].astype(object).ravel(), frac - bias[1])
        hi, lo = hi + b, lo + b
    lo_i, hi_i = int(min(lo)), int(max(hi))
    return TensorRange(FixedFormat.covering(lo_i, hi_i, frac), lo_i, hi_i)


def _constant_int(value: np.ndarray, fmt: FixedFormat, where: str) -> np.ndarray:
    raw = np.asarray(value, dtype=np.float64) * 2.0**fmt.frac
    if not np.all(raw == np.round(raw)):
        raise ExportError(f"{where}: constant is not on the grid of {fmt.ap_type()}")
    return np.round(raw).astype(np.int64)


def _covering_ints(raw: np.ndarray, frac: int) -> FixedFormat:
    return FixedFormat.covering(int(np.min(raw, initial=0)), int(np.max(raw, initial=0)), frac)


def _dyadic(value: np.ndarray, where: str) -> tuple[np.ndarray, int]:
    """An unquantised constant as integers at the smallest exact fractional bit count."""
    value = np.asarray(value, dtype=np.float64)
    for frac in range(0, 33):
        raw = value * 2.0**frac
        if np.all(raw == np.round(raw)):
            return np.round(raw).astype(np.int64), frac
    raise ExportError(f"{where}: unquantised constant is not a fixed-point value (add a bias quantiser)")


class _Deriver:
    def __init__(self, model: ModelWrapper) -> None:
        self.model = model
        self.ranges: dict[str, TensorRange] = {}
        self.consts: dict[str, tuple[np.ndarray, int]] = {}  # tensor -> (raw ints, frac)
        self.layers: dict[str, LayerFormats] = {}
        self.batchnorms: dict[str, ExactAffine] = {}
        self.input_quant: FixedFormat | None = None

    def operand(self, tensor: str, node) -> TensorRange:
        if tensor not in self.ranges:
            raise ExportError(
                f"node {node.name} ({node.op_type}) reads {tensor}, which is not fixed point: every "
                "tensor must come out of a Quant node (start the model with a QuantIdentity)"
            )
        return self.ranges[tensor]

    def constant(self, tensor: str, node) -> tuple[np.ndarray, int] | None:
        if tensor in self.consts:
            return self.consts[tensor]
        init = self.model.get_initializer(tensor)
        if init is None:
            return None
        return _dyadic(init, f"node {node.name}, input {tensor}")

    def run(self) -> DerivedFormats:
        graph_in = self.model.graph.input[0].name
        floats = {graph_in}
        for node in self.model.graph.node:
            op = node.op_type
            if op == "Quant":
                self.quant(node, floats)
            elif op == "Transpose" and node.input[0] in floats:
                floats.add(node.output[0])
            elif op in PASSTHROUGH_OPS:
                x = self.operand(node.input[0], node)
                self.ranges[node.output[0]] = x
                self.layers[node.name] = LayerFormats(node.name, op, x.fmt)
            elif op == "Relu":
                x = self.operand(node.input[0], node)
                lo, hi = max(x.lo, 0), max(x.hi, 0)
                fmt = FixedFormat.covering(lo, hi, x.fmt.frac)
                self.ranges[node.output[0]] = TensorRange(fmt, lo, hi)
                self.layers[node.name] = LayerFormats(node.name, op, fmt)
            elif op in ("Conv", "MatMul"):
                self.linear(node)
            elif op == "Add":
                self.add(node)
            elif op == "Concat":
                self.concat(node)
            elif op == "BatchNormalization":
                self.batchnorm(node)
            else:
                raise ExportError(f"node {node.name} (op {op}): no fixed-point format rule")
        out = self.model.graph.output[0].name
        if self.input_quant is None:
            raise ExportError("the graph input is not quantised: the model must start with a Quant node")
        return DerivedFormats(self.input_quant, self.layers, self.operand(out, self.model.graph.node[-1]).fmt,
                              self.batchnorms)

    def quant(self, node, floats: set[str]) -> None:
        fmt = _quant_format(self.model, node)
        rounding = str(quant_attr(node, "rounding_mode", "ROUND")).upper()
        init = self.model.get_initializer(node.input[0])
        if init is not None:
            raw = np.asarray(init, dtype=np.float64) * 2.0**fmt.frac
            raw = np.round(raw) if rounding == "ROUND" else np.floor(raw)
            self.consts[node.output[0]] = (np.clip(raw, fmt.lo, fmt.hi).astype(np.int64), fmt.frac)
            self.layers[node.name] = LayerFormats(node.name, "Quant", fmt, rounding=rounding,
                                                  quantised_constant=True)
            return
        if node.input[0] in floats:
            if self.input_quant is not None:
                raise ExportError(f"node {node.name}: only one quantiser may read the float graph input")
            self.input_quant = fmt
        else:
            self.operand(node.input[0], node)
        self.ranges[node.output[0]] = TensorRange(fmt, fmt.lo, fmt.hi)
        self.layers[node.name] = LayerFormats(node.name, "Quant", fmt, rounding=rounding)

    def linear(self, node) -> None:
        x = self.operand(node.input[0], node)
        weight = self.constant(node.input[1], node)
        if weight is None:
            raise ExportError(f"node {node.name} ({node.op_type}): weights must be constant")
        bias = self.constant(node.input[2], node) if len(node.input) > 2 and node.input[2] else None
        out_axis = 0 if node.op_type == "Conv" else 1
        r = _linear_range(x, weight[0], weight[1], out_axis, bias)
        self.ranges[node.output[0]] = r
        self.layers[node.name] = LayerFormats(
            node.name, node.op_type, r.fmt, accum=r.fmt, weight=_covering_ints(*weight),
            bias=_covering_ints(*bias) if bias is not None else None,
        )

    def add(self, node) -> None:
        a_const = self.constant(node.input[0], node)
        b_const = self.constant(node.input[1], node)
        if a_const is not None and b_const is not None:
            raise ExportError(f"node {node.name} (Add): both inputs are constant")
        if a_const is not None or b_const is not None:  # a bias add: fold into the producer's format
            xname, (b, bfrac) = (node.input[1], a_const) if a_const is not None else (node.input[0], b_const)
            x = self.operand(xname, node)
            frac = max(x.fmt.frac, bfrac)
            braw = _shift(b.astype(object).ravel(), frac - bfrac)
            lo = int(_shift(x.lo, frac - x.fmt.frac) + min(braw))
            hi = int(_shift(x.hi, frac - x.fmt.frac) + max(braw))
            lo, hi = min(lo, _shift(x.lo, frac - x.fmt.frac)), max(hi, _shift(x.hi, frac - x.fmt.frac))
            fmt = FixedFormat.covering(lo, hi, frac)
            self.ranges[node.output[0]] = TensorRange(fmt, lo, hi)
            self.layers[node.name] = LayerFormats(node.name, "Add", fmt, accum=fmt)
            producer = self.model.find_producer(xname)
            if producer is not None and producer.op_type in ("MatMul", "Conv"):  # hls4ml fuses the bias
                old = self.layers[producer.name]
                self.layers[producer.name] = LayerFormats(
                    producer.name, producer.op_type, fmt, accum=fmt, weight=old.weight,
                    bias=_covering_ints(b, bfrac),
                )
            return
        a, b = self.operand(node.input[0], node), self.operand(node.input[1], node)
        frac = max(a.fmt.frac, b.fmt.frac)
        lo = _shift(a.lo, frac - a.fmt.frac) + _shift(b.lo, frac - b.fmt.frac)
        hi = _shift(a.hi, frac - a.fmt.frac) + _shift(b.hi, frac - b.fmt.frac)
        fmt = FixedFormat.covering(lo, hi, frac)
        self.ranges[node.output[0]] = TensorRange(fmt, lo, hi)
        self.layers[node.name] = LayerFormats(node.name, "Add", fmt, accum=fmt)

    def _following_quant(self, node) -> tuple[FixedFormat, str, bool] | None:
        """(format, rounding, with_relu) of the activation Quant fed by ``node`` (through a Relu)."""
        chain = self.model.find_consumers(node.output[0]) or []
        with_relu = len(chain) == 1 and chain[0].op_type == "Relu"
        if with_relu:
            chain = self.model.find_consumers(chain[0].output[0]) or []
        quant = chain[0] if len(chain) == 1 else None
        if quant is None or quant.op_type != "Quant":
            return None
        return (_quant_format(self.model, quant), str(quant_attr(quant, "rounding_mode", "ROUND")).upper(),
                with_relu)

    def batchnorm(self, node) -> None:
        """An exact integer affine for the BN: dyadic as it is, or folded against its Quant."""
        x = self.operand(node.input[0], node)
        params = [self.model.get_initializer(t) for t in node.input[1:5]]
        if any(p is None for p in params):
            raise ExportError(f"node {node.name} (BatchNormalization): parameters must be constants")
        eps_attr = get_by_name(node.attribute, "epsilon")
        eps = float(eps_attr.f) if eps_attr is not None else 1e-5
        bn = BatchNormParams(*params, eps)
        try:
            fold = exact_batchnorm(node.name, bn, x.fmt.frac, x.lo, x.hi, self._following_quant(node))
        except TrigqError as exc:
            raise ExportError(f"node {node.name} (BatchNormalization): {exc}") from exc
        lo, hi = fold.range(x.lo, x.hi)
        fmt = FixedFormat.covering(lo, hi, fold.frac)
        m = fold.frac - fold.in_frac
        self.batchnorms[node.name] = fold
        self.ranges[node.output[0]] = TensorRange(fmt, lo, hi)
        self.layers[node.name] = LayerFormats(
            node.name, "BatchNormalization", fmt,
            weight=_covering_ints(fold.mult, m), bias=_covering_ints(fold.offset, fold.frac),
        )

    def concat(self, node) -> None:
        xs = [self.operand(t, node) for t in node.input]
        frac = max(x.fmt.frac for x in xs)
        lo = min(_shift(x.lo, frac - x.fmt.frac) for x in xs)
        hi = max(_shift(x.hi, frac - x.fmt.frac) for x in xs)
        fmt = FixedFormat.covering(lo, hi, frac)
        self.ranges[node.output[0]] = TensorRange(fmt, lo, hi)
        self.layers[node.name] = LayerFormats(node.name, "Concat", fmt)


def derive_formats(model: ModelWrapper) -> DerivedFormats:
    """Derive every node's fixed-point formats from a cleaned, checked QONNX graph."""
    return _Deriver(model).run()
