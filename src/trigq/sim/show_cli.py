"""``trigq show FILE.h5 --event K``: save a PNG event display of one event with its truth."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from trigq.utils.console import echo


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from trigq.cli import add_force_flag, add_json_flag, non_negative_int

    parser.add_argument("file", metavar="FILE.h5", help="a trigq dataset")
    parser.add_argument(
        "--event", type=non_negative_int, default=0, metavar="K", help="event index (default 0)"
    )
    parser.add_argument("--out", metavar="PNG", help="output image (default FILE_event<K>.png beside FILE)")
    add_force_flag(parser)
    add_json_flag(parser)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from trigq.data import DatasetError, read_arrays, validate_dataset
    from trigq.sim.atlas_rpc.config import RPCSimConfig, config_from_yaml_text
    from trigq.sim.atlas_rpc.display import plot_event
    from trigq.utils.outputs import check_output_file

    info = validate_dataset(args.file, require=())
    if not 0 <= args.event < info.n_events:
        raise DatasetError(f"{args.file}: --event {args.event} outside [0, {info.n_events})")
    fields = ["hits", *(f"truth/{name}" for name in info.fields)]
    arrays = read_arrays(args.file, fields, indices=[args.event])
    truth = {name.removeprefix("truth/"): arrays[name][0] for name in fields[1:]}
    text = info.config_yaml
    config = config_from_yaml_text(text, f"{args.file}: config_yaml") if text else RPCSimConfig()
    source = Path(args.file)
    out = Path(args.out) if args.out else source.with_name(f"{source.stem}_event{args.event}.png")
    check_output_file(out, "event-display", inputs=[args.file], force=args.force)
    plot_event(arrays["hits"][0], truth, out, config=config, sample=info.sample, event=args.event)
    echo(f"saved {out}")
    return {
        "out": str(out),
        "event": args.event,
        "sample": info.sample,
        "truth": {k: v.tolist() for k, v in truth.items()},
    }
