"""Classic (non-NN) trigger algorithms the networks must beat: the L0 RPC coincidence trigger."""

from trigq.baselines.coincidence import Roads, calibrate_roads, coincidence_trigger, roads_for, uniform_roads
from trigq.baselines.config import CoincidenceConfig
from trigq.baselines.turn_on import Efficiency, TurnOnCurve, clopper_pearson, turn_on_curve

__all__ = [
    "CoincidenceConfig",
    "Efficiency",
    "Roads",
    "TurnOnCurve",
    "calibrate_roads",
    "clopper_pearson",
    "coincidence_trigger",
    "roads_for",
    "turn_on_curve",
    "uniform_roads",
]
