"""gradcheck and numerical_grad: the engine's derivatives against central differences."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from . import checks
from .finite import check_finite
from .value import Value

Function = Callable[..., Value]


def _evaluate(f: Function, xs: Sequence[float]) -> float:
    return checks.returned(f(*[Value(x) for x in xs]), Value, "f").data


def _floats(xs: Sequence[float]) -> list[float]:
    return [checks.real(x, f"xs[{i}]") for i, x in enumerate(checks.sequence(xs, "xs"))]


def _check_eps(eps: float) -> float:
    return checks.number(eps, "eps", above=0.0)


def numerical_grad(f: Function, xs: Sequence[float], eps: float = 1e-6) -> list[float]:
    """Central differences of ``f`` at ``xs``: (f(x + eps) − f(x − eps)) / 2eps per input.

    ``f`` takes one Value per entry of ``xs`` and returns a Value.
    """
    point = _floats(xs)
    eps = _check_eps(eps)
    grads = []
    for i, x in enumerate(point):
        up = point.copy()
        down = point.copy()
        up[i] = x + eps
        down[i] = x - eps
        grads.append((_evaluate(f, up) - _evaluate(f, down)) / (2.0 * eps))
    return grads


@dataclass
class GradcheckResult:
    """The outcome of :func:`gradcheck`: truthy when every input agrees."""

    xs: list[float]
    analytic: list[float]
    numeric: list[float]
    atol: float
    rtol: float
    failures: list[int] = field(default_factory=list)
    nonfinite: str = ""  # where a gradient stopped being finite (check_finite's message), if one did

    def __bool__(self) -> bool:
        return not self.failures

    def error(self, i: int) -> float:
        return abs(self.analytic[i] - self.numeric[i])

    def __str__(self) -> str:
        verdict = "ok" if self else f"FAILED for inputs {', '.join(f'x{i}' for i in self.failures)}"
        rows = [f"gradcheck {verdict} (atol={self.atol:g}, rtol={self.rtol:g})"]
        rows.append(f"{'input':<8}{'x':>14}{'analytic':>16}{'numeric':>16}{'error':>12}")
        for i, x in enumerate(self.xs):
            mark = "  <- disagrees" if i in self.failures else ""
            rows.append(
                f"{'x' + str(i):<8}{x:>14.6g}{self.analytic[i]:>16.8g}"
                f"{self.numeric[i]:>16.8g}{self.error(i):>12.3g}{mark}"
            )
        if self.nonfinite:
            rows.append(f"not finite: {self.nonfinite}")
        return "\n".join(rows)

    __repr__ = __str__


def gradcheck(
    f: Function,
    xs: Sequence[float],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> GradcheckResult:
    """Compare backward's gradient of ``f`` at ``xs`` with central differences.

    Input i agrees when |analytic − numeric| ≤ atol + rtol·|numeric|
    (PyTorch's tolerances by default).
    """
    point = _floats(xs)
    atol = checks.real(atol, "atol")
    rtol = checks.real(rtol, "rtol")
    if atol < 0.0 or rtol < 0.0:
        raise ValueError(f"atol and rtol must be >= 0, got atol={atol!r}, rtol={rtol!r}")
    inputs = [Value(x, label=f"x{i}") for i, x in enumerate(point)]
    out = checks.returned(f(*inputs), Value, "f")
    out.backward()
    analytic = [v.grad for v in inputs]
    numeric = numerical_grad(f, point, eps)
    failures = [
        i
        for i, (a, n) in enumerate(zip(analytic, numeric))
        if not (math.isfinite(a) and abs(a - n) <= atol + rtol * abs(n))
    ]
    nonfinite = ""
    if not all(math.isfinite(a) for a in analytic):
        try:
            check_finite(out)
        except FloatingPointError as error:
            nonfinite = str(error)
    return GradcheckResult(point, analytic, numeric, atol, rtol, failures, nonfinite)
