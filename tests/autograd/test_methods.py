"""autograd/methods.py declares, for type checkers, exactly the methods autograd.define gives Value."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import autograd.methods
from autograd import OPS, Value
from autograd.define import _DUNDER, _INLINE


def _declared() -> dict[str, ast.FunctionDef]:
    tree = ast.parse(Path(autograd.methods.__file__).read_text(encoding="utf-8"))
    declared = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == "OpMethods":
            declared.update({f.name: f for f in node.body if isinstance(f, ast.FunctionDef)})
    return declared


def _installed() -> set[str]:
    names = set()
    for name, op in OPS.items():
        if not op.builtin or name in _INLINE:
            continue
        if name in _DUNDER:
            names |= {f"__{_DUNDER[name]}__", f"__r{_DUNDER[name]}__"}
        else:
            names.add(name)
    return names


def test_every_method_the_table_makes_is_declared_and_nothing_else() -> None:
    assert set(_declared()) == _installed()
    for name in _installed():
        assert callable(getattr(Value, name)), name


def test_each_declaration_takes_the_operands_the_method_takes() -> None:
    for name, f in _declared().items():
        declared = [a.arg for a in f.args.args]
        made = list(inspect.signature(getattr(Value, name)).parameters)
        assert len(declared) == len(made), (name, declared, made)


def test_at_run_time_the_base_class_adds_nothing() -> None:
    assert Value.__mro__[1].__name__ == "OpMethods"
    assert Value.__mro__[1].__dict__.get("__slots__") == ()
    assert not [k for k in vars(Value.__mro__[1]) if not k.startswith("__")]
