"""What the tests draw from the op table, in one place: how to apply each op, the PyTorch twin
of each op, the points to check it at, the ops a test defines, and the hypothesis strategies.

Everything here is read from ``autograd.OPS``, so an op added to the table (or defined with
``define_op``, as two are below) is checked by every table-driven test with no code of its own.

A random expression is a *program*: a list of instructions over numbered slots,
where slots 0..n_inputs-1 are the inputs and each instruction appends one slot.
Operands are drawn from every earlier slot, so sub-expressions are shared.  The
same program runs on Values, on floats (for finite differences) or on torch
tensors, through ``run``.
"""

from __future__ import annotations

import math
import operator
import random
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from hypothesis import strategies as st

from autograd import OPS, Value, define_op, grad, numerical_grad
from autograd.notation import to_python

# -- ops defined the way a user defines one, so that every test enumerating the table checks them

if "cubed" not in OPS:
    cubed = define_op(
        "cubed",
        expr="x^3",
        value=lambda x: x * x * x,
        partials=(lambda x, out: 3 * x * x,),
        formulas=("3·x^2",),
        js=("x * x * x", "3 * x * x"),
    )
    hypot = define_op(
        "hypot",
        expr="hypot(x, y)",
        value=lambda x, y: (x * x + y * y) ** 0.5,
        partials=(lambda x, y, out: x / out, lambda x, y, out: y / out),
        formulas=("x/hypot(x, y)", "y/hypot(x, y)"),
        js=("Math.sqrt(x * x + y * y)", "x / out", "y / out"),
        domain=(lambda x, y: (x != 0) | (y != 0), "undefined at x = y = 0 (its partials are 0/0)"),
    )

# Each entry: arity, how to apply it to operands of any numeric kind.
# Ops are composed so that every program is smooth and finite on bounded inputs.
PROGRAM_OPS: dict[str, tuple[int, Callable[..., Any]]] = {
    "add": (2, lambda a, b: a + b),
    "sub": (2, lambda a, b: a - b),
    "mul": (2, lambda a, b: a * b),
    "div": (2, lambda a, b: a / (b * b + 1.0)),
    "neg": (1, lambda a: -a),
    "square": (1, lambda a: a**2),
    "tanh": (1, lambda a: a.tanh()),
    "sigmoid": (1, lambda a: a.sigmoid()),
    "exp": (1, lambda a: a.tanh().exp()),
    "log": (1, lambda a: (a * a + 1.0).log()),
    "vpow": (2, lambda a, b: (a * a + 1.0) ** b.tanh()),
    "rpow": (1, lambda a: 2.0 ** a.tanh()),
    "const": (1, lambda a: 3.0 - a * 0.5),
}


_OPERATORS = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv,
              "pow": operator.pow, "neg": operator.neg}


class _Apply(Mapping):
    """How to make each op of the engine's table from Values (y is ignored by unary ops), read
    from the table itself, so that an op defined later (define_op) is in it too."""

    def __getitem__(self, name: str) -> Callable[[Any, Any], Any]:
        if name not in OPS:
            raise KeyError(name)
        if name in _OPERATORS:
            fn = _OPERATORS[name]
            return (lambda x, y: fn(x)) if OPS[name].arity == 1 else fn
        if OPS[name].arity == 1:
            return lambda x, y: getattr(x, name)()
        return lambda x, y: getattr(x, name)(y)  # a method, so that other kinds of number (torch's) work too

    def __iter__(self) -> Iterator[str]:
        return iter(list(OPS))

    def __len__(self) -> int:
        return len(OPS)


APPLY: Mapping[str, Callable[[Any, Any], Any]] = _Apply()


# -- points to check an op at ---------------------------------------------------------------------


def call(name: str, *pt: float) -> tuple[Value, list[Value]]:
    """The op on leaves holding ``pt``: its output and the leaves."""
    xs = [Value(v) for v in pt]
    return APPLY[name](xs[0], xs[1] if len(xs) > 1 else None), xs


def accepted(name: str, pt: tuple[float, ...]) -> bool:
    """Whether the engine computes the op at this point (it refuses points outside the domain)."""
    try:
        call(name, *pt)
    except (ValueError, ZeroDivisionError, OverflowError):
        return False
    return True


def random_points(name: str, n: int = 12) -> list[tuple[float, ...]]:
    rng = random.Random(f"table {name}")
    arity, out = OPS[name].arity, []
    while len(out) < n:
        pt = tuple(rng.uniform(-3.0, 3.0) for _ in range(arity))
        if not accepted(name, pt):
            pt = (abs(pt[0]) + 0.1, *pt[1:])  # a positive first operand: inside log's, sqrt's and pow's domain
        if accepted(name, pt):
            out.append(pt)
    return out


