"""Fixtures of the export firmware tests: exports with a compile cache.

hls4ml C-simulation compiles dominate (10-50 s each), so compiled projects are cached in the
pytest cache directory (``.pytest_cache/d/trigq-export``), keyed by a hash of the model's QONNX
export, weights and structure, the export config and the export and emulator source files.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
from pathlib import Path

import pytest

import trigq.emulate
import trigq.export


def _source_digest() -> str:
    """Hash of the export and emulator sources (the export writes the emulator's integer graph)."""
    h = hashlib.sha256()
    for package in (trigq.export, trigq.emulate):
        for path in sorted(Path(package.__file__).parent.rglob("*.py")):
            h.update(path.read_bytes())
    return h.hexdigest()


def model_key(module, input_shape, config) -> str:
    """Hash of the model's QONNX export (weights, bit widths, signedness, narrow range, scales: the
    module's repr and state_dict miss quantiser settings such as narrow range), the export config
    and the export/emulator sources."""
    import tempfile

    import torch

    from trigq.models.qonnx_export import export_qonnx

    h = hashlib.sha256()
    with tempfile.TemporaryDirectory(prefix="trigq-key-") as tmp:
        export_qonnx(module, Path(tmp) / "m.onnx", input_t=torch.zeros(tuple(input_shape)))
        for f in sorted(Path(tmp).iterdir()):
            h.update(f.name.encode() + f.read_bytes())
    buf = io.BytesIO()
    torch.save({k: v.detach().cpu() for k, v in module.state_dict().items()}, buf)
    h.update(buf.getvalue())
    h.update(repr(module).encode())
    h.update(json.dumps([list(input_shape), dataclasses.asdict(config)], sort_keys=True).encode())
    h.update(_source_digest().encode())
    return h.hexdigest()[:24]


@pytest.fixture(scope="session")
def export_cached(request):
    """``export_cached(module, input_shape, config=None) -> project dir`` (compiled, cached)."""
    from trigq.export import ExportConfig, export

    cache = getattr(request.config, "cache", None)  # None with -p no:cacheprovider
    root = Path(cache.mkdir("trigq-export")) if cache else request.config._tmp_path_factory.mktemp("export")

    def run(module, input_shape, config=None):
        config = config or ExportConfig()
        target = root / model_key(module, input_shape, config)
        if not (target / "manifest.json").is_file():
            export(module, target, config, input_shape=tuple(input_shape))
        return target

    return run
