"""The da4ml RTL variant of a core: included in ``rtl/``, or left out when too large to commit.

A left-out variant is still described in the manifest (its figures from the project's
``rtl/rtl_manifest.json``, its size) together with the exact commands that regenerate it.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

from trigq.ip import layout as L

RTL_KEYS = (
    "top",
    "clock_mhz",
    "latency_cutoff",
    "pipeline_stages",
    "latency_cycles",
    "latency_ns",
    "cost_luts",
    "reg_bits",
    "input_port",
    "output_port",
    "part",
    "reuse_kernels",
)
YOSYS_KEYS = ("lut", "ff", "dsp", "carry", "bram", "seconds", "yosys_version")
# ExportConfig field -> `trigq export` flag; fields without a flag must keep their default
_EXPORT_FLAGS = {
    "backend": "--backend",
    "part": "--part",
    "clock_mhz": "--clock-mhz",
    "io_type": "--io",
    "strategy": "--strategy",
    "reuse_factor": "--reuse",
}


def rtl_size(rtl_dir: Path) -> tuple[int, int]:
    """(files, bytes) a core would take from ``rtl_dir``."""
    files = L.rtl_source_files(rtl_dir)
    return len(files), sum(f.stat().st_size for f in files)


def rtl_figures(rtl_dir: Path) -> dict[str, Any]:
    """The variant's figures recorded in ``rtl_dir/rtl_manifest.json``, with the yosys cell counts
    of ``rtl_dir/yosys.json`` when the RTL was synthesised."""
    r = json.loads((Path(rtl_dir) / "rtl_manifest.json").read_text())
    figures = {k: r.get(k) for k in RTL_KEYS}
    ys = Path(rtl_dir) / "yosys.json"
    if ys.is_file():
        y = json.loads(ys.read_text())
        figures["yosys"] = {**{k: y.get(k) for k in YOSYS_KEYS}, "hierarchy": y.get("hierarchy", "flat")}
    return figures


def export_command(source: str, export_config: dict[str, Any], out: str = "PROJECT") -> str:
    """The ``trigq export ... --rtl --no-compile`` command that writes ``out/rtl`` for a core
    exported from ``source`` with ``export_config``; ``--io`` always, other flags when not default."""
    from trigq.export import ExportConfig

    default = ExportConfig()
    args = ["trigq", "export", source, "--out", out]
    for field, flag in _EXPORT_FLAGS.items():
        value = export_config.get(field, getattr(default, field))
        if field == "io_type" or value != getattr(default, field):
            args += [flag, f"{value:g}" if isinstance(value, float) else str(value)]
    if export_config.get("allow_inexact"):
        args.append("--allow-inexact")
    return shlex.join([*args, "--rtl", "--no-compile"])


def omitted_rtl(rtl_dir: Path, max_mb: float, command: str) -> dict[str, Any]:
    """The manifest's ``rtl`` entry for a variant left out of the core (bigger than ``max_mb``)."""
    n, size = rtl_size(rtl_dir)
    trace = json.loads((Path(rtl_dir) / "rtl_manifest.json").read_text()).get("trace_seconds")
    return {
        "included": False,
        **rtl_figures(rtl_dir),
        "files": n,
        "size_bytes": size,
        "trace_seconds": None if trace is None else round(float(trace)),
        "reason": f"the generated rtl/ is {size / 1e6:.1f} MB in {n} files, over the {max_mb:g} MB "
        "limit for committed cores",
        "generate": command,
    }
