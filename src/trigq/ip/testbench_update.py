"""``add_testbench(core)``: the cocotb testbench (:mod:`trigq.ip.testbench`) written into a core
packaged before the packager wrote one, with the manifest's hashes and the README updated."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from trigq.ip.errors import IPError
from trigq.ip.manifest import read_core_manifest
from trigq.ip.readme import render_readme
from trigq.ip.sources import diff_hashes, source_hashes
from trigq.ip.testbench import tb_core_files, write_testbench
from trigq.ip.vectors import read_vectors_h5
from trigq.ir import IntegerGraph
from trigq.layout import CoreLayout, write_manifest
from trigq.utils import atomic_write_text


def add_testbench(core_dir: str | Path) -> list[str]:
    """Write the testbench into an existing core packaged before it had one: ``rtl/sim`` files,
    their hashes added to the manifest's ``sources``, the README re-rendered from the manifest.

    Refuses (IPError) a core without an RTL variant, or one whose committed sources no longer match
    its manifest (only the testbench's own files may differ). Returns the core-relative paths
    written. A new ``trigq package`` of the same project writes the same files
    (:func:`trigq.ip.check_ip` compares them)."""
    core = CoreLayout(Path(core_dir))
    m = read_core_manifest(core.root)
    if m.rtl is None:
        raise IPError(f"{core.root}: has no RTL variant to write a testbench for")
    ours = set(tb_core_files(CoreLayout.RTL_DIR))
    diff = diff_hashes(m.sources, source_hashes(core.root))
    edited = [f for k in ("changed", "missing", "added") for f in diff[k] if f not in ours]
    if edited:
        listed = ", ".join(edited[:8])
        raise IPError(f"{core.root}: sources differ from its manifest ({listed}); repackage it")
    graph = IntegerGraph.load(core.ir)
    write_testbench(core.rtl_dir, m.name, m.rtl.top, graph.input_rounding)
    # the others are unchanged (checked above): the same hashes, in the packager's order; the
    # README lists the vector blocks in the packager's order (the file's; the manifest sorts keys)
    blocks = read_vectors_h5(core.vectors).blocks
    if set(blocks) == set(m.vectors.blocks):
        m = dataclasses.replace(
            m, vectors=dataclasses.replace(m.vectors, blocks={k: m.vectors.blocks[k] for k in blocks})
        )
    manifest = dataclasses.replace(m, sources=source_hashes(core.root))
    write_manifest(core.manifest, manifest)
    atomic_write_text(core.readme, render_readme(manifest))
    return sorted(ours)
