"""Loss functions, each a Value: the mean over examples, so gradients flow to every input.

The pairings of the notes (1.5): a linear output with ``mse`` for regression, a
sigmoid output with ``binary_cross_entropy`` (or, better, a linear output with
``binary_cross_entropy_with_logits``) for two classes, and linear outputs with
``cross_entropy`` (softmax inside) for more.  ``hinge`` is the SVM max-margin
loss of micrograd's demo; ``huber`` is ``mse`` that turns linear past ``delta``, so an
outlier's pull is capped.

Every loss is written for numerical safety: softmax and cross-entropy subtract
the largest logit first, the with-logits forms never exponentiate a positive
number, and ``binary_cross_entropy`` clamps each log at LOG_FLOOR (−100), as PyTorch does.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any, Union, cast

from autograd import Value, checks

Scalar = Union[Value, float, int]

LOG_FLOOR = -100.0  # log p and log(1 − p) are clamped here, as in PyTorch's BCELoss
_P_FLOOR = math.exp(LOG_FLOOR)


def _data(x: Scalar) -> float:
    return x.data if isinstance(x, Value) else float(x)


def _as_list(xs: Any, name: str, who: str) -> list:
    if isinstance(xs, (Value, numbers.Real)):
        return [xs]
    if isinstance(xs, (str, bytes)) or not hasattr(xs, "__len__"):
        raise TypeError(f"{who}: {name} must be a Value, a number or a sequence of them, got {type(xs).__name__}")
    out = list(xs)
    for i, x in enumerate(out):
        if not isinstance(x, (Value, numbers.Real)) or isinstance(x, bool):
            raise TypeError(f"{who}: {name}[{i}] must be a Value or a number, got {type(x).__name__}")
    return out


def _pairs(preds: object, targets: object, who: str) -> tuple[list, list]:
    p = _as_list(preds, "preds", who)
    t = _as_list(targets, "targets", who)
    if len(p) != len(t):
        raise ValueError(f"{who}: {len(p)} predictions but {len(t)} targets")
    if not p:
        raise ValueError(f"{who}: no predictions")
    return p, t


def _mean(terms: list[Value]) -> Value:
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total * (1.0 / len(terms)) if len(terms) > 1 else total


def mse(preds: Sequence[Scalar] | Scalar, targets: Sequence[Scalar] | Scalar) -> Value:
    """Mean squared error: mean of (pred − target)²."""
    p, t = _pairs(preds, targets, "mse")
    return _mean([_value(pi - ti) ** 2 for pi, ti in zip(p, t)])


def huber(preds: Sequence[Scalar] | Scalar, targets: Sequence[Scalar] | Scalar, delta: float = 1.0) -> Value:
    """Huber loss, as PyTorch's ``huber_loss``: the mean over examples of ½·d² where |d| < delta,
    else delta·(|d| − ½·delta), for d = pred − target.

    The two pieces meet with the same value and slope at |d| = delta (which takes the linear
    piece, as PyTorch does), so each example's gradient is d inside and ±delta outside.
    PyTorch's ``smooth_l1_loss`` with ``beta`` is ``huber(..., delta=beta) / beta``.
    """
    p, t = _pairs(preds, targets, "huber")
    delta = checks.number(delta, "huber: delta", above=0.0, finite=True)
    terms = []
    for pi, ti in zip(p, t):
        d = _value(pi - ti)
        if abs(d.data) < delta:
            terms.append(0.5 * d * d)
        else:  # also NaN, which passes through abs
            terms.append((d.abs() - 0.5 * delta) * delta)
    return _mean(terms)


def _value(x: Scalar) -> Value:
    return x if isinstance(x, Value) else Value(x)


def _log_clamped(p: Value) -> Value:
    # like PyTorch's BCELoss: the log, not p, is clamped at LOG_FLOOR, so a saturated
    # sigmoid keeps its gradient (1/p · p(1 − p) stays exact); below the floor the term
    # is the constant floor, with gradient 0
    if p.data <= _P_FLOOR:
        return p * 0.0 + LOG_FLOOR
    return p.log()


def _binary_targets(t: list, who: str) -> list[float]:
    out = []
    for i, ti in enumerate(t):
        v = _data(ti)
        if not 0.0 <= v <= 1.0:
            raise ValueError(f"{who}: targets[{i}] = {v!r} is not in [0, 1]")
        out.append(v)
    return out


def binary_cross_entropy(probs: Sequence[Scalar] | Scalar, targets: Sequence[Scalar] | Scalar) -> Value:
    """−mean[t·log p + (1 − t)·log(1 − p)] for probabilities p (a sigmoid's output).

    p outside [0, 1] is refused.  As in PyTorch's BCELoss, each log is clamped at
    −100 (not p), so p = 0 or 1 gives a large but finite loss and a saturated
    sigmoid keeps its exact gradient.
    """
    p, t = _pairs(probs, targets, "binary_cross_entropy")
    t = _binary_targets(t, "binary_cross_entropy")
    terms = []
    for i, (pi, ti) in enumerate(zip(p, t)):
        v = _data(pi)
        if not 0.0 <= v <= 1.0:
            raise ValueError(f"binary_cross_entropy: probs[{i}] = {v!r} is not a probability in [0, 1]")
        q = _value(pi)
        terms.append(-(ti * _log_clamped(q) + (1.0 - ti) * _log_clamped(1.0 - q)))
    return _mean(terms)


def binary_cross_entropy_with_logits(
    logits: Sequence[Scalar] | Scalar, targets: Sequence[Scalar] | Scalar
) -> Value:
    """binary_cross_entropy(σ(x), t) computed from the logits x without forming σ(x).

    Uses max(x, 0) − x·t + log(1 + e^(−|x|)), which is finite for every finite x.
    """
    xs, t = _pairs(logits, targets, "binary_cross_entropy_with_logits")
    t = _binary_targets(t, "binary_cross_entropy_with_logits")
    terms = []
    for x, ti in zip(xs, t):
        x = _value(x)
        if x.data >= 0.0:
            terms.append(x - x * ti + (1.0 + (-x).exp()).log())
        else:
            terms.append(-x * ti + (1.0 + x.exp()).log())
    return _mean(terms)


def _logit_list(logits: object, who: str) -> list[Value]:
    xs = _as_list(logits, "logits", who)
    if not xs:
        raise ValueError(f"{who}: no logits")
    return [_value(x) for x in xs]


def softmax(logits: Sequence[Scalar]) -> list[Value]:
    """exp(x_i − m) / Σ_j exp(x_j − m) with m the largest logit (the result does not depend on m)."""
    xs = _logit_list(logits, "softmax")
    m = max(x.data for x in xs)
    exps = [(x - m).exp() for x in xs]
    total = exps[0]
    for e in exps[1:]:
        total = total + e
    return [e / total for e in exps]


def _cross_entropy_one(logits: object, target: object, who: str) -> Value:
    xs = _logit_list(logits, who)
    if isinstance(target, bool) or not isinstance(target, numbers.Integral):
        raise TypeError(f"{who}: target index must be an int, got {type(target).__name__}")
    target = int(target)
    if not 0 <= target < len(xs):
        raise ValueError(f"{who}: target index {target} is out of range for {len(xs)} logits")
    m = max(x.data for x in xs)
    shifted = [x - m for x in xs]
    total = shifted[0].exp()
    for s in shifted[1:]:
        total = total + s.exp()
    return total.log() - shifted[int(target)]


def cross_entropy(logits: Sequence[Scalar] | Sequence[Sequence[Scalar]], target_index: int | Sequence[int]) -> Value:
    """−log softmax(logits)[target_index], computed as log Σ exp(x − m) − (x_target − m).

    Given a batch (a list of logit lists and a list of target indices), the mean over it.
    """
    if isinstance(target_index, (int, numbers.Integral)) and not isinstance(target_index, bool):
        return _cross_entropy_one(logits, target_index, "cross_entropy")
    if isinstance(target_index, (str, bytes)) or not hasattr(target_index, "__len__"):
        kind = type(target_index).__name__
        raise TypeError(f"cross_entropy: target_index must be an int or a list of ints, got {kind}")
    if isinstance(logits, (str, bytes)) or not hasattr(logits, "__len__"):
        raise TypeError(f"cross_entropy: logits must be a list, got {type(logits).__name__}")
    target_index = cast("Sequence[int]", target_index)
    if len(logits) != len(target_index):
        raise ValueError(f"cross_entropy: {len(logits)} logit rows but {len(target_index)} targets")
    if not len(logits):
        raise ValueError("cross_entropy: no predictions")
    return _mean([_cross_entropy_one(row, t, "cross_entropy") for row, t in zip(logits, target_index)])


def hinge(scores: Sequence[Scalar] | Scalar, targets: Sequence[Scalar] | Scalar) -> Value:
    """SVM max-margin loss: mean of max(0, 1 − t·s) for targets t of −1 or +1."""
    s, t = _pairs(scores, targets, "hinge")
    terms = []
    for i, (si, ti) in enumerate(zip(s, t)):
        v = _data(ti)
        if v not in (-1.0, 1.0):
            raise ValueError(f"hinge: targets must be -1 or +1, got targets[{i}] = {v!r}")
        terms.append((1.0 - v * _value(si)).relu())
    return _mean(terms)


def _argmax(row: Sequence[Scalar]) -> int:
    return max(range(len(row)), key=lambda k: _data(row[k]))


def accuracy(loss_fn: object, preds: list, targets: list) -> float | None:
    """Fraction of correct predictions for the classification losses above; None for others."""
    if loss_fn is hinge:
        hits = [(_data(p) > 0) == (_data(t) > 0) for p, t in zip(preds, targets)]
    elif loss_fn is binary_cross_entropy_with_logits:
        hits = [(_data(p) > 0) == (_data(t) > 0.5) for p, t in zip(preds, targets)]
    elif loss_fn is binary_cross_entropy:
        hits = [(_data(p) > 0.5) == (_data(t) > 0.5) for p, t in zip(preds, targets)]
    elif loss_fn is cross_entropy:
        hits = [_argmax(row) == t for row, t in zip(preds, targets)]
    else:
        return None
    return sum(hits) / len(hits)


__all__ = [
    "LOG_FLOOR",
    "accuracy",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "hinge",
    "huber",
    "mse",
    "softmax",
]
