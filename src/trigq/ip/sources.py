"""Which generated files a core takes from a project, and their hashes.

Core layout (:class:`trigq.layout.CoreLayout`)::

    README.md                 what the core computes, ports, latency, resources, build and check
    manifest.json             model/weights hashes, ports, latency, resources, versions, sources
    build_ip.sh               vendor build: C-sim, C-synthesis, export_design (IP catalog)
    hls/                      the hls4ml project sources (no compiled .so/.o, no logs)
    hls/tb_data/              test vectors in hls4ml's testbench format
    rtl/                      the da4ml Verilog variant (when the project has one)
    test_vectors/vectors.h5   the same vectors in HDF5 with the formats as attributes
    model/                    model_qonnx.onnx(+.data), model_clean.onnx, integer_graph.json/.npz,
                              hls4ml_config.yml (the export's input config)
    report/                   latency/resource report (JSON, Markdown, PNG)

Non-deterministic files of an hls4ml 1.3 project (measured: two exports of the same model differ
only there): ``hls4ml_config.yml`` inside the hls4ml project (the random ``Stamp`` and the
absolute ``OutputDir`` of the temporary export directory) is left out (``model/hls4ml_config.yml``
is the deterministic input config); ``build_lib.sh`` carries the random stamp as ``LIB_STAMP=``,
which is normalised to ``LIB_STAMP=core``. ``build_opt.tcl`` is written by ``build_ip.sh``.
In ``rtl/`` the Verilog (``*.v``) and the cocotb testbench (``rtl/sim/Makefile``, ``rtl/sim/tb_rtl.py``,
written by :mod:`trigq.ip.testbench`, not copied) are hashed: ``rtl_manifest.json`` holds trace
times. Simulator builds inside ``rtl/`` (``sim_build/``, ``obj_dir/``, da4ml's ``verilator_src/``)
are neither copied nor hashed.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from trigq.ip.testbench import tb_core_files
from trigq.layout import CoreLayout, RtlLayout, sha256_file

HLS_EXCLUDED = ("hls4ml_config.yml", "build_opt.tcl")
HLS_SKIPPED_SUFFIXES = (".so", ".o", ".log", ".a", ".pyc")
HLS_SKIPPED_DIRS = ("tb_data",)  # written from the core's own vectors
RTL_SUFFIXES = (".v", ".sv", ".vhd", ".json", ".tcl", ".xdc", ".sdc", ".h", ".hh", ".cc", ".cpp", ".mk")
# simulator builds: da4ml's binder (obj_dir, verilator_src), cocotb's (sim_build, trigq.ip.testbench)
RTL_SKIPPED_DIRS = ("obj_dir", "verilator_src", "build", "sim_build", "__pycache__", RtlLayout.STAGE_CACHE)
SOURCE_ROOTS = (CoreLayout.HLS_DIR, CoreLayout.MODEL_DIR, CoreLayout.BUILD_SCRIPT)
_LIB_STAMP = re.compile(rb"^LIB_STAMP=\S*$", re.M)


def _skipped_hls(rel: Path, hls_project_name: str) -> bool:
    if rel.parts[0] in HLS_SKIPPED_DIRS or str(rel) in HLS_EXCLUDED:
        return True
    if rel.suffix in HLS_SKIPPED_SUFFIXES or rel.name.startswith("."):
        return True
    return rel.parts[0].endswith("_prj") or rel.parts[0] == f"{hls_project_name}_prj"  # vendor output


def copy_hls_sources(src: Path, dst: Path, project_name: str) -> list[str]:
    """Copy the hls4ml project's source files (see module docstring); returns their paths."""
    copied = []
    for path in sorted(p for p in Path(src).rglob("*") if p.is_file()):
        rel = path.relative_to(src)
        if _skipped_hls(rel, project_name):
            continue
        target = dst / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel.name == "build_lib.sh":
            target.write_bytes(_LIB_STAMP.sub(b"LIB_STAMP=core", path.read_bytes()))
            shutil.copymode(path, target)
        else:
            shutil.copy2(path, target)
        copied.append(str(rel))
    return copied


def rtl_source_files(src: Path) -> list[Path]:
    """The files of an RTL variant a core takes (Verilog, manifests, scripts; no simulator builds,
    no hidden files such as the output ledger)."""
    files = []
    for path in sorted(p for p in Path(src).rglob("*") if p.is_file()):
        rel = path.relative_to(src)
        skipped = any(part in RTL_SKIPPED_DIRS or part.startswith(".") for part in rel.parts)
        if not skipped and rel.suffix in RTL_SUFFIXES:
            files.append(path)
    return files


def copy_rtl_sources(src: Path, dst: Path) -> list[str]:
    """Copy the RTL variant (:func:`rtl_source_files`); returns their relative paths."""
    copied = []
    for path in rtl_source_files(src):
        rel = path.relative_to(src)
        target = dst / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        copied.append(str(rel))
    return copied


def source_hashes(core: Path) -> dict[str, str]:
    """sha256 of every generated source of a core: ``hls/`` (tb_data included: the expected
    outputs), ``model/``, ``build_ip.sh``, the Verilog of ``rtl/`` and its cocotb testbench.
    Keys are POSIX paths."""
    core = Path(core)
    files: list[Path] = []
    for root in SOURCE_ROOTS:
        p = core / root
        files += [p] if p.is_file() else sorted(q for q in p.rglob("*") if q.is_file())
    rtl = CoreLayout(core).rtl_dir
    if rtl.is_dir():
        files += [p for p in rtl_source_files(rtl) if p.suffix == ".v"]
        files += [core / f for f in tb_core_files(CoreLayout.RTL_DIR) if (core / f).is_file()]
    return {f.relative_to(core).as_posix(): sha256_file(f) for f in files}


def diff_hashes(committed: dict[str, str], regenerated: dict[str, str]) -> dict[str, list[str]]:
    """Files that changed, that only the committed core has, and that only the new one has."""
    return {
        "changed": sorted(k for k in committed.keys() & regenerated.keys() if committed[k] != regenerated[k]),
        "missing": sorted(committed.keys() - regenerated.keys()),
        "added": sorted(regenerated.keys() - committed.keys()),
    }
