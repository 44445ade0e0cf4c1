"""jvp with create_graph=True: the same Value twice in xs adds its directions, as without."""

from __future__ import annotations

from autograd import Value
from autograd.forward import jvp


def test_the_same_value_twice_adds_its_directions_in_the_graph_tangent_too() -> None:
    x = Value(3.0)
    out, t = jvp(lambda p, q: p * q, [x, x], [1.0, 2.0], create_graph=True)
    assert out == 9.0 and isinstance(t, Value)
    assert t.data == 18.0  # d(x²) along 1 + 2 = 3: 2x · 3
    t.backward()
    assert x.grad == 6.0  # ∂(2x · 3)/∂x
