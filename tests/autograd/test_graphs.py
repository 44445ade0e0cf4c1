"""Random expression DAGs with shared sub-expressions against finite differences."""

from __future__ import annotations

from hypothesis import given, settings

from autograd import Value, gradcheck, topological
from tests.strategies import APPLY, as_function, points, programs, run


@settings(max_examples=150)
@given(program=programs(), data=points(4))
def test_random_dag_gradients_match_finite_differences(program, data) -> None:
    n_inputs = program[0]
    result = gradcheck(as_function(program), data[:n_inputs])
    assert result, str(result)


@given(program=programs(), data=points(4))
def test_intermediate_grad_is_derivative_of_output_wrt_it(program, data) -> None:
    # For each intermediate node m: perturbing m's value alone changes J by m.grad·δ.
    # Recompute J from a copy of the graph in which m is replaced by a leaf.
    n_inputs = program[0]
    xs = [Value(v) for v in data[:n_inputs]]
    J = run(program, *xs)
    J.backward()
    order = topological(J)
    for m in order[-6:]:
        if m.is_leaf or m is J:
            continue
        eps = 1e-6
        plus, minus = _replay(order, m, m.data + eps), _replay(order, m, m.data - eps)
        numeric = (plus - minus) / (2 * eps)
        assert abs(m.grad - numeric) <= 1e-5 + 1e-3 * abs(numeric)


def _replay(order, target, value):
    """J's value when node ``target`` is forced to ``value`` (everything else recomputed)."""
    vals = {}
    for node in order:
        if node is target:
            vals[node] = value
        elif node.is_leaf:
            vals[node] = node.data
        else:
            args = [p if p.is_constant else Value(vals[p]) for p in node.parents] + [None]
            vals[node] = APPLY[node.op](*args[:2]).data
    return vals[order[-1]]


@given(program=programs())
def test_topological_order_puts_parents_first(program) -> None:
    xs = [Value(0.3 * (i + 1)) for i in range(program[0])]
    J = run(program, *xs)
    order = topological(J)
    position = {node: i for i, node in enumerate(order)}
    assert order[-1] is J and len(position) == len(order)
    for node in order:
        for p in node.parents:
            assert position[p] < position[node]
