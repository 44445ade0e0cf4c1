"""Exact derivatives where the answer is known by hand: Hessians, accumulation, unreached inputs, grad_value."""

from __future__ import annotations

from autograd import Value, grad, hessian, scope


def test_hessian_rows_are_in_input_order() -> None:
    # f = a²·b: ∂²f/∂a² = 2b, ∂²f/∂a∂b = 2a, ∂²f/∂b² = 0
    assert hessian(lambda a, b: a * a * b, [2.0, 3.0]) == [[6.0, 4.0], [4.0, 0.0]]
    # f = a³ + a·b²: [[6a, 2b], [2b, 2a]]
    assert hessian(lambda a, b: a**3 + a * b * b, [1.0, 5.0]) == [[6.0, 10.0], [10.0, 2.0]]


def test_an_unreached_input_gets_zero() -> None:
    x, y = Value(2.0), Value(7.0)
    assert grad(x * x, [x, y]) == [4.0, 0.0]
    gx, gy = grad(x * x, [x, y], create_graph=True)
    assert gx.data == 4.0 and gy.data == 0.0


def test_a_leafs_own_backward_accumulates() -> None:
    x = Value(1.5)
    x.backward()
    x.backward(2.0)
    assert x.grad == 3.0


def test_create_graph_keeps_what_a_leaf_already_held() -> None:
    x = Value(3.0)
    (x * x).backward()  # 6
    (x * x).backward(create_graph=True)  # 6 more
    assert x.grad == 12.0
    gv = x.grad_value
    assert gv is not None and gv.data == 12.0
    (d2,) = grad(gv, [x])
    assert d2 == 2.0  # the earlier 6 is a constant; the new 2x has derivative 2


def test_a_scope_entered_twice_leaves_its_inner_entry_first() -> None:
    s = scope("block")
    with s:
        with s as inner:
            assert inner == "block/block" and Value(1.0).scope == "block/block"
        assert Value(1.0).scope == "block"
    assert Value(1.0).scope is None
