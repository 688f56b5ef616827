"""Scoring NEWSdm classifiers (network or ``newsdm-bdt``) on the same clusters: background
rejection (background in / background passed) against signal efficiency, per background type.

For a signal definition (``carbon-100``, as the seed's figure 6, or all carbon energies) the
threshold at efficiency ``e`` is the score that ``e`` of its test clusters exceed; the rejection of
a background is ``N / k`` with ``k`` of its ``N`` clusters above that threshold. Its statistical
error is binomial, ``R sqrt((1 - k / N) / k)``; when no background cluster passes, the rejection
is a 95% CL lower limit ``1 / (1 - 0.05^(1/N))`` (about ``N / 3``): measuring 1e4 needs >= 3e4
background test clusters (``trigq simulate newsdm --sample background --events 100000`` makes 1e5
in about 30 s at 16 x 16). The threshold's own statistical spread (from the signal sample) is not
included.

``trigq baseline newsdm-bdt`` (``bdt_report``) fits the BDT on the train split and scores the test
split (``trigq.data.split_indices``), plus optional files scored whole (``--extra``: e.g. a large
background-only sample); ``trigq evaluate`` on a newsdm run does the same beside the network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from trigq.baselines.newsdm import FEATURES, NEWSdmBaselineError, NEWSdmBdt, NEWSdmBdtConfig, cluster_features

WORKING_EFFICIENCY = 0.6
CL = 0.95
EFFICIENCIES = tuple(round(float(e), 3) for e in np.linspace(0.05, 0.95, 19))
SOURCE_NAMES = ("carbon-30", "carbon-60", "carbon-100", "fog", "co60", "cs137")
SIGNALS = {"carbon-100": (2,), "carbon": (0, 1, 2)}
BACKGROUNDS = {"fog": (3,), "co60": (4,), "cs137": (5,), "all": (3, 4, 5)}


def newsdm_info(data: str) -> Any:
    """The ``DatasetInfo`` of a newsdm file; ``NEWSdmBaselineError`` for another detector."""
    from trigq.data import validate_dataset

    info = validate_dataset(data, require=())
    if not info.detector.name.startswith("newsdm"):
        raise NEWSdmBaselineError(f"{data}: holds {info.detector.name!r} events, this needs newsdm")
    return validate_dataset(data, require=("label", "source"))


def load_rows(data: str, idx: np.ndarray | None = None) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Images ``[n, P, S, S]`` and truth (label, source) of rows ``idx`` (None: all)."""
    from trigq.data import read_arrays

    info = newsdm_info(data)
    keys = ["images", "truth/label", "truth/source"]
    arrays = read_arrays(data, keys, idx if idx is not None else np.arange(info.n_events))
    return arrays["images"], {k.split("/")[1]: arrays[k] for k in keys[1:]}


def rejection(n_bkg: int, n_pass: int) -> dict[str, Any]:
    """``N / k`` with its binomial error; a 95% CL lower limit when ``k = 0``."""
    if n_bkg == 0:
        return {
            "n_background": 0,
            "n_pass": 0,
            "rejection": float("nan"),
            "error": float("nan"),
            "limit": False,
        }
    if n_pass == 0:
        p_up = 1 - (1 - CL) ** (1 / n_bkg)
        return {
            "n_background": n_bkg,
            "n_pass": 0,
            "rejection": 1 / p_up,
            "error": float("nan"),
            "limit": True,
        }
    r = n_bkg / n_pass
    err = r * float(np.sqrt((1 - n_pass / n_bkg) / n_pass))
    return {"n_background": n_bkg, "n_pass": n_pass, "rejection": r, "error": err, "limit": False}


def rejection_metrics(
    scores: np.ndarray, source: np.ndarray, efficiencies: tuple[float, ...] = EFFICIENCIES
) -> dict[str, Any]:
    """Per signal definition: the rejection of every background at ``WORKING_EFFICIENCY`` and over
    the ``efficiencies`` grid (the curve), with ``n`` signal clusters."""
    scores, source = np.asarray(scores, np.float64), np.asarray(source)
    if scores.size == 0:
        raise NEWSdmBaselineError("metrics: no clusters")
    out: dict[str, Any] = {}
    for sname, codes in SIGNALS.items():
        sig = scores[np.isin(source, codes)]
        if sig.size == 0:
            continue
        grid = sorted({*efficiencies, WORKING_EFFICIENCY})
        entry: dict[str, Any] = {"n_signal": int(sig.size), "curve": {}, "at_working_point": {}}
        for eff in grid:
            cut = float(np.quantile(sig, 1 - eff))
            row = {}
            for bname, bcodes in BACKGROUNDS.items():
                bkg = scores[np.isin(source, bcodes)]
                if bkg.size:
                    row[bname] = rejection(int(bkg.size), int((bkg > cut).sum()))
            entry["curve"][f"{eff:.3f}"] = {"threshold": cut, "efficiency": float((sig > cut).mean()), **row}
        entry["at_working_point"] = entry["curve"][f"{WORKING_EFFICIENCY:.3f}"]
        out[sname] = entry
    return {"working_efficiency": WORKING_EFFICIENCY, "signals": out}


