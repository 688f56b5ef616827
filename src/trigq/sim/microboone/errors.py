"""The toy's user error."""

from __future__ import annotations

from trigq.errors import TrigqError


class MicroBooNESimError(TrigqError, ValueError):
    """An invalid MicroBooNE simulation request (sample, config)."""
