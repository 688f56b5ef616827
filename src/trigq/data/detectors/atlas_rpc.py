"""The ATLAS L0 RPC toy's ``DetectorSpec``: one barrel phi sector, 9 RPC layers x 384 eta strips.

The image is one channel of 0/1 hits; rows are the layers inner to outer, columns eta bins
(``bin = floor(384 (eta - eta_min) / (eta_max - eta_min))``, the eta range from the file's
``config_yaml``). Files store it as ``hits`` ``[N, 9, 384]`` uint8 (as before the spec existed),
models read ``[B, 1, 9, W]``, ``W`` a centred eta crop. The simulator is ``trigq.sim.atlas_rpc``.
"""

from __future__ import annotations

from trigq.data.detector import AxisSpec, DetectorSpec, SampleSpec
from trigq.data.schema import HITS, FieldSpec

N_LAYERS = 9
N_STRIPS = 384
LAYER_NAMES = ("BI0", "BI1", "BI2", "BM0", "BM1", "BM2", "BM3", "BO0", "BO1")


def _f(
    name: str, dtype: str, trailing: tuple[int, ...], description: str, optional: bool = False
) -> FieldSpec:
    return FieldSpec(name, dtype, trailing, description, optional)


TRUTH_FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        _f("label", "uint8", (), "trigger label: a prompt or displaced muon above the pT threshold (0/1)"),
        _f("source", "int8", (), "0 noise/background only, 1 prompt muon, 2 dark photon"),
        _f("n_muons", "uint8", (), "number of muons in the event"),
        _f("pt", "float32", (), "leading muon pT in GeV (0 if none)"),
        _f("charge", "int8", (), "leading muon charge +-1 (0 if none)"),
        _f("eta", "float32", (), "leading muon direction eta"),
        _f("vertex_r", "float32", (), "production vertex radius in cm (0 for prompt)"),
        _f("vertex_z", "float32", (), "production vertex z in cm (0 for prompt)"),
        _f("mu_pt", "float32", (2,), "pT of the two dark-photon muons in GeV"),
        _f("mu_eta", "float32", (2,), "eta of the two dark-photon muons"),
        _f("mu_charge", "int8", (2,), "charge of the two dark-photon muons"),
        _f("opening_angle", "float32", (), "3D opening angle of the dark-photon muons in rad"),
        _f("opening_angle_rz", "float32", (), "opening angle of the dark-photon muons projected on R-z, rad"),
        _f("mu_phi", "float32", (2,), "phi of the two dark-photon muons from the sector centre, rad"),
        _f(
            "mu_angle_rz",
            "float32",
            (2,),
            "direction of the two dark-photon muons in the R-z plane at the vertex (from R towards +z), rad",
        ),
        _f("decay_length", "float32", (), "dark-photon decay length (3D) in cm"),
        _f("beta_gamma", "float32", (), "dark-photon boost p / m (0 if unknown)"),
        _f(
            "weight",
            "float32",
            (),
            "event weight: reweights the generated prompt-muon pT spectrum to the "
            "falling one (1 for other events)",
            optional=True,
        ),
    )
}

SIM_TRUTH_FIELDS: tuple[str, ...] = tuple(name for name, spec in TRUTH_FIELDS.items() if not spec.optional)
"""The fields every simulated file carries (files written before ``weight`` existed lack it)."""

ATLAS_RPC = DetectorSpec(
    name="atlas-rpc",
    description="ATLAS L0 RPC toy: one barrel phi sector in the R-z plane, 9 RPC layers x 384 eta strips",
    channels=("hits",),
    axes=(
        AxisSpec(
            "layer",
            N_LAYERS,
            unit="layer",
            labels=LAYER_NAMES,
            description="RPC layers from inner to outer (3 BI, 4 BM, 2 BO)",
        ),
        AxisSpec(
            "eta",
            N_STRIPS,
            unit="strip",
            description="eta bins: bin = floor(384 (eta - eta_min) / (eta_max - eta_min)), eta range "
            "from the file's config_yaml (geometry.eta_min/eta_max)",
        ),
    ),
    dtype="uint8",
    values="binary",
    fields=tuple(TRUTH_FIELDS.values()),
    samples=(
        SampleSpec("muons", (1,), "one prompt muon per event"),
        SampleSpec("background", (0,), "noise and cavern background only"),
        SampleSpec("dark-photon", (2,), "A' -> mu mu at a displaced vertex"),
        SampleSpec("mixed", (0, 1, 2), "a per-event draw of the three (config mix.fractions)"),
    ),
    label="label",
    source_field="source",
    image_key=HITS,
    crop_axis="eta",
)

SAMPLES: tuple[str, ...] = ATLAS_RPC.sample_names
LEGACY_ATTRS: dict[str, int] = {"n_layers": N_LAYERS, "n_strips": N_STRIPS}
"""Root attributes of RPC files from before the spec, still written so those files stay the same."""
