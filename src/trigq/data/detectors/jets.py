"""The dark-photon jet-image toy's ``DetectorSpec``: 25 x 25 (eta, phi) cells around the jet axis.

Two channels, the electromagnetic (``em``) and hadronic (``had``) samplings; each cell holds the
transverse energy as an unsigned 8-bit code ``round(ET / et_lsb_gev)`` (LSB from the file's
``config_yaml``, default 0.5 GeV; 255 = saturated). Files store ``images`` ``[N, 2, 25, 25]`` uint8.
Truth: the label (1 = hadronic dark-photon jet, 0 = QCD jet), the jet pT, the dark photon's decay
radius, the number of constituents and the true EM fraction. The simulator is ``trigq.sim.jets``;
a config with another image size writes a spec named ``jets-<S>`` (``jets_spec``).
"""

from __future__ import annotations

from trigq.data.detector import AxisSpec, DetectorSpec, SampleSpec
from trigq.data.schema import FieldSpec

FIELDS = (
    FieldSpec("label", "uint8", (), "1: hadronic dark-photon jet, 0: QCD jet"),
    FieldSpec("pt", "float32", (), "generated jet pT, GeV"),
    FieldSpec("decay_radius", "float32", (), "dark-photon decay radius, m (0 for QCD jets)"),
    FieldSpec("n_constituents", "int32", (), "number of generated constituents (pions for the signal)"),
    FieldSpec("em_fraction", "float32", (), "generated fraction of the jet ET in the EM sampling"),
)


def jets_spec(size: int = 25) -> DetectorSpec:
    """The spec of ``size`` x ``size`` cells (``jets`` for 25)."""
    return DetectorSpec(
        name="jets" if size == 25 else f"jets-{size}",
        description=f"dark-photon jet images: {size} x {size} (eta, phi) cells, EM and hadronic samplings",
        channels=("em", "had"),
        axes=(
            AxisSpec("eta", size, unit="cell", description="eta from the jet axis, cell size in config_yaml"),
            AxisSpec("phi", size, unit="cell", description="phi from the jet axis, cell size in config_yaml"),
        ),
        dtype="uint8",
        values="counts",
        fields=FIELDS,
        samples=(
            SampleSpec("qcd", (), "QCD jets only"),
            SampleSpec("dark-photon", (), "hadronic dark-photon jets only"),
            SampleSpec("mixed", (), "a per-event draw of the two (config signal_fraction)"),
        ),
        label="label",
    )


JETS = jets_spec()
