"""The core's README: rendered from its manifest (so the two cannot disagree)."""

from __future__ import annotations

from typing import Any


def _fig(f: dict[str, Any] | None, unit: str = "") -> str:
    if not f or f.get("value") is None:
        return "n/a"
    v = f["value"]
    text = f"{v:,.0f}" if abs(v) >= 10 or float(v).is_integer() else f"{v:.2f}"
    return f"{text}{unit} ({f['source']})"


def _port_rows(ports: dict[str, Any]) -> list[str]:
    rows = [
        "| port | C name | elements (channels-last shape) | element type | bus width |",
        "|---|---|---|---|---|",
    ]
    for role, p in ports.items():
        shape = " x ".join(map(str, p["shape_channels_last"]))
        rows.append(
            f"| {role} | `{p['name']}` | {p['elements']} ({shape}) | `{p['ap_type']}` "
            f"| {p['bus_width']} bits |"
        )
    return rows


def _stream_port_rows(ports: dict[str, Any]) -> list[str]:
    rows = [
        "| port | C name | elements (channels-last shape) | beats x elements per beat | element type "
        "| data bits per beat |",
        "|---|---|---|---|---|---|",
    ]
    for role, p in ports.items():
        shape = " x ".join(map(str, p["shape_channels_last"]))
        rows.append(
            f"| {role} | `{p['name']}` | {p['elements']} ({shape}) | {p['beats']} x "
            f"{p['beat_elements']} | `{p['ap_type']}` | {p['bus_width']} |"
        )
    return rows


def _ports_section(m: dict[str, Any]) -> list[str]:
    ports, top = m["ports"], m["hls"]["top"]
    if all(p.get("interface", "array") == "array" for p in ports.values()):
        return [
            f"Top function `{top}`. Each array port is one bus (`ARRAY_RESHAPE complete`): "
            "element `j` of the channels-last tensor flattened in C order occupies bits "
            "`[j*W +: W]` (W = element width, two's complement when signed, value = raw x 2^-frac). "
            "Handshake: `ap_vld` on both ports, `ap_ctrl_hs` on the block.",
            "",
            *_port_rows(ports),
            "",
        ]
    decl = ", ".join(f"hls::stream<{p['c_element']}> &{p['name']}" for p in ports.values())
    return [
        f"Top function `void {top}({decl})` (io_stream, `DATAFLOW`). Both ports are AXI4-Stream "
        "(`#pragma HLS INTERFACE axis`: TDATA/TVALID/TREADY); block-level control is the HLS "
        "tool's default. One inference reads all its input beats and writes all its output beats, "
        "in order.",
        "",
        "Element `j` of the channels-last tensor flattened in C order is element `j % K` of beat "
        "`j // K` (K = elements per beat); within a beat element `k` occupies bits `[k*W +: W]` "
        "(W = element width, the `nnet::array` struct aggregated with its first element in the "
        "least significant bits; two's complement when signed; value = raw x 2^-frac). The vendor "
        "tool may pad TDATA to whole bytes.",
        "",
        *_stream_port_rows(ports),
        "",
    ]


def _rtl_section(r: dict[str, Any]) -> list[str]:
    rtl_ports = (("input", r["input_port"]), ("output", r["output_port"]))
    return [
        "## RTL variant (`rtl/`)",
        "",
        f"da4ml distributed-arithmetic Verilog, top `{r['top']}` (ports in `{r['top']}_wrapper`), "
        f"{r['latency_cycles']} pipeline stages = {r['latency_ns']:.2f} ns "
        f"at {r['clock_mhz']:g} MHz, "
        "II = 1. See `rtl/rtl_manifest.json`.",
        "",
        *_yosys_lines(r),
        "Its ports carry the codes of the first quantiser (the input is already quantised), "
        "element `j` in bits `[j*W +: W]`:",
        "",
        "| port | elements | element width | LSB | signed | bus width |",
        "|---|---|---|---|---|---|",
        *[
            f"| {role} | {p['n']} | {p['element_width']} | 2^-{p['frac']} | {p['signed']} "
            f"| {p['width']} bits |"
            for role, p in rtl_ports
        ],
        "",
    ]


def _yosys_lines(r: dict[str, Any]) -> list[str]:
    y = r.get("yosys")
    if not y:
        return []
    how = (
        "every pipeline stage synthesised on its own and the cells summed, so no optimisation across stages"
        if y.get("hierarchy") == "per-stage"
        else "flattened"
    )
    return [
        f"yosys `synth_xilinx -family xcup` ({how}; {y.get('yosys_version', '')}): "
        f"{y['lut']:,} LUT, {y['ff']:,} FF, {y['carry']:,} CARRY, {y['dsp']} DSP, {y['bram']} BRAM.",
        "",
    ]


