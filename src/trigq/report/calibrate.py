"""Fit the estimator's coefficients to real hls4ml synthesis summaries and measure its error.

``python -m trigq.report.calibrate --reference DIR [--write] [--json]`` (DIR: e.g. the copy of hls4ml's
summaries in ``tests/report/data/hls4ml-synthesis-reports``) reads
``DIR/baselines/<Tool>/<version>/*.json`` (hls4ml's test models, see
:mod:`trigq.report.calibration_models`), fits one coefficient set per back-end family and io type
by non-negative least squares on the relative error, and prints per metric the median and worst
relative error: in-sample, leave-one-out (each summary predicted by a fit without it) and
leave-one-model-out (without any tool/version of the same test model). ``--write`` stores the
full-data coefficients in the package's ``coefficients.yaml``.

Relative error is ``|predicted - measured| / max(measured, 1)``: designs with 0 cycles or 0 DSPs
are scored by their absolute error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import nnls

from trigq.report.calibration_models import BaselineCase, case_layers, parse_case
from trigq.report.estimate import (
    COEFFICIENTS_FILE,
    METRIC_FEATURES,
    METRICS,
    PRIORS,
    Coefficients,
    group_key,
    predict_totals,
)
from trigq.report.features import design_features
from trigq.report.vendor import SynthesisReport, VendorReportError, load_summary_json
from trigq.utils import atomic_write_text


@dataclass(frozen=True)
class Baseline:
    """One reference summary with its model's features."""

    path: Path
    tool: str
    version: str
    case: BaselineCase
    group: str
    measured: dict[str, float]
    res_features: dict[str, float]
    lat_features: dict[str, float]


def measured_metrics(rep: SynthesisReport) -> dict[str, float]:
    """The calibrated metrics of a summary (latency = worst case, cycles)."""
    out = {k: float(rep.resources.get(k, 0)) for k in ("LUT", "FF", "DSP", "BRAM_18K")}
    if rep.latency_worst is None:
        raise VendorReportError(f"summary from {rep.tool} has no latency")
    out["latency"] = float(rep.latency_worst)
    return out


def load_baselines(reference: str | Path) -> list[Baseline]:
    """Every ``baselines/<Tool>/<version>/*.json`` summary under ``reference``."""
    root = Path(reference) / "baselines"
    paths = sorted(root.glob("*/*/*.json"))
    if not paths:
        raise VendorReportError(f"{root}: no baseline summaries (<Tool>/<version>/*.json)")
    out = []
    for p in paths:
        case = parse_case(p.stem)
        res, lat = design_features(case_layers(case))
        out.append(
            Baseline(
                path=p,
                tool=p.parent.parent.name,
                version=p.parent.name,
                case=case,
                group=group_key(case.backend, case.io_type),
                measured=measured_metrics(load_summary_json(p)),
                res_features=res,
                lat_features=lat,
            )
        )
    return out


def relative_error(pred: float, meas: float) -> float:
    """``|pred - meas| / max(meas, 1)``."""
    return abs(pred - meas) / max(abs(meas), 1.0)


def _covered(rows: Sequence[Baseline], metric: str) -> set[str]:
    key = "lat_features" if metric == "latency" else "res_features"
    return {f for f in METRIC_FEATURES[metric] if any(getattr(b, key)[f] != 0 for b in rows)}


def _fit_metric(rows: Sequence[Baseline], metric: str) -> dict[str, float]:
    priors = PRIORS.get(metric, {})
    feats = tuple(f for f in METRIC_FEATURES[metric] if f not in priors)
    key = "lat_features" if metric == "latency" else "res_features"
    a = np.array([[getattr(b, key)[f] for f in feats] for b in rows], dtype=float)
    y = np.array([b.measured[metric] for b in rows], dtype=float)
    w = 1.0 / np.maximum(np.abs(y), 1.0)
    y = y - np.array([sum(c * getattr(b, key)[f] for f, c in priors.items()) for b in rows])
    used = np.any(a != 0, axis=0)
    coef = np.zeros(len(feats))
    if used.any():
        scale = np.maximum(np.abs(a[:, used]).max(axis=0), 1e-12)
        sol, _ = nnls(a[:, used] * w[:, None] / scale, y * w, maxiter=5000)
        coef[used] = sol / scale
    fitted = {f: float(f"{c:.6g}") for f, c in zip(feats, coef) if c > 1e-9}
    return {**fitted, **priors}


