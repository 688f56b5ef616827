"""Refuse quantiser rounding modes and flavours that hls4ml's ap_fixed types cannot reproduce."""

from __future__ import annotations

import numpy as np
from qonnx.core.modelwrapper import ModelWrapper
from qonnx.util.basic import get_by_name

from trigq.export.passes._graph import QuantNodeCheck

# qonnx rounding mode -> ap_fixed quantisation mode (half-to-even is AP_RND_CONV).
ROUNDING_TO_AP = {"ROUND": "AP_RND_CONV", "FLOOR": "AP_TRN"}


def quant_attr(node, name: str, default):
    attr = get_by_name(node.attribute, name)
    if attr is None:
        return default
    value = attr.s.decode() if attr.type == attr.STRING else attr.i
    return value


class CheckRoundingModes(QuantNodeCheck):
    """Every ``Quant`` must round ROUND (half-to-even) or FLOOR, with an integer bit width.

    Unsigned narrow-range quantisers are refused too: hls4ml 1.3 has no type for them.
    """

    def check(self, model: ModelWrapper, node, where: str) -> None:
        mode = str(quant_attr(node, "rounding_mode", "ROUND")).upper()
        if mode not in ROUNDING_TO_AP:
            self.report(f"{where}: rounding mode {mode} has no ap_fixed equivalent (only ROUND and FLOOR)")
        if quant_attr(node, "narrow", 0) and not quant_attr(node, "signed", 1):
            self.report(f"{where}: unsigned narrow-range quantisers are not supported")
        bits = model.get_initializer(node.input[3])
        if bits is None:
            self.report(f"{where}: bit width must be a constant")
            return
        bits = np.asarray(bits, dtype=np.float64).ravel()
        if bits.size != 1 or bits[0] != np.round(bits[0]) or bits[0] < 1:
            self.report(f"{where}: bit width {bits} is not one integer >= 1")
