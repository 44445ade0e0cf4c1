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
