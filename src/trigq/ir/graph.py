"""The integer IR: an immutable, saveable graph of integer ops with fixed-point formats.

Every tensor is a fixed-point array: ``value = raw * 2**-frac`` with ``raw`` an integer in the
format's range. Tensors are channels-last without the batch axis (``[D, H, W, C]``, ``[H, W, C]``,
``[W, C]`` for maps, ``[F]`` after ``flatten``). The ops, their attributes, params, shapes,
formats and kernels are described in :mod:`trigq.ir.ops` (one module per op); a node names its op
and carries the formats the builder derived (``out_fmt``; ``acc_fmt`` of accumulating ops;
``weight_fmt``/``bias_fmt`` of their constants). Accumulator formats are derived worst case from
the integer weights and the input range, so they cannot overflow.

Saved as JSON (structure) plus ``.npz`` (integer params, loaded with ``allow_pickle=False``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from trigq.ir.errors import IRError
from trigq.ir.fixed import FixedFormat
from trigq.utils import atomic_path, atomic_write_text

IR_VERSION = 2
FORMAT_FIELDS = ("out_fmt", "acc_fmt", "weight_fmt", "bias_fmt")


@dataclass(frozen=True, eq=False)
class Node:
    """One integer op; ``output`` names the tensor it produces, ``inputs`` those it reads.

    ``name`` is the node of the cleaned channels-last QONNX graph it came from (the name hls4ml
    gives the layer it builds from that node).
    """

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
        from trigq.ir.ops import spec_of

        object.__setattr__(self, "inputs", tuple(self.inputs))
        for arr in self.params.values():
            arr.flags.writeable = False
        spec_of(self.op, self.name).check(self)

    def to_dict(self) -> dict[str, Any]:
        fmt = {
            k: (getattr(self, k).to_dict() if getattr(self, k) is not None else None) for k in FORMAT_FIELDS
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

    def formats(self) -> dict[str, FixedFormat]:
        """The fixed-point format of every tensor (graph input and node outputs)."""
        out = {self.input_name: self.input_fmt}
        for n in self.nodes:
            if n.out_fmt is None:
                raise IRError(f"node {n.name!r} ({n.op}) has no out_fmt")
            out[n.output] = n.out_fmt
        return out

    def shapes(self) -> dict[str, tuple[int, ...]]:
        """The channels-last shape (no batch axis) of every tensor, from each op's shape rule."""
        from trigq.ir.ops import spec_of

        shapes = {self.input_name: self.input_shape}
        for n in self.nodes:
            shapes[n.output] = tuple(
                int(s) for s in spec_of(n.op, n.name).shape(n, [shapes[t] for t in n.inputs])
            )
        return shapes

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
            raise IRError(
                f"{path}: ir_version {doc.get('ir_version')!r}, expected {IR_VERSION} "
                "(re-export the model with this trigq)"
            )
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
                    **{k: fmt(nd[k]) for k in FORMAT_FIELDS},
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