def _omitted_rtl_section(r: dict[str, Any]) -> list[str]:
    return [
        "## RTL variant (not included)",
        "",
        f"da4ml distributed-arithmetic Verilog of this network was generated and measured, but is "
        f"not part of the core: {r['reason']}. Measured: {r['pipeline_stages']} pipeline stages = "
        f"{r['latency_ns']:.2f} ns at {r['clock_mhz']:g} MHz, II = 1, da4ml cost estimate "
        f"{r['cost_luts']:,.0f} LUT, {r['reg_bits']:,} register bits, no DSPs; input port "
        f"{r['input_port']['width']} bits, output port {r['output_port']['width']} bits.",
        "",
        *_yosys_lines(r),
        "Generate it (writes `PROJECT/rtl/`, top `{0}`, ports in `{0}_wrapper`; see its "
        "`rtl_manifest.json`; the da4ml trace took {1} s when this core was packaged) from the "
        "repository root with:".format(r["top"], r.get("trace_seconds", "?")),
        "",
        "```sh",
        r["generate"],
        "```",
        "",
    ]


def render_readme(m: dict[str, Any]) -> str:
    """Markdown README of a core from its manifest dict."""
    model, lat, vec = m["model"], m["latency"], m["vectors"]
    lines = [
        f"# IP core `{m['name']}`",
        "",
        f"Model `{model['name']}` ({model['task']}), exported from {model['source']['kind']} by trigq "
        f"{m['versions'].get('trigq', '?')} with hls4ml {m['versions'].get('hls4ml', '?')}: "
        f"backend {m['hls']['backend']}, part `{m['hls']['part']}`, clock {m['hls']['clock_mhz']:g} MHz, "
        f"{m['hls']['io_type']}, strategy {m['hls']['strategy']}, reuse factor {m['hls']['reuse_factor']}.",
        "",
        "The core computes the quantised network exactly: every output equals the trigq integer "
        "emulator's, code for code (see *Checking*).",
        "",
        "## Ports",
        "",
        *_ports_section(m),
        f"The input type keeps {m['hls']['input_guard_bits']} fractional guard bits below the first "
        f"quantiser's LSB (format `{m['formats']['input_quantiser']}`) and saturates; the output "
        f"format is `{m['formats']['output']}`.",
        "",
        "## Latency and resources",
        "",
        f"- latency: {_fig(lat.get('cycles'), ' cycles')}, {_fig(lat.get('ns'), ' ns')}; "
        f"II {_fig(lat.get('ii'))}",
        *[f"- {k}: {_fig(v)}" for k, v in m["resources"].items()],
        "",
        "Sources: `vendor` = Vitis/Vivado reports, `yosys` = open-source synthesis of the RTL "
        "variant, `estimate` = trigq's calibrated estimator (see `report/report.md` for its error).",
        "",
    ]
    rtl = m.get("rtl")
    if rtl and rtl.get("included", True):
        lines += _rtl_section(rtl)
    elif rtl:
        lines += _omitted_rtl_section(rtl)
    lines += [
        "## Files",
        "",
        "- `hls/`: the hls4ml project sources (firmware, weights, testbench, `build_prj.tcl`, "
        "`project.tcl`) and `hls/tb_data/` (test vectors in hls4ml's testbench format)",
        "- `build_ip.sh`: vendor build (C-sim, C-synthesis, `export_design -format ip_catalog`)",
        "- `test_vectors/vectors.h5`: `inputs` (float, channels-last), `outputs` (float) and "
        "`outputs_raw` (integer codes of the output format); formats and blocks as attributes",
        "- `model/`: the QONNX model (weights), the cleaned QONNX, the integer IR, the hls4ml config",
        "- `report/`: the latency and resource report",
        "- `manifest.json`: hashes of weights and of every generated source, ports, figures, versions",
        "",
        "## Building",
        "",
        "`./build_ip.sh` (Vitis: `vitis-run` or `vitis_hls` on PATH; Vivado: `vivado_hls`). The IP "
        f"lands in `hls/{m['hls']['top']}_prj/solution1/impl/ip/`. C-sim writes "
        "`hls/tb_data/csim_results.log` (ap_fixed printed to 6 significant digits).",
        "",
        "## Checking",
        "",
        f"{vec['n']} test vectors ({vec['source']}; blocks: {', '.join(vec['blocks'])}); expected outputs "
        f"from the trigq emulator, checked against: {', '.join(m['vectors_checked_with'])}.",
        "",
        "```python",
        "from trigq.ip import check_ip, run_ip_csim",
        "run_ip_csim(CORE)   # g++ C simulation of hls/ == committed vectors, bit for bit",
        "check_ip(CORE)      # re-export from model/model_qonnx.onnx: sources identical",
        "```",
        "",
    ]
    return "\n".join(lines)
