"""The shape of the code: the folders of `pipeline/` follow the path of the
data, and imports run one way, down that path.

    text → read → outline → extract → checks → output → run → flows → cli

(the model, the pattern loader, the limits and the external tools below
them all).  A module may import its own layer and the layers below it, never
one above; and no two modules import each other, however indirectly, even
inside a function or under `TYPE_CHECKING`.  The imports are read with `ast`,
without running anything."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

# Each source folder and the import name it is installed under (setup.py).
FOLDERS = {"pipeline": "cchc.pipeline", "flows": "cchc.flows", "cchc": "cchc"}
LAYERS = [
    ("base", ("cchc", "cchc.pipeline", "cchc.pipeline.model", "cchc.pipeline.patterns", "cchc.pipeline.limits",
              "cchc.pipeline.tools")),
    ("text", ("cchc.pipeline.text",)),
    ("read", ("cchc.pipeline.read",)),
    ("outline", ("cchc.pipeline.outline",)),
    ("extract", ("cchc.pipeline.extract",)),
    ("checks", ("cchc.pipeline.checks",)),
    ("output", ("cchc.pipeline.output",)),
    ("run", ("cchc.pipeline.run",)),
    ("flows", ("cchc.flows",)),
    ("cli", ("cchc.cli",)),
]


def _modules() -> dict[str, Path]:
    modules = {}
    for folder, package in FOLDERS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join((package, *parts))] = path
    return modules


MODULES = _modules()


def _resolve(importer: str, node: ast.ImportFrom | ast.Import) -> list[str]:
    """The project's modules an import statement loads (not their parents)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = importer if MODULES[importer].name == "__init__.py" else importer.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{base}".rstrip(".")
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
    return sorted({name for name in names if name in MODULES})


def _graph() -> dict[str, set[str]]:
    graph = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[module] = {target for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                         for target in _resolve(module, node) if target != module}
    return graph


def _layer(module: str) -> int:
    """The base modules by name, every other module by its folder."""
    for i, (_, names) in enumerate(LAYERS):
        if module in names or i > 0 and any(module.startswith(name + ".") for name in names):
            return i
    raise AssertionError(f"{module} is in no layer: add its folder to LAYERS")


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_every_module_is_in_a_layer():
    assert {LAYERS[_layer(module)][0] for module in MODULES} == {name for name, _ in LAYERS}


def test_no_import_cycle():
    assert _cycles(_graph()) == []


def test_imports_run_down_the_path():
    upward = [f"{a} ({LAYERS[_layer(a)][0]}) imports {b} ({LAYERS[_layer(b)][0]})"
              for a, targets in sorted(_graph().items()) for b in sorted(targets) if _layer(b) > _layer(a)]
    assert upward == []


def test_the_cycle_finder_finds_a_type_guarded_cycle():
    """The test above could pass by finding nothing: a guarded import back is
    a cycle too."""
    graph = {"a": {"b"}, "b": set(), "c": set()}
    assert _cycles(graph) == []
    graph["b"].add("a")
    assert _cycles(graph) == [["a", "b"]]
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from cchc.pipeline.model import Document\n")
    node = next(n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module.startswith("cchc"))
    assert _resolve("cchc.pipeline.text.normalize", node) == ["cchc.pipeline.model"]


def test_the_outline_does_not_load_spacy():
    code = "import sys, cchc.pipeline.outline.structure; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_no_standard_re_in_the_code():
    """Every pattern is a `regex` pattern: Unicode classes, named lists and a
    time limit on text from reports (patterns/README.md)."""
    uses_re = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) and not node.level else [])
            if "re" in names:
                uses_re.append(module)
    assert uses_re == []


# A module or a function longer than this is read in pieces by whoever
# changes it: past these sizes it holds more than one idea, and is cut where
# its ideas meet.
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def _long_functions(tree: ast.AST) -> list[tuple[str, int]]:
    """(name, lines) of each function or method over MAX_FUNCTION_LINES,
    counted from its `def` to its last line."""
    return [(node.name, node.end_lineno - node.lineno + 1) for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]


def test_pipeline_modules_are_short():
    long = [f"{path.relative_to(ROOT)}: {lines} lines" for module, path in MODULES.items()
            if module.startswith("cchc.pipeline.")
            and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert long == [], f"modules over {MAX_MODULE_LINES} lines"


def test_functions_are_short():
    long = [f"{path.relative_to(ROOT)}: {name}, {lines} lines" for path in MODULES.values()
            for name, lines in _long_functions(ast.parse(path.read_text(encoding="utf-8")))]
    assert long == [], f"functions over {MAX_FUNCTION_LINES} lines"


def test_the_length_check_sees_methods_and_nested_functions():
    def body(lines: int, indent: str) -> str:
        return "".join(f"{indent}x{i} = {i}\n" for i in range(lines))

    # def + 79 lines: exactly the limit.
    assert _long_functions(ast.parse("def f():\n" + body(MAX_FUNCTION_LINES - 1, "    "))) == []
    nested = "class A:\n    def long(self):\n" + body(3, " " * 8) + "        def inner():\n" + body(MAX_FUNCTION_LINES, " " * 12)
    assert _long_functions(ast.parse(nested)) == [("long", MAX_FUNCTION_LINES + 5), ("inner", MAX_FUNCTION_LINES + 1)]


def _regex_compiles(tree: ast.AST) -> list[int]:
    """Lines that call `regex.compile`, however the module was imported."""
    aliases = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
               for alias in node.names if alias.name == "regex"}
    direct = {alias.asname or alias.name for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) and node.module == "regex" and not node.level
              for alias in node.names if alias.name == "compile"}
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call) and (
        isinstance(node.func, ast.Attribute) and node.func.attr == "compile"
        and isinstance(node.func.value, ast.Name) and node.func.value.id in aliases
        or isinstance(node.func, ast.Name) and node.func.id in direct)]


def test_every_pattern_is_compiled_in_one_place():
    """`compile_pattern` (pipeline/patterns.py) compiles every pattern, in the
    dialect and under the time limit; no module compiles one of its own."""
    own = [f"{path.relative_to(ROOT)}:{line}" for module, path in MODULES.items()
           if module != "cchc.pipeline.patterns"
           for line in _regex_compiles(ast.parse(path.read_text(encoding="utf-8")))]
    assert own == []


def test_the_compile_finder_sees_every_spelling():
    tree = ast.parse("import regex\nimport regex as rx\nfrom regex import compile as c\n"
                     "a = regex.compile('x')\nb = rx.compile('y')\nd = c('z')\ne = regex.escape('w')\n")
    assert _regex_compiles(tree) == [4, 5, 6]
