"""The IR's fixed-point semantics on da4ml's symbolic variables (the RTL back end of the kernels).

Imported only when a kernel meets a ``da4ml.trace.FixedVariableArray``: the emulator never needs
da4ml.
"""
