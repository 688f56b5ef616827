"""cocotb testbench of a trigq IP core's RTL variant: every test vector, every output code, exactly.

This file is copied verbatim into ``CORE/rtl/sim/tb_rtl.py`` by ``trigq package`` (module
:mod:`trigq.ip.testbench`); it needs only cocotb, numpy and h5py, not trigq. ``make`` in
``rtl/sim`` (the Makefile beside it) verilates ``<top>_wrapper`` and runs it; the Makefile passes:

- ``TRIGQ_TB_RTL_DIR``: the RTL variant (``src/`` and ``rtl_manifest.json``, whose port layout
  and pipeline latency the testbench uses),
- ``TRIGQ_TB_VECTORS``: ``test_vectors/vectors.h5`` (``inputs``: float, channels-last, in the HLS
  input port's type; ``outputs_raw``: the expected integer codes of the output format),
- ``TRIGQ_TB_INPUT_ROUNDING``: the rounding of the network's first quantiser (``ROUND`` = half to
  even, ``FLOOR`` or ``BIPOLAR``): the RTL's input port carries that quantiser's codes, so each
  input is quantised here exactly as the emulator does (round, then saturate to the format).

Element ``j`` of a flattened channels-last tensor occupies bits ``[j*W +: W]`` of a port (two's
complement when signed). One vector enters per clock (II = 1); the output of vector ``i`` is read
``latency_cycles`` rising edges after the edge that captured it. Every output code is compared
with the expected one as an exact integer (both scaled to the finer of the two LSBs); any
difference fails the test, naming the first differing vectors.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cocotb
import h5py
import numpy as np
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, ReadOnly, RisingEdge, Timer

CLOCK_NS = 10  # simulation clock period; the RTL's real clock is in rtl_manifest.json
SHOWN = 8  # mismatching vectors named in a failure


class BenchError(Exception):
    """A test-vector file or RTL manifest the testbench cannot use."""


@dataclass(frozen=True)
class Fmt:
    """A fixed-point format: value = code * 2**-frac, code in [lo, hi]."""

    signed: bool
    width: int
    frac: int
    narrow: bool = False

    @property
    def lo(self) -> int:
        return -(2 ** (self.width - 1)) + int(self.narrow) if self.signed else 0

    @property
    def hi(self) -> int:
        return 2 ** (self.width - 1) - 1 if self.signed else 2**self.width - 1 - int(self.narrow)

    @classmethod
    def of(cls, d: dict[str, Any]) -> Fmt:
        return cls(bool(d["signed"]), int(d["width"]), int(d["frac"]), bool(d.get("narrow", False)))

    @classmethod
    def of_port(cls, d: dict[str, Any]) -> Fmt:
        return cls(bool(d["signed"]), int(d["element_width"]), int(d["frac"]))


def quantise(x: np.ndarray, fmt: Fmt, rounding: str) -> np.ndarray:
    """int64 codes of ``fmt`` of float inputs: round (half to even, floor, or bipolar), saturate."""
    if rounding == "BIPOLAR":
        return np.where(x >= 0, 1, -1).astype(np.int64)
    scaled = np.asarray(x, dtype=np.float64) * 2.0**fmt.frac
    if rounding == "ROUND":
        q = np.rint(scaled)
    elif rounding == "FLOOR":
        q = np.floor(scaled)
    else:
        raise BenchError(f"unknown input rounding {rounding!r} (ROUND, FLOOR or BIPOLAR)")
    return np.clip(q, fmt.lo, fmt.hi).astype(np.int64)


def rescale(codes: np.ndarray, frac: int, port: Fmt, what: str) -> np.ndarray:
    """``codes`` (LSB 2**-frac) as codes of ``port``; BenchError if they do not fit it exactly."""
    shift = port.frac - frac
    out = codes << shift if shift >= 0 else codes >> -shift
    if shift < 0 and np.any(out << -shift != codes):
        raise BenchError(f"{what}: a code is off the port's grid (LSB 2^{-port.frac})")
    if np.any((out < port.lo) | (out > port.hi)):
        raise BenchError(f"{what}: a code does not fit the port's {port.width}-bit elements")
    return out


def pack(row: np.ndarray, port: Fmt) -> int:
    """One port word: element j (two's complement in ``port.width`` bits) at bits [j*W +: W]."""
    w = port.width
    u = (row.astype(np.int64) & ((1 << w) - 1)).astype(np.uint64) if w < 64 else row.astype(np.uint64)
    bits = ((u[:, None] >> np.arange(w, dtype=np.uint64)) & np.uint64(1)).astype(np.uint8).reshape(-1)
    return int.from_bytes(np.packbits(bits, bitorder="little").tobytes(), "little")


def unpack(word: int, n: int, port: Fmt) -> np.ndarray:
    """The ``n`` element codes of a port word (sign-extended when signed)."""
    w, mask = port.width, (1 << port.width) - 1
    out = [(word >> (j * w)) & mask for j in range(n)]
    if port.signed:
        out = [v - (1 << w) if v >> (w - 1) else v for v in out]
    return np.array(out, dtype=np.int64)


@dataclass
class Bench:
    """Everything one run needs: packed input words, expected output codes, port layout, latency."""

    words: list[int]
    expected: np.ndarray  # [N, n_out] codes of the output port (LSB 2**-out_port.frac)
    expected_frac: int
    out_port: Fmt
    n_out: int
    latency: int
    top: str


def _env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise BenchError(f"{name} is not set (run the testbench with `make` in rtl/sim)")
    return value


def load_bench() -> Bench:
    """Read the RTL manifest and the test vectors named by the environment (module docstring)."""
    rtl_dir, vectors = Path(_env("TRIGQ_TB_RTL_DIR")), Path(_env("TRIGQ_TB_VECTORS"))
    rounding = _env("TRIGQ_TB_INPUT_ROUNDING")
    try:
        man = json.loads((rtl_dir / "rtl_manifest.json").read_text())
    except FileNotFoundError as exc:
        raise BenchError(f"{rtl_dir}/rtl_manifest.json: not found (generate the RTL variant first)") from exc
    try:
        with h5py.File(vectors, "r") as f:
            x = f["inputs"][()]
            y = f["outputs_raw"][()].astype(np.int64)
            out_frac = int(json.loads(f.attrs["output_format"])["frac"])
    except (FileNotFoundError, KeyError) as exc:
        raise BenchError(f"{vectors}: not a trigq test-vector file ({exc})") from exc
    in_fmt, in_port = Fmt.of(man["input"]["format"]), Fmt.of_port(man["input_port"])
    out_port, n_in, n_out = Fmt.of_port(man["output_port"]), man["input_port"]["n"], man["output_port"]["n"]
    x = x.reshape(len(x), -1)
    if x.shape[1] != n_in or y.reshape(len(y), -1).shape[1] != n_out:
        raise BenchError(
            f"{vectors}: {x.shape[1]} inputs / {y.reshape(len(y), -1).shape[1]} outputs per vector, "
            f"the RTL has {n_in} / {n_out}"
        )
    codes = rescale(quantise(x, in_fmt, rounding), in_fmt.frac, in_port, "input")
    return Bench(
        words=[pack(row, in_port) for row in codes],
        expected=y.reshape(len(y), -1),
        expected_frac=out_frac,
        out_port=out_port,
        n_out=n_out,
        latency=int(man["latency_cycles"]),
        top=str(man["top"]),
    )


def mismatches(got: np.ndarray, bench: Bench) -> list[str]:
    """Vectors whose RTL output codes differ from the expected ones (compared as exact integers
    on the finer of the two LSBs)."""
    fine = max(bench.expected_frac, bench.out_port.frac)
    a = got.astype(object) * 2 ** (fine - bench.out_port.frac)
    b = bench.expected.astype(object) * 2 ** (fine - bench.expected_frac)
    bad = [i for i in range(len(a)) if list(a[i]) != list(b[i])]
    return [f"vector {i}: RTL {list(a[i])} != expected {list(b[i])} (LSB 2^{-fine})" for i in bad]


@cocotb.test()
async def every_vector_every_code(dut: Any) -> None:
    """Stream all test vectors through the pipeline, one per clock; check every output code."""
    bench = load_bench()
    n, lat = len(bench.words), bench.latency
    got: list[np.ndarray] = []

    def sample() -> None:
        value = dut.model_out.value
        if not value.is_resolvable:
            raise AssertionError(f"output {value.binstr!r} holds X/Z after {lat} cycles")
        got.append(unpack(value.integer, bench.n_out, bench.out_port))

    if lat == 0:  # combinational: no clock needed
        for word in bench.words:
            dut.model_inp.value = word
            await Timer(1, units="ns")
            sample()
    else:
        cocotb.start_soon(Clock(dut.clk, CLOCK_NS, units="ns").start(start_high=False))
        await FallingEdge(dut.clk)
        for t in range(n + lat):
            dut.model_inp.value = bench.words[t] if t < n else 0
            await RisingEdge(dut.clk)  # edge t captures vector t
            await ReadOnly()
            if t >= lat:  # after edge t the output register holds vector t - latency
                sample()
            await FallingEdge(dut.clk)
    bad = mismatches(np.array(got, dtype=np.int64).reshape(n, bench.n_out), bench)
    dut._log.info(
        "%s: %d vectors, %d output codes, %d mismatching vectors (latency %d cycles)",
        bench.top,
        n,
        n * bench.n_out,
        len(bad),
        lat,
    )
    if bad:
        raise AssertionError(
            f"{len(bad)} of {n} vectors differ: "
            + "; ".join(bad[:SHOWN])
            + (" ..." if len(bad) > SHOWN else "")
        )
