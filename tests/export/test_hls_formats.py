"""The formats hls4ml gets come from the integer IR (one interval analysis): brute-force checks."""

import itertools

import numpy as np

from trigq.export.hls_config import hls_formats
from trigq.ir import FixedFormat, build_integer_graph


def derive_formats(model):
    return hls_formats(build_integer_graph(model))


def _const_codes(model, node_name):
    node = model.get_node_from_name(node_name)
    scale = float(model.get_initializer(node.input[1]))
    return np.round(model.get_initializer(node.input[0]) / scale).astype(np.int64), scale


def test_dense_accumulator_is_the_covering_format_of_the_brute_force_range(make_mlp):
    model = make_mlp()
    formats = derive_formats(model)
    matmul = model.get_node_from_name("MatMul_0")
    add = model.get_node_from_name("Add_0")
    w, w_scale = _const_codes(model, model.find_producer(matmul.input[1]).name)
    b, b_scale = _const_codes(model, model.find_producer(add.input[1]).name)
    x_fmt = formats.input_quant
    assert x_fmt == FixedFormat(True, 4, 2)
    # A linear map reaches its extremes at the corners of the input box (plus 0).
    acc_frac = 2 + 3
    assert b_scale == 2.0**-5 and w_scale == 2.0**-3
    corners = np.array(list(itertools.product([x_fmt.lo, 0, x_fmt.hi], repeat=4)))
    sums = corners @ w + b  # at 2**-5
    lo, hi = int(min(sums.min(), (corners @ w).min())), int(max(sums.max(), (corners @ w).max()))
    expected = FixedFormat.covering(lo, hi, acc_frac)
    assert formats.layers["MatMul_0"].accum == expected
    assert formats.layers["Add_0"].result == expected


def test_relu_and_quant_formats(make_mlp):
    formats = derive_formats(make_mlp())
    relu = formats.layers["Relu_0"].result
    assert not relu.signed and relu.frac == formats.layers["MatMul_0"].accum.frac
    out = formats.output
    assert out == FixedFormat(True, 8, 4)
    quants = [lf for lf in formats.layers.values() if lf.rounding is not None]
    assert {q.result for q in quants} == {FixedFormat(True, 4, 2), FixedFormat(False, 4, 2), out}
