"""python -m autograd: a guided tour that waits on a terminal and runs straight through elsewhere."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

from autograd.__main__ import STEPS, as_typed

ROOT = Path(__file__).resolve().parents[2]


def test_the_tour_runs_straight_through_off_a_terminal() -> None:
    done = subprocess.run([sys.executable, "-m", "autograd"], cwd=ROOT, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60, check=True)
    out = done.stdout
    for k, (title, _, _) in enumerate(STEPS, 1):
        assert f"── {k}/{len(STEPS)} {title} ──" in out
    assert "[Enter" not in out  # it did not wait
    assert ">>> J.backward()" in out and "...     print(" in out
    # step 4 prints exactly what it multiplies: each factor a named node's local derivative
    lines = out.splitlines()
    k = lines.index("    dJ/dw = ∂J/∂d · ∂d/∂a · ∂a/∂z · ∂z/∂wx · ∂wx/∂w")
    a = math.tanh(-3.0 * 2.0 + 1.0)  # J = d², d = a − 0.5, a = tanh(z), z = wx + b, wx = w·x
    factors = [2 * (a - 0.5), 1.0, 1 - a * a, 1.0, 2.0]
    product = math.prod(factors)
    numbers = "".join(f"({g:.6g})" for g in factors)
    assert lines[k + 1] == f"          = {numbers} = {product:.6g};  w.grad = {product:.6g}"
    assert "7.0 = 2·3 + 1" in out
    assert "∂tanh(x)/∂x = 1 − tanh²(x)" in out  # the op table
    assert "make notebook" in out and "make demo" in out
    assert done.stderr == ""


def test_every_step_runs_at_the_repl(capsys) -> None:
    """Each step's lines, as printed, paste into an interactive interpreter without an error."""
    import code

    console = code.InteractiveConsole()
    errors = []
    console.showsyntaxerror = lambda *a, **k: errors.append("syntax")
    console.showtraceback = lambda *a, **k: errors.append("traceback")
    for _, step, _ in STEPS:
        for line in as_typed(step).splitlines():
            console.push(line[4:])
        console.push("")
    assert errors == []
