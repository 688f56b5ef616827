"""The integer IR: an immutable, saveable graph of integer ops with fixed-point formats.

Every tensor is a fixed-point array: ``value = raw * 2**-frac`` with ``raw`` an integer in the
format's range. Tensors are channels-last without the batch axis (``[H, W, C]`` for 2-D maps,
``[W, C]`` for 1-D maps, ``[F]`` after ``flatten``). ``flatten`` is a plain row-major reshape of
the channels-last tensor (H, W, C order); dense weights taken from a channels-first ONNX graph are
permuted accordingly when the IR is built.

Ops and their params/attrs (``name`` is the QONNX node the op came from):

- ``quant``: requantise the input to ``out_fmt``; attrs ``rounding`` ("ROUND" = half-to-even,
  "FLOOR"), ``overflow`` ("SAT" or "WRAP"). Narrow formats saturate symmetrically.
- ``conv2d``: params ``weight`` (int, HWIO), optional ``bias`` (int, at ``acc_fmt``'s scale);
  attrs ``strides`` [sh, sw], ``pads`` [top, left, bottom, right], ``group`` 1. ``conv1d`` alike
  with ``weight`` [K, I, O], ``strides`` [s], ``pads`` [left, right].
- ``dense``: params ``weight`` [in, out], optional ``bias``; output at ``acc_fmt``.
- ``relu``, ``flatten``, ``reshape`` (attrs ``shape``), ``transpose`` (attrs ``perm``, no batch).
- ``maxpool`` / ``avgpool``: attrs ``kernel``, ``strides``, ``pads`` like conv; ``avgpool`` sums
  the window and divides by the window size, a power of two, by shifting the format (exact).
- ``concat``: attrs ``axis`` (channels-last, no batch); inputs aligned to ``out_fmt``.
- ``add``: inputs aligned to ``out_fmt`` (exact, no overflow by construction).
- ``affine``: folded BatchNorm, ``y = x * mult + offset`` per channel (last axis), params ``mult``
  and ``offset`` integers, exact, output at ``acc_fmt`` = ``out_fmt``.

Accumulator formats (``acc_fmt``) are derived worst case from the integer weights and the input
range, so they cannot overflow.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from trigq.errors import TrigqError
from trigq.utils import atomic_path, atomic_write_text

IR_VERSION = 1

OPS = (
    "quant",
    "conv2d",
    "conv1d",
    "dense",
    "relu",
    "maxpool",
    "avgpool",
    "flatten",
    "reshape",
    "transpose",
    "concat",
    "add",
    "affine",
)


class IRError(TrigqError):
    """An integer graph file is malformed or inconsistent."""


@dataclass(frozen=True)
class FixedFormat:
    """A fixed-point format: ``value = raw * 2**-frac``, ``raw`` an integer in ``[lo, hi]``.

    ``width`` counts the sign bit when ``signed``; ``frac`` may be negative (scale above one) or
    exceed ``width``. ``narrow`` drops the most negative code of a signed format (symmetric
    range) and the top code of an unsigned one, as qonnx ``Quant`` does.
    """

    signed: bool
    width: int
    frac: int
    narrow: bool = False

    def __post_init__(self) -> None:
        if self.width < 1:
            raise IRError(f"FixedFormat width must be >= 1, got {self.width}")

    @property
    def integer(self) -> int:
        """Integer bits I = width - frac (ap_fixed's I, sign included)."""
        return self.width - self.frac

    @property
    def lo(self) -> int:
        """Smallest raw code."""
        if not self.signed:
            return 0
        return -(2 ** (self.width - 1)) + (1 if self.narrow else 0)

    @property
    def hi(self) -> int:
        """Largest raw code."""
        if self.signed:
            return 2 ** (self.width - 1) - 1
        return 2**self.width - 1 - (1 if self.narrow else 0)

    @property
    def scale(self) -> float:
        """The value of one LSB, ``2**-frac``."""
        return float(2.0 ** (-self.frac))

    def ap_type(self, rounding: str = "AP_TRN", saturation: str = "AP_WRAP") -> str:
        """hls4ml / Vivado HLS type, e.g. ``ap_fixed<8,3,AP_RND_CONV,AP_SAT>``."""
        base = "ap_fixed" if self.signed else "ap_ufixed"
        if self.narrow and saturation == "AP_SAT":
            saturation = "AP_SAT_SYM"
        if rounding == "AP_TRN" and saturation == "AP_WRAP":
            return f"{base}<{self.width},{self.integer}>"
        return f"{base}<{self.width},{self.integer},{rounding},{saturation}>"

    @classmethod
    def covering(cls, lo: int, hi: int, frac: int) -> FixedFormat:
        """The narrowest (non-narrow) format holding every raw code in ``[lo, hi]``."""
        lo, hi = int(lo), int(hi)
        if lo > hi:
            raise IRError(f"empty range [{lo}, {hi}]")
        if lo >= 0:
            return cls(False, max(1, int(hi).bit_length()), frac)
        width = max((-lo - 1).bit_length(), max(hi, 0).bit_length()) + 1
        return cls(True, width, frac)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FixedFormat:
        return cls(bool(d["signed"]), int(d["width"]), int(d["frac"]), bool(d.get("narrow", False)))


@dataclass(frozen=True, eq=False)
class Node:
    """One integer op; ``output`` names the tensor it produces, ``inputs`` those it reads."""

    name: str
    op: str
    inputs: tuple[str, ...]
    output: str
    attrs: dict[str, Any] = field(default_factory=dict)
    params: dict[str, np.ndarray] = field(default_factory=dict)
    out_fmt: FixedFormat | None = None
    acc_fmt: FixedFormat | None = None
    weight_fmt: FixedFormat | None = None
    bias_fmt: FixedFormat | None = None

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise IRError(f"node {self.name!r}: unknown op {self.op!r}")
        object.__setattr__(self, "inputs", tuple(self.inputs))
        for arr in self.params.values():
            arr.flags.writeable = False

    def to_dict(self) -> dict[str, Any]:
        fmt = {
            k: (getattr(self, k).to_dict() if getattr(self, k) is not None else None)
            for k in ("out_fmt", "acc_fmt", "weight_fmt", "bias_fmt")
        }
        return {
            "name": self.name,
            "op": self.op,
            "inputs": list(self.inputs),
            "output": self.output,
            "attrs": self.attrs,
            "params": sorted(self.params),
            **fmt,
        }


@dataclass(frozen=True, eq=False)
class IntegerGraph:
    """A topologically ordered list of integer nodes from one input to one output.

    The input tensor holds the codes of ``input_fmt``: float inputs are quantised to it with
    ``input_rounding`` ("ROUND" half-to-even, "FLOOR" or "BIPOLAR") and saturation, as the graph's
    first Quant (QONNX node ``input_node``) does. ``output_shape`` is channels-last, no batch.
    """

    input_name: str
    input_shape: tuple[int, ...]
    input_fmt: FixedFormat
    nodes: tuple[Node, ...]
    output_name: str
    output_fmt: FixedFormat
    output_shape: tuple[int, ...] = ()
    input_rounding: str = "ROUND"
    input_node: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "input_shape", tuple(int(s) for s in self.input_shape))
        object.__setattr__(self, "output_shape", tuple(int(s) for s in self.output_shape))
        object.__setattr__(self, "nodes", tuple(self.nodes))
        known = {self.input_name}
        for node in self.nodes:
            missing = [i for i in node.inputs if i not in known]
            if missing:
                raise IRError(f"node {node.name!r} reads {missing} before they are produced")
            known.add(node.output)
        if self.output_name not in known:
            raise IRError(f"graph output {self.output_name!r} is produced by no node")

    def node(self, name: str) -> Node:
        """The node called ``name`` (its QONNX node name)."""
        for n in self.nodes:
            if n.name == name:
                return n
        raise KeyError(name)

    # ---- persistence: JSON for structure, .npz (allow_pickle=False) for integer params ----
    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write ``path`` (JSON) and its params beside it (same stem, ``.npz``), atomically."""
        path = Path(path)
        arrays = {f"{i}/{k}": v for i, n in enumerate(self.nodes) for k, v in n.params.items()}
        npz = path.with_suffix(".npz")
        with atomic_path(npz) as tmp, open(tmp, "wb") as fh:
            np.savez_compressed(fh, **arrays)
        doc = {
            "ir_version": IR_VERSION,
            "input_name": self.input_name,
            "input_shape": list(self.input_shape),
            "input_fmt": self.input_fmt.to_dict(),
            "output_name": self.output_name,
            "output_shape": list(self.output_shape),
            "output_fmt": self.output_fmt.to_dict(),
            "input_rounding": self.input_rounding,
            "input_node": self.input_node,
            "params_file": npz.name,
            "nodes": [n.to_dict() for n in self.nodes],
        }
        atomic_write_text(path, json.dumps(doc, indent=1) + "\n")
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> IntegerGraph:
        """Read a graph written by :meth:`save`; ``IRError`` naming the file if it is not one."""
        try:
            return cls._load(Path(path))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            if isinstance(exc, IRError):
                raise
            raise IRError(f"{path}: not a valid integer graph ({type(exc).__name__}: {exc})") from exc

    @classmethod
    def _load(cls, path: Path) -> IntegerGraph:
        try:
            doc = json.loads(path.read_text())
        except FileNotFoundError as exc:
            raise IRError(f"integer graph not found: {path}") from exc
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise IRError(f"{path}: not valid JSON: {exc}") from exc
        except OSError as exc:
            raise IRError(f"{path}: cannot read: {exc.strerror or exc}") from exc
        if not isinstance(doc, dict):
            raise IRError(f"{path}: expected a JSON object")
        if doc.get("ir_version") != IR_VERSION:
            raise IRError(f"{path}: ir_version {doc.get('ir_version')!r}, expected {IR_VERSION}")
        npz_path = path.parent / doc["params_file"]
        try:
            with np.load(npz_path, allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
        except FileNotFoundError as exc:
            raise IRError(f"{path}: params file {npz_path} not found") from exc
        except ValueError as exc:  # object arrays need pickle, which is never allowed
            raise IRError(f"{npz_path}: refused: {exc} (integer params must be plain arrays)") from exc
        except (OSError, EOFError) as exc:
            raise IRError(f"{npz_path}: not a readable .npz file: {exc}") from exc
        bad = [k for k, v in arrays.items() if v.dtype.kind not in "iub"]
        if bad:
            raise IRError(f"{npz_path}: param {bad[0]!r} has dtype {arrays[bad[0]].dtype}, expected integers")

        def fmt(d: dict[str, Any] | None) -> FixedFormat | None:
            return None if d is None else FixedFormat.from_dict(d)

        nodes = []
        for i, nd in enumerate(doc["nodes"]):
            try:
                params = {k: arrays[f"{i}/{k}"] for k in nd["params"]}
            except KeyError as exc:
                raise IRError(f"{path}: node {nd['name']!r} misses param {exc} in {npz_path}") from exc
            nodes.append(
                Node(
                    name=nd["name"],
                    op=nd["op"],
                    inputs=tuple(nd["inputs"]),
                    output=nd["output"],
                    attrs=nd["attrs"],
                    params=params,
                    out_fmt=fmt(nd["out_fmt"]),
                    acc_fmt=fmt(nd["acc_fmt"]),
                    weight_fmt=fmt(nd["weight_fmt"]),
                    bias_fmt=fmt(nd["bias_fmt"]),
                )
            )
        return cls(
            input_name=doc["input_name"],
            input_shape=tuple(doc["input_shape"]),
            input_fmt=FixedFormat.from_dict(doc["input_fmt"]),
            nodes=tuple(nodes),
            output_name=doc["output_name"],
            output_fmt=FixedFormat.from_dict(doc["output_fmt"]),
            output_shape=tuple(doc.get("output_shape", ())),
            input_rounding=doc.get("input_rounding", "ROUND"),
            input_node=doc.get("input_node", ""),
        )
