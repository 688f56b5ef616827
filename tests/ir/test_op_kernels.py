"""Every op's fast path (the emulator's torch kernel on codes) equals its reference kernel (numpy
values), and the reference kernel traced by da4ml equals it too: property tests over random
shapes, formats, params and inputs, and exhaustive tests where the input space is small.

A one-node graph per case; integers compared with ``assert_array_equal``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from trigq.emulate import Emulator
from trigq.ir import REGISTRY, FixedFormat, IntegerGraph, Node, spec_of, supported_ops
from trigq.ir.arrays import codes, values
from trigq.ir.builder import acc_range
from trigq.ir.ops.geometry import out_spatial

SETTINGS = settings(max_examples=20, deadline=None, derandomize=True)


def _fmt(rng: np.random.Generator, signed: bool | None = None, max_width: int = 8) -> FixedFormat:
    signed = bool(rng.integers(2)) if signed is None else signed
    return FixedFormat(signed, int(rng.integers(2 if signed else 1, max_width + 1)), int(rng.integers(-2, 5)))


def _input(rng: np.random.Generator, fmt: FixedFormat, shape: tuple[int, ...], n: int = 16) -> np.ndarray:
    """Random codes of ``fmt``, with the extremes, as the graph's input values."""
    c = rng.integers(fmt.lo, fmt.hi + 1, size=(n, *shape))
    c.reshape(n, -1)[0, :] = fmt.lo
    c.reshape(n, -1)[1, :] = fmt.hi
    return c


def _check(
    node: Node, in_fmt: FixedFormat, in_shape: tuple[int, ...], x_codes: np.ndarray, traced: bool = True
) -> None:
    """fast path == reference (numpy) == reference (da4ml), in output codes."""
    graph = IntegerGraph(
        "x", in_shape, in_fmt, (node,), node.output, node.out_fmt, spec_of(node.op).shape(node, [in_shape])
    )
    x_values = values(x_codes, in_fmt)
    spec = spec_of(node.op)
    want = codes(spec.reference(node, [x_values], [in_fmt]), node.out_fmt)
    flat = (lambda a: np.moveaxis(a, -1, 1) if a.ndim > 2 else a)(want).reshape(len(x_codes), -1)
    for f32 in (True, False):
        assert_array_equal(
            Emulator(graph, float32=f32, sparse_input=False).predict_raw(x_values, channels_last=True), flat
        )
    if traced and spec.rtl:
        from trigq.rtl.trace import trace_graph

        assert_array_equal(trace_graph(graph).predict_raw(x_codes).reshape(len(x_codes), -1), flat)


@pytest.mark.parametrize("rounding", ["ROUND", "FLOOR"])
@pytest.mark.parametrize("overflow", ["SAT", "WRAP"])
def test_quant_exhaustive(rounding, overflow):
    """Every code of every small input format into assorted output formats (all ties included)."""
    rng = np.random.default_rng(0)
    for _ in range(6):
        in_fmt, out_fmt = _fmt(rng, max_width=7), _fmt(rng, max_width=5)
        node = Node(
            "q", "quant", ("x",), "y", {"rounding": rounding, "overflow": overflow}, {}, out_fmt=out_fmt
        )
        x = np.arange(in_fmt.lo, in_fmt.hi + 1).reshape(-1, 1)
        _check(node, in_fmt, (1,), x, traced=False)
    # half to even at the ties, explicitly: codes 1, 3, 5, 7 at frac 1 -> 0.5, 1.5, 2.5, 3.5
    node = Node(
        "q",
        "quant",
        ("x",),
        "y",
        {"rounding": "ROUND", "overflow": "SAT"},
        {},
        out_fmt=FixedFormat(True, 8, 0),
    )
    got = spec_of("quant").reference(
        node, [np.array([[0.5], [1.5], [2.5], [3.5], [-0.5], [-1.5]])], [FixedFormat(True, 8, 1)]
    )
    assert_array_equal(got.ravel(), [0, 2, 2, 4, -0, -2])


