"""``synthesize``: yosys ``synth_xilinx -family xcup`` on generated RTL; cell counts to ``yosys.json``.

yosys 0.23's ``stat -json`` interleaves text when the design keeps a hierarchy, so the design is
flattened (``-flatten``) and one JSON document comes back. Its timing is not usable (DESIGN.md);
we report cell counts only.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from trigq.rtl.errors import RtlError
from trigq.utils import atomic_write_text

YOSYS_JSON = "yosys.json"


@dataclass(frozen=True)
class YosysCounts:
    """UltraScale+ cells after ``synth_xilinx -family xcup`` (LUT = all LUT1..LUT6)."""

    lut: int
    ff: int
    dsp: int
    carry: int
    bram: int
    cells: dict[str, int]
    seconds: float
    yosys_version: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def counts_from_stat(cells: dict[str, int], seconds: float = 0.0, version: str = "") -> YosysCounts:
    """Group yosys' ``num_cells_by_type`` into LUT / FF / DSP / CARRY / BRAM totals."""

    def total(pred: Any) -> int:
        return int(sum(n for name, n in cells.items() if pred(name)))

    return YosysCounts(
        lut=total(lambda c: c.startswith("LUT") and c[3:].isdigit()),
        ff=total(lambda c: c in ("FDRE", "FDSE", "FDCE", "FDPE")),
        dsp=total(lambda c: c.startswith("DSP")),
        carry=total(lambda c: c.startswith("CARRY")),
        bram=total(lambda c: c.startswith(("RAMB18", "RAMB36"))),
        cells=dict(sorted(cells.items())),
        seconds=seconds,
        yosys_version=version,
    )


def synthesize(
    rtl_dir: str | Path, *, top: str | None = None, timeout: float = 3600.0, write: bool = True
) -> YosysCounts:
    """Run yosys on ``rtl_dir`` (written by ``generate_rtl``); writes ``yosys.json`` there."""
    exe = shutil.which("yosys")
    if exe is None:
        raise RtlError("yosys is not on PATH (Debian: apt-get install yosys)")
    rtl_dir = Path(rtl_dir).resolve()
    if top is None:
        from trigq.rtl.verilator_sim import read_manifest

        top = str(read_manifest(rtl_dir)["top"])
    src = rtl_dir / "src"
    use_tables = any((src / "memfiles").glob("*"))
    files = [p for p in sorted((src / "static").glob("*.v")) if use_tables or p.name != "lookup_table.v"]
    files += [*sorted(src.glob(f"{top}_stage*.v")), src / f"{top}.v"]
    missing = [str(p) for p in files if not p.exists()]
    if missing:
        raise RtlError(f"{rtl_dir}: missing Verilog sources {missing}")
    version = subprocess.run([exe, "-V"], capture_output=True, text=True, timeout=60).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="trigq-yosys-") as tmp:
        stat_path = Path(tmp) / "stat.json"
        script = Path(tmp) / "synth.ys"
        script.write_text(
            "read_verilog " + " ".join(f'"{p}"' for p in files) + "\n"
            f"synth_xilinx -family xcup -top {top} -flatten\n"
            f"tee -q -o {stat_path} stat -json\n"
        )
        t0 = time.perf_counter()
        try:
            r = subprocess.run([exe, "-q", "-s", str(script)], cwd=src / "memfiles" if use_tables else tmp,
                               capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise RtlError(f"yosys timed out after {timeout:.0f} s on {rtl_dir}") from exc
        seconds = time.perf_counter() - t0
        if r.returncode != 0 or not stat_path.exists():
            tail = (r.stdout + r.stderr)[-3000:]
            raise RtlError(f"yosys failed on {rtl_dir} (exit {r.returncode}):\n{tail}")
        try:
            stat = json.loads(stat_path.read_text())
        except json.JSONDecodeError as exc:
            raise RtlError(f"yosys stat output is not JSON ({rtl_dir}): {exc}") from exc
    counts = counts_from_stat(stat["design"]["num_cells_by_type"], seconds, version)
    if write:
        atomic_write_text(rtl_dir / YOSYS_JSON, json.dumps(counts.to_dict(), indent=1) + "\n")
    return counts