def edge_points(name: str) -> list[tuple[float, ...]]:
    return [pt for pt in OPS[name].edges if accepted(name, pt)]


def smooth_at(name: str, pt: tuple[float, ...]) -> bool:
    """Away (by 1e-2) from every kink: 0, x = y, and each coordinate of the entry's edges."""
    marks = {0.0} | {v for e in OPS[name].edges for v in e}
    far = all(abs(v - m) > 1e-2 for v in pt for m in marks)
    return far and (len(pt) == 1 or abs(pt[0] - pt[1]) > 1e-2)


# -- an entry's text read as a formula --------------------------------------------------------------


def namespace() -> dict:
    """Every op of the table by name (its forward on floats), for formulas that name one (``elu(x) + 1``)."""
    names = {name: op.value for name, op in OPS.items() if op.value is not None}
    names.update(sign=lambda v: (v > 0) - (v < 0), log=math.log)
    return names


def as_python(text: str) -> str:
    """The table's notation as a Python expression: −, ·, ^, ², σ, ln x, tanh²(x), ½, =."""
    return to_python(text)


def evaluate(text: str, x: float, y: float | None = None) -> float:
    return float(eval(as_python(text), {"__builtins__": {}}, {**namespace(), "x": x, "y": y}))  # noqa: S307


# -- each op in PyTorch, from its entry ---------------------------------------------------------------


def torch_op(name: str) -> Callable[..., Any]:
    """The op in PyTorch: the entry's ``torch`` expression, or a defined op's own value (written
    with arithmetic, it runs on tensors as it is)."""
    import torch
    import torch.nn.functional as F

    op = OPS[name]
    if not op.torch:
        assert not op.builtin, f"{name}: a built-in op needs its PyTorch expression (Op.torch)"
        return op.value
    code = compile(op.torch, f"OPS[{name!r}].torch", "eval")
    names = {"torch": torch, "F": F}
    return lambda *xs: eval(code, names, dict(zip("xy", xs)))  # noqa: S307


class T:
    """A torch tensor with the operators and method names of a Value, each op computed by its
    entry's PyTorch expression (see ``torch_op``), so that a program runs on tensors too."""

    def __init__(self, t: Any) -> None:
        self.t = t


def _tensor_method(name: str, reflected: bool = False) -> Callable[..., T]:
    def method(self: T, *other: Any) -> T:
        xs = [self.t, *(o.t if isinstance(o, T) else o for o in other)]
        return T(torch_op(name)(*(reversed(xs) if reflected else xs)))

    return method


for _name, _op in OPS.items():
    if not _op.builtin:
        continue
    if _name == "neg":
        T.__neg__ = _tensor_method(_name)
    elif _name in _OPERATORS:
        dunder = {"div": "truediv"}.get(_name, _name)
        setattr(T, f"__{dunder}__", _tensor_method(_name))
        setattr(T, f"__r{dunder}__", _tensor_method(_name, reflected=True))
    else:
        setattr(T, _name, _tensor_method(_name))


def _clip(x: Any) -> Any:
    # keeps values bounded as programs grow deep, through ops every backend has
    return x.tanh() * 3.0


@st.composite
def programs(draw: st.DrawFn, max_inputs: int = 4, max_ops: int = 14) -> tuple[int, list]:
    n_inputs = draw(st.integers(1, max_inputs))
    n_ops = draw(st.integers(1, max_ops))
    instructions = []
    for k in range(n_ops):
        name = draw(st.sampled_from(sorted(PROGRAM_OPS)))
        arity = PROGRAM_OPS[name][0]
        operands = tuple(draw(st.integers(0, n_inputs + k - 1)) for _ in range(arity))
        instructions.append((name, operands))
    return n_inputs, instructions


def run(program: tuple[int, list], *inputs: Any) -> Any:
    """Evaluate a program; the output sums every slot so that all of them matter."""
    n_inputs, instructions = program
    slots = list(inputs)
    for i, (name, operands) in enumerate(instructions):
        out = PROGRAM_OPS[name][1](*(slots[j] for j in operands))
        slots.append(_clip(out) if i % 3 == 2 else out)
    total = slots[0]
    for s in slots[1:]:
        total = total + s
    return total


