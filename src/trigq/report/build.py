"""The resource/latency report: every figure carries its source.

Two variants, in separate columns and never mixed. The HLS variant (the hls4ml project): per layer
the figures come from the calibrated estimator; its totals take, per metric, ``vendor`` (Vivado
logic synthesis for resources, else HLS C-synthesis) over ``estimate``. The RTL variant (da4ml
Verilog, :mod:`trigq.report.variants`): ``yosys`` cell counts over ``da4ml``'s own estimate; its
latency is the pipeline depth at II 1. All sources are kept in ``ResourceReport.sources``.
Written as JSON, Markdown and a PNG.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trigq.layout import RtlSummary
from trigq.report.estimate import Coefficients, DesignEstimate, latency_ns
from trigq.report.parts import DEFAULT_PART, part_resources
from trigq.report.variants import best_figures, rtl_sources
from trigq.report.vendor import SynthesisReport
from trigq.utils import atomic_path, atomic_write_text

DEFAULT_CLOCK_MHZ = 320.0
RESOURCES = ("LUT", "FF", "DSP", "BRAM_18K", "URAM")
SOURCE_ORDER = ("vendor", "estimate")  # the HLS variant's totals
VARIANT_METRICS = ("LUT", "FF", "DSP", "BRAM_18K", "URAM", "latency_cycles", "latency_ns", "ii")


@dataclass(frozen=True)
class Figure:
    """One number and where it comes from: ``vendor`` or ``estimate`` (HLS), ``yosys`` or ``da4ml`` (RTL)."""

    value: float | None
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "source": self.source}


@dataclass(frozen=True)
class ResourceReport:
    """The HLS variant's per-layer and total figures (``total``, ``share`` of the part), the RTL
    variant's (``rtl``, ``rtl_share``; empty without one), latency in cycles and ns."""

    part: str
    clock_mhz: float
    layers: tuple[dict[str, Any], ...]
    total: dict[str, Figure]
    share: dict[str, Figure]
    sources: dict[str, dict[str, float | None]]
    vendor_modules: tuple[dict[str, Any], ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    rtl: dict[str, Figure] = field(default_factory=dict)
    rtl_share: dict[str, Figure] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "part": self.part,
            "clock_mhz": self.clock_mhz,
            "layers": [
                {k: (v.to_dict() if isinstance(v, Figure) else v) for k, v in row.items()}
                for row in self.layers
            ],
            "total": {k: f.to_dict() for k, f in self.total.items()},
            "share_of_part": {k: f.to_dict() for k, f in self.share.items()},
            "rtl_variant": {k: f.to_dict() for k, f in self.rtl.items()},
            "rtl_share_of_part": {k: f.to_dict() for k, f in self.rtl_share.items()},
            "sources": self.sources,
            "vendor_modules": list(self.vendor_modules),
            "notes": list(self.notes),
        }


def _vendor_figures(hls: SynthesisReport | None, vivado: SynthesisReport | None) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    if hls is not None:
        out.update({k: float(v) for k, v in hls.resources.items() if k in RESOURCES})
        out["latency_cycles"] = None if hls.latency_worst is None else float(hls.latency_worst)
        out["ii"] = None if hls.interval_max is None else float(hls.interval_max)
    if vivado is not None:  # logic synthesis supersedes the HLS resource estimate
        out.update({k: float(v) for k, v in vivado.resources.items() if k in RESOURCES})
    return out


