"""The layering of ARCHITECTURE: dependencies point down, no cycles, no private names.

cli -> advise -> comparison -> protocols -> models -> scenario -> kinetics, chem, units -> errors,
results. Read from the source with ast, imports inside functions included.
"""

import ast
from pathlib import Path

import monoselect

SRC = Path(monoselect.__file__).parent

# layer of a module (by its first dotted part under monoselect) -> what it may import
ALLOWED = {
    "errors": set(),
    "data": set(),
    "render": set(),
    "results": {"errors", "render"},
    "units": {"errors"},
    "kinetics": {"errors", "kinetics"},
    "chem": {"errors", "units", "data", "results", "chem"},
    "scenario": {"errors", "units", "data"},
    "plots": {"errors"},
    "models": {"models", "scenario", "kinetics", "chem", "units", "errors", "results", "data"},
    "protocols": {"protocols", "models", "scenario", "results", "errors", "units", "data"},
    "comparison": {"protocols", "models", "results", "errors", "render"},
    "advise": {
        "advise",
        "comparison",
        "protocols",
        "models",
        "scenario",
        "chem",
        "plots",
        "results",
        "errors",
        "units",
        "data",
    },
    # workup sits beside protocols: it reads a model's Result and the shared data
    "workup": {
        "workup",
        "models",
        "scenario",
        "kinetics",
        "chem",
        "units",
        "errors",
        "results",
        "data",
        "plots",
    },
    # the store reads scenarios and times as the command line does; __init__ for __version__
    "store": {"store", "scenario", "units", "errors", "__init__"},
    "web": {"__init__", "web"},  # a front end: the public API (``monoselect``) only
    # procedure writes a simulated run for the bench and as a report; it reads the workup
    "procedure": {
        "procedure",
        "workup",
        "models",
        "scenario",
        "chem",
        "plots",
        "results",
        "errors",
        "units",
        "data",
    },
    # fit simulates each run as done and reads what was observed
    "fit": {"fit", "models", "scenario", "results", "errors", "units", "plots", "data"},
    # one entry point for every picture, for the page and scripts
    "pictures": {"pictures", "plots", "advise", "fit", "workup", "errors"},
    "cli": None,  # the front end may use anything public
    "__init__": None,
    "__main__": None,
}


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).with_suffix("")
        parts = rel.parts
        name = "monoselect." + ".".join(p for p in parts if p != "__init__")
        yield name.rstrip("."), parts[0], path


def _imports(path: Path):
    """(module imported, names imported) for every monoselect import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "monoselect":
                yield node.module, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "monoselect":
                    yield a.name, []


def test_every_module_has_a_layer():
    assert {top for _, top, _ in _modules()} <= set(ALLOWED)


def test_dependencies_point_down():
    wrong = []
    for name, top, path in _modules():
        allowed = ALLOWED[top]
        if allowed is None:
            continue
        for module, _ in _imports(path):
            parts = module.split(".")
            target = parts[1] if len(parts) > 1 else "__init__"
            if target not in allowed:
                wrong.append(f"{name} imports {module}")
    assert not wrong, "\n".join(wrong)


def test_no_module_imports_a_private_name_of_another():
    wrong = []
    for name, _, path in _modules():
        for module, names in _imports(path):
            if module == name:
                continue
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            wrong += [f"{name}: from {module} import {n}" for n in private]
    assert not wrong, "\n".join(wrong)


def test_the_layers_have_no_cycle():
    """Layer graph (module imports rolled up to their layer) is acyclic, self-loops aside."""
    graph: dict[str, set[str]] = {}
    for _, top, path in _modules():
        for module, _ in _imports(path):
            parts = module.split(".")
            target = parts[1] if len(parts) > 1 else "__init__"
            if target != top and top not in ("cli", "__init__", "__main__"):
                graph.setdefault(top, set()).add(target)
    seen, stack = set(), set()

    def visit(node):
        if node in stack:
            raise AssertionError(f"import cycle through {node}: {graph}")
        if node in seen:
            return
        stack.add(node)
        for nxt in graph.get(node, ()):
            visit(nxt)
        stack.discard(node)
        seen.add(node)

    for node in list(graph):
        visit(node)
