"""The ports of an hls4ml top function, read from the generated C++ (what the IP core exposes).

``io_parallel`` projects declare ``void <top>(input_t in[N], result_t out[M])`` in
``firmware/<top>.h`` and the element types in ``firmware/defines.h``; with
``ARRAY_RESHAPE complete`` each port is one bus of ``N x width`` bits, element ``j`` of the
channels-last flattened tensor in bits ``[j*width +: width]``.

``io_stream`` projects declare ``void <top>(hls::stream<input_t> &in, hls::stream<result_t> &out)``
with ``typedef nnet::array<ap_fixed<W,I,...>, K> input_t``: an AXI4-Stream port whose every beat
carries ``K`` elements; one inference is ``N / K`` beats. Element ``j`` of the flattened tensor is
element ``j % K`` of beat ``j // K`` (hls4ml's ``copy_data`` / ``convert_data`` fill the stream
that way). The tensor on the port is in the hls4ml input layer's order, which for a channels-first
ONNX model is ``C x H x W`` (a Transpose follows in the firmware). Where that flattened order
equals the channels-last one (``C == 1``, or a stream of ``K == C``: ``H*W`` beats of one pixel
each) the port's ``tensor_order`` is ``channels-last``; a multi-channel input otherwise travels
``channels-first`` (element ``j`` of the ``C x H x W`` flattened tensor), which :meth:`Port.flatten`
applies to channels-last vectors. Outputs must be channels-last.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from trigq.ip.errors import IPError
from trigq.ir import FixedFormat

_AP_TYPE = re.compile(r"ap_(u?)fixed<\s*(\d+)\s*,\s*(-?\d+)\s*(?:,[^>]*)?>")
_TYPEDEF = re.compile(r"typedef\s+(.+?)\s+(\w+)\s*;")
_NNET_ARRAY = re.compile(r"nnet::array<\s*(ap_u?fixed<[^>]*>)\s*,\s*([\d\s*]+)>")
_STREAM_ARG = re.compile(r"hls::stream<\s*(\w+)\s*>\s*&\s*(\w+)")
_ARRAY_ARG = re.compile(r"(\w+)\s+(\w+)\s*\[([^\]]*)\]")

Interface = Literal["array", "stream"]
TensorOrder = Literal["channels-last", "channels-first"]


@dataclass(frozen=True)
class Port:
    """One port of the top function: an array (io_parallel) or an ``hls::stream`` (io_stream).

    ``n_elements`` and ``shape`` (channels-last, no batch) describe one inference; a stream port
    carries ``beat_elements`` of them per beat, in ``tensor_order`` (module docstring)."""

    name: str
    type_name: str
    ap_type: str
    n_elements: int
    shape: tuple[int, ...]
    interface: Interface = "array"
    beat_elements: int | None = None
    tensor_order: TensorOrder = "channels-last"

    def flatten(self, x: np.ndarray) -> np.ndarray:
        """Channels-last tensors ``[N, *shape]`` flattened ``[N, n_elements]`` in the port's order."""
        return flatten_in_order(x, self.tensor_order)

    @property
    def format(self) -> FixedFormat:
        """The element's fixed-point format (from the ap type)."""
        return parse_ap_type(self.ap_type)

    @property
    def element_width(self) -> int:
        return self.format.width

    @property
    def beats(self) -> int:
        """Transfers per inference: 1 for an array port, ``n_elements / K`` for a stream."""
        return 1 if self.beat_elements is None else self.n_elements // self.beat_elements

    @property
    def bus_width(self) -> int:
        """Bits side by side on the port: the whole array, or the data of one stream beat."""
        return (self.beat_elements or self.n_elements) * self.element_width

    @property
    def element_order(self) -> str:
        """Where element ``j`` of the flattened tensor (in ``tensor_order``) travels on the port."""
        first = " of the channels-first (C x H x W) tensor" if self.tensor_order == "channels-first" else ""
        if self.interface == "array":
            return f"element j{first} in bits [j*W +: W]"
        return (
            f"element j{first} in beat j // {self.beat_elements}, bits "
            f"[(j % {self.beat_elements})*W +: W] of that beat"
        )

    def to_dict(self) -> dict[str, Any]:
        fmt = self.format
        d: dict[str, Any] = {
            "name": self.name,
            "c_type": self.type_name,
            "ap_type": self.ap_type,
            "interface": self.interface,
            "shape_channels_last": list(self.shape),
            "elements": self.n_elements,
            "element_width": fmt.width,
            "bus_width": self.bus_width,
            "element_order": self.element_order,
            "format": fmt.to_dict(),
        }
        if self.tensor_order != "channels-last":  # absent: channels-last (the cores before it existed)
            d["tensor_order"] = self.tensor_order
        if self.interface == "stream":
            d.update(
                {
                    "c_declaration": f"hls::stream<{self.type_name}>",
                    "c_element": f"nnet::array<{self.ap_type}, {self.beat_elements}>",
                    "beat_elements": self.beat_elements,
                    "beats": self.beats,
                    "protocol": "AXI4-Stream (#pragma HLS INTERFACE axis)",
                }
            )
        return d


def flatten_in_order(x: np.ndarray, order: TensorOrder) -> np.ndarray:
    """Channels-last ``[N, ..., C]`` flattened per row, channels first when ``order`` says so."""
    x = np.asarray(x)
    if order == "channels-first" and x.ndim > 2:
        x = np.moveaxis(x, -1, 1)
    return x.reshape(len(x), -1)


