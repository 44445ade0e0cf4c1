"""demos/notes.ipynb, generated from the demos: ``python -m demos.notebook`` writes it.

The notebook tells the page's story by running the same demos (their text and
figures come from ``run``), and adds, after each, a few lines to change and
exercises the engine checks (``demos.exercises``).  Nothing is written twice:
regenerate it after changing a demo; a test holds the file equal to this output.
"""

from __future__ import annotations

import json
from pathlib import Path

from autograd.files import write_atomic

from . import NAMES, load
from .page import INTRO

PATH = Path(__file__).with_name("notes.ipynb")

SETUP = """\
from pathlib import Path

import demos
import nn
import viz
from autograd import Value
from demos import exercises

OUT = Path("notes_out")  # the figures the demos write"""

# after each section: (what to try, code to change), then exercises checked by the engine
TRY = {
    "neuron": [(
        "A neuron by hand: change the weights, the bias and the inputs, and run the cell again.",
        """\
x1, x2 = Value(1.0, label="x1"), Value(0.0, label="x2")
w1, w2, b = Value(0.6, label="w1"), Value(-0.4, label="w2"), Value(-0.5, label="b")
z = w1 * x1 + w2 * x2 + b
z.label = "z"
a = z.step()
a.label = "a"
print("z = w1·x1 + w2·x2 + b =", z.data, "  a = step(z) =", a.data)
viz.draw(a)""",
    )],
    "learning_rate": [
        (
            "A learning-rate sweep on the bowl J(w) = (w − 3)², from w = −2: try 0.05, 0.4, 0.5, 0.95, 1.05.",
            """\
from demos.learning_rate import descend

for lr in (0.05, 0.4, 0.5, 0.95, 1.05):
    path = descend(-2.0, lr, 12)
    print(f"lr {lr:<5} w after 12 steps: {path[-1]:10.4f}")""",
        ),
        (
            "Exercise: one update by hand. w = 0.8, its gradient is −2.5 and the learning rate 0.1. "
            "What is the new weight? Put it in `answer`.",
            """\
answer = None  # your number here
exercises.check_update(answer, w=0.8, grad=-2.5, lr=0.1)""",
        ),
    ],
    "weight_init": [(
        "Zero against random initialisation: how many different units does layer 2 end up with?",
        """\
X, y = nn.datasets.moons(40, seed=0)
y = [(t + 1) / 2 for t in y]
for init in ("zeros", "xavier_uniform"):
    model = nn.MLP(2, [6, 6, 1], activation="sigmoid", init=init, seed=0)
    nn.fit(model, nn.mse, X, y, lr=0.5, epochs=20, quiet=True)
    units = {tuple(w.data for w in n.w) for n in model.layers[1].neurons}
    print(f"{init:>15}: {len(units)} distinct units in layer 2")""",
    )],
    "gradients": [(
        "Why is a gradient zero? Change the bias −1.37 to −0.37 (the relu comes alive), or make it a tiny sigmoid "
        "chain, and ask again.",
        """\
θ1 = Value(0.5, label="θ1")
z2 = θ1 * 2.0 - 1.37
z2.label = "z2"
a = z2.relu()
J = a * 3.0 + a * 4.0
J.label = "J"
viz.why(J, θ1)""",
    )],
    "losses": [(
        "The three losses on one prediction each: change the numbers and see how each loss answers.",
        """\
print("MSE              ", nn.mse([Value(2.5)], [3.0]).data)
print("cross-entropy (σ)", nn.binary_cross_entropy_with_logits([Value(0.8)], [1]).data)
print("softmax + CE     ", nn.cross_entropy([Value(2.0), Value(1.0), Value(0.1)], 0).data)""",
    )],
    "chain_rule": [
        (
            "Watch backward happen on the notes' network: step with → and ←, or change θ1.",
            """\
v = exercises.notes_network()
viz.step_through(v["J"])""",
        ),
        (
            "Exercise: compute ∂J/∂θ2 by hand from the local derivatives drawn above "
            "(∂J/∂a3 · ∂a3/∂z3 · ∂z3/∂θ2), put it in `answer`, and let the engine check it.",
            """\
answer = None  # your number here
exercises.check_theta2(answer)""",
        ),
        (
            "Exercise: now ∂J/∂θ1, five factors long.",
            """\
answer = None  # your number here
exercises.check_theta1(answer)""",
        ),
        (
            "The same ∂J/∂θ1 by forward mode: θ̇1 = 1 at θ1, then ż = Σ ∂z/∂p · ṗ node by node up to J.",
            """\
v = exercises.notes_network()
viz.step_through(v["J"], mode="forward", wrt=v["θ1"])""",
        ),
    ],
}


def _markdown(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text.splitlines(keepends=True)}


def _code(text: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": text.splitlines(keepends=True)}


def build() -> dict:
    """The notebook as a JSON document (nbformat 4)."""
    cells = [_markdown(f"# Session 1, live\n\n{INTRO}"), _code(SETUP)]
    for name in NAMES:
        module = load(name)
        cells.append(_markdown(f"## {module.TITLE}\n\n{module.SUMMARY}."))
        cells.append(_code(f'demos.load("{name}").run(OUT, quick=True);'))
        for words, code in TRY.get(name, []):
            cells.append(_markdown(words))
            cells.append(_code(code))
    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i:02d}"  # stable ids, so the file does not change between runs
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                     "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def text() -> str:
    return json.dumps(build(), indent=1, ensure_ascii=False) + "\n"


def main() -> int:
    write_atomic(PATH, text(), "notebook")
    print(f"wrote {PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
