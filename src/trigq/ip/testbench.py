"""The cocotb testbench of a core's RTL variant: ``rtl/sim/Makefile``, ``tb_rtl.py``, ``tb_rtl.vlt``.

``tb_rtl.py`` is :mod:`trigq.ip.tb_cocotb` copied verbatim (one testbench for every core; it reads
the core's ``rtl/rtl_manifest.json`` and ``test_vectors/vectors.h5`` at run time). The Makefile
names what differs per core: the top-level module ``<top>_wrapper`` and the rounding of the
network's first quantiser (whose codes the RTL input port carries), and includes cocotb's
``Makefile.sim`` with ``SIM=verilator``. ``make`` in ``rtl/sim`` builds into ``rtl/sim/sim_build``,
writes ``results.xml`` and exits non-zero when the test failed (cocotb 1.8 itself exits 0);
``make RTL_DIR=DIR`` simulates an RTL variant generated elsewhere (a core whose RTL was left out
still ships the testbench: generate the RTL, then point at it).

da4ml 0.6's ``static/negative.v`` names the lint code ``WIDTHTRUNC``, which Verilator before 5.008
rejects (an error): the Makefile compiles copies of the sources in ``sim_build/src`` with it
spelled ``WIDTH`` (valid in every version), as :mod:`trigq.rtl.verilator_sim` does. cocotb's
Verilator makefile makes every signal public (``--public-flat-rw``); for the trigger core that is
478 MB of generated C++ (172 files), so the Makefile drops the flag and ``tb_rtl.vlt`` makes only
the top's ports public (the tiny test core: 52 MB -> 5 MB).
"""

from __future__ import annotations

from pathlib import Path

from trigq.utils import atomic_write_text

SIM_DIR = "sim"
MAKEFILE = "Makefile"
MODULE = "tb_rtl"
TB_FILE = f"{MODULE}.py"
VLT_FILE = f"{MODULE}.vlt"
TEMPLATE = Path(__file__).with_name("tb_cocotb.py")
# pinned in pyproject.toml's dev extras: the newest cocotb that supports Debian 12's Verilator 5.006
# (cocotb 1.9 needs Verilator >= 5.022, cocotb 2.x >= 5.036)
COCOTB_VERSION = "1.8.1"


def tb_core_files(rtl_prefix: str = "rtl") -> list[str]:
    """Core-relative paths of the testbench files (hashed in the core manifest's ``sources``)."""
    return [f"{rtl_prefix}/{SIM_DIR}/{name}" for name in (MAKEFILE, TB_FILE, VLT_FILE)]


def makefile_text(core_name: str, top: str, input_rounding: str) -> str:
    """The testbench's Makefile (see the module docstring)."""
    return f"""\
# cocotb testbench of the RTL variant of IP core {core_name} (written by trigq package).
# `make` verilates {top}_wrapper, drives it with every vector of ../../test_vectors/vectors.h5 (one
# per clock) and checks every output code exactly (tb_rtl.py); `make RTL_DIR=DIR` simulates the
# RTL variant in DIR (src/ and rtl_manifest.json) instead of ../ (the core's rtl/).
# Needs: verilator, and cocotb=={COCOTB_VERSION} numpy h5py in the Python of cocotb-config.
SIM ?= verilator
TOPLEVEL_LANG = verilog
TOPLEVEL = {top}_wrapper
MODULE = {MODULE}
RTL_DIR ?= ..
VECTORS ?= ../../test_vectors/vectors.h5
SIM_BUILD ?= sim_build
COMPILE_ARGS += -Wno-fatal
CUSTOM_COMPILE_DEPS += {VLT_FILE}
# a few hundred clock cycles are simulated: compile fast (-O0) rather than optimise the model
BUILD_ARGS += OPT_FAST=-O0 OPT_SLOW=-O0 OPT_GLOBAL=-O0

export TRIGQ_TB_RTL_DIR := $(abspath $(RTL_DIR))
export TRIGQ_TB_VECTORS := $(abspath $(VECTORS))
export TRIGQ_TB_INPUT_ROUNDING := {input_rounding}

# compiled from copies with da4ml's lint code WIDTHTRUNC spelled WIDTH (Verilator < 5.008 rejects it)
RTL_SOURCES := $(sort $(wildcard $(RTL_DIR)/src/*.v $(RTL_DIR)/src/*/*.v))
VERILOG_SOURCES := $(patsubst $(RTL_DIR)/src/%,$(SIM_BUILD)/src/%,$(RTL_SOURCES))
ifeq ($(RTL_SOURCES),)
$(error no Verilog in $(RTL_DIR)/src: generate the RTL variant first (see the core's README))
endif

# `make` = `make check`: cocotb 1.8 exits 0 when a test fails, so its results.xml is read
.DEFAULT_GOAL := check
include $(shell cocotb-config --makefiles)/Makefile.sim

# cocotb makes every signal public (--public-flat-rw): for a 100k-LUT netlist 478 MB of C++ (the
# trigger core); the testbench reads only the top's ports, which {VLT_FILE} makes public
COMPILE_ARGS := $(filter-out --public-flat-rw,$(COMPILE_ARGS)) {VLT_FILE}

.PHONY: check
check: sim
	@grep -q '<testcase' $(COCOTB_RESULTS_FILE) || {{ echo "tb_rtl: no test ran" >&2; exit 1; }}
	@! grep -q '<failure' $(COCOTB_RESULTS_FILE) || {{ echo "tb_rtl: FAILED (see above)" >&2; exit 1; }}
	@echo "tb_rtl: passed (every output code of every vector)"

$(SIM_BUILD)/src/%.v: $(RTL_DIR)/src/%.v
\t@mkdir -p $(@D)
\tsed -e 's/lint_off WIDTHTRUNC/lint_off WIDTH/' -e 's/lint_on WIDTHTRUNC/lint_on WIDTH/' $< > $@

clean::
\t$(RM) results.xml
"""


def vlt_text(top: str) -> str:
    """Verilator configuration: the ports of ``<top>_wrapper`` readable and writable over VPI."""
    return f'`verilator_config\npublic_flat_rw -module "{top}_wrapper" -var "*"\n'


def write_testbench(rtl_dir: Path, core_name: str, top: str, input_rounding: str) -> list[str]:
    """Write ``rtl_dir/sim/``: ``Makefile``, ``tb_rtl.py`` and ``tb_rtl.vlt``; returns their names."""
    sim = Path(rtl_dir) / SIM_DIR
    sim.mkdir(parents=True, exist_ok=True)
    atomic_write_text(sim / MAKEFILE, makefile_text(core_name, top, input_rounding))
    atomic_write_text(sim / TB_FILE, TEMPLATE.read_text())
    atomic_write_text(sim / VLT_FILE, vlt_text(top))
    return [MAKEFILE, TB_FILE, VLT_FILE]
