"""``synthesize``: yosys ``synth_xilinx -family xcup`` on generated RTL; cell counts to ``yosys.json``.

yosys 0.23's ``stat -json`` interleaves text when the design keeps a hierarchy, so every run
flattens (``-flatten``) and one JSON document comes back. Large nets are synthesised stage by stage
(``per_stage=True``) and the counts summed. Its timing is not usable (DESIGN.md);
we report cell counts only.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from trigq.layout import RtlLayout, read_rtl_manifest
from trigq.rtl.errors import RtlError, require_tool
from trigq.utils import atomic_write_text
from trigq.utils.console import progress

YOSYS_JSON = RtlLayout.YOSYS
STAGE_CACHE = RtlLayout.STAGE_CACHE  # per-stage results of ``per_stage=True`` runs, reused when unchanged


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
    hierarchy: str = "flat"
    stages: dict[str, dict[str, int]] = field(default_factory=dict)

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
    rtl_dir: str | Path,
    *,
    top: str | None = None,
    timeout: float = 3600.0,
    write: bool = True,
    per_stage: bool = False,
    jobs: int = 1,
) -> YosysCounts:
    """Run yosys on ``rtl_dir`` (written by ``generate_rtl``); writes ``yosys.json`` there.

    ``per_stage=True`` synthesises every pipeline stage on its own (out of context, no I/O buffers,
    ``jobs`` at a time) and the top with the stages as black boxes (its pipeline registers and I/O
    buffers), then sums the cells: much less memory and time on nets too large to flatten, at the
    price of no optimisation across stage boundaries (an upper bound on the flat count).
    Per-stage results are cached in ``rtl_dir/yosys_stages`` (a stopped run resumes). ``timeout``
    applies to each yosys run.
    """
    exe = require_tool("yosys", "yosys synthesis")
    rtl_dir = Path(rtl_dir).resolve()
    layout = RtlLayout(rtl_dir)
    if top is None:
        top = read_rtl_manifest(rtl_dir).top
    src = layout.src
    use_tables = any((src / "memfiles").glob("*"))
    static = [p for p in sorted((src / "static").glob("*.v")) if use_tables or p.name != "lookup_table.v"]
    stages = sorted(src.glob(f"{top}_stage*.v"), key=lambda p: int(p.stem.rsplit("stage", 1)[1]))
    missing = [str(p) for p in [*static, *stages, src / f"{top}.v"] if not p.exists()]
    if missing:
        raise RtlError(f"{rtl_dir}: missing Verilog sources {missing}")
    version = subprocess.run([exe, "-V"], capture_output=True, text=True, timeout=60).stdout.strip()
    cwd = src / "memfiles" if use_tables else None
    t0 = time.perf_counter()
    if not per_stage:
        cells = _run(
            exe,
            f"read_verilog {_quoted([*static, *stages, src / f'{top}.v'])}\n"
            f"synth_xilinx -family xcup -top {top} -flatten\n",
            rtl_dir,
            cwd,
            timeout,
        )
        counts = counts_from_stat(cells, time.perf_counter() - t0, version)
    else:
        # (name, Verilog files, script): every stage out of context, then the top with the stages
        # as black boxes (``-lib``), which keeps only its pipeline registers and I/O buffers
        runs = [
            (
                p.stem,
                [*static, p],
                f"read_verilog {_quoted([*static, p])}\n"
                f"synth_xilinx -family xcup -top {p.stem} -flatten -noiopad\n",
            )
            for p in stages
        ]
        runs.append(
            (
                top,
                [*stages, src / f"{top}.v"],
                f"read_verilog -lib {_quoted(stages)}\nread_verilog {_quoted([src / f'{top}.v'])}\n"
                f"synth_xilinx -family xcup -top {top} -flatten\n",
            )
        )
        order = sorted(range(len(runs)), key=lambda i: -runs[i][1][-1].stat().st_size)
        with (  # largest stages first: the slowest finish first
            ThreadPoolExecutor(max(1, jobs)) as pool,
            progress(total=len(runs), desc="yosys per stage", unit="run") as bar,
        ):
            futures = {
                i: pool.submit(
                    _run_cached,
                    exe,
                    runs[i][2],
                    runs[i][1],
                    rtl_dir,
                    cwd,
                    timeout,
                    layout.stage_cache / f"{runs[i][0]}.json",
                    version,
                )
                for i in order
            }
            for _ in as_completed(futures.values()):
                bar.update(1)
            results = [futures[i].result() for i in range(len(runs))]
        results[-1] = {k: v for k, v in results[-1].items() if not k.startswith(f"{top}_stage")}
        total: dict[str, int] = {}
        for cells in results:
            for name, n in cells.items():
                total[name] = total.get(name, 0) + n
        per = {p.stem.rsplit("_", 1)[1]: counts_from_stat(c) for p, c in zip(stages, results, strict=False)}
        per["registers"] = counts_from_stat(results[-1])
        counts = replace(
            counts_from_stat(total, time.perf_counter() - t0, version),
            hierarchy="per-stage",
            stages={k: {"lut": v.lut, "ff": v.ff, "carry": v.carry, "dsp": v.dsp} for k, v in per.items()},
        )
    if write:
        atomic_write_text(layout.yosys, json.dumps(counts.to_dict(), indent=1) + "\n")
    return counts


def _run_cached(
    exe: str,
    script_text: str,
    files: list[Path],
    rtl_dir: Path,
    cwd: Path | None,
    timeout: float,
    cache: Path,
    version: str,
) -> dict[str, int]:
    """``_run`` of one stage, kept in ``cache`` (keyed by yosys version, script and the bytes of the
    Verilog ``files`` it reads) so that a long per-stage synthesis resumes where it was stopped."""
    digest = hashlib.sha256(f"{version}\n{script_text}".encode())
    for path in files:
        digest.update(path.read_bytes())
    key = digest.hexdigest()
    if cache.is_file():
        try:
            doc = json.loads(cache.read_text())
            if doc.get("key") == key:
                return {str(k): int(v) for k, v in doc["cells"].items()}
        except (json.JSONDecodeError, KeyError, TypeError, ValueError):
            pass  # a damaged entry is recomputed
    cells = _run(exe, script_text, rtl_dir, cwd, timeout)
    cache.parent.mkdir(exist_ok=True)
    atomic_write_text(cache, json.dumps({"key": key, "cells": cells}, indent=1) + "\n")
    return cells


def _quoted(paths: list[Path]) -> str:
    return " ".join(f'"{p}"' for p in paths)


def _run(exe: str, script_text: str, rtl_dir: Path, cwd: Path | None, timeout: float) -> dict[str, int]:
    """One yosys run of ``script_text`` followed by ``stat -json``; the cell counts by type."""
    with tempfile.TemporaryDirectory(prefix="trigq-yosys-") as tmp:
        stat_path = Path(tmp) / "stat.json"
        script = Path(tmp) / "synth.ys"
        script.write_text(script_text + f"tee -q -o {stat_path} stat -json\n")
        try:
            r = subprocess.run(
                [exe, "-q", "-s", str(script)],
                cwd=cwd or tmp,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as exc:
            raise RtlError(f"yosys timed out after {timeout:.0f} s on {rtl_dir}") from exc
        if r.returncode != 0 or not stat_path.exists():
            tail = (r.stdout + r.stderr)[-3000:]
            raise RtlError(f"yosys failed on {rtl_dir} (exit {r.returncode}):\n{tail}")
        try:
            stat = json.loads(stat_path.read_text())
        except json.JSONDecodeError as exc:
            raise RtlError(f"yosys stat output is not JSON ({rtl_dir}): {exc}") from exc
    return {str(k): int(v) for k, v in stat["design"]["num_cells_by_type"].items()}
