"""The ports of an hls4ml top function, read from the generated C++ (what the IP core exposes).

``io_parallel`` projects declare ``void <top>(input_t in[N], result_t out[M])`` in
``firmware/<top>.h`` and the element types in ``firmware/defines.h``; with
``ARRAY_RESHAPE complete`` each port is one bus of ``N x width`` bits, element ``j`` of the
channels-last flattened tensor in bits ``[j*width +: width]``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trigq.emulate.ir import FixedFormat
from trigq.ip.errors import IPError

_AP_TYPE = re.compile(r"ap_(u?)fixed<\s*(\d+)\s*,\s*(-?\d+)\s*(?:,[^>]*)?>")
_TYPEDEF = re.compile(r"typedef\s+(.+?)\s+(\w+)\s*;")


@dataclass(frozen=True)
class Port:
    """One array port of the top function."""

    name: str
    type_name: str
    ap_type: str
    n_elements: int
    shape: tuple[int, ...]

    @property
    def format(self) -> FixedFormat:
        """The element's fixed-point format (from the ap type)."""
        return parse_ap_type(self.ap_type)

    @property
    def element_width(self) -> int:
        return self.format.width

    @property
    def bus_width(self) -> int:
        """Bits of the whole port (all elements side by side)."""
        return self.n_elements * self.element_width

    def to_dict(self) -> dict[str, Any]:
        fmt = self.format
        return {
            "name": self.name, "c_type": self.type_name, "ap_type": self.ap_type,
            "shape_channels_last": list(self.shape), "elements": self.n_elements,
            "element_width": fmt.width, "bus_width": self.bus_width,
            "format": fmt.to_dict(),
        }


def parse_ap_type(text: str) -> FixedFormat:
    """``ap_fixed<W,I,...>`` / ``ap_ufixed<W,I,...>`` -> FixedFormat(signed, W, W - I)."""
    m = _AP_TYPE.fullmatch(text.strip())
    if not m:
        raise IPError(f"port type {text!r} is not an ap_fixed/ap_ufixed type")
    width, integer = int(m[2]), int(m[3])
    return FixedFormat(signed=not m[1], width=width, frac=width - integer)


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


def read_ports(hls_dir: Path, project_name: str,
               shapes: tuple[tuple[int, ...], tuple[int, ...]]) -> tuple[Port, Port]:
    """(input port, output port) of ``project_name`` in the hls4ml project ``hls_dir``.

    ``shapes`` are the channels-last tensor shapes (no batch) of input and output; their element
    counts must match the C++ array sizes. Only io_parallel array ports are supported.
    """
    header = Path(hls_dir) / "firmware" / f"{project_name}.h"
    try:
        text = header.read_text()
    except FileNotFoundError as exc:
        raise IPError(f"{header}: not found; is {hls_dir} an hls4ml project of {project_name!r}?") from exc
    proto = re.search(rf"void\s+{project_name}\s*\((.*?)\)\s*;", text, re.S)
    if not proto:
        raise IPError(f"{header}: no prototype of the top function {project_name}()")
    args = re.findall(r"(\w+)\s+(\w+)\s*\[([^\]]*)\]", proto[1])
    if len(args) != 2:
        raise IPError(f"{header}: expected two array ports (io_parallel) in {project_name}(), "
                      f"found {proto[1].strip()!r}; io_stream cores are not supported yet")
    types = _typedefs(Path(hls_dir) / "firmware" / "defines.h")
    ports = []
    for (tname, pname, size), shape in zip(args, shapes):
        if tname not in types:
            raise IPError(f"{hls_dir}/firmware/defines.h: no typedef of port type {tname}")
        n = _elements(size, str(header))
        if n != math.prod(shape):
            raise IPError(f"{header}: port {pname} has {n} elements, the model tensor {list(shape)} "
                          f"has {math.prod(shape)}")
        ports.append(Port(pname, tname, types[tname], n, tuple(int(s) for s in shape)))
    return ports[0], ports[1]
