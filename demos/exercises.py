"""Exercises for the notebook: the learner computes, the engine checks.

Each ``check_*`` function takes the learner's number (``None`` until they have one),
computes the true value with the engine, and says whether it is right, as the
player's quiz does: within 1e-3 relative (or 1e-6 absolute).
"""

from __future__ import annotations

import math
import numbers

from autograd import Value

from .chain_rule import network

# the notes' network, as the chain_rule demo builds it at seed 0
NOTES = {"x": 1.5, "y": 1.0, "t1": 0.5, "t2": -1.2}


def close(answer: float, truth: float) -> bool:
    return abs(answer - truth) <= 1e-3 * abs(truth) or abs(answer - truth) <= 1e-6


def check(answer: object, truth: float, what: str) -> bool:
    """Print whether ``answer`` is ``truth``; True when it is."""
    if answer is None:
        print(f"Put your value of {what} in `answer` and run this cell again.")
        return False
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real) or not math.isfinite(answer):
        print(f"{answer!r} is not a number: give {what} as a number, such as -0.69 or 1/4.")
        return False
    if close(float(answer), truth):
        print(f"✓ right: {what} = {truth:.6g}")
        return True
    print(f"✗ not quite: {answer!r} is not {what}. Multiply the local derivatives along the path, and try again.")
    return False


def notes_network() -> dict[str, Value]:
    """The notes' θ1/θ2 network after J.backward()."""
    v = network(NOTES["x"], NOTES["y"], NOTES["t1"], NOTES["t2"])
    v["J"].backward()
    return v


def check_theta2(answer: object) -> bool:
    """∂J/∂θ2 of the notes' network: ∂J/∂a3 · ∂a3/∂z3 · ∂z3/∂θ2."""
    return check(answer, notes_network()["θ2"].grad, "∂J/∂θ2")


def check_theta1(answer: object) -> bool:
    """∂J/∂θ1 of the notes' network: five factors, from J down to θ1."""
    return check(answer, notes_network()["θ1"].grad, "∂J/∂θ1")


def check_update(answer: object, w: float, grad: float, lr: float) -> bool:
    """One gradient-descent step: new_weight = existing_weight − learning_rate · gradient."""
    return check(answer, w - lr * grad, f"the new weight ({w} − {lr} · {grad})")
