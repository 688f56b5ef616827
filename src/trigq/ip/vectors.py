"""Test vectors of a core: inputs, expected outputs (emulator), in HDF5 and hls4ml's tb_data format.

Tensors are stored channels-last; on the port (and in ``tb_data``) they are flattened in the input
port's order (``input_order``: channels-last, or channels-first where hls4ml keeps a multi-channel
input in the model's ``C x H x W`` order, :mod:`trigq.ip.ports`).
``tb_data/tb_input_features.dat`` and ``tb_data/tb_output_predictions.dat`` hold one event per
line, values separated by single spaces, each written as the shortest decimal that reads back to
the exact dyadic value (the hls4ml testbench parses them with ``atof`` into ``float``: every
input must therefore be exact in float32, which :func:`make_vectors` checks).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from trigq.ip.errors import IPError
from trigq.ip.ports import TensorOrder, flatten_in_order
from trigq.ir import FixedFormat, IntegerGraph
from trigq.utils import atomic_path, atomic_write_text

TB_INPUT = "tb_input_features.dat"
TB_OUTPUT = "tb_output_predictions.dat"


@dataclass
class Vectors:
    """Inputs ``[N, *input shape]`` (float64, channels-last) and expected output codes ``[N, M]``
    of the output port format; ``blocks`` maps a kind of input to its ``[start, stop)`` rows."""

    inputs: np.ndarray
    outputs_raw: np.ndarray
    input_format: FixedFormat
    output_format: FixedFormat
    blocks: dict[str, tuple[int, int]]
    source: str
    attrs: dict[str, Any] = field(default_factory=dict)
    input_order: TensorOrder = "channels-last"

    @property
    def outputs(self) -> np.ndarray:
        """Expected outputs as exact float64 values."""
        return self.outputs_raw * self.output_format.scale

    @property
    def inputs_flat(self) -> np.ndarray:
        """Inputs ``[N, n_in]`` flattened as the HLS input port carries them."""
        return flatten_in_order(self.inputs, self.input_order)


def on_grid(x: np.ndarray, fmt: FixedFormat) -> np.ndarray:
    """Per row: every value is a code of ``fmt`` (on its grid, within its range)."""
    raw = np.asarray(x, dtype=np.float64) * 2.0**fmt.frac
    ok = (raw == np.round(raw)) & (raw >= fmt.lo) & (raw <= fmt.hi)
    return ok.reshape(len(x), -1).all(axis=1)


def event_inputs(graph: IntegerGraph, n: int, seed: int) -> tuple[np.ndarray, str]:
    """``n`` channels-last inputs and where they come from: simulated events of the first registered
    detector whose images fit the model's input (the ATLAS RPC ``mixed`` sample, centred eta crop,
    for a ``9 x W x 1`` image), else random codes of the input quantiser (an eighth of its span
    beyond each end, so saturation is exercised)."""
    shape = tuple(graph.input_shape)
    if n <= 0:
        return np.zeros((0, *shape)), "none"
    if shape:
        from trigq.sim.simulators import detector_events

        events = detector_events((shape[-1], *shape[:-1]), n, seed)
        if events is not None:
            x, source = events
            return np.moveaxis(x, 1, -1), source
    fmt = graph.input_fmt
    rng = np.random.default_rng(seed)
    span = fmt.hi - fmt.lo
    codes = rng.integers(fmt.lo - span // 8, fmt.hi + span // 8 + 1, size=(n, *shape))
    return codes * fmt.scale, f"random codes of {fmt.ap_type()} (seed {seed})"


def edge_inputs(graph: IntegerGraph) -> dict[str, np.ndarray]:
    """All zeros, all ones, the input quantiser's extremes, saturation and rounding ties."""
    from trigq.export.verify import edge_case_inputs

    return edge_case_inputs(tuple(graph.input_shape), graph.input_fmt)


