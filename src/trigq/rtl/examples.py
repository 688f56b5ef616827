"""Hand-made integer graphs (no training, no QONNX) for the RTL tests and benchmarks."""

from __future__ import annotations

import numpy as np

from trigq.ir import FixedFormat, IntegerGraph, Node


def tiny_conv_dense_graph(
    seed: int = 0, height: int = 4, width: int = 12, rounding: str = "ROUND"
) -> IntegerGraph:
    """quant -> conv 3x3 (4 ch, ternary, pads 1, stride 1x2, bias) -> relu -> quant (2-bit) ->
    maxpool 2x2 -> flatten -> dense 3 (ternary, bias) -> quant (narrow 4-bit, LSB 2).

    Input: signed 5-bit codes with one fraction bit, so the first quant sees rounding ties; the
    narrow 3-bit target and the output quant saturate.
    """
    rng = np.random.default_rng(seed)
    f = FixedFormat
    w1 = rng.integers(-1, 2, (3, 3, 1, 4))
    b1 = rng.integers(-8, 8, 4)
    oh, ow = height // 2, ((width + 2 - 3) // 2 + 1) // 2
    w2 = rng.integers(-1, 2, (oh * ow * 4, 3))
    q = {"rounding": rounding, "overflow": "SAT"}
    nodes = (
        Node("q_in", "quant", ("x",), "xq", q, {}, f(True, 3, 0, True)),
        Node(
            "conv",
            "conv2d",
            ("xq",),
            "c",
            {"strides": [1, 2], "pads": [1, 1, 1, 1], "group": 1},
            {"weight": w1, "bias": b1},
            f(True, 8, 1),
            f(True, 8, 1),
            f(True, 2, 1, True),
            f(True, 8, 1),
        ),
        Node("relu", "relu", ("c",), "r", {}, {}, f(False, 7, 1)),
        Node("q1", "quant", ("r",), "rq", q, {}, f(False, 2, 0)),
        Node(
            "pool",
            "maxpool",
            ("rq",),
            "p",
            {"kernel": [2, 2], "strides": [2, 2], "pads": [0, 0, 0, 0]},
            {},
            f(False, 2, 0),
        ),
        Node("flat", "flatten", ("p",), "fl", {}, {}, f(False, 2, 0)),
        Node(
            "fc",
            "dense",
            ("fl",),
            "d",
            {},
            {"weight": w2, "bias": rng.integers(-4, 4, 3)},
            f(True, 10, 0),
            f(True, 10, 0),
            f(True, 2, 0, True),
            f(True, 10, 0),
        ),
        Node("q_out", "quant", ("d",), "y", q, {}, f(True, 4, -1, True)),
    )
    return IntegerGraph("x", (height, width, 1), f(True, 5, 1), nodes, "y", f(True, 4, -1, True), (3,))


def quant_graph(
    in_fmt: FixedFormat, out_fmt: FixedFormat, rounding: str, overflow: str, n: int
) -> IntegerGraph:
    """A single ``quant`` node on a vector of ``n`` codes."""
    node = Node("q", "quant", ("x",), "y", {"rounding": rounding, "overflow": overflow}, {}, out_fmt)
    return IntegerGraph("x", (n,), in_fmt, (node,), "y", out_fmt, (n,))


def all_codes(fmt: FixedFormat) -> np.ndarray:
    """Every raw code of ``fmt`` (non-narrow range), as ``[n_codes, 1]``."""
    lo = -(2 ** (fmt.width - 1)) if fmt.signed else 0
    return np.arange(lo, lo + 2**fmt.width, dtype=np.int64).reshape(-1, 1)
