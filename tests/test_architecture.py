"""The layers of ARCHITECTURE.md, held: each package imports only the layers below it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BELOW = {"autograd": set(), "nn": {"autograd"}, "viz": {"autograd"}, "demos": {"autograd", "nn", "viz"}}


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(BELOW))
def test_a_package_imports_only_the_layers_below_it(package: str) -> None:
    others = set(BELOW) - {package}
    for path in sorted((ROOT / package).glob("*.py")):
        wrong = imported(path) & others - BELOW[package]
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}, above or beside its layer"


def test_importing_the_engine_does_not_import_numpy() -> None:
    code = "import autograd, sys; assert 'numpy' not in sys.modules, 'numpy was imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_no_pickle_or_eval_in_the_library() -> None:
    root = ROOT
    for package in ("autograd", "nn", "viz", "demos"):
        for source in (root / package).glob("*.py"):
            text = source.read_text(encoding="utf-8")
            for word in ("import pickle", "pickle.load", "eval(", "exec("):
                if word == "exec(" and source.name == "__main__.py" and package == "autograd":
                    continue  # the tour runs its own constant lines, never anything read from outside
                assert word not in text, f"{source.name} uses {word}"


def _engine_imports(path: Path) -> list[tuple[str, str]]:
    """Each relative import of an autograd module: (the module it names, the function it sits in, or "")."""
    found = []

    def walk(node: ast.AST, where: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ImportFrom) and child.level == 1:
                found.extend((child.module or alias.name, where) for alias in child.names)
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else where
            walk(child, inner)

    walk(ast.parse(path.read_text(encoding="utf-8")), "")
    return found


def test_value_py_reaches_the_backward_pass_only_from_value_backward() -> None:
    """value.py and backward.py import each other (see backward.py's docstring): the one edge from
    value.py is the deferred import inside Value.backward; pickling and the graph's order need none."""
    imports = _engine_imports(ROOT / "autograd" / "value.py")
    passes = {"backward", "derivatives", "finite", "forward", "tape", "replay", "diagnosis", "define"}
    assert [(m, w) for m, w in imports if m in passes] == [("backward", "backward")]
    assert {m for m, w in imports if not w} <= {"checks", "methods", "scopes"}


def test_every_source_file_has_at_most_400_lines() -> None:
    """The library, the demos, the bench and the CI scripts: no file past 400 lines (split a file
    along its seams before it gets there)."""
    files = [p for folder in ("autograd", "nn", "viz", "demos", "bench", ".ci")
             for p in sorted((ROOT / folder).rglob("*")) if p.suffix in (".py", ".js")]
    assert len(files) > 40
    long = {str(p.relative_to(ROOT)): n for p in files
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}
