"""Exercises for the notebook: the learner computes, the engine checks.

Each ``check_*`` function takes the learner's answer (``None`` until they have one: a number,
a Fraction, or the text they would type), computes the true value with the engine, and judges
it by the player's quiz rule (:mod:`viz.quiz`): a number is right when it equals the truth
rounded to the significant figures given, with at least 2; a fraction to 3 figures.
"""

from __future__ import annotations

from autograd import Value
from viz import quiz

from .chain_rule import network

# the notes' network, as the chain_rule demo builds it at seed 0
NOTES = {"x": 1.5, "y": 1.0, "t1": 0.5, "t2": -1.2}


def close(answer: float, truth: float) -> bool:
    """True when ``answer``, as written, is ``truth`` by the quiz rule."""
    text = quiz.as_text(answer)
    return text is not None and quiz.judge(text, truth).right


def check(answer: object, truth: float, what: str, hint: str = "", slips: dict[str, float] | None = None) -> bool:
    """Print whether ``answer`` is ``truth``; True when it is.

    ``hint`` is printed after a wrong answer; ``slips`` maps a description of a likely slip
    ("the sign flipped") to the value that slip gives, and a wrong answer that matches one is
    told which.
    """
    if answer is None:
        print(f"Put your value of {what} in `answer` and run this cell again.")
        return False
    text = quiz.as_text(answer)
    verdict = quiz.judge(text, truth) if text is not None else None
    if verdict is None or verdict.verdict == "not-a-number":
        print(f"{answer!r} is not a number: give {what} as a number, such as -0.69, 6.9e-1 or 1/4.")
        return False
    if verdict.right:
        print(f"✓ right: {what} = {truth:.6g}")
        return True
    if verdict.note == "too-few-figures":
        print(f"✗ {answer!r} has one significant figure: give {what} to at least two.")
        return False
    found = quiz.slip(text, truth, slips or {})
    said = f" It looks like {found}." if found else ""
    print(f"✗ not quite: {answer!r} is not {what}.{said} {hint}".rstrip())
    return False


def notes_network() -> dict[str, Value]:
    """The notes' θ1/θ2 network after J.backward()."""
    v = network(NOTES["x"], NOTES["y"], NOTES["t1"], NOTES["t2"])
    v["J"].backward()
    return v


def _path(v: dict[str, Value], names: list[str]) -> dict[str, float]:
    """Slips of a product of local derivatives along a path: one factor left out, the sign flipped."""
    truth = v[names[-1]].grad
    slips = {"the sign is flipped": -truth}
    # ∂J/∂(a node on the path) alone: the last factors forgotten
    for name in names[1:-1]:
        slips[f"you stopped at ∂J/∂{name}"] = v[name].grad
    return slips


def check_theta2(answer: object) -> bool:
    """∂J/∂θ2 of the notes' network: ∂J/∂a3 · ∂a3/∂z3 · ∂z3/∂θ2."""
    v = notes_network()
    return check(answer, v["θ2"].grad, "∂J/∂θ2",
                 "∂J/∂θ2 = ∂J/∂a3 · ∂a3/∂z3 · ∂z3/∂θ2: three local derivatives, from J down to θ2, multiplied.",
                 _path(v, ["J", "a3", "z3", "θ2"]))


def check_theta1(answer: object) -> bool:
    """∂J/∂θ1 of the notes' network: five factors, from J down to θ1."""
    v = notes_network()
    return check(answer, v["θ1"].grad, "∂J/∂θ1",
                 "∂J/∂θ1 = ∂J/∂a3 · ∂a3/∂z3 · ∂z3/∂a2 · ∂a2/∂z2 · ∂z2/∂θ1: five local derivatives multiplied.",
                 _path(v, ["J", "a3", "z3", "a2", "z2", "θ1"]))


def check_update(answer: object, w: float, grad: float, lr: float) -> bool:
    """One gradient-descent step: new_weight = existing_weight − learning_rate · gradient."""
    new = w - lr * grad
    return check(answer, new, f"the new weight ({w} − {lr} · {grad})",
                 "new weight = existing weight − learning rate × gradient: the step goes against the gradient.",
                 {"the step was added, not subtracted (w + lr · grad)": w + lr * grad,
                  "that is the step alone (lr · grad), not the new weight": lr * grad,
                  "the step was left out": w, "the gradient was not scaled by the learning rate": w - grad})