def _input_order(shape: tuple[int, ...], k: int | None) -> TensorOrder:
    """``channels-last`` when the port's flattened order is the channels-last one, else
    ``channels-first`` (hls4ml keeps a multi-channel model input in its ONNX ``C x H x W`` order)."""
    if len(shape) < 2 or shape[-1] == 1 or (k is not None and k == shape[-1]):
        return "channels-last"
    return "channels-first"


def parse_ap_type(text: str) -> FixedFormat:
    """``ap_fixed<W,I,...>`` / ``ap_ufixed<W,I,...>`` -> FixedFormat(signed, W, W - I)."""
    m = _AP_TYPE.fullmatch(text.strip())
    if not m:
        raise IPError(f"port type {text!r} is not an ap_fixed/ap_ufixed type")
    width, integer = int(m[2]), int(m[3])
    return FixedFormat(signed=not m[1], width=width, frac=width - integer)


def parse_stream_element(text: str, where: str) -> tuple[str, int]:
    """``nnet::array<ap_fixed<...>, K>`` -> (element ap type, K)."""
    m = _NNET_ARRAY.fullmatch(text.strip())
    if not m:
        raise IPError(f"{where}: stream element type {text!r} is not nnet::array<ap_fixed<...>, K>")
    return m[1], _elements(m[2], where)


def _typedefs(defines_h: Path) -> dict[str, str]:
    try:
        text = defines_h.read_text()
    except FileNotFoundError as exc:
        raise IPError(f"{defines_h}: not found; is this an hls4ml project?") from exc
    return {name: ctype for ctype, name in _TYPEDEF.findall(text)}


def _elements(expr: str, where: str) -> int:
    if not re.fullmatch(r"[\d\s*]+", expr):
        raise IPError(f"{where}: array size {expr!r} is not a product of integers")
    return math.prod(int(t) for t in expr.split("*") if t.strip())


def _check_stream_order(pname: str, k: int, shape: tuple[int, ...], where: str, is_input: bool) -> None:
    """IPError unless the stream's beats hold whole rows of its flattened order (module docstring)."""
    n = math.prod(shape)
    if n % k:
        raise IPError(
            f"{where}: stream port {pname} carries {k} elements per beat, which does not "
            f"divide the {n} elements of the model tensor {list(shape)}"
        )
    channels = shape[-1] if len(shape) > 1 else 1
    if is_input and _input_order(shape, k) == "channels-first" and k != shape[-2]:
        raise IPError(
            f"{where}: stream port {pname} carries {k} elements per beat of the channels-first "
            f"tensor {[shape[-1], *shape[:-1]]}: not whole rows of its last axis"
        )
    if not is_input and len(shape) > 1 and channels != 1 and k != channels:
        raise IPError(
            f"{where}: stream port {pname} carries {k} elements per beat of a tensor with "
            f"{channels} channels (channels-last {list(shape)}): its element order is not "
            "channels-last, which trigq cores do not support"
        )


def read_ports(
    hls_dir: Path, project_name: str, shapes: tuple[tuple[int, ...], tuple[int, ...]]
) -> tuple[Port, Port]:
    """(input port, output port) of ``project_name`` in the hls4ml project ``hls_dir``.

    ``shapes`` are the channels-last tensor shapes (no batch) of input and output; their element
    counts must match the C++ array sizes (io_parallel) or be whole numbers of stream beats
    (io_stream).
    """
    header = Path(hls_dir) / "firmware" / f"{project_name}.h"
    try:
        text = header.read_text()
    except FileNotFoundError as exc:
        raise IPError(f"{header}: not found; is {hls_dir} an hls4ml project of {project_name!r}?") from exc
    proto = re.search(rf"void\s+{project_name}\s*\((.*?)\)\s*;", text, re.S)
    if not proto:
        raise IPError(f"{header}: no prototype of the top function {project_name}()")
    streams, arrays = _STREAM_ARG.findall(proto[1]), _ARRAY_ARG.findall(proto[1])
    if not ((len(arrays) == 2 and not streams) or (len(streams) == 2 and not arrays)):
        raise IPError(
            f"{header}: expected two array ports (io_parallel) or two hls::stream ports "
            f"(io_stream) in {project_name}(), found {proto[1].strip()!r}"
        )
    defines = Path(hls_dir) / "firmware" / "defines.h"
    types = _typedefs(defines)
    ports = []
    for i, shape in enumerate(shapes):
        shape = tuple(int(s) for s in shape)
        tname, pname = (arrays[i][0], arrays[i][1]) if arrays else streams[i]
        if tname not in types:
            raise IPError(f"{defines}: no typedef of port type {tname}")
        if arrays:
            n = _elements(arrays[i][2], str(header))
            if n != math.prod(shape):
                raise IPError(
                    f"{header}: port {pname} has {n} elements, the model tensor {list(shape)} "
                    f"has {math.prod(shape)}"
                )
            order = _input_order(shape, None) if i == 0 else "channels-last"
            ports.append(Port(pname, tname, types[tname], n, shape, tensor_order=order))
            continue
        ap_type, k = parse_stream_element(types[tname], f"{defines}: {tname}")
        _check_stream_order(pname, k, shape, str(header), is_input=i == 0)
        order = _input_order(shape, k) if i == 0 else "channels-last"
        ports.append(Port(pname, tname, ap_type, math.prod(shape), shape, "stream", k, order))
    return ports[0], ports[1]
