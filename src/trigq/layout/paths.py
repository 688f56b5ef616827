"""Where each file of an export project, an RTL variant and a packaged core lives.

One frozen dataclass per kind of directory: the class constants are the names relative to its
root (what manifests and hashes record), the properties the paths under ``root``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar


@dataclass(frozen=True)
class RtlLayout:
    """An RTL variant written by :func:`trigq.rtl.generate_rtl` (``PROJECT/rtl``, ``CORE/rtl``)."""

    root: Path

    MANIFEST: ClassVar[str] = "rtl_manifest.json"
    YOSYS: ClassVar[str] = "yosys.json"
    SRC: ClassVar[str] = "src"
    PIPELINE: ClassVar[str] = "model/pipeline.json"
    SIM: ClassVar[str] = "sim"
    STAGE_CACHE: ClassVar[str] = "yosys_stages"

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))

    @property
    def manifest(self) -> Path:
        return self.root / self.MANIFEST

    @property
    def yosys(self) -> Path:
        return self.root / self.YOSYS

    @property
    def src(self) -> Path:
        return self.root / self.SRC

    @property
    def pipeline(self) -> Path:
        return self.root / self.PIPELINE

    @property
    def sim(self) -> Path:
        return self.root / self.SIM

    @property
    def stage_cache(self) -> Path:
        return self.root / self.STAGE_CACHE


@dataclass(frozen=True)
class ProjectLayout:
    """An export project (``trigq export SOURCE --out ROOT``)."""

    root: Path

    QONNX: ClassVar[str] = "model_qonnx.onnx"
    QONNX_DATA: ClassVar[str] = "model_qonnx.onnx.data"
    CLEAN: ClassVar[str] = "model_clean.onnx"
    IR: ClassVar[str] = "integer_graph.json"
    IR_ARRAYS: ClassVar[str] = "integer_graph.npz"
    HLS_CONFIG: ClassVar[str] = "hls4ml_config.yml"
    HLS_DIR: ClassVar[str] = "hls4ml_prj"
    RTL_DIR: ClassVar[str] = "rtl"
    MANIFEST: ClassVar[str] = "manifest.json"
    VERIFY: ClassVar[str] = "verify.json"
    REPORT_DIR: ClassVar[str] = "report"
    MODEL_FILES: ClassVar[tuple[str, ...]] = (QONNX, QONNX_DATA, CLEAN, IR, IR_ARRAYS, HLS_CONFIG)
    """The model files (weights, IR, hls4ml input config); a core keeps them in ``model/``."""
    HASHED: ClassVar[tuple[str, ...]] = (QONNX, QONNX_DATA, CLEAN, HLS_CONFIG, IR)
    """The files whose sha256 the export manifest records."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))

    @property
    def qonnx(self) -> Path:
        return self.root / self.QONNX

    @property
    def qonnx_data(self) -> Path:
        return self.root / self.QONNX_DATA

    @property
    def clean(self) -> Path:
        return self.root / self.CLEAN

    @property
    def ir(self) -> Path:
        return self.root / self.IR

    @property
    def ir_arrays(self) -> Path:
        return self.root / self.IR_ARRAYS

    @property
    def hls_config(self) -> Path:
        return self.root / self.HLS_CONFIG

    @property
    def hls_dir(self) -> Path:
        return self.root / self.HLS_DIR

    @property
    def rtl_dir(self) -> Path:
        return self.root / self.RTL_DIR

    @property
    def rtl(self) -> RtlLayout:
        return RtlLayout(self.rtl_dir)

    @property
    def manifest(self) -> Path:
        return self.root / self.MANIFEST

    @property
    def verify(self) -> Path:
        return self.root / self.VERIFY

    @property
    def report_dir(self) -> Path:
        return self.root / self.REPORT_DIR

    def inputs(self) -> list[Path]:
        """What a command reading the project reads (never to be an output of it)."""
        return [self.manifest, self.ir, self.ir_arrays, self.qonnx, self.hls_config, self.hls_dir,
                self.rtl_dir]


@dataclass(frozen=True)
class CoreLayout:
    """A packaged IP core (``trigq package PROJECT --out ROOT``, e.g. ``hls/NAME``)."""

    root: Path

    README: ClassVar[str] = "README.md"
    MANIFEST: ClassVar[str] = "manifest.json"
    BUILD_SCRIPT: ClassVar[str] = "build_ip.sh"
    HLS_DIR: ClassVar[str] = "hls"
    TB_DATA: ClassVar[str] = "hls/tb_data"
    RTL_DIR: ClassVar[str] = "rtl"
    MODEL_DIR: ClassVar[str] = "model"
    REPORT_DIR: ClassVar[str] = "report"
    VECTORS: ClassVar[str] = "test_vectors/vectors.h5"

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))

    @property
    def readme(self) -> Path:
        return self.root / self.README

    @property
    def manifest(self) -> Path:
        return self.root / self.MANIFEST

    @property
    def build_script(self) -> Path:
        return self.root / self.BUILD_SCRIPT

    @property
    def hls_dir(self) -> Path:
        return self.root / self.HLS_DIR

    @property
    def tb_data(self) -> Path:
        return self.root / self.TB_DATA

    @property
    def rtl_dir(self) -> Path:
        return self.root / self.RTL_DIR

    @property
    def rtl(self) -> RtlLayout:
        return RtlLayout(self.rtl_dir)

    @property
    def model_dir(self) -> Path:
        return self.root / self.MODEL_DIR

    @property
    def report_dir(self) -> Path:
        return self.root / self.REPORT_DIR

    @property
    def vectors(self) -> Path:
        return self.root / self.VECTORS

    def model_file(self, name: str) -> Path:
        """``model/NAME``: one of :attr:`ProjectLayout.MODEL_FILES`, as the project named it."""
        return self.model_dir / name

    @property
    def qonnx(self) -> Path:
        return self.model_file(ProjectLayout.QONNX)

    @property
    def ir(self) -> Path:
        return self.model_file(ProjectLayout.IR)

    @property
    def hls_config(self) -> Path:
        return self.model_file(ProjectLayout.HLS_CONFIG)

    def inputs(self) -> list[Path]:
        """What a command reading the core reads (never to be an output of it)."""
        return [self.manifest, self.model_dir, self.hls_dir, self.rtl_dir, self.vectors]
