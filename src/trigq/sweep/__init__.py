"""Design-space search (``trigq sweep``): a multi-objective Optuna study whose trials run as Dask
tasks (``search``), and the fixed grid in a local process pool it grew from (``grid``)."""

from trigq.sweep.grid import SweepConfig, SweepError, SweepPoint, pareto_front, run_sweep
from trigq.sweep.search import SearchConfig, SearchError, run_search

__all__ = [
    "SearchConfig",
    "SearchError",
    "SweepConfig",
    "SweepError",
    "SweepPoint",
    "pareto_front",
    "run_search",
    "run_sweep",
]
