"""The toy's user error."""

from __future__ import annotations

from trigq.errors import TrigqError


class ShipSimError(TrigqError, ValueError):
    """An invalid SHiP target-tracker simulation request (sample, config)."""
