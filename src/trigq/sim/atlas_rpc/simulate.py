"""``simulate``: events of one sample as hits ``[N, 9, 384]`` plus the schema's truth fields.

Events are generated in blocks of ``BLOCK_EVENTS``; block ``b`` draws from
``default_rng(SeedSequence(seed, spawn_key=(b,)))``, so a seed fixes every event whatever the
total and memory stays bounded when blocks are streamed with ``iter_blocks``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from trigq.data.detectors.atlas_rpc import ATLAS_RPC
from trigq.errors import TrigqError
from trigq.sim.atlas_rpc import kinematics
from trigq.sim.atlas_rpc.cavern import cavern_hits
from trigq.sim.atlas_rpc.config import N_LAYERS, N_STRIPS, RPCSimConfig
from trigq.sim.atlas_rpc.dark_photon import TRUTH_KEYS as DARK_PHOTON_TRUTH
from trigq.sim.atlas_rpc.response import noise_hits, track_hits
from trigq.sim.atlas_rpc.spectrum import spectrum_weights
from trigq.utils import dump_config

GENERATOR = "atlas-rpc"
DETECTOR = ATLAS_RPC
"""The ``DetectorSpec`` of the files this simulator writes (``trigq.data.detectors.atlas_rpc``)."""
BLOCK_EVENTS = 8192
SAMPLES = DETECTOR.sample_names
SOURCE_CODES = {s.name: s.sources[0] for s in DETECTOR.samples if len(s.sources) == 1}
"""Truth ``source`` of each pure sample: 0 noise/background only, 1 prompt muon, 2 dark photon."""


class SimulationError(TrigqError, ValueError):
    """Invalid simulation request (unknown sample, negative event count or seed)."""


@dataclass
class SimEvents:
    """Simulated events: ``hits`` uint8 [N, 9, 384], ``truth`` (schema field -> array)."""

    hits: np.ndarray
    truth: dict[str, np.ndarray]
    sample: str
    seed: int
    config: RPCSimConfig = field(repr=False)

    def __len__(self) -> int:
        return int(self.hits.shape[0])

    def attrs(self) -> dict[str, str | int]:
        """The dataset's root attributes (the writer adds schema_version, detector_yaml, ...)."""
        return file_attrs(self.sample, self.seed, self.config)


def file_attrs(sample: str, seed: int, config: RPCSimConfig) -> dict[str, str | int]:
    """Root attributes of a simulated file: generator, sample, seed and the full config as YAML."""
    return {"generator": GENERATOR, "sample": sample, "seed": int(seed), "config_yaml": dump_config(config)}


def _check_request(sample: str, n_events: int, seed: int) -> None:
    if sample not in SAMPLES:
        raise SimulationError(f"sample {sample!r}: expected one of {list(SAMPLES)}")
    if n_events < 0:
        raise SimulationError(f"n_events: must be >= 0, got {n_events}")
    if seed < 0:
        raise SimulationError(f"seed: must be >= 0, got {seed}")


def iter_blocks(
    sample: str, n_events: int, seed: int = 0, config: RPCSimConfig | None = None
) -> Iterator[SimEvents]:
    """Yield the events of ``simulate(sample, n_events, seed, config)`` in blocks of ``BLOCK_EVENTS``."""
    config = config or RPCSimConfig()
    _check_request(sample, n_events, seed)
    for block, start in enumerate(range(0, n_events, BLOCK_EVENTS)):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
        n = min(BLOCK_EVENTS, n_events - start)
        hits, truth = _simulate_block(rng, sample, n, config)
        yield SimEvents(hits, truth, sample, seed, config)


def simulate(sample: str, n_events: int, seed: int = 0, config: RPCSimConfig | None = None) -> SimEvents:
    """Simulate ``n_events`` of ``sample`` ("muons", "background", "dark-photon", "mixed")."""
    config = config or RPCSimConfig()
    blocks = list(iter_blocks(sample, n_events, seed, config))
    if not blocks:
        hits, truth = _simulate_block(np.random.default_rng(seed), sample, 0, config)
        return SimEvents(hits, truth, sample, seed, config)
    if len(blocks) == 1:
        return blocks[0]
    hits = np.concatenate([b.hits for b in blocks])
    truth = {k: np.concatenate([b.truth[k] for b in blocks]) for k in blocks[0].truth}
    return SimEvents(hits, truth, sample, seed, config)


