"""The toy's user error."""

from __future__ import annotations

from trigq.errors import TrigqError


class NEWSdmSimError(TrigqError, ValueError):
    """An invalid NEWSdm simulation request (sample, config)."""
