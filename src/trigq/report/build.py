"""The resource/latency report: every figure carries its source (vendor, yosys, estimate).

Per layer the figures come from the calibrated estimator; design totals take, per metric, the
best available source: ``vendor`` (Vivado logic synthesis for resources, else HLS C-synthesis)
over ``yosys`` (open-source synthesis of the RTL) over ``estimate``. All sources are kept in
``ResourceReport.sources`` so they can be compared. Written as JSON, Markdown and a PNG.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trigq.report.estimate import Coefficients, DesignEstimate, latency_ns
from trigq.report.parts import DEFAULT_PART, part_resources
from trigq.report.vendor import SynthesisReport
from trigq.utils import atomic_path, atomic_write_text

DEFAULT_CLOCK_MHZ = 320.0
RESOURCES = ("LUT", "FF", "DSP", "BRAM_18K", "URAM")
SOURCE_ORDER = ("vendor", "yosys", "estimate")


@dataclass(frozen=True)
class Figure:
    """One number and where it comes from: ``vendor``, ``yosys`` or ``estimate``."""

    value: float | None
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "source": self.source}


@dataclass(frozen=True)
class ResourceReport:
    """Per-layer and total figures, share of the part, latency in cycles and ns."""

    part: str
    clock_mhz: float
    layers: tuple[dict[str, Any], ...]
    total: dict[str, Figure]
    share: dict[str, Figure]
    sources: dict[str, dict[str, float | None]]
    vendor_modules: tuple[dict[str, Any], ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

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
) -> ResourceReport:
    """Merge the sources into one report (see module docstring for the precedence)."""
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
    if yosys:
        sources["yosys"] = {k: v for k, v in yosys.items()}
    vendor = _vendor_figures(hls, vivado)
    if vendor:
        sources["vendor"] = vendor
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
            "No vendor synthesis report: totals are open-source (yosys) or analytic "
            "estimates; see the estimator's calibration error below."
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
    )


def _fmt(v: float | None, pct: bool = False) -> str:
    if v is None:
        return "n/a"
    if pct:
        return f"{100 * v:.3f}%"
    return f"{v:,.0f}" if abs(v) >= 10 else f"{v:.1f}"


def to_markdown(rep: ResourceReport, estimator_error: dict[str, Any] | None = None) -> str:
    """Markdown rendering; every number is followed by its source in brackets."""
    lines = [
        "# Resource and latency report",
        "",
        f"Part `{rep.part}`, clock {rep.clock_mhz:g} MHz.",
        "",
        "## Total",
        "",
        "| metric | value | source | share of part |",
        "|---|---|---|---|",
    ]
    for k, f in rep.total.items():
        sh = rep.share.get(k)
        lines.append(f"| {k} | {_fmt(f.value)} | {f.source} | {_fmt(sh.value, True) if sh else ''} |")
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
            "| source | " + " | ".join(metrics) + " |",
            "|---|" + "---|" * len(metrics),
        ]
        for s, vals in rep.sources.items():
            lines.append(f"| {s} | " + " | ".join(_fmt(vals.get(m)) for m in metrics) + " |")
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
