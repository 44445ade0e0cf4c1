"""The warm-up run at import: a few small backward passes, so the first real ones run at full speed."""

from __future__ import annotations

from .value import Value


def warm_up() -> None:
    # CPython 3.11 rewrites a function's bytecode into its faster, specialised form only
    # after the function's 8th call.  backward runs once per training step but loops over
    # the whole graph, so on a fresh interpreter its first seven calls would run about
    # 2.5 times slower than the rest.  A few calls on a small graph at import avoid that.
    x = Value(0.5)
    h = x * x + 1.0
    y = h * h - x
    for _ in range(10):
        y.backward()
    x.grad = 0.0
