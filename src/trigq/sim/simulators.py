"""The registry of detector simulators, for the steps that need events of a detector without a file.

``verify`` and the IP-core test vectors call ``detector_events(input_shape, n, seed)``: events of
the first registered detector (``trigq.data.detectors``) whose images fit the model's input, from
that detector's simulator, as model inputs. Add a simulator here when you add a detector.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Simulator:
    """How to simulate one detector: ``run(sample, n, seed)`` returns images in the file layout
    (``[n, *spec.stored_shape]``); ``test_sample`` is the sample test inputs are drawn from (one
    that has every kind of event); ``call`` names the function in test-vector sources."""

    detector: str
    call: str
    test_sample: str
    run: Callable[[str, int, int], np.ndarray]


def _atlas_rpc(sample: str, n: int, seed: int) -> np.ndarray:
    from trigq.sim.atlas_rpc import simulate

    return simulate(sample, n, seed=seed).hits


def _ship_tt(sample: str, n: int, seed: int) -> np.ndarray:
    from trigq.sim.ship_tt import simulate

    return simulate(sample, n, seed=seed).images


def _jets(sample: str, n: int, seed: int) -> np.ndarray:
    from trigq.sim.jets import simulate

    return simulate(sample, n, seed=seed).images


def _microboone(sample: str, n: int, seed: int) -> np.ndarray:
    from trigq.sim.microboone import simulate

    return simulate(sample, n, seed=seed).images


def _microboone_64(sample: str, n: int, seed: int) -> np.ndarray:
    from trigq.sim.microboone import MicroBooNEConfig, same_field, simulate

    return simulate(sample, n, seed=seed, config=same_field(MicroBooNEConfig(), 64)).images


def _newsdm(sample: str, n: int, seed: int) -> np.ndarray:
    from trigq.sim.newsdm import simulate

    return simulate(sample, n, seed=seed).images


def _newsdm_16(sample: str, n: int, seed: int) -> np.ndarray:
    from trigq.sim.newsdm import NEWSdmConfig, simulate

    return simulate(sample, n, seed=seed, config=NEWSdmConfig(image_size=16)).images


SIMULATORS: dict[str, Simulator] = {
    sim.detector: sim
    for sim in (
        Simulator("atlas-rpc", "trigq.sim.simulate", "mixed", _atlas_rpc),
        Simulator("ship-tt", "trigq.sim.ship_tt.simulate", "showers", _ship_tt),
        Simulator("jets", "trigq.sim.jets.simulate", "mixed", _jets),
        Simulator("microboone", "trigq.sim.microboone.simulate", "mixed", _microboone),
        Simulator("microboone-64", "trigq.sim.microboone.simulate", "mixed", _microboone_64),
        Simulator("newsdm", "trigq.sim.newsdm.simulate", "mixed", _newsdm),
        Simulator("newsdm-16", "trigq.sim.newsdm.simulate", "mixed", _newsdm_16),
    )
}


def detector_events(input_shape: Sequence[int], n: int, seed: int) -> tuple[np.ndarray, str] | None:
    """``n`` simulated events as float64 model inputs ``[n, *input_shape]`` (channels first) and a
    description of where they come from, for the first registered detector whose images fit
    ``input_shape`` (whole, or cropped centred along its crop axis); None when no detector with a
    simulator fits."""
    from trigq.data.detectors import find_detector

    spec = find_detector(input_shape)
    if spec is None or spec.name not in SIMULATORS:
        return None
    sim = SIMULATORS[spec.name]
    x = spec.model_inputs(sim.run(sim.test_sample, n, seed), input_shape)
    return x, f"{sim.call}({sim.test_sample!r}, {n}, seed={seed}){spec.crop_text(input_shape)}"
