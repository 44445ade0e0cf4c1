"""Every op's derivative against central differences, at many points."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import OPS, Value, gradcheck, numerical_grad
from tests.strategies import APPLY, CASES, reals


@pytest.mark.parametrize("name", sorted(CASES))
@given(data=st.data())
def test_op_matches_finite_differences(name: str, data: st.DataObject) -> None:
    f, inputs = CASES[name]
    xs = data.draw(inputs)
    result = gradcheck(f, xs)
    assert result, str(result)


def test_every_op_in_the_table_is_exercised() -> None:
    made = {f(*[Value(1.5), Value(0.5)][: f.__code__.co_argcount]).op for f, _ in CASES.values()}
    assert made == {name for name, op in OPS.items() if op.builtin}


@pytest.mark.parametrize("name", sorted(OPS))
def test_recorded_local_grads_follow_the_table(name: str) -> None:
    op = OPS[name]
    out = APPLY[name](Value(0.7), Value(1.3))
    assert out.op == name
    operands = [p.data for p in out.parents]
    assert out.local_grads == tuple(op.rule(*operands, out.data))
    assert len(out.parents) == op.arity


@pytest.mark.parametrize("name", sorted(OPS))
def test_rules_also_run_on_values(name: str) -> None:
    # the derivative of each rule is itself a graph: the door to higher order
    op = OPS[name]
    xs = [Value(0.7), Value(1.3)][: op.arity]
    out_float = APPLY[name](Value(0.7), Value(1.3)).data
    as_values = op.rule(*xs, Value(out_float))
    as_floats = op.rule(*[v.data for v in xs], out_float)
    for v, f in zip(as_values, as_floats):
        assert float(v) == pytest.approx(f, rel=1e-12)


def test_second_derivative_through_a_rule() -> None:
    # d/dx of tanh'(x) = -2 tanh(x) (1 - tanh²(x)), got by running tanh's rule on Values
    x = Value(0.4)
    out = x.tanh()
    (first,) = OPS["tanh"].rule(x, out)
    first.backward()
    t = math.tanh(0.4)
    assert x.grad == pytest.approx(-2 * t * (1 - t * t), rel=1e-12)


def test_relu_derivative_at_zero_is_zero() -> None:
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0


def test_step_values_and_zero_derivative() -> None:
    assert Value(0.0).step().data == 1.0
    assert Value(-1e-12).step().data == 0.0
    x = Value(3.0)
    x.step().backward()
    assert x.grad == 0.0


@given(reals(-1e6, 1e6))
def test_sigmoid_and_tanh_are_finite_for_any_finite_input(v: float) -> None:
    for out in (Value(v).sigmoid(), Value(v).tanh()):
        assert math.isfinite(out.data) and math.isfinite(out.local_grads[0])


def test_sigmoid_saturates_without_overflow() -> None:
    x = Value(-1000.0)
    s = x.sigmoid()
    s.backward()
    assert s.data == 0.0 and x.grad == 0.0
    assert Value(1000.0).sigmoid().data == 1.0


def test_numerical_grad_of_a_known_function() -> None:
    grads = numerical_grad(lambda x, y: x * y + x.exp(), [1.0, 2.0])
    assert grads == pytest.approx([2.0 + math.e, 1.0], rel=1e-8)