def fit(rows: Sequence[Baseline]) -> Coefficients:
    """Coefficients fitted per group on ``rows``.

    A feature no summary of a group exercises (e.g. pooling in io_stream) borrows its
    coefficient from the same back end's other io type, else from another back end of the same
    io type, so that such layers are not estimated as free; ``meta["borrowed"]`` lists them.
    """
    groups: dict[str, dict[str, dict[str, float]]] = {}
    covered: dict[str, dict[str, set[str]]] = {}
    for g in sorted({b.group for b in rows}):
        sub = [b for b in rows if b.group == g]
        groups[g] = {m: _fit_metric(sub, m) for m in METRICS}
        covered[g] = {m: _covered(sub, m) for m in METRICS}
    borrowed = []
    for g in groups:
        backend, io = g.split("/")
        donors = [f"{backend}/{o}" for o in ("io_parallel", "io_stream") if o != io]
        donors += sorted(d for d in groups if d.endswith(io) and d != g)
        for m in METRICS:
            for f in METRIC_FEATURES[m]:
                if f in covered[g][m] or f == "const":
                    continue
                donor = next((d for d in donors if d in groups and f in covered[d][m]), None)
                if donor is not None and f in groups[donor][m]:
                    groups[g][m][f] = groups[donor][m][f]
                    borrowed.append(f"{g}:{m}:{f}<-{donor}")
    return Coefficients(groups=groups, meta={"n_baselines": len(rows), "borrowed": borrowed})


def _predict(coefs: Coefficients, b: Baseline) -> dict[str, float]:
    return predict_totals(b.res_features, b.lat_features, coefs.for_group(b.group))


def _summary(errors: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    return {
        m: {"median": float(np.median(e)), "worst": float(np.max(e)), "n": len(e)} for m, e in errors.items()
    }


def evaluate(rows: Sequence[Baseline]) -> dict[str, Any]:
    """Error table: in-sample, leave-one-out and leave-one-model-out, per metric."""
    full = fit(rows)
    schemes: dict[str, dict[str, list[float]]] = {
        s: {m: [] for m in METRICS} for s in ("in_sample", "leave_one_out", "leave_one_model_out")
    }
    per_case = []
    for i, b in enumerate(rows):
        preds = {
            "in_sample": _predict(full, b),
            "leave_one_out": _predict(fit([r for j, r in enumerate(rows) if j != i]), b),
            "leave_one_model_out": _predict(
                fit([r for r in rows if r.case.model_id != b.case.model_id or r.group != b.group]), b
            ),
        }
        for s, p in preds.items():
            for m in METRICS:
                schemes[s][m].append(relative_error(p[m], b.measured[m]))
        per_case.append(
            {
                "file": f"{b.tool}/{b.version}/{b.path.name}",
                "measured": b.measured,
                "leave_one_out": preds["leave_one_out"],
            }
        )
    return {
        "n_baselines": len(rows),
        "coefficients": full,
        "errors": {s: _summary(e) for s, e in schemes.items()},
        "cases": per_case,
    }


def calibrate(reference: str | Path, write: bool = False) -> dict[str, Any]:
    """Fit on every baseline under ``reference``; optionally store the coefficients."""
    rows = load_baselines(reference)
    result = evaluate(rows)
    coefs: Coefficients = result.pop("coefficients")
    meta = {
        "n_baselines": len(rows),
        "fitted_by": "python -m trigq.report.calibrate",
        "borrowed": coefs.meta.get("borrowed", []),
        "errors_leave_one_out": result["errors"]["leave_one_out"],
    }
    coefs = Coefficients(groups=coefs.groups, meta=meta)
    if write:
        import yaml

        path = Path(__file__).with_name(COEFFICIENTS_FILE)
        header = (
            "# Estimator coefficients fitted on hls4ml's reference synthesis summaries.\n"
            "# Regenerate: python -m trigq.report.calibrate --reference DIR --write\n"
        )
        atomic_write_text(path, header + yaml.safe_dump(coefs.to_dict(), sort_keys=True))
        result["written"] = str(path)
    result["groups"] = coefs.groups
    return result


def format_table(errors: dict[str, dict[str, dict[str, float]]]) -> str:
    """Markdown table of median / worst relative error per metric and scheme."""
    lines = [
        "| metric | " + " | ".join(f"{s} median | {s} worst" for s in errors) + " |",
        "|---|" + "---|" * (2 * len(errors)),
    ]
    for m in METRICS:
        cells = []
        for s in errors:
            e = errors[s][m]
            cells += [f"{100 * e['median']:.1f}%", f"{100 * e['worst']:.0f}%"]
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m trigq.report.calibrate", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument("--reference", required=True, help="hls4ml-synthesis-reports directory")
    parser.add_argument("--write", action="store_true", help=f"store the fit in {COEFFICIENTS_FILE}")
    parser.add_argument("--cases", action="store_true", help="print every case's prediction too")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON line")
    args = parser.parse_args(argv)
    try:
        result = calibrate(args.reference, write=args.write)
    except VendorReportError as exc:
        print(f"calibrate: error: {exc}", file=sys.stderr)
        return 2
    print(format_table(result["errors"]))
    if args.cases:
        for c in result["cases"]:
            print(c["file"], {m: (round(c["measured"][m]), round(c["leave_one_out"][m])) for m in METRICS})
    if args.json:
        out = {k: v for k, v in result.items() if k != "cases" or args.cases}
        print(json.dumps(out, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
