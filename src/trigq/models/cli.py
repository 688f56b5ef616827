"""``trigq models``: list the zoo (parameters, weight bits, compression) or show a cost table."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from trigq.utils.console import echo


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from trigq.cli import add_json_flag

    parser.add_argument(
        "--quant", default=None,
        help="quantisation preset for the quantised column / cost table (float, ternary, int2..int8, "
        "optionally with an activation suffix such as ternary-a3); default: each model's default_quant",
    )  # fmt: skip
    parser.add_argument(
        "--arch", default="auto", choices=("auto", "reference", "firmware"),
        help="architecture of the quantised model (auto: firmware for quantised presets)",
    )  # fmt: skip
    parser.add_argument(
        "--cost", metavar="RUN_OR_NAME", default=None,
        help="per-layer cost table of a model name (freshly initialised weights) or of a training run "
        "directory (its trained weights)",
    )  # fmt: skip
    add_json_flag(parser)


def run(args: argparse.Namespace) -> dict[str, Any]:
    import torch

    torch.manual_seed(0)  # reproducible initial weights -> reproducible sparsity and adder counts
    if args.cost is not None:
        result = _cost(args.cost, args.quant, args.arch)
        if not args.json:
            echo(_format_cost(result))
        return result
    result = _listing(args.quant, args.arch)
    if not args.json:
        echo(_format_listing(result))
    return result


def _listing(quant: str | None, arch: str) -> dict[str, Any]:
    from trigq.models.cost import model_cost
    from trigq.models.zoo import MODEL_SPECS, build_model

    rows = []
    for name, spec in MODEL_SPECS.items():
        float_cost = model_cost(build_model(name, "float"))
        q = quant or spec.default_quant
        q_cost = model_cost(build_model(name, q, arch=arch))
        rows.append(
            {
                "name": name, "task": spec.task, "input_width": spec.input_width,
                "targets": list(spec.targets), "target_scales": list(spec.target_scales),
                "default_quant": spec.default_quant, "description": spec.description,
                "float": {"arch": float_cost.arch, "params": float_cost.params,
                          "weight_bits": float_cost.total_bits},
                "quantised": {"quant": q_cost.quant, "arch": q_cost.arch, "params": q_cost.params,
                              "weight_bits": q_cost.total_bits,
                              "compression": float_cost.total_bits / q_cost.total_bits,
                              "adders": q_cost.adders, "sparsity_at_init": q_cost.sparsity},
            }
        )  # fmt: skip
    return {"models": rows}


def _cost(target: str, quant: str | None, arch: str) -> dict[str, Any]:
    from trigq.models.cost import model_cost
    from trigq.models.zoo import MODEL_SPECS, build_model, get_spec

    if target in MODEL_SPECS or not Path(target).exists():
        spec = get_spec(target)
        model = build_model(target, quant or spec.default_quant, arch=arch)
        return model_cost(model, weights_from="initialisation").as_dict()
    from trigq.errors import TrigqError

    try:
        from trigq.train import load_trained
    except ImportError as exc:
        raise TrigqError(f"--cost {target}: reading a training run needs trigq.train.load_trained") from exc
    loaded = load_trained(target)
    model = getattr(loaded, "model", loaded)
    return model_cost(model, weights_from=f"trained weights in {target}").as_dict()


def _format_listing(result: dict[str, Any]) -> str:
    width = max([17, *(len(r["name"]) + 2 for r in result["models"])])
    head = f"{'model':<{width}}{'float params':>14}{'float bits':>14}  {'quant':<11}{'arch':<10}"
    head += f"{'params':>9}{'bits':>10}{'compr.':>9}{'adders':>10}"
    lines = [head]
    for r in result["models"]:
        f, q = r["float"], r["quantised"]
        lines.append(
            f"{r['name']:<{width}}{f['params']:>14,}{f['weight_bits']:>14,}  {q['quant']:<11}{q['arch']:<10}"
            f"{q['params']:>9,}{q['weight_bits']:>10,}{q['compression']:>8.0f}x{q['adders']:>10,}"
        )
    lines.append("bits: weights and biases; adders: non-zero weights x output positions (fresh init)")
    return "\n".join(lines)


def _format_cost(c: dict[str, Any]) -> str:
    lines = [
        f"{c['model']} ({c['quant']}, {c['arch']} architecture); sparsity from {c['weights_from']}",
        f"{'layer':<8}{'kind':<6}{'params':>10}{'bits':>12}{'in bits':>8}{'sparsity':>9}"
        f"{'nonzero':>10}{'positions':>10}{'adders':>12}{'MACs':>12}",
    ]
    for layer in c["layers"]:
        lines.append(
            f"{layer['name']:<8}{layer['kind']:<6}{layer['params']:>10,}{layer['total_bits']:>12,}"
            f"{layer['input_bits']:>8}{layer['sparsity']:>9.3f}{layer['nonzero_weights']:>10,}"
            f"{layer['output_positions']:>10,}{layer['adders']:>12,}{layer['macs']:>12,}"
        )
    lines.append(
        f"{'total':<14}{c['params']:>10,}{c['total_bits']:>12,}{'':>8}{c['sparsity']:>9.3f}{'':>10}{'':>10}"
        f"{c['adders']:>12,}{c['macs']:>12,}"
    )
    return "\n".join(lines)
