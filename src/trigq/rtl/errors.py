"""The RTL stage's user-facing error."""

from trigq.errors import TrigqError


class RtlError(TrigqError):
    """The integer graph cannot be turned into RTL, or an RTL tool (Verilator, yosys) failed."""
