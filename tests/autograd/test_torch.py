"""Random DAGs against PyTorch in float64 (skipped when torch is not installed)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from autograd import OPS, Value, grad, hessian
from tests.strategies import APPLY, T, hessian_by_differences, points, programs, run

torch = pytest.importorskip("torch")



@settings(max_examples=100)
@given(program=programs(), data=points(4))
def test_random_dag_matches_torch_float64(program, data) -> None:
    n = program[0]
    xs = [Value(v) for v in data[:n]]
    J = run(program, *xs)
    J.backward()
    ts = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in data[:n]]
    out = run(program, *[T(t) for t in ts]).t
    out.backward()
    assert J.data == pytest.approx(out.item(), rel=1e-12, abs=1e-12)
    for x, t in zip(xs, ts):
        assert x.grad == pytest.approx(t.grad.item(), rel=1e-9, abs=1e-12)


# -- second derivatives ---------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(n for n, op in OPS.items() if op.builtin))
@pytest.mark.parametrize("at", [(0.7, 1.3), (2.1, -0.4), (-0.6, 0.35)])
def test_second_derivatives_of_every_op_match_torch(name, at) -> None:
    x0, y0 = at
    if name in ("log", "pow", "sqrt"):
        x0 = abs(x0)  # log, sqrt and a Value exponent need a positive base
    H = hessian(lambda x, y: APPLY[name](x, y), [x0, y0])
    t = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (x0, y0)]
    out = APPLY[name](T(t[0]), T(t[1])).t
    if not out.requires_grad:  # torch's step is a constant
        assert H == [[0.0, 0.0], [0.0, 0.0]]
        return
    first = torch.autograd.grad(out, t, create_graph=True, allow_unused=True, materialize_grads=True)
    for i in range(2):
        if not first[i].requires_grad:  # a constant gradient: its row is zero
            expected = [0.0, 0.0]
        else:
            row = torch.autograd.grad(first[i], t, retain_graph=True, allow_unused=True, materialize_grads=True)
            expected = [r.item() for r in row]
        assert H[i] == pytest.approx(expected, rel=1e-9, abs=1e-12), (name, i)


@settings(max_examples=60, deadline=None)
@given(program=programs(max_inputs=3, max_ops=10), data=points(3))
def test_random_dag_second_derivatives_match_torch(program, data) -> None:
    n = program[0]
    xs = [Value(v) for v in data[:n]]
    first = grad(run(program, *xs), xs, create_graph=True)
    ts = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in data[:n]]
    tfirst = torch.autograd.grad(run(program, *[T(t) for t in ts]).t, ts, create_graph=True)
    for i, (g, tg) in enumerate(zip(first, tfirst)):
        assert g.data == pytest.approx(tg.item(), rel=1e-9, abs=1e-12)
        ours = grad(g, xs)
        if not tg.requires_grad:  # a first derivative that is constant
            assert ours == [0.0] * n
            continue
        theirs = torch.autograd.grad(tg, ts, retain_graph=True, allow_unused=True, materialize_grads=True)
        theirs = [v.item() for v in theirs]
        if ours != pytest.approx(theirs, rel=1e-9, abs=1e-12):
            # where PyTorch masks a power's derivative (see hessian_by_differences), differences decide
            assert ours == pytest.approx(hessian_by_differences(program, data[:n])[i], rel=1e-4, abs=1e-5)


@settings(max_examples=40, deadline=None)
@given(program=programs(max_inputs=5, max_ops=10), data=points(5))
def test_hessian_matches_torch_functional_hessian(program, data) -> None:
    n = max(program[0], 2)
    point = data[:n]
    ours = hessian(lambda *v: run(program, *v), point)

    def f(inputs):
        return run(program, *[T(inputs[i]) for i in range(n)]).t

    theirs = torch.autograd.functional.hessian(f, torch.tensor(point, dtype=torch.float64))
    if any(ours[i] != pytest.approx(theirs[i].tolist(), rel=1e-9, abs=1e-12) for i in range(n)):
        # where PyTorch masks a power's derivative (see hessian_by_differences), differences decide
        differences = hessian_by_differences(program, point)
        for i in range(n):
            assert ours[i] == pytest.approx(differences[i], rel=1e-4, abs=1e-5)
