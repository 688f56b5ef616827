"""qonnx-style graph passes of the export: each a ``Transformation`` with ``apply(model)``.

Which ops exist is the integer IR's business (``trigq.ir.ops``: the builder refuses any other,
naming the node). The checks do not change the graph; they raise
:class:`trigq.export.errors.ExportError` naming
the node and layer, or, with ``allow_inexact=True``, record the problem in ``.problems``.
``WriteExactBatchNorms`` rewrites BatchNorm parameters into their exact dyadic form.
"""

from trigq.export.passes.check_power_of_two_scales import CheckPowerOfTwoScales
from trigq.export.passes.check_rounding_modes import CheckRoundingModes
from trigq.export.passes.write_exact_batchnorms import WriteExactBatchNorms

__all__ = ["CheckPowerOfTwoScales", "CheckRoundingModes", "WriteExactBatchNorms"]
