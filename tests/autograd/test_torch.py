"""Random DAGs against PyTorch in float64 (skipped when torch is not installed)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from autograd import Value
from tests.strategies import points, programs, run

torch = pytest.importorskip("torch")


class T:
    """A thin wrapper giving torch tensors the method names the programs use."""

    def __init__(self, t):
        self.t = t

    def _wrap(self, other):
        return other.t if isinstance(other, T) else other

    def __add__(self, o): return T(self.t + self._wrap(o))
    def __radd__(self, o): return T(self._wrap(o) + self.t)
    def __sub__(self, o): return T(self.t - self._wrap(o))
    def __rsub__(self, o): return T(self._wrap(o) - self.t)
    def __mul__(self, o): return T(self.t * self._wrap(o))
    def __rmul__(self, o): return T(self._wrap(o) * self.t)
    def __truediv__(self, o): return T(self.t / self._wrap(o))
    def __neg__(self): return T(-self.t)
    def __pow__(self, o): return T(self.t ** self._wrap(o))
    def __rpow__(self, o): return T(torch.pow(torch.tensor(float(o), dtype=torch.float64), self.t))
    def tanh(self): return T(torch.tanh(self.t))
    def sigmoid(self): return T(torch.sigmoid(self.t))
    def exp(self): return T(torch.exp(self.t))
    def log(self): return T(torch.log(self.t))


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
