"""da4ml tracing of the integer IR: bit-exact against the emulator (quick: da4ml's C++ interpreter)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from trigq.emulate import Emulator
from trigq.ir import FixedFormat, IntegerGraph, IRError, Node
from trigq.rtl import RtlError, trace_graph
from trigq.rtl.examples import all_codes, quant_graph, tiny_conv_dense_graph


def emulate_raw(graph: IntegerGraph, x_raw: np.ndarray) -> np.ndarray:
    return Emulator(graph).predict_raw(x_raw * graph.input_fmt.scale, channels_last=True)


def test_round_half_even_ties_and_saturation() -> None:
    in_fmt, out_fmt = FixedFormat(True, 6, 2), FixedFormat(True, 3, 0, narrow=True)
    x = all_codes(in_fmt)  # -8.0 .. 7.75 in steps of 0.25
    y = trace_graph(quant_graph(in_fmt, out_fmt, "ROUND", "SAT", 1)).predict_raw(x)[:, 0]
    by_value = dict(zip((x[:, 0] / 4).tolist(), y.tolist()))
    # ties go to even; beyond +-3 (narrow 3-bit) saturates
    expected = {
        0.5: 0,
        1.5: 2,
        2.5: 2,
        -0.5: 0,
        -1.5: -2,
        -2.5: -2,
        0.75: 1,
        -0.75: -1,
        3.5: 3,
        7.75: 3,
        -3.5: -3,
        -8.0: -3,
        0.25: 0,
        1.25: 1,
    }
    assert {v: by_value[v] for v in expected} == expected
    assert_array_equal(y, emulate_raw(quant_graph(in_fmt, out_fmt, "ROUND", "SAT", 1), x)[:, 0])


@pytest.mark.parametrize("rounding", ["ROUND", "FLOOR"])
@pytest.mark.parametrize("overflow", ["SAT", "WRAP"])
@pytest.mark.parametrize(
    "out_fmt", [FixedFormat(True, 3, 1), FixedFormat(False, 2, -1), FixedFormat(True, 4, 0, True)]
)
def test_quant_matches_emulator_on_every_code(rounding: str, overflow: str, out_fmt: FixedFormat) -> None:
    in_fmt = FixedFormat(True, 7, 3)
    g = quant_graph(in_fmt, out_fmt, rounding, overflow, 1)
    x = all_codes(in_fmt)
    assert_array_equal(trace_graph(g).predict_raw(x), emulate_raw(g, x))


def test_bipolar_quant() -> None:
    in_fmt, out_fmt = FixedFormat(True, 4, 1), FixedFormat(True, 2, 0)
    g = quant_graph(in_fmt, out_fmt, "BIPOLAR", "SAT", 1)
    x = all_codes(in_fmt)
    y = trace_graph(g).predict_raw(x)[:, 0]
    assert_array_equal(y, np.where(x[:, 0] >= 0, 1, -1))
    assert_array_equal(y, emulate_raw(g, x)[:, 0])


@pytest.mark.parametrize("rounding", ["ROUND", "FLOOR"])
def test_tiny_conv_dense_matches_emulator(rounding: str) -> None:
    g = tiny_conv_dense_graph(seed=3, rounding=rounding)
    rng = np.random.default_rng(0)
    x = rng.integers(g.input_fmt.lo, g.input_fmt.hi + 1, (3000, *g.input_shape))
    x[0], x[1] = g.input_fmt.lo, g.input_fmt.hi  # both range ends everywhere
    y = trace_graph(g).predict_raw(x)
    ref = emulate_raw(g, x)
    assert_array_equal(y, ref)
    assert len(np.unique(ref)) > 3  # the test data exercises the output range


def test_kernel_reuse_equals_per_position_trace() -> None:
    g = tiny_conv_dense_graph(seed=5, height=5, width=10)
    x = np.random.default_rng(1).integers(g.input_fmt.lo, g.input_fmt.hi + 1, (2000, *g.input_shape))
    reused, per_row = trace_graph(g, reuse_kernels=True), trace_graph(g, reuse_kernels=False)
    assert_array_equal(reused.predict_raw(x), per_row.predict_raw(x))
    assert_array_equal(reused.predict_raw(x), emulate_raw(g, x))
    # same kernel, same input ranges in the interior: the adder graphs cost about the same
    assert 0.7 < reused.cost / per_row.cost < 1.3


def test_avgpool_affine_add_concat_and_spatial_output_order() -> None:
    f = FixedFormat
    rng = np.random.default_rng(2)
    nodes = (
        Node(
            "aff",
            "affine",
            ("x",),
            "a",
            {},
            {"mult": rng.integers(-3, 4, 2), "offset": rng.integers(-5, 5, 2)},
            f(True, 9, 2),
            f(True, 9, 2),
        ),
        Node(
            "avg",
            "avgpool",
            ("a",),
            "v",
            {"kernel": [2, 2], "strides": [2, 2], "pads": [0, 0, 0, 0]},
            {},
            f(True, 9, 4),
        ),
        Node("cat", "concat", ("v", "v"), "c", {"axis": 2}, {}, f(True, 9, 4)),
        Node("sum", "add", ("c", "c"), "s", {}, {}, f(True, 10, 4)),
        Node("q", "quant", ("s",), "y", {"rounding": "ROUND", "overflow": "WRAP"}, {}, f(True, 5, 2)),
    )
    g = IntegerGraph("x", (4, 4, 2), f(True, 4, 1), nodes, "y", f(True, 5, 2), (2, 2, 4))
    x = rng.integers(-8, 8, (1000, 4, 4, 2))
    assert_array_equal(trace_graph(g).predict_raw(x), emulate_raw(g, x))


def test_unsupported_layer_is_named() -> None:
    f = FixedFormat
    with pytest.raises(IRError, match=r"'grouped'.*grouped"):
        Node(
            "grouped",
            "conv2d",
            ("x",),
            "y",
            {"strides": [1, 1], "pads": [0, 0, 0, 0], "group": 2},
            {"weight": np.ones((1, 1, 2, 2), dtype=np.int64)},
            f(True, 6, 0),
            f(True, 6, 0),
            f(True, 2, 0),
        )


def test_wrong_input_shape_raises() -> None:
    tg = trace_graph(tiny_conv_dense_graph())
    with pytest.raises(RtlError, match="input shape"):
        tg.predict_raw(np.zeros((2, 3, 3, 1), dtype=np.int64))