def build_report(
    estimate: DesignEstimate,
    part: str = DEFAULT_PART,
    clock_mhz: float = DEFAULT_CLOCK_MHZ,
    hls: SynthesisReport | None = None,
    vivado: SynthesisReport | None = None,
    yosys: dict[str, float] | None = None,
    notes: tuple[str, ...] = (),
    rtl: RtlSummary | None = None,
) -> ResourceReport:
    """Merge the sources into one report (see module docstring for the precedence): ``estimate``,
    ``hls``/``vivado`` vendor reports for the HLS variant; ``rtl`` (the RTL variant's summary) and
    ``yosys`` (its cell counts, default ``rtl.yosys``) for the RTL variant."""
    avail = part_resources(part).as_dict()
    sources: dict[str, dict[str, float | None]] = {
        "estimate": {
            "LUT": estimate.lut,
            "FF": estimate.ff,
            "DSP": estimate.dsp,
            "BRAM_18K": estimate.bram_18k,
            "URAM": 0.0,
            "latency_cycles": estimate.latency_cycles,
            "ii": float(estimate.ii),
        },
    }
    vendor = _vendor_figures(hls, vivado)
    if vendor:
        sources["vendor"] = vendor
    sources.update(rtl_sources(rtl, yosys))
    rtl_total = {k: Figure(v, src) for k, (v, src) in best_figures(sources).items()}
    rtl_share = {
        k: Figure(rtl_total[k].value / avail[k] if avail[k] else None, rtl_total[k].source)  # type: ignore[operator]
        for k in RESOURCES
        if k in rtl_total
    }
    total: dict[str, Figure] = {}
    for metric in (*RESOURCES, "latency_cycles", "ii"):
        for src in SOURCE_ORDER:
            v = sources.get(src, {}).get(metric)
            if v is not None:
                total[metric] = Figure(float(v), src)
                break
    lat = total["latency_cycles"]
    total["latency_ns"] = Figure(latency_ns(lat.value or 0.0, clock_mhz), lat.source)
    share = {
        k: Figure(total[k].value / avail[k] if avail[k] else None, total[k].source)  # type: ignore[operator]
        for k in RESOURCES
        if k in total
    }
    rows = []
    for r in estimate.layers:
        rows.append(
            {
                "name": r.name,
                "kind": r.kind,
                "LUT": Figure(r.lut, r.source),
                "FF": Figure(r.ff, r.source),
                "DSP": Figure(r.dsp, r.source),
                "BRAM_18K": Figure(r.bram_18k, r.source),
                "latency_cycles": Figure(r.latency_cycles, r.source),
                "latency_ns": Figure(latency_ns(r.latency_cycles, clock_mhz), r.source),
                "ii": Figure(float(r.ii), r.source),
                "LUT_share": Figure(r.lut / avail["LUT"], r.source),
            }
        )
    modules = tuple(
        {
            "instance": m.instance,
            "module": m.module,
            "latency_max": m.latency_max,
            "interval_max": m.interval_max,
            **{k: m.resources.get(k) for k in RESOURCES},
            "source": "vendor",
        }
        for m in (hls.modules if hls else ())
    )
    all_notes = list(notes)
    if "vendor" not in sources:
        all_notes.append(
            "No vendor synthesis report: the HLS variant's figures are analytic estimates; "
            "see the estimator's calibration error below."
        )
    return ResourceReport(
        part=part,
        clock_mhz=clock_mhz,
        layers=tuple(rows),
        total=total,
        share=share,
        sources=sources,
        vendor_modules=modules,
        notes=tuple(all_notes),
        rtl=rtl_total,
        rtl_share=rtl_share,
    )


def _fmt(v: float | None, pct: bool = False) -> str:
    if v is None:
        return "n/a"
    if pct:
        return f"{100 * v:.3f}%"
    return f"{v:,.0f}" if abs(v) >= 10 else f"{v:.1f}"


def _cell(f: Figure | None, share: Figure | None = None) -> str:
    if f is None or f.value is None:
        return "n/a"
    text = f"{_fmt(f.value)} [{f.source}]"
    return f"{text} ({_fmt(share.value, True)})" if share is not None and share.value is not None else text


def variants_table(rep: ResourceReport) -> list[str]:
    """Markdown rows: one line per metric, the HLS variant and the RTL variant side by side."""
    rtl_head = "RTL variant (da4ml)" if rep.rtl else "RTL variant (none: trigq export --rtl)"
    lines = [f"| metric | HLS variant (hls4ml) | {rtl_head} |", "|---|---|---|"]
    for k in VARIANT_METRICS:
        if k in rep.total or k in rep.rtl:
            lines.append(
                f"| {k} | {_cell(rep.total.get(k), rep.share.get(k))} "
                f"| {_cell(rep.rtl.get(k), rep.rtl_share.get(k))} |"
            )
    return lines


