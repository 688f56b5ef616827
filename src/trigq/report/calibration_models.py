"""The hls4ml test models behind the 84 reference synthesis summaries, as LayerCost lists.

Source: hls4ml ``test/pytest/test_keras_api.py`` (fastmachinelearning/hls4ml; the baselines were
produced at commit ef92ebdf2fc6b9573170465ada2200bb782d1164; the model definitions below follow
the version of that file whose ``test_conv2d`` is parametrised by ``(backend, strategy)`` and
whose depthwise tests are io_stream only, which matches the baseline file names):

- ``test_dense``: Dense(2) on a (1,) input, kernel RandomUniform(1, 10), zero bias; ELU.
- ``test_activations``: Dense(64) on (1,), lecun_uniform; then ReLU / LeakyReLU(alpha=1.0)
  (an identity) / ELU / PReLU(alpha=0) / sigmoid.
- ``test_conv2d``: Conv2D(32, 4x4, stride 4x4) on 28x28x3, 'normal' (std 0.05), no bias.
- ``test_depthwise2d``: DepthwiseConv2D(3x3) on 32x32x3, default_precision fixed<32,12>.
- ``test_depthwise1d``: DepthwiseConv1D(3) on 32x3.
- ``test_pooling``: Max/AveragePooling1D (pool 2) on 121x3, Max/AveragePooling2D (2x2) on
  18x15x3, padding same/valid.

hls4ml defaults: ``ap_fixed<16,6>`` for inputs, weights, accumulators and outputs, Latency strategy,
reuse factor 1, 1024-entry activation tables. The tests draw random weights; we draw them from the
same initialisers with a fixed seed and quantise them to the weight format (10 fractional bits), so
multiplier counts are statistically, not exactly, those of the synthesised designs.
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass

import numpy as np

from trigq.report.layer_cost import LayerCost, weight_stats


@dataclass(frozen=True)
class BaselineCase:
    """One reference summary's identity: the test model and how hls4ml built it."""

    test: str  # dense, activations, conv2d, depthwise1d, depthwise2d, pooling
    backend: str  # Vivado, Vitis, oneAPI
    io_type: str  # io_parallel, io_stream
    variant: str  # activation / pooling class + padding / strategy + padding; "" if none
    model_id: str  # the model independent of tool and version (for grouped cross-validation)


_PATTERNS = (
    (re.compile(r"^dense_(io_\w+?)-(\w+)$"), "dense"),
    (re.compile(r"^activations_(io_\w+?)-(\w+?)-(\w+)$"), "activations"),
    (re.compile(r"^conv2d_(io_\w+?)-(\w+?)-(\w+-\w+)-channels_last$"), "conv2d"),
    (re.compile(r"^depthwise1d_(io_\w+?)-(\w+)$"), "depthwise1d"),
    (re.compile(r"^depthwise2d_(io_\w+?)-(\w+)$"), "depthwise2d"),
    (re.compile(r"^pooling_(\w+?)-channels_last-(\w+)-(\w+)$"), "pooling"),
)


def parse_case(stem: str) -> BaselineCase:
    """Identify a baseline file stem (``test_keras_api_test_<test id>``)."""
    name = stem.removeprefix("test_keras_api_test_")
    for pattern, test in _PATTERNS:
        m = pattern.match(name)
        if not m:
            continue
        if test == "pooling":
            backend, padding, pool = m.groups()
            return BaselineCase(
                test, backend, "io_parallel", f"{pool}-{padding}", f"pooling-{pool}-{padding}"
            )
        io_type, backend = m.group(1), m.group(2)
        variant = m.group(3) if m.lastindex and m.lastindex >= 3 else ""
        return BaselineCase(test, backend, io_type, variant, f"{test}-{variant}".rstrip("-"))
    raise ValueError(f"unknown hls4ml baseline test id {name!r}")


def _rng(key: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(key.encode()))


def _quantise(w: np.ndarray, frac: int) -> np.ndarray:
    return np.floor(w * 2.0**frac).astype(np.int64)


