"""The core's README: rendered from its manifest (so the two cannot disagree)."""

from __future__ import annotations

from trigq.ip.manifest import CoreManifest, CorePort, CoreRtl
from trigq.ip.testbench import COCOTB_VERSION
from trigq.layout import YosysSummary
from trigq.report.build import Figure
from trigq.report.variants import best_figures, rtl_sources


def _num(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 10 or float(v).is_integer() else f"{v:.2f}"


def _fig(f: Figure | None, unit: str = "") -> str:
    if f is None or f.value is None:
        return "n/a"
    return f"{_num(f.value)}{unit} ({f.source})"


def _port_rows(ports: dict[str, CorePort]) -> list[str]:
    rows = [
        "| port | C name | elements (channels-last shape) | element type | bus width |",
        "|---|---|---|---|---|",
    ]
    for role, p in ports.items():
        shape = " x ".join(map(str, p.shape_channels_last))
        rows.append(f"| {role} | `{p.name}` | {p.elements} ({shape}) | `{p.ap_type}` | {p.bus_width} bits |")
    return rows


def _stream_port_rows(ports: dict[str, CorePort]) -> list[str]:
    rows = [
        "| port | C name | elements (channels-last shape) | beats x elements per beat | element type "
        "| data bits per beat |",
        "|---|---|---|---|---|---|",
    ]
    for role, p in ports.items():
        shape = " x ".join(map(str, p.shape_channels_last))
        rows.append(
            f"| {role} | `{p.name}` | {p.elements} ({shape}) | {p.beats} x "
            f"{p.beat_elements} | `{p.ap_type}` | {p.bus_width} |"
        )
    return rows


def _order_note(p: CorePort) -> list[str]:
    """The sentence for an input port that carries its tensor channels-first."""
    if p.tensor_order != "channels-first":
        return []
    c, *rest = p.shape_channels_last[-1:] + p.shape_channels_last[:-1]
    return [
        f"**The input port `{p.name}` carries its {c}-channel tensor channels-first** "
        f"({' x '.join(map(str, [c, *rest]))}: hls4ml keeps the model's ONNX order and transposes "
        "inside the firmware), so in this port's element order \"tensor\" is the channels-first one: "
        "move the channel axis of a channels-last image (as stored in `test_vectors/vectors.h5`) to "
        "the front, then flatten (`numpy.moveaxis(x, -1, 0).ravel()`). The `tb_data` files are in "
        "the port's order; the RTL variant's input is channels-last.",
        "",
    ]


def _ports_section(m: CoreManifest) -> list[str]:
    ports, top = {"input": m.ports.input, "output": m.ports.output}, m.hls.top
    if all(p.interface == "array" for p in ports.values()):
        return [
            f"Top function `{top}`. Each array port is one bus (`ARRAY_RESHAPE complete`): "
            "element `j` of the channels-last tensor flattened in C order occupies bits "
            "`[j*W +: W]` (W = element width, two's complement when signed, value = raw x 2^-frac). "
            "Handshake: `ap_vld` on both ports, `ap_ctrl_hs` on the block.",
            "",
            *_order_note(m.ports.input),
            *_port_rows(ports),
            "",
        ]
    decl = ", ".join(f"hls::stream<{p.c_element}> &{p.name}" for p in ports.values())
    return [
        f"Top function `void {top}({decl})` (io_stream, `DATAFLOW`). Both ports are AXI4-Stream "
        "(`#pragma HLS INTERFACE axis`: TDATA/TVALID/TREADY); block-level control is the HLS "
        "tool's default. One inference reads all its input beats and writes all its output beats, "
        "in order.",
        "",
        *_order_note(m.ports.input),
        "Element `j` of the channels-last tensor flattened in C order is element `j % K` of beat "
        "`j // K` (K = elements per beat); within a beat element `k` occupies bits `[k*W +: W]` "
        "(W = element width, the `nnet::array` struct aggregated with its first element in the "
        "least significant bits; two's complement when signed; value = raw x 2^-frac). The vendor "
        "tool may pad TDATA to whole bytes.",
        "",
        *_stream_port_rows(ports),
        "",
    ]


def _latency(cycles: Figure | None, ns: Figure | None) -> str:
    if cycles is None or ns is None or cycles.value is None or ns.value is None or cycles.source != ns.source:
        return f"{_fig(cycles, ' cycles')} = {_fig(ns, ' ns')}"
    return f"{_num(cycles.value)} cycles = {ns.value:.2f} ns ({cycles.source})"


def _lsb(frac: int) -> str:
    return f"2^-{frac}" if frac >= 0 else f"2^{-frac}"


def _rtl_cells(r: CoreRtl | None) -> dict[str, str]:
    """The RTL column of the figures table: yosys counts with da4ml's estimate beside them."""
    if r is None:
        return {}
    sources = rtl_sources(r)
    best = best_figures(sources)
    da4ml = sources["da4ml"]

    def cell(metric: str, also: str = "") -> str:
        if metric not in best:
            return "n/a (no yosys run)"
        value, src = best[metric]
        text = f"{_num(value)} ({src})"
        if src == "yosys" and metric in da4ml:
            text += f"; {_num(da4ml[metric])} ({also or 'da4ml'})"
        return text

    return {
        "LUT": cell("LUT", "da4ml estimate"),
        "FF": cell("FF", "da4ml register bits"),
        "DSP": cell("DSP"),
        "BRAM_18K": cell("BRAM_18K"),
        "URAM": "n/a",
        "latency": f"{r.latency_cycles} cycles = {r.latency_ns:.2f} ns (da4ml pipeline, "
        f"{r.pipeline_stages} stages at {r.clock_mhz:g} MHz)",
        "II": "1 (da4ml pipeline)",
    }


def _figures_section(m: CoreManifest) -> list[str]:
    lat, res, r = m.hls.latency, m.hls.resources, m.rtl
    hls = {
        **{k: _fig(res.get(k)) for k in ("LUT", "FF", "DSP", "BRAM_18K", "URAM")},
        "latency": _latency(lat.get("cycles"), lat.get("ns")),
        "II": _fig(lat.get("ii")),
    }
    rtl = _rtl_cells(r)
    where = "" if r is None else (" (`rtl/`)" if r.included else " (not included, see below)")
    head = "| | HLS variant (`hls/`, hls4ml) |" + (f" RTL variant{where} (da4ml) |" if rtl else "")
    lines = [head, "|---|---|" + ("---|" if rtl else "")]
    for k, v in hls.items():
        lines.append(f"| {k} | {v} |" + (f" {rtl[k]} |" if rtl else ""))
    return [
        "## Latency and resources",
        "",
        "Figures of each implementation on its own; the two are never mixed."
        if rtl
        else "Figures of the HLS implementation (the core has no RTL variant).",
        "",
        *lines,
        "",
        "Sources: `vendor` = Vitis/Vivado reports of the HLS project, `estimate` = trigq's calibrated "
        "estimator of it (see `report/report.md` for its error); `yosys` = open-source synthesis of "
        "the RTL (`synth_xilinx -family xcup`), `da4ml` = da4ml's own cost estimate, register bits "
        "and pipeline depth (3 adder levels per stage at 320 MHz by default; not a timing closure).",
        "",
    ]


def _rtl_section(r: CoreRtl) -> list[str]:
    rtl_ports = (("input", r.input_port), ("output", r.output_port))
    return [
        "## RTL variant (`rtl/`)",
        "",
        f"da4ml distributed-arithmetic Verilog, top `{r.top}` (ports in `{r.top}_wrapper`), "
        f"{r.latency_cycles} pipeline stages = {r.latency_ns:.2f} ns at {r.clock_mhz:g} MHz, "
        "II = 1. See `rtl/rtl_manifest.json`.",
        "",
        *_yosys_lines(r.yosys),
        "Its ports carry the codes of the first quantiser (the input is already quantised), "
        "element `j` in bits `[j*W +: W]`:",
        "",
        "| port | elements | element width | LSB | signed | bus width |",
        "|---|---|---|---|---|---|",
        *[
            f"| {role} | {p.n} | {p.element_width} | {_lsb(p.frac)} | {p.signed} | {p.width} bits |"
            for role, p in rtl_ports
        ],
        "",
    ]


def _yosys_lines(y: YosysSummary | None) -> list[str]:
    if y is None:
        return []
    how = (
        "every pipeline stage synthesised on its own and the cells summed, so no optimisation across stages"
        if y.hierarchy == "per-stage"
        else "flattened"
    )
    return [
        f"yosys `synth_xilinx -family xcup` ({how}; {y.yosys_version}): "
        f"{y.lut:,} LUT, {y.ff:,} FF, {y.carry:,} CARRY, {y.dsp} DSP, {y.bram} BRAM.",
        "",
    ]


def _omitted_rtl_section(r: CoreRtl) -> list[str]:
    return [
        "## RTL variant (not included)",
        "",
        f"da4ml distributed-arithmetic Verilog of this network was generated and measured, but is "
        f"not part of the core: {r.reason}. Measured: {r.pipeline_stages} pipeline stages = "
        f"{r.latency_ns:.2f} ns at {r.clock_mhz:g} MHz, II = 1, da4ml cost estimate "
        f"{r.cost_luts:,.0f} LUT, {r.reg_bits:,} register bits; input port "
        f"{r.input_port.width} bits, output port {r.output_port.width} bits.",
        "",
        *_yosys_lines(r.yosys),
        f"Generate it (writes `PROJECT/rtl/`, top `{r.top}`, ports in `{r.top}_wrapper`; see its "
        f"`rtl_manifest.json`; the da4ml trace took {r.trace_seconds:.0f} s when this core was "
        "packaged) from the repository root with:",
        "",
        "```sh",
        r.generate or "",
        "```",
        "",
    ]


def _testbench_section(r: CoreRtl) -> list[str]:
    """How to run the cocotb testbench in ``rtl/sim`` (:mod:`trigq.ip.testbench`)."""
    run = (
        ["cd rtl/sim && make    # verilates into sim_build/, runs, writes results.xml"]
        if r.included
        else ["cd rtl/sim && make RTL_DIR=/path/to/PROJECT/rtl    # the RTL generated above"]
    )
    where = (
        ""
        if r.included
        else " The core ships the testbench without the Verilog: generate the RTL variant first "
        "(above) and point `RTL_DIR` at it."
    )
    return [
        "### cocotb testbench (`rtl/sim/`)",
        "",
        f"`rtl/sim/tb_rtl.py` drives `{r.top}_wrapper` (Verilator) with every vector of "
        "`test_vectors/vectors.h5`, one per clock, each input quantised by the first quantiser "
        "as the emulator does (the input port carries its codes), and checks every output code "
        f"exactly, {r.latency_cycles} cycles after its input (the latency in `rtl_manifest.json`); "
        "the test fails naming the first differing vectors. Needs `verilator` (>= 5.006) and "
        f"cocotb=={COCOTB_VERSION}, numpy and h5py in the Python of `cocotb-config`; the Verilator "
        f"compile of a large net takes minutes.{where}",
        "",
        "```sh",
        *run,
        "```",
        "",
    ]


def _rtl_files_lines(r: CoreRtl | None) -> list[str]:
    if r is None:
        return []
    if r.included:
        return ["- `rtl/`: the da4ml Verilog (`rtl/src/`), its cocotb testbench (`rtl/sim/`)"]
    return ["- `rtl/sim/`: the cocotb testbench of the RTL variant (its Verilog is not included)"]


def render_readme(m: CoreManifest) -> str:
    """Markdown README of a core from its manifest."""
    model, vec, hls = m.model, m.vectors, m.hls
    lines = [
        f"# IP core `{m.name}`",
        "",
        f"Model `{model.name}` ({model.task}), exported from {model.source.kind} by trigq "
        f"{m.versions.get('trigq', '?')} with hls4ml {m.versions.get('hls4ml', '?')}: "
        f"backend {hls.backend}, part `{hls.part}`, clock {hls.clock_mhz:g} MHz, "
        f"{hls.io_type}, strategy {hls.strategy}, reuse factor {hls.reuse_factor}.",
        "",
        "The core computes the quantised network exactly: every output equals the trigq integer "
        "emulator's, code for code (see *Checking*).",
        "",
        "## Ports",
        "",
        *_ports_section(m),
        f"The input type keeps {hls.input_guard_bits} fractional guard bits below the first "
        f"quantiser's LSB (format `{m.formats.input_quantiser}`) and saturates; the output "
        f"format is `{m.formats.output}`.",
        "",
        *_figures_section(m),
    ]
    if m.rtl is not None:
        lines += _rtl_section(m.rtl) if m.rtl.included else _omitted_rtl_section(m.rtl)
        lines += _testbench_section(m.rtl)
    lines += [
        "## Files",
        "",
        "- `hls/`: the hls4ml project sources (firmware, weights, testbench, `build_prj.tcl`, "
        "`project.tcl`) and `hls/tb_data/` (test vectors in hls4ml's testbench format)",
        "- `build_ip.sh`: vendor build (C-sim, C-synthesis, `export_design -format ip_catalog`)",
        "- `test_vectors/vectors.h5`: `inputs` (float, channels-last), `outputs` (float) and "
        "`outputs_raw` (integer codes of the output format); formats and blocks as attributes",
        *_rtl_files_lines(m.rtl),
        "- `model/`: the QONNX model (weights), the cleaned QONNX, the integer IR, the hls4ml config",
        "- `report/`: the latency and resource report",
        "- `manifest.json`: hashes of weights and of every generated source, ports, figures, versions",
        "",
        "## Building",
        "",
        "`./build_ip.sh` (Vitis: `vitis-run` or `vitis_hls` on PATH; Vivado: `vivado_hls`). The IP "
        f"lands in `hls/{hls.top}_prj/solution1/impl/ip/`. C-sim writes "
        "`hls/tb_data/csim_results.log` (ap_fixed printed to 6 significant digits).",
        "",
        "## Checking",
        "",
        f"{vec.n} test vectors ({vec.source}; blocks: {', '.join(vec.blocks)}); expected outputs "
        f"from the trigq emulator, checked against: {', '.join(m.vectors_checked_with)}.",
        "",
        "```sh",
        "trigq verify CORE          # vectors = emulator (= Brevitas when the weights are here) = C-sim",
        "trigq verify CORE --rtl    # ... = Verilator simulation of rtl/ (minutes for a large net)",
        "trigq report CORE          # the HLS and the RTL variant's figures, from the core's files",
        "```",
        "",
        "```python",
        "from trigq.ip import check_ip, run_ip_csim",
        "run_ip_csim(CORE)   # g++ C simulation of hls/ == committed vectors, bit for bit",
        "check_ip(CORE)      # re-export from model/model_qonnx.onnx: sources identical",
        "```",
        "",
    ]
    return "\n".join(lines)