def to_markdown(rep: ResourceReport, estimator_error: dict[str, Any] | None = None) -> str:
    """Markdown rendering; every number is followed by its source in brackets (share of the part
    in parentheses)."""
    lines = [
        "# Resource and latency report",
        "",
        f"Part `{rep.part}`, clock {rep.clock_mhz:g} MHz.",
        "",
        "## HLS and RTL variants",
        "",
        "Two implementations of the same network, each with its own figures. HLS: `vendor` "
        "(Vitis/Vivado reports) or `estimate` (trigq's calibrated estimator). RTL: `yosys` "
        "(open-source synthesis) or `da4ml` (its cost estimate and register bits; latency = "
        "pipeline depth, II 1, not a timing closure).",
        "",
        *variants_table(rep),
    ]
    lines += [
        "",
        "## Per layer",
        "",
        "| layer | kind | LUT | FF | DSP | BRAM_18K | latency (cycles) | latency (ns) | II | LUT share |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rep.layers:
        cells = [
            f"{_fmt(r[k].value)} [{r[k].source}]"
            for k in ("LUT", "FF", "DSP", "BRAM_18K", "latency_cycles", "latency_ns", "ii")
        ]
        cells.append(f"{_fmt(r['LUT_share'].value, True)} [{r['LUT_share'].source}]")
        lines.append(f"| {r['name']} | {r['kind']} | " + " | ".join(cells) + " |")
    if len(rep.sources) > 1:
        metrics = ("LUT", "FF", "DSP", "BRAM_18K", "latency_cycles")
        lines += [
            "",
            "## All sources",
            "",
            "| source | variant | " + " | ".join(metrics) + " |",
            "|---|---|" + "---|" * len(metrics),
        ]
        for s, vals in rep.sources.items():
            variant = "RTL" if s in ("yosys", "da4ml") else "HLS"
            lines.append(f"| {s} | {variant} | " + " | ".join(_fmt(vals.get(m)) for m in metrics) + " |")
    if rep.vendor_modules:
        lines += [
            "",
            "## Vendor modules (HLS)",
            "",
            "| instance | LUT | FF | DSP | latency | II | source |",
            "|---|---|---|---|---|---|---|",
        ]
        for m in rep.vendor_modules:
            lines.append(
                f"| {m['instance']} | {m['LUT']} | {m['FF']} | {m['DSP']} | {m['latency_max']} "
                f"| {m['interval_max']} | vendor |"
            )
    if estimator_error:
        lines += [
            "",
            "## Estimator error (leave-one-out over the hls4ml reference summaries)",
            "",
            "| metric | median | worst |",
            "|---|---|---|",
        ]
        for m, e in estimator_error.items():
            lines.append(f"| {m} | {100 * e['median']:.1f}% | {100 * e['worst']:.0f}% |")
    if rep.notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in rep.notes]
    return "\n".join(lines) + "\n"


def plot_layers(rep: ResourceReport, path: str | Path) -> Path:
    """PNG with per-layer bars of LUT and latency (cycles), sources in the titles."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [r["name"] for r in rep.layers]
    luts = [r["LUT"].value or 0.0 for r in rep.layers]
    lats = [r["latency_cycles"].value or 0.0 for r in rep.layers]
    fig, axes = plt.subplots(1, 2, figsize=(max(6.0, 0.6 * len(names) + 4), 4.0))
    for ax, vals, title in ((axes[0], luts, "LUT"), (axes[1], lats, "latency (cycles)")):
        ax.bar(range(len(names)), vals, color="tab:blue" if title == "LUT" else "tab:orange")
        ax.set_xticks(range(len(names)), names, rotation=45, ha="right", fontsize=8)
        ax.set_title(f"{title} per layer [estimate]")
        ax.grid(axis="y", alpha=0.3)
    tl = rep.total.get("LUT")
    tc = rep.total.get("latency_cycles")
    fig.suptitle(
        f"{rep.part} @ {rep.clock_mhz:g} MHz - total LUT {_fmt(tl.value if tl else None)} "
        f"[{tl.source if tl else '-'}], latency {_fmt(tc.value if tc else None)} cycles "
        f"[{tc.source if tc else '-'}]",
        fontsize=9,
    )
    fig.tight_layout()
    path = Path(path)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    plt.close(fig)
    return path


def write_report(
    rep: ResourceReport, out_dir: str | Path, estimator_error: dict[str, Any] | None = None
) -> dict[str, Path]:
    """Write ``report.json``, ``report.md`` and ``report.png`` into ``out_dir``."""
    out = Path(out_dir)
    doc = rep.to_dict()
    if estimator_error:
        doc["estimator_error_leave_one_out"] = estimator_error
    paths = {
        "json": atomic_write_text(out / "report.json", json.dumps(doc, indent=1) + "\n"),
        "markdown": atomic_write_text(out / "report.md", to_markdown(rep, estimator_error)),
        "png": plot_layers(rep, out / "report.png"),
    }
    return paths


def estimator_error_table(coefficients: Coefficients | None = None) -> dict[str, Any]:
    """The committed leave-one-out error of the estimator (from the coefficient file)."""
    coefs = coefficients or Coefficients.load()
    return dict(coefs.meta.get("errors_leave_one_out", {}))
