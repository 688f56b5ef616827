"""QAT vs float training throughput on the same model (events/s, ratio), one run each.

Simulates a small "mixed" file with ``trigq.sim.simulate`` (or uses ``--data``), then trains the
same architecture (``--arch``, default the firmware net) once with the float preset and once with
the QAT preset, one epoch each, and reports training events/s (the training pass only, without
validation and file writes). The last line printed is JSON.

    .venv/bin/python benchmarks/train_throughput.py --events 4096 --model l0-trigger
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="existing dataset (default: simulate one)")
    parser.add_argument("--events", type=int, default=4096, help="events to simulate")
    parser.add_argument("--model", default="l0-trigger")
    parser.add_argument("--arch", default="firmware", choices=("reference", "firmware"))
    parser.add_argument("--quant", default="ternary-a3", help="the QAT preset")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()

    import torch

    from trigq.data import write_dataset
    from trigq.train import TrainConfig, train

    with tempfile.TemporaryDirectory(prefix="trigq-bench-") as tmp:
        data = Path(args.data) if args.data else Path(tmp) / "mixed.h5"
        if not args.data:
            from trigq.sim import simulate

            events = simulate("mixed", args.events, seed=1)
            write_dataset(data, events.hits, events.truth, events.attrs())
        rates = {}
        for quant in ("float", args.quant):
            config = TrainConfig(
                model=args.model,
                quant=quant,
                arch=args.arch,
                data=str(data),
                out=str(Path(tmp) / quant),
                epochs=args.epochs,
                batch_size=args.batch_size,
                device=args.device,
                progress=False,
                patience=0,
            )
            result = train(config)
            rates[quant] = result.train_events_per_s
            n_events = result.history[-1]["train_events"]
            print(f"{quant:>12}: {rates[quant]:9.1f} events/s ({n_events} events/epoch)")
    report = {
        "model": args.model,
        "arch": args.arch,
        "batch_size": args.batch_size,
        "epochs": args.epochs,
        "device": args.device,
        "torch_threads": torch.get_num_threads(),
        "float_events_per_s": rates["float"],
        "qat_preset": args.quant,
        "qat_events_per_s": rates[args.quant],
        "qat_over_float": rates[args.quant] / rates["float"],
    }
    print(json.dumps(report, sort_keys=True))


if __name__ == "__main__":
    main()
