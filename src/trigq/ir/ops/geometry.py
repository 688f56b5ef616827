"""Window geometry shared by the convolution and pooling ops: one place for kernel, strides, pads.

Attributes in the IR (as in ONNX, without the batch and channel axes): ``kernel`` (k per spatial
axis), ``strides`` (one per axis), ``pads`` (the begins of every axis, then the ends).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from trigq.ir.errors import UnsupportedOpError


def out_size(size: int, kernel: int, stride: int, pad_begin: int, pad_end: int) -> int:
    """Output length of a window of ``kernel`` with ``stride`` over a padded axis (floor mode)."""
    return (size + pad_begin + pad_end - kernel) // stride + 1


def out_spatial(
    spatial: Sequence[int], kernel: Sequence[int], strides: Sequence[int], pads: Sequence[int]
) -> tuple[int, ...]:
    """The output grid of a window over ``spatial``."""
    nd = len(kernel)
    return tuple(out_size(spatial[i], kernel[i], strides[i], pads[i], pads[i + nd]) for i in range(nd))


def window_attrs(
    where: str, a: dict[str, Any], nd: int, kernel: Sequence[int] | None = None, ceil_ok: bool = False
) -> dict[str, list[int]]:
    """``kernel``/``strides``/``pads`` of a QONNX Conv/Pool node's attributes; refuses what the IR
    does not model (dilations, auto_pad, ceil_mode), naming ``where``."""
    if any(int(d) != 1 for d in a.get("dilations", [1] * nd)):
        raise UnsupportedOpError(f"{where}: dilations other than 1 are not supported")
    if a.get("auto_pad", "NOTSET") not in ("NOTSET", "", b"NOTSET"):
        raise UnsupportedOpError(f"{where}: auto_pad={a['auto_pad']!r} is not supported (give explicit pads)")
    if a.get("ceil_mode", 0) and not ceil_ok:
        raise UnsupportedOpError(f"{where}: ceil_mode pooling is not supported")
    k = [int(v) for v in (kernel if kernel is not None else a["kernel_shape"])]
    strides = [int(v) for v in a.get("strides", [1] * nd)]
    pads = [int(v) for v in a.get("pads", [0] * (2 * nd))]
    if len(k) != nd or len(strides) != nd or len(pads) != 2 * nd:
        raise UnsupportedOpError(f"{where}: kernel {k} / strides {strides} / pads {pads} do not fit {nd}-D")
    return {"kernel": k, "strides": strides, "pads": pads}
