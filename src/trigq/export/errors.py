"""Errors of the export stage: each message names the file, node or layer at fault."""

from trigq.errors import TrigqError


class ExportError(TrigqError):
    """A model cannot be exported (unsupported op, inexact quantiser, bad source or project)."""


class VerifyError(TrigqError):
    """Verification found mismatches, or the project cannot be verified."""
