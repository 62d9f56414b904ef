"""The package reads bottom to top: no module imports from a layer above its own.

Every ``import`` and ``from ... import`` of a ``graphcollapse`` module, at
module level or inside a function, is read from the source with :mod:`ast`
and checked against :data:`LAYERS`.  Modules of one layer may import each
other; an import that goes up a layer fails the test with its file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import graphcollapse

PACKAGE = Path(graphcollapse.__file__).parent

#: Layers bottom to top; a module belongs to the first prefix that matches its dotted name.
LAYERS = [
    ["graphcollapse._version", "graphcollapse.errors"],
    ["graphcollapse.numbers"],
    ["graphcollapse.linalg"],
    ["graphcollapse.graph", "graphcollapse.examples"],
    ["graphcollapse.topology", "graphcollapse.verdict"],
    ["graphcollapse.operator"],
    ["graphcollapse.estimators"],
    ["graphcollapse.solvers", "graphcollapse.simulation"],
    ["graphcollapse.crosscheck"],
    ["graphcollapse.analysis", "graphcollapse.system", "graphcollapse.metrics"],
    ["graphcollapse.parallel", "graphcollapse.families", "graphcollapse.ensembles", "graphcollapse.dynamics"],
    ["graphcollapse.presentation"],
    ["graphcollapse.cli", "graphcollapse.__main__"],
]


def layer_of(module: str) -> int:
    best, depth = None, -1
    for level, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > depth:
                best, depth = level, len(prefix)
    if best is None:
        raise AssertionError(f"module {module} is in no layer: add it to LAYERS in tests/test_layers.py")
    return best


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("graphcollapse"):
                yield node.lineno, node.module
                for alias in node.names:  # "from graphcollapse.x import y" may import the submodule x.y
                    candidate = f"{node.module}.{alias.name}"
                    if (PACKAGE.parent / Path(*candidate.split("."))).with_suffix(".py").exists():
                        yield node.lineno, candidate
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("graphcollapse"):
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}:{node.lineno}: relative import (the package uses absolute imports)")


SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_import_goes_up_a_layer(path):
    module = module_name(path)
    if module == "graphcollapse":
        return  # the package root lists the public API lazily (by name, not by import)
    own = layer_of(module)
    for line, imported in imports_of(path):
        if imported == "graphcollapse":
            raise AssertionError(f"{path.name}:{line}: imports the package root (import the defining module)")
        assert layer_of(imported) <= own, (
            f"{module} (layer {own}) imports {imported} (layer {layer_of(imported)}) at line {line}")


def test_every_module_has_a_layer():
    for path in SOURCES:
        layer_of(module_name(path)) if module_name(path) != "graphcollapse" else None
