"""A fake exported project: real integer graph and manifest, hand-written hls4ml C++ headers.

No hls4ml conversion and no compile, so the packaging logic is tested in well under a second.
The graph is ``trigq.rtl.examples.tiny_conv_dense_graph`` (input 4 x 12 x 1 signed 5-bit codes
with one fraction bit, output 3 narrow 4-bit codes with LSB 2).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from trigq.export import ExportConfig
from trigq.export.manifest import EXPORT_VERSION, ExportFormats, ExportManifest, ProjectRtl, Source
from trigq.layout import Format, read_rtl_summary, write_manifest
from trigq.rtl.examples import tiny_conv_dense_graph

INPUT_T = "ap_fixed<12,6,AP_TRN,AP_SAT,0>"
RESULT_T = "ap_fixed<4,5,AP_RND_CONV,AP_SAT_SYM,0>"

STREAM_INPUT_T = "nnet::array<ap_fixed<12,6,AP_TRN,AP_SAT,0>, 12*1>"
STREAM_RESULT_T = "nnet::array<ap_fixed<4,5,AP_RND_CONV,AP_SAT_SYM,0>, 3*1>"

STREAM_TOP_H = """#ifndef TRIGQ_MODEL_H_
#define TRIGQ_MODEL_H_
#include "hls_stream.h"
#include "defines.h"
void trigq_model(
    hls::stream<input_t> &global_in,
    hls::stream<result_t> &layer9_out
);
#endif
"""

TOP_H = """#ifndef TRIGQ_MODEL_H_
#define TRIGQ_MODEL_H_
#include "defines.h"
void trigq_model(
    input_t global_in[4*12*1],
    result_t layer9_out[3]
);
#endif
"""


def fake_manifest(
    graph, config: ExportConfig, source: Source, *, exact: bool = True, rtl: ProjectRtl | None = None
) -> ExportManifest:
    """A complete export manifest of ``graph`` (no hls4ml conversion behind it)."""
    return ExportManifest(
        trigq_export_version=EXPORT_VERSION,
        source=source,
        config=config,
        input_shape=[1, graph.input_shape[-1], *graph.input_shape[:-1]],
        input_name="global_in",
        output_shape=[1, *graph.output_shape],
        hls_input_size=None,
        hls_output_size=None,
        formats=ExportFormats(Format.of(graph.input_fmt), Format.of(graph.output_fmt), {}),
        hls_types={},
        clock_period_ns=config.clock_period_ns,
        exact=exact,
        problems=[] if exact else ["Quant_3: float scale"],
        integer_graph="integer_graph.json",
        notes=[],
        compiled=False,
        compile_seconds=None,
        steps={},
        rtl=rtl,
        versions={},
        files={},
    )


def write_fake_project(root: Path, *, exact: bool = True, rtl: bool = False, io: str = "parallel") -> Path:
    """Write the fake project into ``root`` and return it.

    ``io="stream"``: an io_stream project as hls4ml 1.3 writes one for a channels-first model
    (input stream of 4 beats of 12 elements, one image row per beat; output 1 beat of 3), whose
    ``hls4ml_config.yml`` has no ``IOType`` (like the export's)."""
    stream = io == "stream"
    graph = tiny_conv_dense_graph(seed=0)
    hls = root / "hls4ml_prj"
    (hls / "firmware" / "weights").mkdir(parents=True)
    graph.save(root / "integer_graph.json")
    config = ExportConfig(compile=False, io_type=io)  # type: ignore[arg-type]
    source = Source("qonnx-file", str(root / "m.onnx"))
    (root / "model_qonnx.onnx").write_bytes(b"fake qonnx weights")
    hls_model = {"Model": {"Strategy": "Latency", "ReuseFactor": 1, "Precision": "fixed<16,6>"}}
    (root / "hls4ml_config.yml").write_text(
        yaml.safe_dump(
            hls_model
            if stream
            else {
                "Backend": "Vitis",
                "IOType": "io_parallel",
                "ClockPeriod": 3.125,
                "Part": config.part,
                "HLSConfig": hls_model,
            }
        )
    )
    in_t, out_t = (STREAM_INPUT_T, STREAM_RESULT_T) if stream else (INPUT_T, RESULT_T)
    (hls / "firmware" / "defines.h").write_text(
        f"typedef {in_t} input_t;\ntypedef ap_fixed<8,4> layer2_t;\ntypedef {out_t} result_t;\n"
    )
    (hls / "firmware" / "trigq_model.h").write_text(STREAM_TOP_H if stream else TOP_H)
    (hls / "firmware" / "trigq_model.cpp").write_text("// top function\n")
    (hls / "firmware" / "weights" / "w2.txt").write_text("1,0,-1\n")
    (hls / "firmware" / "trigq_model-1a2b3c4d.so").write_bytes(b"\x7fELF not really")
    (hls / "firmware" / "nnet.o").write_bytes(b"object")
    (hls / "build_lib.sh").write_text("#!/bin/bash\nPROJECT=trigq_model\nLIB_STAMP=1a2b3c4d\necho hi\n")
    (hls / "hls4ml_config.yml").write_text("Stamp: 1a2b3c4d\nOutputDir: /tmp/somewhere\n")
    (hls / "build_opt.tcl").write_text("array set opt {}\n")
    (hls / "build_prj.tcl").write_text("source project.tcl\n")
    (hls / "project.tcl").write_text('set project_name "trigq_model"\nset backend "vitis"\n')
    (hls / "trigq_model_test.cpp").write_text("int main() { return 0; }\n")
    (hls / "vitis_hls.log").write_text("a log\n")
    rtl_entry = None
    if rtl:
        from trigq.rtl import generate_rtl

        generate_rtl(graph, root / "rtl", clock_mhz=320)
        rtl_entry = ProjectRtl(**read_rtl_summary(root / "rtl").summary_fields())
    write_manifest(root / "manifest.json", fake_manifest(graph, config, source, exact=exact, rtl=rtl_entry))
    return root


@pytest.fixture
def fake_project(tmp_path):
    """A fake exported project in ``tmp_path / "project"`` (its .so is not a real library)."""
    return write_fake_project(tmp_path / "project")


@pytest.fixture
def graph():
    return tiny_conv_dense_graph(seed=0)
