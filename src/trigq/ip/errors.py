"""Errors of the IP-core packaging stage."""

from trigq.errors import TrigqError


class IPError(TrigqError):
    """A project cannot be packaged, or a packaged core fails its checks; the message says which."""