def bdt_report(
    data: str,
    max_events: int | None = None,
    config: NEWSdmBdtConfig | None = None,
    extra: tuple[str, ...] = (),
) -> dict[str, Any]:
    """``trigq baseline newsdm-bdt``: fit on the train split; score the test split with every
    ``extra`` file appended (e.g. a large background sample for the tail of the rejection)."""
    from trigq.data import split_indices

    config = config or NEWSdmBdtConfig()
    info = newsdm_info(data)
    splits = split_indices(info.n_events)
    train, test = splits["train"][:max_events], splits["test"][:max_events]
    images, truth = load_rows(data, train)
    bdt = NEWSdmBdt(config).fit(cluster_features(images, config), truth["label"])
    scores, source = [], []
    for path, idx in ((data, test), *((p, None) for p in extra)):
        images, truth = load_rows(path, idx)
        scores.append(bdt.score(cluster_features(images, config)))
        source.append(truth["source"])
    return {
        "data": str(data),
        "extra": [str(p) for p in extra],
        "n_train": int(train.size),
        "n_test": int(sum(s.size for s in scores)),
        "features": list(FEATURES),
        "methods": {"newsdm-bdt": rejection_metrics(np.concatenate(scores), np.concatenate(source))},
    }


def format_rejection(r: dict[str, Any]) -> str:
    if r["limit"]:
        return f"> {r['rejection']:.3g} (95% CL, 0 of {r['n_background']})"
    return f"{r['rejection']:.3g} +- {r['error']:.2g} ({r['n_pass']} of {r['n_background']})"


def markdown(title: str, methods: dict[str, Any]) -> str:
    """Rejection at the working point per method, signal definition and background."""
    backgrounds = list(BACKGROUNDS)
    lines = [
        f"# {title}",
        "",
        f"Background rejection (background in / passed) at signal efficiency {WORKING_EFFICIENCY}:",
        "",
        "| method | signal | " + " | ".join(backgrounds) + " |",
        "|---" * (len(backgrounds) + 2) + "|",
    ]
    for name, m in methods.items():
        for sname, entry in m["signals"].items():
            wp = entry["at_working_point"]
            cells = [format_rejection(wp[b]) if b in wp else "-" for b in backgrounds]
            lines.append(f"| {name} | {sname} ({entry['n_signal']}) | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def plot_rejection(methods: dict[str, Any], path: Path, title: str = "", signal: str = "carbon-100") -> None:
    """Rejection vs signal efficiency (log scale), one line per method and background."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from trigq.utils.atomic import save_figure

    fig, ax = plt.subplots(figsize=(6, 4.2))
    styles = ("-", "--", ":", "-.")
    for (name, m), style in zip(methods.items(), styles * 4):
        entry = m["signals"].get(signal) or next(iter(m["signals"].values()))
        for bname in ("fog", "co60", "cs137"):
            pts = [(v["efficiency"], v[bname]) for v in entry["curve"].values() if bname in v]
            eff = [e for e, _ in pts]
            rej = [r["rejection"] for _, r in pts]
            ax.plot(eff, rej, style, marker=".", label=f"{name}: {bname}")
    ax.axvline(WORKING_EFFICIENCY, color="grey", lw=0.8)
    ax.axhline(1e4, color="grey", lw=0.8, ls=":")
    ax.set_yscale("log")
    ax.set_xlabel(f"signal efficiency ({signal})")
    ax.set_ylabel("background rejection (in / passed)")
    ax.legend(fontsize=7)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    save_figure(fig, path)


def write(out: str, report: dict[str, Any], title: str, force: bool, inputs: list) -> dict[str, str]:
    """``metrics.json``, ``metrics.md`` and ``rejection.png`` in the output directory ``out``."""
    from trigq.train.run_files import to_json_text
    from trigq.utils import atomic_write_text
    from trigq.utils.outputs import output_directory

    files = {
        k: str(Path(out) / n)
        for k, n in (("json", "metrics.json"), ("markdown", "metrics.md"), ("plot", "rejection.png"))
    }
    with output_directory(Path(out), "baseline", inputs=inputs, force=force) as tmp:
        plot_rejection(report["methods"], tmp / "rejection.png", title)
        atomic_write_text(tmp / "metrics.md", markdown(title, report["methods"]))
        atomic_write_text(tmp / "metrics.json", to_json_text({**report, "files": files}))
    return files
