"""``simulate_rtl``: build da4ml's Verilator binder for a generated RTL directory and run it.

da4ml 0.6's ``build_binder.mk`` does not work with Debian's Verilator 5.006: it reads the include
root from the last ``VERILATOR_ROOT`` line of ``verilator -V`` (empty there), and it links
``obj_dir/libverilated.a`` / ``libV<top>.a``, which 5.006's ``--build`` of a library does not
produce; and da4ml's ``negative.v`` names the lint code ``WIDTHTRUNC``, unknown before Verilator 5.008
(a hard error). We therefore copy the sources into ``sim/verilator_src`` with that code spelled
``WIDTH`` (the generated ``src/`` stays untouched), run ``verilator --cc --build`` for the model
archive, then one ``g++`` that compiles da4ml's binder with Verilator's runtime sources into a
shared library, which da4ml's ``RTLModel`` loads and drives (clocked, one sample per cycle).
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import numpy as np

from trigq.layout import RtlLayout, read_rtl_manifest
from trigq.rtl.errors import RtlError, require_tool
from trigq.utils.outputs import register


def verilator_root() -> Path:
    """Verilator's install root (with ``include/verilated.h``)."""
    exe = require_tool("verilator", "RTL simulation")
    out = subprocess.run([exe, "-V"], capture_output=True, text=True, timeout=60).stdout
    for line in out.splitlines():
        key, _, value = line.strip().partition("=")
        if key.strip() == "VERILATOR_ROOT" and value.strip():
            root = Path(value.strip())
            if (root / "include" / "verilated.h").exists():
                return root
    for root in (Path("/usr/share/verilator"), Path(exe).resolve().parent.parent / "share" / "verilator"):
        if (root / "include" / "verilated.h").exists():
            return root
    raise RtlError("cannot find Verilator's include/verilated.h")


def _run(cmd: list[str], cwd: Path, timeout: float, what: str) -> None:
    try:
        r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise RtlError(f"{what} timed out after {timeout:.0f} s in {cwd}") from exc
    if r.returncode != 0:
        tail = (r.stdout + r.stderr)[-3000:]
        raise RtlError(f"{what} failed in {cwd} (exit {r.returncode}):\n{tail}")


def _verilator_sources(rtl_dir: Path) -> Path:
    """``src/**/*.v`` copied flat into ``sim/verilator_src`` with lint codes Verilator 5.006 knows."""
    dst = RtlLayout(rtl_dir).sim / "verilator_src"
    shutil.rmtree(dst, ignore_errors=True)
    dst.mkdir(parents=True)
    for p in sorted(RtlLayout(rtl_dir).src.rglob("*.v")):
        text = p.read_text().replace("lint_off WIDTHTRUNC", "lint_off WIDTH")
        (dst / p.name).write_text(text.replace("lint_on WIDTHTRUNC", "lint_on WIDTH"))
    return dst


def build_simulator(rtl_dir: str | Path, *, jobs: int = 1, timeout: float = 1800.0) -> Path:
    """Verilate ``<top>_wrapper`` and link da4ml's binder into ``sim/lib<top>_wrapper_<id>.so``."""
    rtl_dir = Path(rtl_dir).resolve()
    top = read_rtl_manifest(rtl_dir).top
    sim = RtlLayout(rtl_dir).sim
    prefix = f"{top}_wrapper"
    existing = sorted(sim.glob(f"lib{prefix}_*.so"))
    if existing:
        return existing[-1]
    root = verilator_root()
    shutil.rmtree(sim / "obj_dir", ignore_errors=True)
    vsrc = _verilator_sources(rtl_dir)
    _run(
        [
            "verilator",
            "--cc",
            "-j",
            str(jobs),
            "--build",
            f"{prefix}.v",
            "--prefix",
            f"V{prefix}",
            "-Wno-fatal",
            "-CFLAGS",
            "-std=c++17 -fPIC",
            # Verilator's makefile compiles with -Os (after any -CFLAGS); the model of a whole
            # network is tens of MB of C++ run on a few thousand vectors: -O0 compiles ~3.5x faster
            "-MAKEFLAGS",
            "OPT_FAST=-O0 OPT_SLOW=-O0 OPT_GLOBAL=-O0",
            f"-I{vsrc}",
        ],
        sim,
        timeout,
        "verilator",
    )
    lib = sim / f"lib{prefix}_{uuid.uuid4()}.so"
    inc = root / "include"
    _run(
        [
            "g++",
            "-std=c++17",
            "-fPIC",
            "-O",
            "-shared",
            "-I./obj_dir",
            f"-I{inc}",
            f"-I{inc / 'vltstd'}",
            "-o",
            lib.name,
            f"{prefix}_binder.cc",
            f"./obj_dir/V{prefix}__ALL.a",
            str(inc / "verilated.cpp"),
            str(inc / "verilated_threads.cpp"),
            "-pthread",
        ],
        sim,
        timeout,
        "g++ (Verilator binder)",
    )
    shutil.rmtree(sim / "obj_dir", ignore_errors=True)
    register([vsrc, lib])  # trigq's own build products: the RTL output stays replaceable
    return lib


def simulate_rtl(rtl_dir: str | Path, x_raw: np.ndarray, *, jobs: int = 1) -> np.ndarray:
    """Clocked Verilator simulation of the generated RTL: int64 raw codes of the output format.

    ``x_raw``: ``[N, *input_shape]`` raw codes of the input format (as for the emulator).
    """
    from da4ml.codegen import VerilogModel
    from da4ml.types import Pipeline

    rtl_dir = Path(rtl_dir).resolve()
    man = read_rtl_manifest(rtl_dir)
    in_shape, out_shape = tuple(man.input.shape), tuple(man.output.shape)
    in_fmt, out_fmt = man.input.format, man.output.format
    x_raw = np.asarray(x_raw)
    if x_raw.shape[1:] != in_shape:
        raise RtlError(f"input shape {x_raw.shape[1:]} != RTL input {in_shape} ({rtl_dir})")
    layout = RtlLayout(rtl_dir)
    # da4ml's model reads its table files from src/memfiles, a directory git cannot keep when empty
    # (committed cores, copies of them)
    (layout.src / "memfiles").mkdir(exist_ok=True)
    lib = build_simulator(rtl_dir, jobs=jobs)
    pipe = Pipeline.load(str(layout.pipeline))
    model = VerilogModel(pipe, man.top, rtl_dir, print_latency=False)
    model._load_lib(lib.name[len(f"lib{man.top}_wrapper_") : -len(".so")])
    x = x_raw.reshape(len(x_raw), -1).astype(np.float64) * 2.0**-in_fmt.frac
    y = np.asarray(model.predict(x, n_threads=1), dtype=np.float64)
    scaled = y * 2.0**out_fmt.frac
    raw = np.rint(scaled)
    if not np.array_equal(raw, scaled):
        raise RtlError(f"RTL outputs are off the grid of {out_fmt.ap_type} ({rtl_dir})")
    return raw.astype(np.int64).reshape(len(x_raw), *out_shape)
