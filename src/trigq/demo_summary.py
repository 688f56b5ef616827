"""The demo's closing summary: the figures of its steps' results, as one table and as JSON keys."""

from __future__ import annotations

from typing import Any

VERTEXING_KEYS = ("core_sigma", "core_sigma_error", "tail_fraction", "mean", "n")


def _get(d: Any, *keys: str) -> Any:
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def show(value: Any, spec: str = ".4f") -> str:
    """A figure for the summary table (``n/a`` for a missing or NaN value)."""
    if value is None:
        return "n/a"
    if isinstance(value, float) and value != value:  # nan
        return "n/a"
    return format(value, spec)


def collect(results: dict[str, Any]) -> dict[str, Any]:
    """Figures of the demo from the result dicts of its steps (keyed by subcommand name)."""
    ev = results.get("evaluate") or {}
    label = ev.get("label") or {}
    verify = results.get("verify") or {}
    report = results.get("report") or {}
    figures: dict[str, Any] = {
        "brevitas_accuracy": _get(label, "network", "accuracy"),
        "baseline_accuracy": _get(label, "baseline", "accuracy"),
        "baseline_rate_hz": _get(label, "baseline", "rate"),
        "baseline_efficiency_above_threshold": _get(
            label, "baseline", "efficiency_above_threshold", "prompt", "value"
        ),
        "network_efficiency_at_baseline_rate": _get(label, "equal_rate", "efficiency", "prompt", "value"),
        "verify_inputs": verify.get("n_inputs"),
        "verify_mismatches": verify.get("mismatches"),
        "verify_sources": verify.get("sources"),
        "hls": {},
        "rtl": {},
    }
    methods = _get(ev, "vertexing") or {}
    if methods:  # the vertexing task: the net and the classical fit on the same events
        figures["vertexing"] = {
            method: {coord: {k: row.get(k) for k in VERTEXING_KEYS} for coord, row in coords.items()}
            for method, coords in methods.items()
        }
    for variant, key in (("hls", "total"), ("rtl", "rtl_variant")):
        for name, fig in (report.get(key) or {}).items():
            if isinstance(fig, dict):
                figures[variant][name] = {"value": fig.get("value"), "source": fig.get("source")}
    return figures


def emulated_accuracy(predictions: str, data: str) -> float:
    """Trigger accuracy of the emulator's predictions file (``trigq emulate``) on the dataset's labels."""
    import h5py

    from trigq.data import read_arrays
    from trigq.train.metrics import trigger_row

    with h5py.File(predictions, "r") as f:
        pred, index = f["pred"][:, 0], f["index"][:]
    labels = read_arrays(data, ["label"], indices=index)["label"]
    return trigger_row(pred, labels)["accuracy"]


def emulated_vertexing(predictions: str, data: str, run: str) -> dict[str, float]:
    """Vertex-R residual mean, core sigma and tail fraction (cm) of the emulator's predictions,
    mapped to centimetres with the training run's target normalisation."""
    import h5py

    from trigq.data import read_arrays
    from trigq.train.metrics import task_row
    from trigq.train.trained import load_trained

    normalisation = load_trained(run).normalisation
    with h5py.File(predictions, "r") as f:
        pred, index = f["pred"][:], f["index"][:]
    truth = read_arrays(data, list(normalisation.targets), indices=index)
    return task_row("vertexing", pred, truth, normalisation)


def vertexing_table(figures: dict[str, Any], where: dict[str, str]) -> str:
    """The vertexing demo's summary as plain text lines."""
    rows = figures.get("vertexing") or {}

    def cell(method: str, coord: str) -> str:
        row = _get(rows, method, coord)
        if not row:
            return "n/a"
        return (
            f"core sigma {show(row['core_sigma'], '.2f')} +- {show(row['core_sigma_error'], '.2f')} cm, "
            f"tail (|error| > 8 cm) {show(100 * row['tail_fraction'], '.1f')}%"
        )

    emu = figures.get("emulated") or {}
    lines = [
        "",
        "== demo summary (vertexing)",
        f"  ternary net (Brevitas) vertex R       {cell('network', 'vertex_r')}",
        f"  ternary net (emulated) vertex R       core sigma {show(emu.get('core_sigma'), '.2f')} cm, "
        f"tail (|error| > 8 cm) {show(100 * emu['tail_fraction'] if emu else None, '.1f')}%",
        f"  classical vertex fit, vertex R        {cell('vertex fit', 'vertex_r')}",
        f"  classical vertex fit, vertex z        {cell('vertex fit', 'vertex_z')}",
        f"  mismatches ({', '.join(figures['verify_sources'] or [])}) on {figures['verify_inputs']} "
        f"inputs: {figures['verify_mismatches']}",
    ]
    lines += variant_lines(figures)
    lines += [f"  {k}: {v}" for k, v in where.items()]
    return "\n".join(lines)


def variant_lines(figures: dict[str, Any]) -> list[str]:
    """One line per firmware variant (HLS, RTL): its figures, each with its source."""
    lines = []
    for variant in ("hls", "rtl"):
        cells = [
            f"{name} {show(f['value'], ',.0f' if name.isupper() else ',.4g')} ({f['source']})"
            for name, f in figures[variant].items()
        ]
        lines.append(f"  {variant.upper()} variant: {'; '.join(cells) if cells else 'n/a'}")
    return lines


def table(figures: dict[str, Any], where: dict[str, str]) -> str:
    """The summary as plain text lines."""
    lines = [
        "",
        "== demo summary",
        f"  ternary T-CNN (Brevitas) accuracy     {show(figures['brevitas_accuracy'])}",
        f"  ternary T-CNN (emulated) accuracy     {show(figures.get('emulated_accuracy'))}",
        f"  tuned coincidence baseline accuracy   {show(figures['baseline_accuracy'])}",
        f"  at the baseline's rate ({show(figures['baseline_rate_hz'], '.4g')} Hz): efficiency above "
        f"threshold T-CNN {show(figures['network_efficiency_at_baseline_rate'])} vs baseline "
        f"{show(figures['baseline_efficiency_above_threshold'])}",
        f"  mismatches ({', '.join(figures['verify_sources'] or [])}) on {figures['verify_inputs']} "
        f"inputs: {figures['verify_mismatches']}",
    ]
    lines += variant_lines(figures)
    lines += [f"  {k}: {v}" for k, v in where.items()]
    return "\n".join(lines)
