"""Design-space sweep: emulated accuracy against estimated LUTs and latency over bit widths and
reuse factors (``trigq sweep``), with its Pareto front."""

from trigq.sweep.grid import SweepConfig, SweepError, SweepPoint, pareto_front, run_sweep

__all__ = ["SweepConfig", "SweepError", "SweepPoint", "pareto_front", "run_sweep"]
