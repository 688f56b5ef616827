"""The da4ml RTL variant of a core: included in ``rtl/``, or left out when too large to commit.

A left-out variant is still described in the manifest (its figures from the project's
``rtl/rtl_manifest.json``, its size) together with the exact commands that regenerate it.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from trigq.export.config import ExportConfig
from trigq.ip import sources as S
from trigq.ip.manifest import CoreRtl
from trigq.layout import read_rtl_summary

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
    files = S.rtl_source_files(rtl_dir)
    return len(files), sum(f.stat().st_size for f in files)


def export_command(source: str, export_config: ExportConfig, out: str = "PROJECT") -> str:
    """The ``trigq export ... --rtl --no-compile`` command that writes ``out/rtl`` for a core
    exported from ``source`` with ``export_config``; ``--io`` always, other flags when not default."""
    default = ExportConfig()
    args = ["trigq", "export", source, "--out", out]
    for field, flag in _EXPORT_FLAGS.items():
        value = getattr(export_config, field)
        if field == "io_type" or value != getattr(default, field):
            args += [flag, f"{value:g}" if isinstance(value, float) else str(value)]
    if export_config.allow_inexact:
        args.append("--allow-inexact")
    return shlex.join([*args, "--rtl", "--no-compile"])


def included_rtl(rtl_dir: Path) -> CoreRtl:
    """The manifest's ``rtl`` entry of a variant copied into the core."""
    return CoreRtl(**read_rtl_summary(rtl_dir).summary_fields(), included=True)


def omitted_rtl(rtl_dir: Path, max_mb: float, command: str) -> CoreRtl:
    """The manifest's ``rtl`` entry for a variant left out of the core (bigger than ``max_mb``)."""
    n, size = rtl_size(rtl_dir)
    summary = read_rtl_summary(rtl_dir).summary_fields()
    summary["trace_seconds"] = float(round(summary["trace_seconds"]))
    return CoreRtl(
        **summary,
        included=False,
        files=n,
        size_bytes=size,
        reason=f"the generated rtl/ is {size / 1e6:.1f} MB in {n} files, over the {max_mb:g} MB "
        "limit for committed cores",
        generate=command,
    )