@SETTINGS
@given(st.integers(0, 2**32 - 1))
def test_quant_traced(seed):
    rng = np.random.default_rng(seed)
    in_fmt, out_fmt = _fmt(rng), _fmt(rng, max_width=5)
    rounding, overflow = ("ROUND", "FLOOR")[seed % 2], ("SAT", "WRAP")[(seed // 2) % 2]
    node = Node("q", "quant", ("x",), "y", {"rounding": rounding, "overflow": overflow}, {}, out_fmt=out_fmt)
    x = np.arange(in_fmt.lo, in_fmt.hi + 1).reshape(-1, 1)
    _check(node, in_fmt, (1,), x)


def _conv_node(rng: np.random.Generator, nd: int, in_fmt: FixedFormat) -> tuple[Node, tuple[int, ...]]:
    spatial = tuple(int(rng.integers(2, 7 if nd < 3 else 4)) for _ in range(nd))
    c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    kernel = [int(rng.integers(1, s + 1)) for s in spatial]
    strides = [int(rng.integers(1, 3)) for _ in range(nd)]
    pads = [int(rng.integers(0, 2)) for _ in range(2 * nd)]
    w = rng.integers(-3, 4, size=(*kernel, c_in, c_out))
    b = rng.integers(-20, 21, size=c_out) if rng.integers(2) else None
    wf = int(rng.integers(0, 3))
    lo, hi = acc_range(w, in_fmt.lo, in_fmt.hi, b)
    acc = FixedFormat.covering(lo, hi, in_fmt.frac + wf)
    params = {"weight": w} if b is None else {"weight": w, "bias": b}
    node = Node(
        "c",
        {1: "conv1d", 2: "conv2d", 3: "conv3d"}[nd],
        ("x",),
        "y",
        {"kernel": kernel, "strides": strides, "pads": pads, "group": 1},
        params,
        acc,
        acc,
        FixedFormat(True, 3, wf),
    )
    return node, (*spatial, c_in)


@SETTINGS
@given(st.integers(0, 2**32 - 1), st.sampled_from([1, 2, 3]))
def test_conv(seed, nd):
    rng = np.random.default_rng(seed)
    in_fmt = _fmt(rng)
    node, shape = _conv_node(rng, nd, in_fmt)
    _check(node, in_fmt, shape, _input(rng, in_fmt, shape), traced=nd < 3 or seed % 4 == 0)


@SETTINGS
@given(st.integers(0, 2**32 - 1))
def test_dense(seed):
    rng = np.random.default_rng(seed)
    in_fmt, n_in, n_out = _fmt(rng), int(rng.integers(1, 12)), int(rng.integers(1, 6))
    w = rng.integers(-7, 8, size=(n_in, n_out))
    b = rng.integers(-50, 51, size=n_out)
    lo, hi = acc_range(w, in_fmt.lo, in_fmt.hi, b)
    acc = FixedFormat.covering(lo, hi, in_fmt.frac + 2)
    node = Node("d", "dense", ("x",), "y", {}, {"weight": w, "bias": b}, acc, acc, FixedFormat(True, 4, 2))
    _check(node, in_fmt, (n_in,), _input(rng, in_fmt, (n_in,)))


@SETTINGS
@given(st.integers(0, 2**32 - 1), st.sampled_from(["maxpool", "avgpool"]))
def test_pools(seed, op):
    rng = np.random.default_rng(seed)
    in_fmt = _fmt(rng)
    nd = int(rng.integers(1, 3))
    spatial = tuple(int(rng.integers(2, 8)) for _ in range(nd))
    shape = (*spatial, int(rng.integers(1, 4)))
    kernel = [
        int(2 ** rng.integers(0, int(math.log2(s)) + 1)) if op == "avgpool" else int(rng.integers(1, s + 1))
        for s in spatial
    ]
    strides = [int(rng.integers(1, 3)) for _ in range(nd)]
    pads = (
        [0] * (2 * nd) if op == "avgpool" and seed % 3 else [int(rng.integers(0, 2)) for _ in range(2 * nd)]
    )
    pads = [min(p, kernel[i % nd] - 1) for i, p in enumerate(pads)]  # ONNX: pads smaller than the window
    if any(o < 1 for o in out_spatial(spatial, kernel, strides, pads)):
        pads = [0] * (2 * nd)
    attrs = {"kernel": kernel, "strides": strides, "pads": pads}
    if op == "maxpool":
        node = Node("p", "maxpool", ("x",), "y", attrs, {}, out_fmt=in_fmt)
    else:
        n = math.prod(kernel)
        fmt = FixedFormat.covering(
            min(in_fmt.lo, 0) * n, max(in_fmt.hi, 0) * n, in_fmt.frac + n.bit_length() - 1
        )
        node = Node("p", "avgpool", ("x",), "y", attrs, {}, out_fmt=fmt, acc_fmt=fmt)
    _check(node, in_fmt, shape, _input(rng, in_fmt, shape))


@SETTINGS
@given(st.integers(0, 2**32 - 1))
def test_elementwise_and_data_movement(seed):
    rng = np.random.default_rng(seed)
    in_fmt = _fmt(rng)
    shape = (int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.integers(1, 4)))
    x = _input(rng, in_fmt, shape)
    relu = FixedFormat.covering(0, max(in_fmt.hi, 0), in_fmt.frac)
    _check(Node("r", "relu", ("x",), "y", {}, {}, out_fmt=relu), in_fmt, shape, x)
    _check(Node("f", "flatten", ("x",), "y", {}, {}, out_fmt=in_fmt), in_fmt, shape, x)
    perm = [int(p) for p in rng.permutation(3)]
    _check(Node("t", "transpose", ("x",), "y", {"perm": perm}, {}, out_fmt=in_fmt), in_fmt, shape, x)
    _check(
        Node("s", "reshape", ("x",), "y", {"shape": [math.prod(shape)]}, {}, out_fmt=in_fmt), in_fmt, shape, x
    )
    c = shape[-1]
    mult, offset = rng.integers(-5, 6, size=c), rng.integers(-30, 31, size=c)
    ends = np.stack([in_fmt.lo * mult + offset, in_fmt.hi * mult + offset])
    fmt = FixedFormat.covering(int(ends.min()), int(ends.max()), in_fmt.frac + 1)
    node = Node("a", "affine", ("x",), "y", {}, {"mult": mult, "offset": offset}, out_fmt=fmt, acc_fmt=fmt)
    _check(node, in_fmt, shape, x)
    bias = rng.integers(-30, 31, size=shape)  # bias_map: a per-position offset (folded CoordConv)
    bfmt = FixedFormat.covering(
        in_fmt.lo * 2 + int(bias.min()), in_fmt.hi * 2 + int(bias.max()), in_fmt.frac + 1
    )
    _check(Node("b", "bias_map", ("x",), "y", {}, {"offset": bias}, out_fmt=bfmt), in_fmt, shape, x)


def test_add_and_concat_align_formats():
    rng = np.random.default_rng(4)
    a, b = FixedFormat(True, 5, 1), FixedFormat(False, 4, 3)
    shape = (3, 4, 2)
    nodes = (
        Node("q", "quant", ("x",), "u", {"rounding": "ROUND", "overflow": "SAT"}, {}, out_fmt=b),
        Node("cat", "concat", ("x", "u"), "c", {"axis": 2}, {}, out_fmt=FixedFormat(True, 8, 3)),
        Node("sum", "add", ("x", "u"), "s", {}, {}, out_fmt=FixedFormat(True, 9, 3)),
        Node("cat2", "concat", ("c", "s"), "y", {"axis": 2}, {}, out_fmt=FixedFormat(True, 9, 3)),
    )
    graph = IntegerGraph("x", shape, a, nodes, "y", nodes[-1].out_fmt)
    x = _input(rng, a, shape, 64)
    xv = values(x, a)
    u = spec_of("quant").reference(nodes[0], [xv], [a])
    cat = spec_of("concat").reference(nodes[1], [xv, u], [a, b])
    s = spec_of("add").reference(nodes[2], [xv, u], [a, b])
    want = codes(
        spec_of("concat").reference(nodes[3], [cat, s], [nodes[1].out_fmt, nodes[2].out_fmt]),
        nodes[3].out_fmt,
    )
    assert_array_equal(
        Emulator(graph).predict_raw(xv, channels_last=True), np.moveaxis(want, -1, 1).reshape(64, -1)
    )
    from trigq.rtl.trace import trace_graph

    assert_array_equal(
        trace_graph(graph).predict_raw(x).reshape(64, -1), np.moveaxis(want, -1, 1).reshape(64, -1)
    )


def test_lut_exhaustive_over_every_input_code():
    rng = np.random.default_rng(7)
    for in_fmt in (FixedFormat(True, 4, 2), FixedFormat(False, 3, 0), FixedFormat(True, 6, 3)):
        out_fmt = FixedFormat(True, 5, 2)
        table = rng.integers(out_fmt.lo, out_fmt.hi + 1, size=in_fmt.hi - in_fmt.lo + 1)
        node = Node("l", "lut", ("x",), "y", {"function": "random"}, {"table": table}, out_fmt=out_fmt)
        x = np.arange(in_fmt.lo, in_fmt.hi + 1).reshape(-1, 1, 1)
        _check(node, in_fmt, (1, 1), x)
        got = Emulator(IntegerGraph("x", (1, 1), in_fmt, (node,), "y", out_fmt, (1, 1))).predict_raw(
            values(x, in_fmt), channels_last=True
        )
        assert_array_equal(got.ravel(), table)


def test_every_registered_op_is_described_and_backends_are_generated():
    for name, spec in REGISTRY.items():
        assert spec.name == name and spec.reference is not None and spec.shape is not None
        assert spec.summary and spec.supports("emulator")
    assert set(supported_ops("emulator")) == set(REGISTRY)
    assert "conv3d" in supported_ops("rtl") and "conv3d" not in supported_ops("hls4ml")
    assert "lut" not in supported_ops("hls4ml") and "avgpool" in supported_ops("hls4ml")


@pytest.mark.parametrize("pads", [[0] * 6, [0, 1, 0, 0, 1, 0]])
def test_maxpool_3d_fast_path_equals_reference_and_trace(pads):
    rng = np.random.default_rng(11)
    in_fmt = FixedFormat(True, 5, 1)
    shape = (3, 5, 4, 2)
    attrs = {"kernel": [1, 2, 2], "strides": [1, 2, 2], "pads": pads}
    node = Node("p", "maxpool", ("x",), "y", attrs, {}, out_fmt=in_fmt)
    _check(node, in_fmt, shape, _input(rng, in_fmt, shape))


@pytest.mark.parametrize(("axis", "start", "end"), [(0, 0, 1), (1, 2, 5), (3, 1, 2)])
def test_slice_fast_path_equals_reference_and_trace(axis, start, end):
    rng = np.random.default_rng(12)
    in_fmt = FixedFormat(False, 4, 0)
    shape = (3, 5, 4, 2)
    node = Node("s", "slice", ("x",), "y", {"axis": axis, "start": start, "end": end}, {}, out_fmt=in_fmt)
    _check(node, in_fmt, shape, _input(rng, in_fmt, shape))
