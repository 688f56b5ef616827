"""Design-space search (``trigq sweep``): a multi-objective Optuna study whose trials run as Dask
tasks (``search``); what a design point scores (``scoring``). The fixed grid of earlier versions
is the ``grid`` sampler of the search."""

from trigq.sweep.scoring import merit, pareto_front, score_point
from trigq.sweep.search import SearchConfig, SearchError, run_search

__all__ = ["SearchConfig", "SearchError", "merit", "pareto_front", "run_search", "score_point"]
