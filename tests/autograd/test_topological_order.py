"""topological(): the documented order, pinned exactly — parents first, p0's side explored before p1's."""

from __future__ import annotations

from autograd import Value, topological


def labels(root: Value) -> list[str]:
    return [n.label for n in topological(root)]


def named(v: Value, name: str) -> Value:
    v.label = name
    return v


def test_two_leaves() -> None:
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    assert labels(named(a + b, "s")) == ["a", "b", "s"]
    assert labels(named(b + a, "s")) == ["b", "a", "s"]


def test_p0_subtree_comes_whole_before_p1() -> None:
    a, b, c, d = (Value(float(i), label=n) for i, n in enumerate("abcd"))
    left = named(a * b, "L")
    right = named(c * d, "R")
    assert labels(named(left + right, "J")) == ["a", "b", "L", "c", "d", "R", "J"]
    assert labels(named(right + left, "J")) == ["c", "d", "R", "a", "b", "L", "J"]


def test_a_shared_node_appears_once_where_p0_meets_it_first() -> None:
    x = Value(3.0, label="x")
    h = named(x * 2.0, "h")
    J = named(h + named(h * x, "k"), "J")
    order = topological(J)
    assert [n.label for n in order] == ["x", "", "h", "k", "J"]  # "" is the constant 2
    assert order[1].is_constant and len(order) == len(set(order))


def test_unary_and_repeated_operand() -> None:
    x = Value(0.5, label="x")
    J = named(named(x * x, "sq").tanh(), "J")
    assert labels(J) == ["x", "sq", "J"]