def port_order(y: np.ndarray, output_shape: tuple[int, ...]) -> np.ndarray:
    """Outputs ``[N, M]`` flattened in torch order (channels first: the emulator's, Brevitas')
    reordered as the output port carries them (channels-last flattened)."""
    shape = tuple(output_shape)
    if len(shape) > 1:
        y = np.moveaxis(y.reshape(len(y), shape[-1], *shape[:-1]), 1, -1).reshape(len(y), -1)
    return y


def port_codes(graph: IntegerGraph, x_channels_last: np.ndarray) -> np.ndarray:
    """Emulator output codes in the output port's order (channels-last flattened)."""
    from trigq.emulate import Emulator

    y = Emulator(graph).predict_raw(x_channels_last, channels_last=True)
    return port_order(y, tuple(graph.output_shape))


def _clip_to_port(
    graph: IntegerGraph, x: np.ndarray, source: str, fmt: FixedFormat
) -> tuple[np.ndarray, str]:
    """Events with values beyond the input port's range (e.g. 8-bit pixels into a 4-bit first
    quantiser) clipped to it, where that leaves every output code as it was (the first quantiser
    saturates them alike; checked with the emulator, ``IPError`` otherwise)."""
    lo, hi = fmt.lo * fmt.scale, fmt.hi * fmt.scale
    outside = int(np.count_nonzero((x < lo) | (x > hi)))
    if not outside:
        return x, source
    clipped = np.clip(x, lo, hi)
    if not np.array_equal(port_codes(graph, clipped), port_codes(graph, x)):
        raise IPError(
            f"{outside} event input values lie beyond the input port type {fmt.ap_type()} and "
            "clipping them would change the outputs"
        )
    return clipped, f"{source}; {outside} values beyond the input port's range clipped to it (same outputs)"


def make_vectors(
    graph: IntegerGraph,
    input_format: FixedFormat,
    output_format: FixedFormat,
    n_events: int,
    seed: int,
    inputs: np.ndarray | None = None,
    blocks: dict[str, tuple[int, int]] | None = None,
    source: str | None = None,
    input_order: TensorOrder = "channels-last",
) -> Vectors:
    """Inputs (generated, or the given channels-last ``inputs`` with their ``blocks``) and the
    emulator's expected outputs. Edge-case blocks whose values the input port cannot hold exactly
    are left out; events must fit (``IPError`` otherwise)."""
    if inputs is None:
        x, source = event_inputs(graph, n_events, seed)
        x, source = _clip_to_port(graph, x, source, input_format)
        parts, blocks, start = [x], {"events": (0, len(x))}, len(x)
        for kind, rows in edge_inputs(graph).items():
            if on_grid(rows, input_format).all() and on_grid(rows.astype(np.float32), input_format).all():
                parts.append(rows)
                blocks[kind] = (start, start + len(rows))
                start += len(rows)
        inputs = np.concatenate(parts)
    inputs = np.asarray(inputs, dtype=np.float64)
    bad = ~on_grid(inputs, input_format) | np.any(
        inputs.reshape(len(inputs), -1) != inputs.reshape(len(inputs), -1).astype(np.float32), axis=1
    )
    if bad.any():
        raise IPError(
            f"{int(bad.sum())} test inputs (first row {int(np.argmax(bad))}) are not exact in the "
            f"input port type {input_format.ap_type()} or in float32"
        )
    raw = port_codes(graph, inputs)
    if output_format.frac != graph.output_fmt.frac or output_format.width < graph.output_fmt.width:
        raise IPError(
            f"output port type {output_format.ap_type()} does not hold the model's output "
            f"format {graph.output_fmt.ap_type()}"
        )
    return Vectors(
        inputs, raw, input_format, output_format, dict(blocks or {}), source or "given",
        input_order=input_order,
    )


def format_value(v: float) -> str:
    """Shortest decimal that reads back exactly (``1``, ``0.5``, ``-0.0078125``)."""
    return np.format_float_positional(float(v), unique=True, trim="-")


def _dat_text(rows: np.ndarray) -> str:
    return "".join(" ".join(format_value(v) for v in row) + "\n" for row in rows)


