"""Export: Brevitas/QONNX -> cleaned QONNX -> hls4ml project with derived precisions; verify."""

from trigq.export.config import ExportConfig
from trigq.export.errors import ExportError, VerifyError
from trigq.export.export import ExportResult, export

__all__ = ["ExportConfig", "ExportError", "ExportResult", "VerifyError", "export"]
