"""The fast paths of the emulator: sparse first layer, chained pooling, same-LSB requantiser.

Each is checked against a direct numpy computation (integers, ``assert_array_equal``) and against
the plain dense path, including the overflow-audit counts on crafted inputs.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from numpy.testing import assert_array_equal

from trigq.emulate import Emulator
from trigq.ir import FixedFormat, IntegerGraph, Node
from trigq.ir import torch_kernels as K


def _direct_conv2d(x: np.ndarray, w: np.ndarray, b: np.ndarray, strides, pads) -> np.ndarray:
    """Textbook convolution, channels-last, integers in float64."""
    top, left, bottom, right = pads
    xp = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    kh, kw, _, c_out = w.shape
    oh = (xp.shape[1] - kh) // strides[0] + 1
    ow = (xp.shape[2] - kw) // strides[1] + 1
    y = np.zeros((x.shape[0], oh, ow, c_out))
    for i in range(oh):
        for j in range(ow):
            r, c = i * strides[0], j * strides[1]
            y[:, i, j] = np.einsum("nhwc,hwco->no", xp[:, r : r + kh, c : c + kw], w) + b
    return y


def _sparse_ints(rng, shape, density: float, lo: int, hi: int) -> np.ndarray:
    x = rng.integers(lo, hi + 1, size=shape).astype(np.float64)
    return x * (rng.random(shape) < density)


@pytest.mark.parametrize(
    ("in_shape", "kernel", "strides", "pads"),
    [
        ((9, 40, 1), (9, 12), (1, 4), (0, 0, 0, 0)),  # the L0 trigger's first layer, narrow
        ((5, 7, 3), (3, 3), (1, 1), (1, 1, 1, 1)),
        ((6, 9, 2), (3, 2), (2, 3), (0, 1, 2, 0)),  # uneven pads, strides > kernel along W
        ((4, 11, 2), (2, 5), (3, 2), (1, 2, 0, 1)),
    ],
)
def test_sparse_conv2d_equals_direct_convolution(in_shape, kernel, strides, pads):
    rng = np.random.default_rng(sum(in_shape))
    x = _sparse_ints(rng, (6, *in_shape), 0.08, -5, 6)
    x[0] = 0  # an event without any non-zero
    w = rng.integers(-3, 4, size=(*kernel, in_shape[2], 4)).astype(np.float64)
    b = rng.integers(-9, 10, size=4).astype(np.float64)
    want = _direct_conv2d(x, w, b, strides, pads)
    flat = np.flatnonzero(x)
    event, position = np.divmod(flat, int(np.prod(in_shape)))
    sparse = K.SparseInput(x.shape, event, position, torch.from_numpy(x.reshape(-1)[flat]))
    table = K.sparse_conv_table(in_shape, kernel, strides, pads)
    got = K.sparse_conv2d(sparse, torch.from_numpy(w), torch.from_numpy(b), table)
    assert_array_equal(got, want)
    assert_array_equal(K.conv2d(x, w, b, strides, pads), want)
    assert_array_equal(want[0], np.broadcast_to(b, want[0].shape))


@pytest.mark.parametrize("size", [1, 7, 8, 61, 4096])
def test_nonzero_flat_matches_numpy(size):
    rng = np.random.default_rng(size)
    for density in (0.0, 0.01, 0.3, 1.0):
        mask = rng.random(size) < density
        assert_array_equal(K.nonzero_flat(mask), np.flatnonzero(mask))
    m2 = rng.random((3, 5, 7)) < 0.2  # not C-contiguous after transposition
    assert_array_equal(K.nonzero_flat(m2.transpose(2, 0, 1)), np.flatnonzero(m2.transpose(2, 0, 1)))


@pytest.mark.parametrize("mode", ["max", "sum"])
@pytest.mark.parametrize(
    ("kernel", "strides", "pads"),
    [
        ((2, 2), (2, 2), (0, 0, 0, 0)),
        ((3, 2), (1, 2), (1, 0, 1, 1)),
        ((1, 9), (1, 9), (0, 0, 0, 0)),
        ((9, 9), (1, 1), (0, 0, 0, 0)),
    ],  # 81 > CHAIN_POOL_MAX_WINDOW: torch's pooling
)
def test_pooling_matches_direct_windows(mode, kernel, strides, pads):
    rng = np.random.default_rng(3)
    x = rng.integers(-20, 20, size=(3, 9, 19, 2)).astype(np.float32)
    top, left, bottom, right = pads
    xp = np.pad(
        x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=-np.inf if mode == "max" else 0
    )
    oh = (xp.shape[1] - kernel[0]) // strides[0] + 1
    ow = (xp.shape[2] - kernel[1]) // strides[1] + 1
    want = np.zeros((3, oh, ow, 2), dtype=np.float32)
    for i in range(oh):
        for j in range(ow):
            r, c = i * strides[0], j * strides[1]
            win = xp[:, r : r + kernel[0], c : c + kernel[1]]
            want[:, i, j] = win.max(axis=(1, 2)) if mode == "max" else win.sum(axis=(1, 2))
    fn = K.maxpool if mode == "max" else K.window_sum
    got = fn(torch.from_numpy(x), kernel, strides, pads)
    assert_array_equal(got, want)
    x1 = x[:, 0]  # 1-D maps [N, W, C]
    got1 = fn(torch.from_numpy(x1), kernel[1:], strides[1:], (pads[1], pads[3]))
    assert_array_equal(
        got1,
        fn(torch.from_numpy(x1[:, None]), (1, kernel[1]), (1, strides[1]), (0, pads[1], 0, pads[3])).squeeze(
            1
        ),
    )


def test_same_lsb_requantise_counts_and_leaves_input_alone():
    raw = torch.tensor([-9.0, -8.0, 0.0, 7.0, 8.0, 30.0])
    before = raw.clone()
    r = K.requantise(raw, FixedFormat(True, 8, 2), FixedFormat(True, 4, 2))
    assert_array_equal(r.raw, [-8, -8, 0, 7, 7, 7])
    assert (r.saturated, r.wrapped) == (3, 0)
    assert_array_equal(raw, before)
    inside = K.requantise(raw[1:4], FixedFormat(True, 8, 2), FixedFormat(True, 4, 2))
    assert (inside.saturated, inside.wrapped) == (0, 0)
    assert_array_equal(inside.raw, [-8, 0, 7])
    assert_array_equal(
        K.requantise(raw, FixedFormat(True, 8, 2), FixedFormat(True, 4, 2), count=False).raw, r.raw
    )


def _first_layer_graph(op: str) -> tuple[IntegerGraph, np.ndarray, np.ndarray]:
    """input (signed 4-bit, frac 1) -> conv2d / conv1d / dense -> quant to narrow 3-bit."""
    rng = np.random.default_rng(5)
    in_fmt = FixedFormat(True, 4, 1)
    if op == "conv2d":
        shape, w = (3, 10, 2), rng.integers(-2, 3, size=(2, 3, 2, 3))
        attrs = {"strides": [1, 2], "pads": [1, 0, 0, 1], "kernel": [2, 3], "group": 1}
    elif op == "conv1d":
        shape, w = (10, 2), rng.integers(-2, 3, size=(3, 2, 3))
        attrs = {"strides": [2], "pads": [1, 1], "kernel": [3], "group": 1}
    else:
        shape, w, attrs = (12,), rng.integers(-2, 3, size=(12, 3)), {}
    b = rng.integers(-4, 5, size=3)
    acc = FixedFormat(True, 12, 1)
    nodes = (
        Node("L0", op, ("in",), "acc", attrs, {"weight": w, "bias": b}, acc, acc),
        Node(
            "Q0",
            "quant",
            ("acc",),
            "out",
            {"rounding": "ROUND", "overflow": "SAT"},
            out_fmt=FixedFormat(True, 3, 0, narrow=True),
        ),
    )
    g = IntegerGraph(
        "in", shape, in_fmt, nodes, "out", FixedFormat(True, 3, 0, narrow=True), input_node="Qin"
    )
    return g, w, b


def _reference(op: str, g: IntegerGraph, w, b, codes: np.ndarray) -> tuple[np.ndarray, int]:
    if op == "conv2d":
        acc = _direct_conv2d(codes, w, b, (1, 2), (1, 0, 0, 1))
    elif op == "conv1d":
        acc = _direct_conv2d(codes[:, None], w[None], b, (1, 2), (0, 1, 0, 1))[:, 0]
    else:
        acc = codes @ w + b
    q = np.round(acc * 0.5)
    sat = int(np.count_nonzero((q < -3) | (q > 3)))
    q = np.clip(q, -3, 3)
    return (q if q.ndim == 2 else np.moveaxis(q, -1, 1)).reshape(len(codes), -1), sat  # torch order


@pytest.mark.parametrize("op", ["conv2d", "conv1d", "dense"])
def test_sparse_first_layer_codes_and_audit_match_dense_and_reference(op, monkeypatch):
    g, w, b = _first_layer_graph(op)
    rng = np.random.default_rng(9)
    n = 40
    x = np.zeros((n, *g.input_shape), dtype=np.float32)
    flat = x.reshape(n, -1)
    hot = rng.choice(flat.shape[1], size=(n, 1), replace=True)
    np.put_along_axis(flat, hot, rng.choice([-9.0, -0.75, 0.25, 0.5, 1.25, 3.5, 8.0], size=(n, 1)), axis=1)
    flat[3, :] = 0.0  # an empty event
    flat[7, 0] = 100.0  # saturates the input quantiser
    flat[8, -1] = -100.0
    codes = np.clip(np.round(x * 2.0), -8, 7)
    want_in_sat = int(np.count_nonzero((np.round(x * 2.0) < -8) | (np.round(x * 2.0) > 7)))
    want, want_sat = _reference(op, g, w.astype(np.float64), b.astype(np.float64), codes.astype(np.float64))
    xs = np.concatenate([x, np.zeros((20 * n, *g.input_shape), np.float32)])  # sparse enough
    assert want_in_sat >= 2 and want_sat > 0

    calls = []
    original = K.sparse_conv2d
    monkeypatch.setattr(K, "sparse_conv2d", lambda *a: calls.append(1) or original(*a))
    results = {}
    for sparse in (True, False):
        emu = Emulator(g, sparse_input=sparse)
        raw, audit = emu.run(xs, channels_last=True)
        results[sparse] = raw
        assert_array_equal(raw[:n], want)
        assert audit == {
            "Qin": {"saturated": want_in_sat, "wrapped": 0, "total": xs.size},
            "Q0": {"saturated": want_sat, "wrapped": 0, "total": int(np.prod(raw.shape))},
        }
        assert_array_equal(emu.predict_raw(xs, channels_last=True), raw)
    assert len(calls) == 2  # the sparse emulator took the sparse path (run + predict_raw), once each
    assert_array_equal(results[True], results[False])
    # a dense batch falls back to the dense path and still agrees
    dense_x = rng.choice([-1.0, 0.5, 2.0], size=(n, *g.input_shape)).astype(np.float32)
    assert_array_equal(
        Emulator(g).predict_raw(dense_x, channels_last=True),
        Emulator(g, sparse_input=False).predict_raw(dense_x, channels_last=True),
    )
    assert len(calls) == 2


def test_sparse_path_with_float64_input_and_floor_rounding():
    g, _, _ = _first_layer_graph("conv2d")
    g = IntegerGraph(
        g.input_name,
        g.input_shape,
        g.input_fmt,
        g.nodes,
        g.output_name,
        g.output_fmt,
        input_rounding="FLOOR",
        input_node="Qin",
    )
    x = np.zeros((200, *g.input_shape))
    x[::7, 1, 3, 0] = -0.25  # floors to code -1 (round-half-even would give 0)
    x[::5, 2, 9, 1] = 0.75
    a = Emulator(g).predict_raw(x, channels_last=True)
    assert_array_equal(a, Emulator(g, sparse_input=False).predict_raw(x, channels_last=True))
    assert len(np.unique(a)) > 1


def test_channels_first_input_with_several_channels_takes_the_sparse_path_exactly():
    g, _, _ = _first_layer_graph("conv2d")
    x = np.zeros((300, 2, 3, 10), dtype=np.float32)  # channels-first: a non-contiguous view inside
    x[::3, 1, 0, 4] = 1.5
    x[::4, 0, 2, 9] = -2.0
    got = Emulator(g).predict_raw(x)
    assert_array_equal(got, Emulator(g, sparse_input=False).predict_raw(x))
    assert_array_equal(got, Emulator(g).predict_raw(np.moveaxis(x, 1, -1).copy(), channels_last=True))


def test_conv_kernels_accept_torch_layout_views():
    """conv2d on a channels-last tensor whose channel count is 1 (ambiguous strides) is exact."""
    rng = np.random.default_rng(2)
    x = (rng.random((4, 9, 30, 1)) < 0.2).astype(np.float32)
    w = rng.integers(-1, 2, size=(9, 12, 1, 5)).astype(np.float32)
    got = K.conv2d(torch.from_numpy(x), torch.from_numpy(w), None, (1, 4), (0, 0, 0, 0))
    want = F.conv2d(
        torch.from_numpy(x).permute(0, 3, 1, 2).contiguous(),
        torch.from_numpy(w).permute(3, 2, 0, 1).contiguous(),
        stride=(1, 4),
    ).permute(0, 2, 3, 1)
    assert got.is_contiguous()
    assert_array_equal(got, want)
