"""Event display: the 9 x 384 hit image with the truth and the expected noise-free tracks overlaid."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from trigq.sim.atlas_rpc.config import LAYER_NAMES, N_LAYERS, N_STRIPS, RPCSimConfig
from trigq.sim.atlas_rpc.geometry import expected_strip_coordinates
from trigq.utils import atomic_path
from trigq.utils.outputs import MARKER_ATTR

SOURCE_NAMES = {0: "background", 1: "prompt muon", 2: "dark photon"}
ZOOM_MARGIN = 24


def truth_tracks(truth: Mapping[str, Any], config: RPCSimConfig) -> list[tuple[str, np.ndarray]]:
    """(legend label, expected strip coordinates [9]) of each muon the truth describes.

    Dark-photon events: both muons from the vertex, as the chambers see them (projected on R-z:
    the toy muon of pT ``pT cos(phi)`` and direction ``mu_angle_rz``, where the file has them);
    otherwise the leading muon from the IP (extra muons are not in the truth and are not drawn).
    """
    source = int(truth.get("source", 0))
    if source == 2:
        r, z = float(truth["vertex_r"]), float(truth["vertex_z"])
        pts, etas = np.asarray(truth["mu_pt"], np.float64), np.asarray(truth["mu_eta"], np.float64)
        if "mu_angle_rz" in truth and "mu_phi" in truth and np.any(truth["mu_angle_rz"]):
            pts = pts * np.cos(np.asarray(truth["mu_phi"], np.float64))
            etas = np.arcsinh(np.tan(np.asarray(truth["mu_angle_rz"], np.float64)))
        return [
            (
                f"mu{'+' if q > 0 else '-'} pT {float(pt):.1f} GeV",
                expected_strip_coordinates(p_rz, q, eta, r, z, config),
            )
            for pt, p_rz, q, eta in zip(truth["mu_pt"], pts, truth["mu_charge"], etas)
        ]
    if int(truth.get("n_muons", 0)) > 0 and float(truth.get("pt", 0)) > 0:
        q = int(truth["charge"])
        coords = expected_strip_coordinates(float(truth["pt"]), q, float(truth["eta"]), config=config)
        return [(f"mu{'+' if q > 0 else '-'} pT {float(truth['pt']):.1f} GeV", coords)]
    return []


def truth_text(truth: Mapping[str, Any], sample: str | None, event: int) -> str:
    """One or two lines describing the event's truth."""
    source = int(truth.get("source", -1))
    head = f"event {event} | sample {sample or '?'} | {SOURCE_NAMES.get(source, 'unknown source')}"
    if "label" in truth:
        head += f" | label {int(truth['label'])}"
    parts = []
    if int(truth.get("n_muons", 0)) > 0:
        parts.append(
            f"{int(truth['n_muons'])} muon(s); leading pT {float(truth['pt']):.2f} GeV, "
            f"q {int(truth['charge']):+d}, eta {float(truth['eta']):.3f}"
        )
    if source == 2:
        opening = f"opening {float(truth['opening_angle']):.3f} rad"
        if "opening_angle_rz" in truth:
            opening += f" (R-z {float(truth['opening_angle_rz']):.3f})"
        vertex = f"vertex R {float(truth['vertex_r']):.1f} cm, z {float(truth['vertex_z']):.1f} cm"
        parts.append(f"{vertex}; {opening}")
    return head + ("\n" + "; ".join(parts) if parts else "")


def _vertex_row(vertex_r: float, config: RPCSimConfig) -> float:
    """Fractional row of a radius (rows are layers, interpolated between their radii; -0.5 inside BI0)."""
    radii = config.geometry.layer_radii_cm
    if vertex_r < radii[0]:
        return -0.45
    return float(np.interp(vertex_r, radii, np.arange(N_LAYERS)))


def _zoom(hits: np.ndarray, tracks: list[tuple[str, np.ndarray]]) -> tuple[int, int] | None:
    cols = [c[np.isfinite(c)] for _, c in tracks]
    cols = np.concatenate(cols) if cols else np.empty(0)
    if cols.size == 0:
        return None
    lo = max(0, int(np.floor(cols.min())) - ZOOM_MARGIN)
    hi = min(N_STRIPS, int(np.ceil(cols.max())) + ZOOM_MARGIN)
    return (lo, hi) if hi - lo < N_STRIPS * 0.75 else None


def plot_event(
    hits: np.ndarray,
    truth: Mapping[str, Any],
    out: str | os.PathLike[str],
    *,
    config: RPCSimConfig | None = None,
    sample: str | None = None,
    event: int = 0,
    dpi: int = 120,
) -> Path:
    """Save a PNG of one event's ``[9, 384]`` hits (full image, plus a zoom on the muons)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    config = config or RPCSimConfig()
    tracks = truth_tracks(truth, config)
    zoom = _zoom(hits, tracks)
    panels = [(0, N_STRIPS)] + ([zoom] if zoom else [])
    fig, axes = plt.subplots(len(panels), 1, figsize=(12, 2.6 + 2.6 * len(panels)), squeeze=False)
    cmap = matplotlib.colors.ListedColormap(["#f4f4f4", "#1f3b73"])
    colors = ["#e4572e", "#17bebb", "#ffc914"]
    for ax, (lo, hi) in zip(axes[:, 0], panels):
        ax.imshow(
            hits,
            cmap=cmap,
            vmin=0,
            vmax=1,
            aspect="auto",
            origin="lower",
            interpolation="nearest",
            extent=(-0.5, N_STRIPS - 0.5, -0.5, N_LAYERS - 0.5),
        )
        for i, (label, coords) in enumerate(tracks):
            ok = np.isfinite(coords)
            ax.plot(
                coords[ok] - 0.5,
                np.arange(N_LAYERS)[ok],
                "o--",
                color=colors[i % 3],
                mfc="none",
                ms=9,
                lw=1.2,
                label=f"expected {label}",
            )
        if int(truth.get("source", 0)) == 2:
            ax.axhline(
                _vertex_row(float(truth["vertex_r"]), config),
                color="#7b2cbf",
                ls=":",
                lw=1.5,
                label=f"vertex R {float(truth['vertex_r']):.0f} cm",
            )
        ax.set_xlim(lo - 0.5, hi - 0.5)
        ax.set_yticks(range(N_LAYERS), LAYER_NAMES)
        ax.set_xlabel(
            f"eta strip (eta {config.geometry.eta_min:g}..{config.geometry.eta_max:g} "
            f"in {N_STRIPS} strips)" + ("" if (lo, hi) == (0, N_STRIPS) else f", zoom {lo}-{hi}")
        )
        if tracks or int(truth.get("source", 0)) == 2:
            ax.legend(loc="upper right", fontsize=8, framealpha=0.85)
    axes[0, 0].set_title(truth_text(truth, sample, event), fontsize=10, loc="left")
    fig.tight_layout()
    with atomic_path(out) as tmp:
        fig.savefig(tmp, format="png", dpi=dpi, metadata={MARKER_ATTR: "event-display"})
    plt.close(fig)
    return Path(out)
