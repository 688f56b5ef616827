"""``trigq demo --task jets|microboone``: the flow for another model family's committed low-bit
classifier, beside that family's classical baseline (the BDT ``trigq evaluate`` fits on the same
file's train split and scores on the same test events): simulate -> evaluate -> export (hls4ml
io_stream C-sim; the da4ml RTL where it is small) -> verify -> emulate -> report -> package.

SHiP and NEWSdm have no demo task: hls4ml refuses their per-position bias / Conv3D, and their
full-size RTL is too large to verify in a demo.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class FamilyDemo:
    """One family's demo: the committed run, how its events are simulated, its baseline's name in
    evaluate's table, and what it calls its signal and background."""

    task: str
    run: str
    simulate: tuple[str, ...]
    default_events: int
    rtl: bool
    baseline: str
    signal: str
    background: str


FAMILY_DEMOS = {
    "jets": FamilyDemo(
        task="jets",
        run="jet-cnn-int4",
        simulate=("jets", "--sample", "mixed"),
        default_events=5000,
        rtl=True,  # 130k LUT: traced in seconds (not verified in the demo: minutes of Verilator)
        baseline="jet-bdt",
        signal="dark-photon jets",
        background="QCD jets",
    ),
    "microboone": FamilyDemo(
        task="microboone",
        run="mpid-cnn-64-int4",
        simulate=("microboone", "--sample", "mixed", "--size", "64"),
        default_events=2000,
        rtl=False,
        baseline="microboone-bdt",
        signal="dark tridents",
        background="pi0 and cosmic events",
    ),
}


def family_steps(
    demo: FamilyDemo, args: argparse.Namespace, run: Path, verify_events: int
) -> list[list[str]]:
    """The demo's ``trigq`` command lines for ``demo``'s family."""
    out = Path(args.out)
    data = str(out / "data" / f"{demo.task}.h5")
    prj = str(out / "export" / demo.run)
    export = ["export", str(run), "--out", prj, "--io", "stream", *(["--rtl"] if demo.rtl else [])]
    return [
        ["simulate", *demo.simulate, "--events", str(args.events), "--seed", str(args.seed), "--out", data],
        ["evaluate", str(run), "--data", data, "--split", "test", "--out", str(out / "evaluate")],
        export,
        ["verify", prj, "--events", str(min(verify_events, args.events)), "--data", data],
        # every event: the summary takes the run's own test split (its fractions), as evaluate does
        ["emulate", prj, "--data", data, "--out", str(out / "emulated.h5"), "--audit"],
        ["report", prj],
        ["package", prj, "--out", str(out / "ip" / demo.run), "--vectors", "200"],
    ]


def classifier_figures(demo: FamilyDemo, evaluation: dict[str, Any] | None) -> dict[str, Any]:
    """AUC (with its bootstrap error) and, where the family's table has them, the accuracy and the
    background rejection at 50% signal efficiency of the network (Brevitas) and the baseline, from
    ``trigq evaluate``'s result."""
    methods = (evaluation or {}).get(demo.task) or {}
    rows = {}
    for key, name in (("network", "network"), (demo.baseline, "baseline")):
        m = methods.get(key) or {}
        at50 = m.get("at_50_percent_signal") or {}
        rows[name] = {
            "auc": m.get("auc"),
            "auc_error": m.get("auc_error"),
            "accuracy": m.get("accuracy"),  # microboone: at its score threshold
            "accuracy_error": m.get("accuracy_error"),
            "rejection_at_50": at50.get("rejection"),  # jets
            "rejection_error": at50.get("rejection_error"),
            "rejection_limit": at50.get("rejection_lower_limit_95"),  # when no background passed
        }
    return rows


def emulated_auc(predictions: str, data: str, run: Path) -> float:
    """ROC AUC of the emulator's logits (``trigq emulate`` of every event) on the test split of the
    training run ``run`` (its split fractions and seed: the events ``trigq evaluate`` scored)."""
    import h5py
    import numpy as np

    from trigq.data import read_arrays, split_indices
    from trigq.train.metrics import roc_auc
    from trigq.train.trained import load_trained

    cfg = load_trained(run).config
    with h5py.File(predictions, "r") as f:
        pred, index = f["pred"][:, 0], f["index"][:]
    test = split_indices(len(index), cfg.split_fractions, cfg.split_seed)["test"]
    if not np.array_equal(index, np.arange(len(index))):
        raise ValueError(f"{predictions}: not the predictions of every event of {data}")
    return roc_auc(pred[test], read_arrays(data, ["label"], indices=test)["label"])


def family_table(demo: FamilyDemo, figures: dict[str, Any], where: dict[str, str]) -> str:
    """The family demo's summary as plain text lines."""
    from trigq.demo_summary import show, variant_lines

    rows = figures.get("classifier") or {}

    def cell(name: str) -> str:
        r = rows.get(name) or {}
        parts = [f"AUC {show(r.get('auc'))} +- {show(r.get('auc_error'))}"]
        if r.get("accuracy") is not None:
            parts.append(f"accuracy {show(r['accuracy'])} +- {show(r.get('accuracy_error'))}")
        if r.get("rejection_limit") is not None:
            rej = f"> {show(r['rejection_limit'], '.4g')} (95% CL: no background event passed)"
            parts.append(f"{demo.background} rejection at 50% signal efficiency {rej}")
        elif r.get("rejection_at_50") is not None:
            rej = f"{show(r['rejection_at_50'], '.4g')} +- {show(r.get('rejection_error'), '.2g')}"
            parts.append(f"{demo.background} rejection at 50% signal efficiency {rej}")
        return ", ".join(parts)

    lines = [
        "",
        f"== demo summary ({demo.task}: {demo.signal} vs {demo.background})",
        f"  {demo.run} (Brevitas)   {cell('network')}",
        f"  {demo.run} (emulated)   AUC {show(figures.get('emulated_auc'))}",
        f"  {demo.baseline} (baseline)   {cell('baseline')}",
        f"  mismatches ({', '.join(figures['verify_sources'] or [])}) on {figures['verify_inputs']} "
        f"inputs: {figures['verify_mismatches']}",
        *variant_lines(figures),
    ]
    lines += [f"  {k}: {v}" for k, v in where.items()]
    return "\n".join(lines)
