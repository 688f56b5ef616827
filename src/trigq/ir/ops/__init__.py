"""The ops of the integer IR: one module each, collected here in one explicit table.

``REGISTRY`` maps an op name to its :class:`~trigq.ir.ops.base.OpSpec`; ``QONNX_BUILDERS`` maps a
QONNX op type to the build function of the op module that claims it. Adding an op: write its
module (see ``docs/ARCHITECTURE.md``, "Add an op") and list it in ``_MODULES`` below.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trigq.ir.errors import IRError
from trigq.ir.ops import (
    add,
    affine,
    avgpool,
    bias_map,
    concat,
    conv,
    dense,
    flatten,
    lut,
    maxpool,
    quant,
    relu,
    reshape,
    slicing,
    transpose,
)
from trigq.ir.ops.base import BACKENDS, CostContext, OpSpec

_MODULES = (
    quant,
    conv,
    dense,
    relu,
    maxpool,
    avgpool,
    flatten,
    reshape,
    transpose,
    slicing,
    concat,
    add,
    affine,
    bias_map,
    lut,
)


def _specs() -> tuple[OpSpec, ...]:
    out: list[OpSpec] = []
    for module in _MODULES:
        out.extend(getattr(module, "SPECS", (module.OP,)))
    return tuple(out)


def _registry(specs: tuple[OpSpec, ...]) -> dict[str, OpSpec]:
    table: dict[str, OpSpec] = {}
    for spec in specs:
        if spec.name in table:
            raise RuntimeError(f"two ops named {spec.name!r}")
        table[spec.name] = spec
    return table


def _qonnx_builders(specs: tuple[OpSpec, ...]) -> dict[str, Callable[[Any, Any], None]]:
    table: dict[str, Callable[[Any, Any], None]] = {}
    for spec in specs:
        for op_type in spec.qonnx_ops:
            if op_type in table:
                raise RuntimeError(f"QONNX op {op_type!r} claimed twice")
            if spec.build is None:
                raise RuntimeError(f"op {spec.name!r} claims {op_type!r} without a build function")
            table[op_type] = spec.build
    return table


REGISTRY: dict[str, OpSpec] = _registry(_specs())
QONNX_BUILDERS: dict[str, Callable[[Any, Any], None]] = _qonnx_builders(_specs())
QONNX_PREPARES: tuple[Callable[[Any], Any], ...] = tuple(s.qonnx_prepare for s in _specs() if s.qonnx_prepare)
QONNX_REWRITES: tuple[Callable[[Any], Any], ...] = tuple(s.qonnx_rewrite for s in _specs() if s.qonnx_rewrite)


def spec_of(op: str, node: str = "") -> OpSpec:
    """The ``OpSpec`` of op ``op``; ``IRError`` naming the node and the known ops otherwise."""
    spec = REGISTRY.get(op)
    if spec is None:
        where = f"node {node!r}: " if node else ""
        raise IRError(f"{where}unknown op {op!r}; known: {', '.join(sorted(REGISTRY))}")
    return spec


def supported_ops(backend: str) -> tuple[str, ...]:
    """The ops ``backend`` ("emulator", "rtl", "hls4ml") can run, generated from the registry."""
    return tuple(name for name, spec in REGISTRY.items() if spec.supports(backend))


__all__ = [
    "BACKENDS",
    "QONNX_BUILDERS",
    "QONNX_PREPARES",
    "QONNX_REWRITES",
    "REGISTRY",
    "CostContext",
    "OpSpec",
    "spec_of",
    "supported_ops",
]
