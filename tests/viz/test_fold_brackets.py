"""Folded expressions keep exactly the brackets the math needs: a / (b + c), a − (b − c), (a + b)^2."""

from __future__ import annotations

import pytest

from autograd import Value, topological
from viz.chain import node_names
from viz.fold import Folding


def folded_text(make) -> str:
    a, b, c = Value(2.0, label="a"), Value(3.0, label="b"), Value(5.0, label="c")
    h = make(a, b, c)
    h.label = "h"
    J = h * 1.0  # h is a named inner node, so the unlabelled ones below it fold into h's box
    J.label = "J"
    order = topological(J)
    folding = Folding(order, J)
    return folding.expression(h, node_names(order, J))


@pytest.mark.parametrize("make, text", [
    (lambda a, b, c: a / (b + c), "a / (b + c)"),
    (lambda a, b, c: a / (b - c), "a / (b − c)"),
    (lambda a, b, c: a / (b * c), "a / (b · c)"),
    (lambda a, b, c: a / (b / c), "a / (b / c)"),
    (lambda a, b, c: (a + b) / c, "(a + b) / c"),
    (lambda a, b, c: (a * b) / c, "a · b / c"),
    (lambda a, b, c: (a / b) / c, "a / b / c"),
    (lambda a, b, c: (a / b) * c, "a / b · c"),
    (lambda a, b, c: a * (b / c), "a · b / c"),  # the same number read left to right
    (lambda a, b, c: a + b / c, "a + b / c"),
    (lambda a, b, c: (a + b) * c, "(a + b) · c"),
    (lambda a, b, c: a - (b - c), "a − (b − c)"),
    (lambda a, b, c: a - (b + c), "a − (b + c)"),
    (lambda a, b, c: (a - b) - c, "a − b − c"),
    (lambda a, b, c: a + (b + c), "a + b + c"),
    (lambda a, b, c: (a + b) ** 2, "(a + b)^2"),
    (lambda a, b, c: (a * b) ** 2, "(a · b)^2"),
    (lambda a, b, c: (a**2) ** 3, "(a^2)^3"),
    (lambda a, b, c: (-a) ** 2, "(−a)^2"),
    (lambda a, b, c: -(a + b), "−(a + b)"),
    (lambda a, b, c: (a + b).tanh(), "tanh(a + b)"),
    (lambda a, b, c: (a / (b + c)).sigmoid(), "σ(a / (b + c))"),
])
def test_brackets_where_needed_and_nowhere_else(make, text) -> None:
    assert folded_text(make) == text


def test_a_graph_whose_only_name_inside_is_J_is_not_folded() -> None:
    x = Value(3.0, label="x")
    J = x * x + x
    J.label = "J"
    order = topological(J)
    assert Folding(order, J).folded == set()
    h = x * x
    h.label = "h"
    K = h + x
    assert Folding(topological(K), K).folded == set()  # h is named, nothing unnamed to fold
    L = (x * 2.0) * h  # an unnamed product feeding a named graph's output
    L.label = "L"
    order = topological(L)
    assert [n.op for n in Folding(order, L).folded] == ["mul"] and len(order) == 5
