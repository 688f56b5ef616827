"""The CI accuracy table: float vs Brevitas vs emulated models on fixed test sets, with the
quantised-vs-float gaps it accepts (``python -m trigq.accuracy.table``)."""

from trigq.accuracy.table import AccuracyTableError, AccuracyThresholds, load_thresholds, make_table

__all__ = ["AccuracyTableError", "AccuracyThresholds", "load_thresholds", "make_table"]