def _event_sources(rng: np.random.Generator, sample: str, n: int, config: RPCSimConfig) -> np.ndarray:
    if sample == "mixed":
        return rng.choice(3, size=n, p=np.asarray(config.mix.fractions)).astype(np.int8)
    return np.full(n, SOURCE_CODES[sample], dtype=np.int8)


def _simulate_block(
    rng: np.random.Generator, sample: str, n: int, config: RPCSimConfig
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    source = _event_sources(rng, sample, n, config)
    mu_events = np.flatnonzero(source == 1)
    dp_events = np.flatnonzero(source == 2)
    mu = kinematics.prompt_muons(rng, mu_events.size, config)
    dp = kinematics.dark_photons(rng, dp_events.size, config)
    extra = kinematics.extra_muons(rng, n, config)

    # every muon of the block as one table: prompt, both dark-photon muons, extra muons
    event = np.concatenate([mu_events, np.repeat(dp_events, 2), extra["event"]])
    pt = np.concatenate([mu["pt"], dp["mu_pt"].ravel(), extra["pt"]])
    charge = np.concatenate([mu["charge"], dp["mu_charge"].ravel(), extra["charge"]])
    eta = np.concatenate([mu["eta"], dp["mu_eta"].ravel(), extra["eta"]])
    coords = np.concatenate([mu["coords"], dp["coords"].reshape(-1, N_LAYERS), extra["coords"]])

    flat = np.zeros(n * N_LAYERS * N_STRIPS, dtype=np.uint8)
    flat[track_hits(rng, event, coords, config.response)] = 1
    flat[noise_hits(rng, n, config.response)] = 1
    flat[cavern_hits(rng, n, config.cavern)] = 1
    hits = flat.reshape(n, N_LAYERS, N_STRIPS)

    truth = _truth(n, source, event, pt, charge, eta, config)
    for key in DARK_PHOTON_TRUTH:
        truth[key][dp_events] = dp[key]
    truth["weight"][mu_events] = spectrum_weights(mu["pt"], config.muons)
    return hits, truth


def _truth(
    n: int,
    source: np.ndarray,
    event: np.ndarray,
    pt: np.ndarray,
    charge: np.ndarray,
    eta: np.ndarray,
    config: RPCSimConfig,
) -> dict[str, np.ndarray]:
    """Per-event truth; pt/charge/eta describe the leading (highest-pT) muon of all in the event.

    ``label``: some muon of the event, prompt, extra or from a displaced vertex, is above the
    trigger threshold.
    """
    above = np.bincount(event, weights=pt > config.muons.trigger_threshold_gev, minlength=n) > 0
    truth = {
        "label": above.astype(np.uint8),
        "source": source,
        "n_muons": np.bincount(event, minlength=n).astype(np.uint8),
        "pt": np.zeros(n, np.float32),
        "charge": np.zeros(n, np.int8),
        "eta": np.zeros(n, np.float32),
        "vertex_r": np.zeros(n, np.float32),
        "vertex_z": np.zeros(n, np.float32),
        "mu_pt": np.zeros((n, 2), np.float32),
        "mu_eta": np.zeros((n, 2), np.float32),
        "mu_charge": np.zeros((n, 2), np.int8),
        "opening_angle": np.zeros(n, np.float32),
        "weight": np.ones(n, np.float32),
        "opening_angle_rz": np.zeros(n, np.float32),
        "mu_phi": np.zeros((n, 2), np.float32),
        "mu_angle_rz": np.zeros((n, 2), np.float32),
        "decay_length": np.zeros(n, np.float32),
        "beta_gamma": np.zeros(n, np.float32),
    }
    if event.size:
        order = np.lexsort((pt, event))
        last = order[np.r_[event[order][1:] != event[order][:-1], True]]
        truth["pt"][event[last]] = pt[last]
        truth["charge"][event[last]] = charge[last]
        truth["eta"][event[last]] = eta[last]
    return truth
