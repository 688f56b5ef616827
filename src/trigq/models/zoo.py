"""The model zoo: ``MODEL_SPECS`` and ``build_model``.

Every model reads the images of one detector (``spec.detector``, a ``trigq.data.DetectorSpec``) as
float ``[N, *spec.input_shape]``, channels first: for the ATLAS RPC ``[N, 1, 9, W]`` (0/1 hits;
``W = spec.input_width``, 384 strips or a centred eta crop of them). It returns ``[N, T]``
(``T = len(spec.targets)``; logits for the classification label, normalised values
``truth / target_scale`` for regression targets).

Each model has two architectures: ``reference`` (the seed's float network) and ``firmware`` (a
narrower network sized for a fully parallel FPGA implementation). ``build_model`` picks ``reference``
for the float preset and ``firmware`` for quantised presets unless ``arch`` says otherwise. Models
are ``torch.nn.Sequential`` with named layers; quantised ones start with an input quantiser
(``input_quant``) and end with an output quantiser (``output_quant``) so every tensor is fixed point.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from typing import Literal

from trigq.data.detector import DetectorSpec
from trigq.data.detectors import DETECTORS
from trigq.errors import TrigqError
from trigq.models.layers import Conv, CoordConv, Dense, LayerDef, Pool, build_sequential
from trigq.models.quant import QuantPreset, get_preset

__all__ = ["ARCHS", "MODEL_SPECS", "ModelError", "ModelSpec", "build_model", "get_spec", "layer_defs"]

ARCHS = ("auto", "reference", "firmware")
RESIDUAL_3D = ("newsdm-cnn", "newsdm-cnn-16")
"""Zoo models built by ``trigq.models.residual3d`` (not a ``Sequential`` layer list)."""


class ModelError(TrigqError, ValueError):
    """An unknown model name or invalid model option."""


@dataclasses.dataclass(frozen=True)
class ModelSpec:
    """What a zoo model computes; the trainer and evaluator read targets and scales from here.

    ``target_scales[i]``: the network's output ``i`` predicts ``truth[targets[i]] / target_scales[i]``
    (1.0 for the classification label, whose output is a logit). ``detector`` names the detector
    whose images the model reads (``trigq.data.detectors``); ``input_width`` the size of a centred
    crop of that detector's crop axis (None: the whole image). For the ATLAS RPC the input is
    ``hits[:, None, :, crop_start : crop_start + input_width]`` of the 384 eta strips.
    """

    name: str
    task: Literal["classification", "regression"]
    input_width: int | None
    targets: tuple[str, ...]
    default_quant: str
    description: str
    target_scales: tuple[float, ...]
    detector: str = "atlas-rpc"
    input_bits: int | None = None
    """Input quantiser bits of quantised presets for this model (None: the preset's; SHiP hit
    counts need more than the RPC's 1-bit hits)."""

    def __post_init__(self) -> None:
        if len(self.target_scales) != len(self.targets):
            raise ModelError(f"model {self.name!r}: one target scale per target is required")
        if self.detector not in DETECTORS:
            raise ModelError(
                f"model {self.name!r}: unknown detector {self.detector!r}; known: {', '.join(DETECTORS)}"
            )
        spec = self.detector_spec
        if spec.crop_axis is not None and self.input_width is not None:
            size = spec.axes[spec.axis_names.index(spec.crop_axis)].size
            if not 0 < self.input_width <= size:
                raise ModelError(f"model {self.name!r}: input_width must be in 1..{size}")
        elif self.input_width is not None:
            raise ModelError(
                f"model {self.name!r}: detector {self.detector!r} has no crop axis; input_width must be None"
            )
        unknown = [t for t in self.targets if t not in spec.truth_fields]
        if unknown:
            raise ModelError(
                f"model {self.name!r}: targets {unknown} are not truth fields of {self.detector!r}"
            )

    @property
    def detector_spec(self) -> DetectorSpec:
        """The ``DetectorSpec`` of the images the model reads."""
        return DETECTORS[self.detector]

    @property
    def input_shape(self) -> tuple[int, ...]:
        """One event as the model reads it, channels first (``(1, 9, 360)`` for l0-vertexing)."""
        return self.detector_spec.input_shape(self.input_width)

    @property
    def n_outputs(self) -> int:
        return len(self.targets)

    @property
    def crop_start(self) -> int:
        """First bin of the centred crop of the detector's crop axis (12 for 360 of 384 strips)."""
        return self.detector_spec.crop_window(self.input_width).start if self.input_width else 0

    @property
    def output_kinds(self) -> tuple[str, ...]:
        """Per output: ``"logit"`` (the detector's classification label) or ``"regression"``."""
        return tuple("logit" if t == self.detector_spec.label else "regression" for t in self.targets)


MODEL_SPECS: dict[str, ModelSpec] = {
    "l0-trigger": ModelSpec(
        name="l0-trigger",
        task="classification",
        input_width=384,
        targets=("label",),
        default_quant="ternary-a3",
        description="L0 muon trigger (pT above threshold). reference: 9.2M-parameter CNN; "
        "firmware: T-CNN with a 1-bit input, a 9-layer x 12-strip road conv (eta stride 4), "
        "max pooling over eta and a 16-unit head",
        target_scales=(1.0,),
    ),
    "l0-trigger-pt": ModelSpec(
        name="l0-trigger-pt",
        task="classification",
        input_width=384,
        targets=("label", "pt"),
        default_quant="ternary-a3",
        description="l0-trigger with a second head regressing the leading muon pT (in 100 GeV)",
        target_scales=(1.0, 100.0),
    ),
    "l0-vertexing": ModelSpec(
        name="l0-vertexing",
        task="regression",
        input_width=360,
        targets=("vertex_r",),
        default_quant="ternary-a4",
        description="dark-photon vertex radius (in 100 cm) on the centred 360-strip crop. "
        "reference: the seed CNN (767,009 parameters); firmware: the same layers, 8/8/16/16 "
        "channels and 32/32 dense units",
        target_scales=(100.0,),
    ),
    "l0-vertexing-rz": ModelSpec(
        name="l0-vertexing-rz",
        task="regression",
        input_width=360,
        targets=("vertex_r", "vertex_z"),
        default_quant="ternary-a4",
        description="l0-vertexing with two outputs: vertex R and z (both in 100 cm)",
        target_scales=(100.0, 100.0),
    ),
    "ship-cnn": ModelSpec(
        name="ship-cnn",
        task="regression",
        input_width=None,
        targets=("energy", "depth", "x", "y"),
        default_quant="int4",
        description="SHiP target-tracker shower regression (E in 100 GeV, d in 7.5 cm, X/Y in cm): "
        "CoordConv CNN on 3 planes x 64 x 64 hit counts (4-bit inputs when quantised). reference: "
        "CoordConv 16 -> pool -> conv 32 -> pool -> dense 64; firmware: CoordConv 8 (4x4 stride 4) "
        "-> conv 8 -> pool -> dense 16",
        target_scales=(100.0, 7.5, 1.0, 1.0),
        detector="ship-tt",
        input_bits=4,
    ),
    "l0-vertexing-strided": ModelSpec(
        name="l0-vertexing-strided",
        task="regression",
        input_width=360,
        targets=("vertex_r", "vertex_z"),
        default_quant="ternary-a4",
        description="vertex R and z (in 100 cm) with strided convolutions and no pooling before the "
        "dense head, so that the eta position survives. reference: conv 9x8 stride 4 (32 channels, "
        "every layer at once) -> conv 1x5 stride 2 (32) -> dense 256/128; firmware: conv 9x8 stride 4 "
        "(16) -> max pool 1x2 -> dense 32/32",
        target_scales=(100.0, 100.0),
    ),
    "jet-cnn": ModelSpec(
        name="jet-cnn",
        task="classification",
        input_width=None,
        targets=("label",),
        default_quant="int4",
        description="dark-photon vs QCD jet images (2 samplings x 25 x 25 cells of 8-bit ET codes, "
        "LSB 0.5 GeV; 8-bit unsigned inputs when quantised). reference: conv 16 -> pool -> conv 32 "
        "-> pool -> dense 64; firmware: conv 4 (3x3 stride 2) -> pool -> conv 8 -> dense 16",
        target_scales=(1.0,),
        detector="jets",
        input_bits=8,
    ),
    "mpid-cnn": ModelSpec(
        name="mpid-cnn",
        task="classification",
        input_width=None,
        targets=("label",),
        default_quant="int4",
        description="MicroBooNE dark trident vs NC pi0 / cosmics, MPID-style CNN on 512 x 512 "
        "collection-plane charge codes (4-bit clipped inputs when quantised). reference: 5 x (conv "
        "3x3 -> pool 2), 16-32-64-64-64 channels -> dense 64; firmware: conv 8 (4x4 stride 4) -> pool "
        "-> conv 8 (stride 2) -> pool -> conv 16 -> pool -> conv 16 -> pool -> dense 16",
        target_scales=(1.0,),
        detector="microboone",
        input_bits=4,
    ),
    "mpid-cnn-64": ModelSpec(
        name="mpid-cnn-64",
        task="classification",
        input_width=None,
        targets=("label",),
        default_quant="int4",
        description="mpid-cnn at the reduced size: 64 x 64 pixels of 24 mm over the same field (4-bit "
        "clipped inputs when quantised). reference: 4 x (conv 3x3 -> pool 2), 16-32-64-64 channels -> "
        "dense 64; firmware: conv 8 (3x3 stride 2) -> pool -> conv 8 -> pool -> conv 16 -> pool -> "
        "dense 16",
        target_scales=(1.0,),
        detector="microboone-64",
        input_bits=4,
    ),
    "newsdm-cnn": ModelSpec(
        name="newsdm-cnn",
        task="classification",
        input_width=None,
        targets=("label",),
        default_quant="int4",
        description="NEWSdm carbon recoil vs fog / Co60 / Cs137, the seed's 3-D residual CNN on 8 "
        "polarisation images of 32 x 32 (a 9th: the 1st again, periodic; 3x3x3 convs, 1x1x1 skips, "
        "max pooling, SWISH as exact tables when quantised; 8-bit camera codes). reference: stem 8 "
        "-> blocks 16, 16 -> dense 16; firmware: stem 4 -> block 8",
        target_scales=(1.0,),
        detector="newsdm",
        input_bits=8,
    ),
    "newsdm-cnn-16": ModelSpec(
        name="newsdm-cnn-16",
        task="classification",
        input_width=None,
        targets=("label",),
        default_quant="int4",
        description="newsdm-cnn on 16 x 16 pixels of 20 nm (the CI size): same layers",
        target_scales=(1.0,),
        detector="newsdm-16",
        input_bits=8,
    ),
    "tiny-cnn": ModelSpec(
        name="tiny-cnn",
        task="classification",
        input_width=384,
        targets=("label",),
        default_quant="int4",
        description="test model: one conv (4 x 3x4, stride 1x4), one max pool (1x4), one dense",
        target_scales=(1.0,),
    ),
}


def get_spec(name: str) -> ModelSpec:
    """The ``ModelSpec`` called ``name``; ``ModelError`` naming the known models otherwise."""
    try:
        return MODEL_SPECS[name]
    except KeyError:
        raise ModelError(
            f"unknown model {name!r}; known: {', '.join(MODEL_SPECS)} (`trigq models` lists them)"
        ) from None


def _trigger_reference(n_out: int) -> list[LayerDef]:
    return [
        Conv(32, (3, 3)), Pool((1, 2)),
        Conv(64, (3, 3)), Pool((1, 2)),
        Conv(128, (3, 3)), Pool((1, 2)),
        Dense(512), Dense(64), Dense(n_out, last=True),
    ]  # fmt: skip


def _trigger_firmware(n_out: int) -> list[LayerDef]:
    # 9 x 384 -> conv (9 x 12, stride 4): 8 x 1 x 94 -> pool 2: 47 -> conv 1x3: 16 x 1 x 45
    # -> max over all eta: 16 -> dense 16 -> dense n_out
    return [
        Conv(8, (9, 12), stride=(1, 4)), Pool((1, 2)),
        Conv(16, (1, 3)), Pool((1, 45)),
        Dense(16), Dense(n_out, last=True),
    ]  # fmt: skip


def _vertexing(channels: tuple[int, int, int, int], dense: tuple[int, int], n_out: int) -> list[LayerDef]:
    # The seed (Keras, valid padding) on 9 x 360: conv 2x3 then max pool 1x3, four times;
    # 5 x 3 x channels[-1] -> flatten -> dense -> dense -> n_out.
    layers: list[LayerDef] = []
    for c in channels:
        layers += [Conv(c, (2, 3)), Pool((1, 3))]
    return [*layers, Dense(dense[0]), Dense(dense[1]), Dense(n_out, last=True)]


def _vertexing_strided(arch: str, n_out: int) -> list[LayerDef]:
    # 9 x 360 -> conv 9x8 stride 4: 1 x 89 (each output sees every layer of an 8-strip window)
    if arch == "reference":  # -> conv 1x5 stride 2: 1 x 43 x 32 -> dense 256 -> 128 -> n_out
        return [
            Conv(32, (9, 8), stride=(1, 4)),
            Conv(32, (1, 5), stride=(1, 2)),
            Dense(256),
            Dense(128),
            Dense(n_out, last=True),
        ]
    # firmware: -> max pool 1x2: 1 x 44 x 16 -> dense 32 -> 32 -> n_out
    return [Conv(16, (9, 8), stride=(1, 4)), Pool((1, 2)), Dense(32), Dense(32), Dense(n_out, last=True)]


def _mpid(arch: str, full: bool, n_out: int) -> list[LayerDef]:
    """MPID-style: stacked 3x3 convolutions and 2x2 max pooling, channels growing, dense head."""
    if arch == "reference":  # 64: 62-31-29-14-12-6-4-2 (x 64 = 256); 512: ... 28-14 (x 64 = 12,544)
        widths = (16, 32, 64, 64, 64) if full else (16, 32, 64, 64)
        blocks = [layer for c in widths for layer in (Conv(c, (3, 3)), Pool((2, 2)))]
        return [*blocks, Dense(64), Dense(n_out, last=True)]
    if full:  # 512 -> 128 -> 64 -> 31 -> 15 -> 13 -> 6 -> 4 -> 2: 16 x 2 x 2 -> 16 -> n_out
        return [Conv(8, (4, 4), stride=(4, 4)), Pool((2, 2)), Conv(8, (3, 3), stride=(2, 2)), Pool((2, 2)),
                Conv(16, (3, 3)), Pool((2, 2)), Conv(16, (3, 3)), Pool((2, 2)),
                Dense(16), Dense(n_out, last=True)]  # fmt: skip
    # 64 -> conv 3x3 stride 2: 31 -> pool: 15 -> conv: 13 -> pool: 6 -> conv: 4 -> pool: 2 (x 16 = 64)
    return [Conv(8, (3, 3), stride=(2, 2)), Pool((2, 2)), Conv(8, (3, 3)), Pool((2, 2)),
            Conv(16, (3, 3)), Pool((2, 2)), Dense(16), Dense(n_out, last=True)]  # fmt: skip


def _tiny(n_out: int) -> list[LayerDef]:
    return [Conv(4, (3, 4), stride=(1, 4)), Pool((1, 4)), Dense(n_out, last=True)]


def layer_defs(name: str, arch: Literal["reference", "firmware"]) -> list[LayerDef]:
    """The layer list of model ``name`` in architecture ``arch``."""
    spec = get_spec(name)
    n = spec.n_outputs
    if name in ("l0-trigger", "l0-trigger-pt"):
        return _trigger_reference(n) if arch == "reference" else _trigger_firmware(n)
    if name in ("l0-vertexing", "l0-vertexing-rz"):
        if arch == "reference":
            return _vertexing((32, 64, 128, 256), (128, 128), n)
        return _vertexing((8, 8, 16, 16), (32, 32), n)
    if name == "l0-vertexing-strided":
        return _vertexing_strided(arch, n)
    if name == "tiny-cnn":
        return _tiny(n)
    if name == "ship-cnn":
        if arch == "reference":
            return [CoordConv(16, (3, 3)), Pool((2, 2)), Conv(32, (3, 3)), Pool((2, 2)),
                    Pool((2, 2)), Dense(64), Dense(n, last=True)]  # fmt: skip
        return [CoordConv(8, (4, 4), stride=(4, 4)), Conv(8, (3, 3)), Pool((2, 2)),
                Dense(16), Dense(n, last=True)]  # fmt: skip
    if name == "jet-cnn":
        if arch == "reference":
            return [Conv(16, (3, 3)), Pool((2, 2)), Conv(32, (3, 3)), Pool((2, 2)),
                    Dense(64), Dense(n, last=True)]  # fmt: skip
        # 2 x 25 x 25 -> conv 3x3 stride 2: 4 x 12 x 12 -> pool 2: 6 x 6 -> conv 3x3: 8 x 4 x 4 -> 16 -> 1
        return [Conv(4, (3, 3), stride=(2, 2)), Pool((2, 2)), Conv(8, (3, 3)),
                Dense(16), Dense(n, last=True)]  # fmt: skip
    if name in ("mpid-cnn", "mpid-cnn-64"):
        return _mpid(arch, name == "mpid-cnn", n)
    if name in RESIDUAL_3D:
        raise ModelError(f"model {name!r} is a residual network, not a layer list (trigq.models.residual3d)")
    raise ModelError(f"model {name!r} has no layer definition")  # a MODEL_SPECS entry without one


def resolve_arch(preset: QuantPreset, arch: str) -> Literal["reference", "firmware"]:
    """``auto`` -> ``reference`` for float, ``firmware`` for quantised presets."""
    if arch not in ARCHS:
        raise ModelError(f"unknown architecture {arch!r}; expected one of {', '.join(ARCHS)}")
    if arch == "auto":
        return "reference" if preset.is_float else "firmware"
    return arch  # type: ignore[return-value]


def build_model(
    name: str,
    quant: str | QuantPreset = "float",
    *,
    arch: str = "auto",
    batch_norm: bool = False,
):
    """Build zoo model ``name`` with quantisation preset ``quant`` (a name or a ``QuantPreset``).

    ``arch``: ``"auto"`` (reference for float, firmware otherwise), ``"reference"`` or
    ``"firmware"``. ``batch_norm`` adds a BatchNorm2d after every convolution (off by default:
    BN is harder to export exactly). Returns a ``ZooModel`` (a ``torch.nn.Sequential``).
    """
    spec = get_spec(name)
    preset = get_preset(quant)
    if spec.input_bits is not None and not preset.is_float:
        preset = get_preset(preset, input_bits=spec.input_bits)
    chosen = resolve_arch(preset, arch)
    if name in RESIDUAL_3D:
        from trigq.models.residual3d import Residual3dNet

        if batch_norm:
            raise ModelError(f"model {name!r}: batch_norm is not available for the 3-D residual CNN")
        return Residual3dNet(spec, preset, chosen)
    defs = layer_defs(name, chosen)
    layers: OrderedDict = build_sequential(defs, spec.input_shape, preset, batch_norm)
    from trigq.models.layers import ZooModel

    return ZooModel(layers, spec=spec, preset=preset, arch=chosen, batch_norm=batch_norm)