def write_tb_data(directory: Path, vectors: Vectors) -> None:
    """hls4ml's testbench files (one event per line) in ``directory``."""
    directory = Path(directory)
    atomic_write_text(directory / TB_INPUT, _dat_text(vectors.inputs_flat))
    atomic_write_text(directory / TB_OUTPUT, _dat_text(vectors.outputs))


def read_tb_data(directory: Path) -> tuple[np.ndarray, np.ndarray]:
    """(inputs ``[N, n_in]``, outputs ``[N, n_out]``) float64 from hls4ml's testbench files."""
    out = []
    for name in (TB_INPUT, TB_OUTPUT):
        path = Path(directory) / name
        try:
            lines = [ln.split() for ln in path.read_text().splitlines() if ln.strip()]
        except FileNotFoundError as exc:
            raise IPError(f"{path}: not found") from exc
        if len({len(ln) for ln in lines}) > 1:
            raise IPError(f"{path}: lines have different numbers of values")
        out.append(np.array([[float(v) for v in ln] for ln in lines], dtype=np.float64))
    return out[0], out[1]


def write_vectors_h5(path: Path, vectors: Vectors) -> None:
    """``inputs`` (float64, channels-last), ``outputs`` (float64), ``outputs_raw`` (int64 codes of
    the output port format); formats, blocks and layout as attributes."""
    import h5py

    with atomic_path(path) as tmp, h5py.File(tmp, "w", track_order=True) as f:
        packed = {"compression": "gzip", "compression_opts": 9, "shuffle": True}
        f.create_dataset("inputs", data=vectors.inputs, **packed)
        f.create_dataset("outputs", data=vectors.outputs, **packed)
        f.create_dataset("outputs_raw", data=vectors.outputs_raw.astype(np.int64), **packed)
        f.attrs["input_format"] = json.dumps(vectors.input_format.to_dict(), sort_keys=True)
        f.attrs["output_format"] = json.dumps(vectors.output_format.to_dict(), sort_keys=True)
        f.attrs["input_ap_type"] = vectors.input_format.ap_type()
        f.attrs["output_ap_type"] = vectors.output_format.ap_type()
        f.attrs["blocks"] = json.dumps({k: list(v) for k, v in vectors.blocks.items()})
        f.attrs["source"] = vectors.source
        if vectors.input_order == "channels-last":
            f.attrs["layout"] = (
                "channels-last; element j of a flattened row is element j of the port; value = raw * 2**-frac"
            )
        else:
            f.attrs["layout"] = (
                "channels-last; the input port carries each row channels-first (move the last axis "
                "to the front, then flatten); outputs: element j of a row is element j of the port; "
                "value = raw * 2**-frac"
            )
            f.attrs["input_order"] = vectors.input_order
        for k, v in vectors.attrs.items():
            f.attrs[k] = v


def read_vectors_h5(path: Path) -> Vectors:
    """The vectors written by :func:`write_vectors_h5`."""
    import h5py

    try:
        with h5py.File(path, "r") as f:
            try:
                vec = Vectors(
                    inputs=f["inputs"][()],
                    outputs_raw=f["outputs_raw"][()],
                    input_format=FixedFormat.from_dict(json.loads(f.attrs["input_format"])),
                    output_format=FixedFormat.from_dict(json.loads(f.attrs["output_format"])),
                    blocks={k: tuple(v) for k, v in json.loads(f.attrs["blocks"]).items()},
                    source=str(f.attrs["source"]),
                    input_order=str(f.attrs.get("input_order", "channels-last")),  # type: ignore[arg-type]
                )
                outputs = f["outputs"][()]
            except KeyError as exc:
                raise IPError(f"{path}: missing {exc} (not a trigq test-vector file)") from exc
    except FileNotFoundError as exc:
        raise IPError(f"{path}: not found") from exc
    if not np.array_equal(outputs, vec.outputs):
        raise IPError(f"{path}: 'outputs' and 'outputs_raw' disagree")
    return vec