def _dense(name: str, n_in: int, n_out: int, w: np.ndarray, io: str, bits: int = 16) -> LayerCost:
    return LayerCost(
        name,
        "dense",
        (n_in,),
        (n_out,),
        n_in=n_in,
        n_out=n_out,
        weights=weight_stats(w, n_out),
        weight_bits=bits,
        input_bits=bits,
        acc_bits=bits,
        out_bits=bits,
        io_type=io,
    )


def _act(name: str, shape: tuple[int, ...], act: str, io: str) -> LayerCost:
    return LayerCost(name, "activation", shape, shape, activation=act, io_type=io)


def case_layers(case: BaselineCase) -> list[LayerCost]:
    """The LayerCost list of one baseline case."""
    io = case.io_type
    rng = _rng(case.model_id)
    if case.test == "dense":
        w = _quantise(rng.uniform(1, 10, size=(1, 2)), 10)
        return [_dense("Dense", 1, 2, w, io), _act("Activation", (2,), "elu", io)]
    if case.test == "activations":
        w = _quantise(rng.uniform(-math.sqrt(3), math.sqrt(3), size=(1, 64)), 10)
        act = {"leaky_relu": "linear"}.get(case.variant, case.variant)  # LeakyReLU(alpha=1) = x
        return [_dense("Dense", 1, 64, w, io), _act(case.variant, (64,), act, io)]
    if case.test == "conv2d":
        strategy, padding = case.variant.split("-")
        w = _quantise(rng.normal(0, 0.05, size=(4, 4, 3, 32)), 10).reshape(48, 32)
        out = 7  # 28 / 4, same and valid alike
        return [
            LayerCost(
                "conv",
                "conv2d",
                (28, 28, 3),
                (out, out, 32),
                n_in=48,
                n_out=32,
                positions=out * out,
                kernel=(4, 4),
                weights=weight_stats(w, 32),
                strategy=strategy.lower(),
                io_type=io,
            )
        ]  # type: ignore[arg-type]
    if case.test == "depthwise2d":
        lim = math.sqrt(6 / (27 + 9))
        w = _quantise(rng.uniform(-lim, lim, size=(9, 3)), 20)
        # fixed<32,12>: 32-bit data; the weights' significant bits are ~20
        return [
            LayerCost(
                "depthwise",
                "depthwise2d",
                (32, 32, 3),
                (30, 30, 3),
                n_in=9,
                n_out=3,
                positions=900,
                kernel=(3, 3),
                weights=weight_stats(w, 3),
                weight_bits=20,
                input_bits=32,
                acc_bits=32,
                out_bits=32,
                io_type=io,
            )
        ]  # type: ignore[arg-type]
    if case.test == "depthwise1d":
        lim = math.sqrt(6 / (9 + 3))
        w = _quantise(rng.uniform(-lim, lim, size=(3, 3)), 10)
        return [
            LayerCost(
                "depthwise",
                "depthwise1d",
                (32, 3),
                (30, 3),
                n_in=3,
                n_out=3,
                positions=30,
                kernel=(3,),
                weights=weight_stats(w, 3),
                io_type=io,
            )
        ]  # type: ignore[arg-type]
    if case.test == "pooling":
        pool, padding = case.variant.split("-")
        kind = "maxpool" if pool.startswith("Max") else "avgpool"
        if pool.endswith("2D"):
            h, w_ = (9, 8) if padding == "same" else (9, 7)
            return [
                LayerCost(
                    "pool",
                    kind,
                    (18, 15, 3),
                    (h, w_, 3),
                    n_out=3,
                    positions=h * w_,
                    kernel=(2, 2),
                    pool=4,
                    io_type=io,
                )
            ]  # type: ignore[arg-type]
        n = 61 if padding == "same" else 60
        return [
            LayerCost("pool", kind, (121, 3), (n, 3), n_out=3, positions=n, kernel=(2,), pool=2, io_type=io)
        ]  # type: ignore[arg-type]
    raise ValueError(f"no model for test {case.test!r}")
