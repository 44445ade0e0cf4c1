"""Forward mode against PyTorch's own (torch.func.jvp, functional.jacobian and hvp) in float64."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from autograd import hvp, jacobian, jvp
from tests.strategies import T, as_function, hessian_by_differences, points, programs, run

torch = pytest.importorskip("torch")


def _torch_fn(program):
    def fn(*ts):
        return run(program, *[T(t) for t in ts]).t
    return fn


def _tensors(xs):
    return tuple(torch.tensor(x, dtype=torch.float64) for x in xs)


@settings(max_examples=40, deadline=None)
@given(program=programs(), data=points(4), direction=points(4))
def test_jvp_matches_torch_func_jvp(program, data, direction) -> None:
    n = program[0]
    out, tangent = jvp(as_function(program), data[:n], direction[:n])
    t_out, t_tangent = torch.func.jvp(_torch_fn(program), _tensors(data[:n]), _tensors(direction[:n]))
    assert out == pytest.approx(t_out.item(), rel=1e-12, abs=1e-12)
    assert tangent == pytest.approx(t_tangent.item(), rel=1e-9, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(program=programs(max_inputs=3), data=points(3))
def test_jacobian_in_every_mode_matches_torch(program, data) -> None:
    n = program[0]
    fn, tfn = as_function(program), _torch_fn(program)

    def ours(*xs):
        y = fn(*xs)
        return [y, y.tanh(), y * xs[-1]]

    def theirs(*ts):
        y = tfn(*ts)
        return torch.stack([y, torch.tanh(y), y * ts[-1]])

    want = torch.autograd.functional.jacobian(theirs, _tensors(data[:n]))
    for mode in ("reverse", "forward", "auto"):
        J = jacobian(ours, data[:n], mode=mode)
        for i in range(3):
            for j in range(n):
                assert J[i][j] == pytest.approx(want[j][i].item(), rel=1e-9, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(program=programs(max_inputs=3, max_ops=10), data=points(3), direction=points(3))
def test_hvp_matches_torch(program, data, direction) -> None:
    n = program[0]
    out, Hv = hvp(as_function(program), data[:n], direction[:n])
    t_out, t_hv = torch.autograd.functional.hvp(_torch_fn(program), _tensors(data[:n]), _tensors(direction[:n]))
    assert out == pytest.approx(t_out.item(), rel=1e-12, abs=1e-12)
    if Hv != pytest.approx([want.item() for want in t_hv], rel=1e-8, abs=1e-10):
        # where PyTorch masks a power's derivative (see hessian_by_differences), differences decide
        H = hessian_by_differences(program, data[:n])
        want = [sum(H[i][j] * direction[j] for j in range(n)) for i in range(n)]
        assert Hv == pytest.approx(want, rel=1e-4, abs=1e-5)
