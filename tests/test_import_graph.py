"""No import cycles in trigq, read from the source with ``ast`` (fast) and, slow, by importing every
module in a fresh interpreter.

An import at module level runs when the module is imported ("eager"); one inside a function runs
when it is called ("lazy", used for heavy or optional dependencies). Eager cycles are errors
outright. Lazy ones still tie modules together (``trigq.ip.check`` and ``trigq.ip.package`` used to
import each other that way): a lazy cycle may only lie within one of the subpackages listed below
(owned by others, to be untangled there), once the known lazy edges between subpackages are set
aside.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import trigq

ROOT = Path(trigq.__file__).resolve().parent
# (importer subpackage, imported subpackage): why the lazy edge exists
KNOWN_LAZY_EDGES = {
    ("trigq.ir", "trigq.report"): "op modules build their cost features with trigq.report.layer_cost",
}
# subpackages whose modules still import each other lazily in a cycle
KNOWN_LAZY_CYCLES_WITHIN = {
    "trigq.ir": "graph/builder/qonnx_clean <-> ops (the registry)",
    "trigq.sim": "atlas_rpc config <-> presets, dark_photon <-> kinematics",
    "trigq.baselines": "evaluate <-> tune",
    "trigq.train": "evaluate <-> evaluate_trigger",
}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _is_type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def _imports(tree: ast.AST, lazy: bool = False) -> Iterator[tuple[str, bool]]:
    """(imported name, inside a function) of every import executed at run time."""
    for node in ast.iter_child_nodes(tree):
        if _is_type_checking(node):
            continue
        if isinstance(node, ast.Import):
            yield from ((a.name, lazy) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, lazy
            yield from ((f"{node.module}.{a.name}", lazy) for a in node.names)
        else:
            yield from _imports(node, lazy or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)))


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def import_graph(lazy: bool) -> dict[str, set[str]]:
    """Module -> the trigq modules its import runs (with their parent packages)."""
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for mod, path in MODULES.items():
        for name, is_lazy in _imports(ast.parse(path.read_text(), str(path))):
            target = _resolve(name) if name.startswith("trigq.") else None
            if target is None or (is_lazy and not lazy):
                continue
            parts = target.split(".")
            for i in range(2, len(parts) + 1):  # importing a.b.c runs a.b first
                pkg = ".".join(parts[:i])
                if pkg != mod and not mod.startswith(pkg + "."):
                    graph[mod].add(pkg)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph)))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _subpackage(mod: str) -> str:
    return ".".join(mod.split(".")[:2])


def _without_known_edges(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    return {m: {t for t in ts if (_subpackage(m), _subpackage(t)) not in KNOWN_LAZY_EDGES}
            for m, ts in graph.items()}


def test_the_graph_sees_the_imports():
    eager, lazy = import_graph(lazy=False), import_graph(lazy=True)
    assert "trigq.layout" in eager["trigq.export.manifest"]
    assert "trigq.ip.package" in eager["trigq.ip.check"]
    assert "trigq.ip.check" not in lazy["trigq.ip.package"]  # the cycle this test was written for
    assert "trigq.ir" in lazy["trigq.layout.manifest"] and "trigq.ir" not in eager["trigq.layout.manifest"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_level_import_cycle():
    assert cycles(import_graph(lazy=False)) == []


def test_lazy_import_cycles_only_within_the_known_subpackages():
    found = cycles(_without_known_edges(import_graph(lazy=True)))
    bad = [c for c in found if len({_subpackage(m) for m in c}) > 1
           or _subpackage(c[0]) not in KNOWN_LAZY_CYCLES_WITHIN]
    assert bad == []


# Imports each trigq module alone: one interpreter pre-imports the heavy third-party libraries
# (so that 100+ fresh interpreters do not each pay seconds of torch/brevitas/hls4ml imports) but no
# trigq module, then forks one child per module, which imports that module and nothing else first.
_IMPORT_ALONE = """
import importlib, os, sys, traceback
for lib in ("numpy", "torch", "h5py", "yaml", "onnx", "brevitas.nn", "qonnx.core.modelwrapper",
            "matplotlib", "scipy", "sklearn"):
    try:
        importlib.import_module(lib)
    except ImportError:
        pass
assert not [m for m in sys.modules if m == "trigq" or m.startswith("trigq.")], "trigq pre-imported"
failed = []
for mod in sys.argv[1:]:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            importlib.import_module(mod)
            code = 0
        except BaseException:
            os.write(w, traceback.format_exc().strip().splitlines()[-1].encode())
            code = 1
        os._exit(code)
    os.close(w)
    with os.fdopen(r, "rb") as pipe:
        err = pipe.read().decode()
    _, status = os.waitpid(pid, 0)
    if status != 0:
        failed.append(f"{mod}: {err or f'exit status {status}'}")
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


@pytest.mark.slow
def test_every_module_imports_alone_in_a_fresh_interpreter():
    r = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALONE, *sorted(MODULES)], capture_output=True, text=True, timeout=600
    )
    assert r.returncode == 0, r.stdout + r.stderr[-2000:]
    assert len(MODULES) > 50  # the module list itself was found
