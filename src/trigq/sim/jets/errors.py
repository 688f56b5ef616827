"""The toy's user error."""

from __future__ import annotations

from trigq.errors import TrigqError


class JetsSimError(TrigqError, ValueError):
    """An invalid dark-photon jet-image simulation request (sample, config)."""