def hessian_by_differences(program: tuple[int, list], point: list[float]) -> list[list[float]]:
    """The Hessian of a program at ``point`` by central differences of the engine's own
    gradient: the referee where PyTorch's second derivative is not the function's.  PyTorch
    masks d(x^y)/dx to 0 where the exponent is exactly 0 (tanh(0) = 0 in vpow), and with it
    the mixed second derivative x^(y−1)(1 + y ln x), which is not 0 there."""
    def slope(i: int) -> Callable[..., Value]:
        return lambda *v: Value(grad(run(program, *v), list(v))[i])

    return [numerical_grad(slope(i), point, eps=1e-6) for i in range(len(point))]


def as_function(program: tuple[int, list]) -> Callable[..., Value]:
    return lambda *xs: run(program, *xs)


finite = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)


def points(n: int, bound: float = 3.0) -> st.SearchStrategy[list[float]]:
    """n finite floats in [−bound, bound]."""
    each = finite if bound == 3.0 else st.floats(-bound, bound, allow_nan=False, allow_infinity=False)
    return st.lists(each, min_size=n, max_size=n)


# -- each op with operands where central differences are accurate (off kinks and poles) ---------------


def reals(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


away_from_zero = reals(-50, 50).filter(lambda x: abs(x) > 1e-3)
apart = st.tuples(reals(-50, 50), reals(-50, 50)).filter(lambda p: abs(p[0] - p[1]) > 1e-3)  # off the kink x = y

# op -> (function of Values, strategy of its inputs)
CASES = {
    "add": (lambda x, y: x + y, st.tuples(reals(-1e3, 1e3), reals(-1e3, 1e3))),
    "radd": (lambda x: 2.5 + x, st.tuples(reals(-1e3, 1e3))),
    "sub": (lambda x, y: x - y, st.tuples(reals(-1e3, 1e3), reals(-1e3, 1e3))),
    "rsub": (lambda x: 2.5 - x, st.tuples(reals(-1e3, 1e3))),
    "mul": (lambda x, y: x * y, st.tuples(reals(-1e3, 1e3), reals(-1e3, 1e3))),
    "rmul": (lambda x: -1.5 * x, st.tuples(reals(-1e3, 1e3))),
    "div": (lambda x, y: x / y, st.tuples(reals(-100, 100), away_from_zero)),
    "rdiv": (lambda x: 3.0 / x, st.tuples(away_from_zero)),
    "neg": (lambda x: -x, st.tuples(reals(-1e3, 1e3))),
    "pow_int": (lambda x: x**3, st.tuples(reals(-20, 20))),
    "pow_neg_int": (lambda x: x**-2, st.tuples(away_from_zero)),
    "pow_frac": (lambda x: x**0.5, st.tuples(reals(1e-2, 1e3))),
    "pow_value": (lambda x, y: x**y, st.tuples(reals(0.05, 10), reals(-3, 3))),
    "rpow": (lambda x: 2.0**x, st.tuples(reals(-20, 20))),
    "exp": (lambda x: x.exp(), st.tuples(reals(-30, 30))),
    "log": (lambda x: x.log(), st.tuples(reals(1e-3, 1e4))),
    "tanh": (lambda x: x.tanh(), st.tuples(reals(-20, 20))),
    "sigmoid": (lambda x: x.sigmoid(), st.tuples(reals(-40, 40))),
    "relu": (lambda x: x.relu(), st.tuples(away_from_zero)),
    "step": (lambda x: x.step(), st.tuples(away_from_zero)),
    "leaky_relu": (lambda x, s: x.leaky_relu(s), st.tuples(away_from_zero, reals(0.0, 0.5))),
    "sin": (lambda x: x.sin(), st.tuples(reals(-50, 50))),
    "cos": (lambda x: x.cos(), st.tuples(reals(-50, 50))),
    "sqrt": (lambda x: x.sqrt(), st.tuples(reals(1e-2, 1e4))),
    "abs": (lambda x: x.abs(), st.tuples(away_from_zero)),
    "softplus": (lambda x: x.softplus(), st.tuples(reals(-40, 40).filter(lambda x: abs(x - 20) > 1e-3))),
    "silu": (lambda x: x.silu(), st.tuples(reals(-40, 40))),
    "elu": (lambda x: x.elu(), st.tuples(away_from_zero)),
    "softsign": (lambda x: x.softsign(), st.tuples(reals(-1e3, 1e3))),
    "maximum": (lambda x, y: x.maximum(y), apart),
    "minimum": (lambda x, y: x.minimum(y), apart),
}
