"""The ATLAS L0 RPC toy: one barrel phi sector, 9 RPC layers x 384 eta strips, toroidal bending.

Model (every number is in ``RPCSimConfig``, stored in each file's ``config_yaml``; the defaults are
the ``realistic`` preset, ``legacy`` reproduces the toy from before the presets, see ``presets``):

- Geometry: the R-z plane of one sector; layers BI0-2, BM0-3, BO0-1 at fixed radii (default
  455-1010 cm); strip ``k`` of a layer covers eta in ``eta_min + [k, k+1) * (eta_max - eta_min) / 384``
  (default |eta| < 1.05, both signs; legacy [0, 1]) with the eta of a hit from its (R, z) seen from
  the IP, so a straight pointing track is one column.
- Field: uniform B_phi (default 0.5 T) between 500 and 950 cm (2.25 T m). The crossing of each
  layer is solved exactly in closed form (straight - circular arc - straight, see ``geometry``),
  not in the parabolic approximation; mu+ bends towards +z for B > 0.
- Multiple scattering (default on): one Gaussian kink of sigma 0.16 GeV rad / p at R = 300 cm
  (Highland, ~100 X0 of calorimeter), for muons produced inside that radius.
- Energy loss (realistic): ~3 GeV x cosh(eta) (10% spread) in the calorimeters (150-425 cm); the
  toroid bends what is left, soft muons range out (``energy_loss``).
- Response: per-layer efficiency (0.95), clusters of 1/2/3 strips (0.70/0.25/0.05; a 2-strip
  cluster adds the neighbour on the side of the crossing point, and with ``charge_sharing`` is
  more likely near a strip edge), independent noise per strip (1e-3, per layer if given as 9
  numbers), correlated cavern background (realistic: particles firing several layers of one
  doublet/triplet, clustered, at ``rate_multiplier`` x today's noise rate, ``cavern``), Poisson
  extra prompt muons (mean 0).
- Samples (truth ``source``): ``background`` (0) noise only; ``muons`` (1) one prompt muon, pT
  flat (or power law) in 3-50 GeV with ``truth/weight`` reweighting it to dN/dpT ~ pT^-3, eta
  uniform in the acceptance independent of charge (legacy: less ``eta_margin``, redrawn until its
  track is inside the strips at all 9 layers); ``dark-photon`` (2) A' -> mu mu, by default
  (``dark_photon.model: decay``, module ``dark_photon``) an A' of 4 GeV, pT 40-100 GeV, decaying
  after an exponential decay length (c tau 25 cm) isotropically in its rest frame, the muons seen
  projected on R-z, kept inside vertex R 100-700 cm, 3D opening angle 0.05-0.2 rad, muon pT 20-50
  GeV and 12 strips from the edges; ``model: legacy`` (the legacy preset): vertex R uniform in
  100-700 cm and eta uniform, the muons split symmetrically about the vertex direction in the R-z
  plane by an opening angle uniform in 0.05-0.2 rad, pT uniform in 20-50 GeV each; opposite
  charges and no hits in layers inside the vertex radius in both; ``mixed`` a per-event draw of
  the three (realistic 60% muons, 20% background, 20% dark photons; legacy 50% / 50% / 0).
- Truth: ``label`` = 1 when some muon of the event (prompt, extra or displaced) has pT above the
  trigger threshold (20 GeV); ``pt``/``charge``/``eta`` describe the highest-pT muon of the event
  (its direction at its production point); ``n_muons`` counts all muons including extra ones.
- Randomness: events come in blocks of 8192, block ``b`` seeded by ``SeedSequence(seed,
  spawn_key=(b,))``; everything is vectorised over the block; the realistic options draw random
  numbers only when enabled, so the legacy preset gives the old events bit for bit.
"""

from trigq.sim.atlas_rpc.config import (
    LAYER_NAMES,
    N_LAYERS,
    N_STRIPS,
    CavernConfig,
    DarkPhotonConfig,
    EnergyLossConfig,
    GeometryConfig,
    MixConfig,
    MuonConfig,
    ResponseConfig,
    RPCSimConfig,
    ScatteringConfig,
    ToroidConfig,
    config_from_yaml_text,
)
from trigq.sim.atlas_rpc.geometry import expected_strip_coordinates, expected_strips
from trigq.sim.atlas_rpc.presets import load_sim_config, preset_config
from trigq.sim.atlas_rpc.simulate import (
    DETECTOR,
    GENERATOR,
    SAMPLES,
    SimEvents,
    SimulationError,
    file_attrs,
    iter_blocks,
    simulate,
)

__all__ = [
    "DETECTOR",
    "GENERATOR",
    "LAYER_NAMES",
    "N_LAYERS",
    "N_STRIPS",
    "SAMPLES",
    "CavernConfig",
    "DarkPhotonConfig",
    "EnergyLossConfig",
    "GeometryConfig",
    "MixConfig",
    "MuonConfig",
    "RPCSimConfig",
    "ResponseConfig",
    "ScatteringConfig",
    "SimEvents",
    "SimulationError",
    "ToroidConfig",
    "config_from_yaml_text",
    "expected_strip_coordinates",
    "expected_strips",
    "file_attrs",
    "iter_blocks",
    "load_sim_config",
    "preset_config",
    "simulate",
]
