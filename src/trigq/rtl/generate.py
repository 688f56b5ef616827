"""``generate_rtl``: integer IR -> da4ml adder graphs -> pipelined Verilog + ``rtl_manifest.json``.

Layout of the written directory (da4ml's project layout plus our manifest)::

    rtl_manifest.json        latency, stages, port layout, da4ml cost estimate (this module)
    src/<top>.v              the pipeline: registered input, one register layer per stage
    src/<top>_stage<i>.v     combinational logic of each stage
    src/<top>_wrapper.v      uniform-width ports (every element max_bw bits, common frac)
    src/static/*.v           da4ml's building blocks (shift-adder, mux, ...)
    model/pipeline.json      da4ml's saved pipeline (bit-exact ``predict``)
    sim/*                    da4ml's Verilator binder sources (built by ``simulate_rtl``)

Pipelining: da4ml measures delay in adder levels. Its own default is 5 levels per 5 ns clock
period, so ``latency_cutoff`` defaults to ``floor(clock_period_ns)`` levels per stage (3 at
320 MHz). That ratio is da4ml's, not a timing closure on our part (no Vivado here).
"""

from __future__ import annotations

import dataclasses
import math
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from da4ml.codegen import VerilogModel
from da4ml.trace import to_pipeline
from da4ml.types import Pipeline, minimal_kif

from trigq.ir import FixedFormat, IntegerGraph
from trigq.layout import PortLayout, RtlLayout, RtlManifest, TensorInfo, TypedFormat, write_manifest
from trigq.rtl.errors import RtlError
from trigq.rtl.trace import TracedGraph, trace_graph
from trigq.utils.outputs import output_directory

MANIFEST_NAME = RtlLayout.MANIFEST
DEFAULT_PART = "xcvu13p-flga2577-2-e"


def port_layout(qints: list) -> PortLayout:
    """The uniform-width port da4ml's wrapper gives the quantised intervals ``qints``."""
    kifs = [minimal_kif(q) for q in qints]
    k = max(int(x[0]) for x in kifs)
    i = max(int(x[1]) + int(x[0]) for x in kifs)
    f = max(int(x[2]) for x in kifs)
    return PortLayout(n=len(kifs), element_width=i + f, frac=f, signed=bool(k), width=(i + f) * len(kifs))


@dataclass(frozen=True)
class RtlResult:
    """What ``generate_rtl`` wrote and measured."""

    rtl_dir: Path
    top: str
    clock_mhz: float
    latency_cutoff: float
    pipeline_stages: int
    latency_cycles: int
    latency_ns: float
    cost_luts: float
    reg_bits: int
    input_port: PortLayout
    output_port: PortLayout
    trace_seconds: float

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["rtl_dir"] = str(self.rtl_dir)
        return d


def default_latency_cutoff(clock_mhz: float) -> float:
    """Adder levels per pipeline stage at ``clock_mhz`` (da4ml's 5 levels per 5 ns)."""
    return float(max(1, math.floor(1000.0 / clock_mhz)))


def _tensor(shape: tuple[int, ...], fmt: FixedFormat) -> TensorInfo:
    return TensorInfo(
        shape=[int(s) for s in shape],
        format=TypedFormat(
            signed=fmt.signed, width=fmt.width, frac=fmt.frac, narrow=fmt.narrow, ap_type=fmt.ap_type()
        ),
    )


def write_pipeline_rtl(
    traced: TracedGraph,
    out_dir: str | os.PathLike[str],
    *,
    top: str = "trigq_nn",
    clock_mhz: float = 320.0,
    latency_cutoff: float | None = None,
    part: str = DEFAULT_PART,
    retime: bool = True,
    reuse_kernels: bool = True,
) -> RtlResult:
    """Pipeline a traced graph and write its Verilog project to ``out_dir`` (replaced atomically);
    ``reuse_kernels`` records how it was traced."""
    if not top.isidentifier():
        raise RtlError(f"top module name {top!r} is not a Verilog identifier")
    if clock_mhz <= 0:
        raise RtlError(f"clock_mhz must be positive, got {clock_mhz}")
    cutoff = default_latency_cutoff(clock_mhz) if latency_cutoff is None else float(latency_cutoff)
    pipe: Pipeline = to_pipeline(traced.comb, cutoff, retiming=retime, verbose=False)
    stages = len(pipe.solutions)
    period = 1000.0 / clock_mhz
    result_dir = Path(out_dir)
    inp_port, out_port = port_layout(pipe.inp_qint), port_layout(pipe.out_qint)
    result = RtlResult(
        rtl_dir=result_dir,
        top=top,
        clock_mhz=float(clock_mhz),
        latency_cutoff=cutoff,
        pipeline_stages=stages,
        latency_cycles=stages,
        latency_ns=stages * period,
        cost_luts=float(traced.comb.cost),
        reg_bits=int(pipe.reg_bits),
        input_port=inp_port,
        output_port=out_port,
        trace_seconds=float(sum(traced.trace_seconds.values())),
    )
    manifest = RtlManifest(
        top=top,
        clock_mhz=result.clock_mhz,
        clock_period_ns=period,
        latency_cutoff=cutoff,
        pipeline_stages=stages,
        latency_cycles=stages,
        latency_ns=result.latency_ns,
        cost_luts=result.cost_luts,
        reg_bits=result.reg_bits,
        input_port=inp_port,
        output_port=out_port,
        part=part,
        reuse_kernels=reuse_kernels,
        input=_tensor(traced.input_shape, traced.input_fmt),
        output=_tensor(traced.output_shape, traced.output_fmt),
        trace_seconds=result.trace_seconds,
        trace_seconds_per_node=dict(traced.trace_seconds),
    )
    with output_directory(result_dir, "rtl") as tmp:
        model = VerilogModel(pipe, top, tmp, part_name=part, clock_period=period, print_latency=False)
        model.write(metadata={"trigq_top": top})
        files = sorted(str(p.relative_to(tmp)) for p in RtlLayout(tmp).src.rglob("*.v"))
        write_manifest(RtlLayout(tmp).manifest, dataclasses.replace(manifest, files=files))
    return result


def generate_rtl(
    graph: IntegerGraph,
    out_dir: str | os.PathLike[str],
    clock_mhz: float = 320.0,
    *,
    top: str = "trigq_nn",
    latency_cutoff: float | None = None,
    part: str = DEFAULT_PART,
    reuse_kernels: bool = True,
    retime: bool = True,
    solver_options: dict[str, Any] | None = None,
) -> RtlResult:
    """Trace ``graph`` with da4ml and write pipelined Verilog + ``rtl_manifest.json`` to ``out_dir``."""
    traced = trace_graph(graph, reuse_kernels=reuse_kernels, solver_options=solver_options)
    return write_pipeline_rtl(
        traced,
        out_dir,
        top=top,
        clock_mhz=clock_mhz,
        latency_cutoff=latency_cutoff,
        part=part,
        retime=retime,
        reuse_kernels=reuse_kernels,
    )
