"""Fixtures of the export firmware tests: exports with a compile cache.

hls4ml C-simulation compiles dominate (10-50 s each), so compiled projects are cached in the
pytest cache directory (``.pytest_cache/d/trigq-export``), keyed by a hash of the QONNX file the
export starts from, the export config and the export and emulator source files.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import json
from pathlib import Path

import pytest

import trigq.emulate
import trigq.export
import trigq.ir
import trigq.rtl


def _source_digest() -> str:
    """Hash of the export, IR, emulator and RTL sources (all of them shape an export)."""
    h = hashlib.sha256()
    for package in (trigq.export, trigq.emulate, trigq.ir, trigq.rtl):
        for path in sorted(Path(package.__file__).parent.rglob("*.py")):
            h.update(path.read_bytes())
    return h.hexdigest()


def model_key(module, input_shape, config, scratch: Path) -> str:
    """Hash of the QONNX file the export starts from (weights, bit widths, signedness, narrow range,
    scales: a module's repr and state_dict miss quantiser settings such as narrow range), the export
    config and the export/emulator sources. The QONNX is written under ``scratch`` and removed."""
    import tempfile

    from trigq.export.qonnx_flow import brevitas_to_qonnx

    h = hashlib.sha256()
    with tempfile.TemporaryDirectory(prefix="key-", dir=scratch) as tmp:
        brevitas_to_qonnx(module, tuple(input_shape), Path(tmp) / "m.onnx")
        for f in sorted(Path(tmp).iterdir()):
            h.update(f.name.encode() + f.read_bytes())
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
        target = root / model_key(module, input_shape, config, root)
        # one export per key across xdist workers: a second export of the same key would swap in a
        # project whose compiled library has another name under a worker still using the first
        with open(target.with_name(target.name + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (target / "manifest.json").is_file():
                export(module, target, config, input_shape=tuple(input_shape))
        return target

    return run
