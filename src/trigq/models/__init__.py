"""The model zoo and quantiser presets (see ``zoo`` and ``quant``)."""

from trigq.models.quant import PRESET_NAMES, QuantPreset, QuantPresetError, get_preset
from trigq.models.zoo import MODEL_SPECS, ModelError, ModelSpec, build_model, get_spec

__all__ = [
    "MODEL_SPECS",
    "PRESET_NAMES",
    "ModelError",
    "ModelSpec",
    "QuantPreset",
    "QuantPresetError",
    "build_model",
    "get_preset",
    "get_spec",
]
