"""Refuse quantisers whose scale is not one power of two, or whose zero point is not 0."""

from __future__ import annotations

import numpy as np
from qonnx.core.modelwrapper import ModelWrapper

from trigq.export.passes._graph import QuantNodeCheck


class CheckPowerOfTwoScales(QuantNodeCheck):
    """Every ``Quant`` must have a scalar (or all-equal) power-of-two scale and zero point 0.

    Float scales (e.g. Brevitas ``*PerTensorFloat``) cannot be represented by ``ap_fixed``
    types: the C simulation would not match. Per-channel scales make hls4ml insert float
    ``ApplyAlpha`` layers, so they are refused as well.
    """

    def check(self, model: ModelWrapper, node, where: str) -> None:
        scale = model.get_initializer(node.input[1])
        zeropt = model.get_initializer(node.input[2])
        if scale is None or zeropt is None:
            self.report(f"{where}: scale and zero point must be constants")
            return
        scale = np.asarray(scale, dtype=np.float64).ravel()
        if np.any(np.asarray(zeropt) != 0):
            self.report(f"{where}: zero point {np.asarray(zeropt).ravel()[:4]} is not 0")
        if scale.size == 0 or not np.all(scale == scale[0]):
            self.report(
                f"{where}: per-channel scales {scale[:4]}... are not supported; use one "
                "power-of-two scale per tensor"
            )
            return
        mantissa, _ = np.frexp(scale[0])
        if not (scale[0] > 0 and mantissa == 0.5):
            self.report(
                f"{where}: scale {float(scale[0])} is not a power of two (a float-scaled quantiser "
                "cannot be exact in fixed point; use a *FixedPoint quantiser)"
            )
