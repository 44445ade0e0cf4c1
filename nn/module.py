"""Neurons, layers and multi-layer perceptrons built from autograd Values.

A neuron computes the pre-activation z = w·x + b (the notes' wᵀx + b) and then
its activation a = σ(z).  Every number here is a Value, so the whole forward
pass is a graph that backward differentiates and viz draws: parameters are
labelled (w1…wn, b) and every node made by a layer or neuron carries a name
scope such as ``layer2/neuron5``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence, Set
from typing import TYPE_CHECKING, Any, Union

import numpy as np

from autograd import OPS, Value, checks, dot, scope

from . import init as initializers

Input = Union[Value, float, int]
Initializer = Union[str, initializers.Initializer]

LEAKY_SLOPE = 0.01  # leaky_relu's slope for z < 0


def _leaky_relu(z: Value) -> Value:
    return z.leaky_relu(LEAKY_SLOPE)


def _linear(z: Value) -> Value:
    return z


# module-level functions, not lambdas, so that models pickle
ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "linear": _linear,
    "step": Value.step,
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "relu": Value.relu,
    "leaky_relu": _leaky_relu,
}

# what init=None means, per activation: He for the ReLU family, Xavier otherwise
DEFAULT_INIT = {
    "relu": "he_uniform",
    "leaky_relu": "he_uniform",
    "tanh": "xavier_uniform",
    "sigmoid": "xavier_uniform",
    "linear": "xavier_uniform",
    "step": "xavier_uniform",
}


# the ReLU-like ones of the table's other ops start from He's bounds too
DEFAULT_INIT.update(softplus="he_uniform", silu="he_uniform", elu="he_uniform")


def activation_names() -> list[str]:
    """Every activation by name: linear, and every unary op of the op table (sin, silu, your own …)."""
    return list(dict.fromkeys([*ACTIVATIONS, *(n for n, op in OPS.items() if op.arity == 1 and n != "neg")]))


def _activation(name: str) -> Callable[[Value], Value]:
    # a method of Value (made from the op's entry), so that models with it pickle
    return ACTIVATIONS.get(name) or getattr(Value, name)


def _check_activation(name: object) -> str:
    if not isinstance(name, str):
        raise TypeError(f"activation must be a name (str), got {type(name).__name__}")
    if name not in ACTIVATIONS and not (name in OPS and OPS[name].arity == 1 and name != "neg"):
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(activation_names())}")
    return name


def _rng(seed: object) -> np.random.Generator:
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an int, a numpy Generator or None, got {type(seed).__name__}")
    return np.random.default_rng(checks.integer(seed, "seed", least=0))


def check_inputs(xs: Any, n: int, who: str) -> Sequence[Input]:
    """xs as a sequence of n Values or real numbers, or a clear error."""
    if isinstance(xs, (Value, numbers.Real)):
        xs = [xs]
    if isinstance(xs, (Mapping, Set)):
        raise TypeError(f"{who} takes an ordered sequence (a list or tuple) of inputs, not a {type(xs).__name__}")
    if isinstance(xs, (str, bytes)) or not hasattr(xs, "__len__"):
        raise TypeError(f"{who} takes a sequence of {n} inputs, got {type(xs).__name__}")
    if len(xs) != n:
        raise ValueError(f"{who} expects {n} input{'s' if n != 1 else ''}, got {len(xs)}")
    for i, x in enumerate(xs):
        if not isinstance(x, (Value, numbers.Real)):
            raise TypeError(f"{who} input {i} must be a Value or a real number, got {type(x).__name__}")
    return xs


class Module:
    """Anything with parameters: ``parameters()``, ``zero_grad()``.

    Every model here takes ``nin`` inputs and is called on one row of them."""

    nin: int

    if TYPE_CHECKING:  # each model defines it
        def __call__(self, xs: Sequence[Input]) -> Value | list[Value]: ...

    def parameters(self) -> list[Value]:
        return []

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0

    def num_parameters(self) -> int:
        return len(self.parameters())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.num_parameters()} parameters)"


class Neuron(Module):
    """z = w·x + b, then ``activation``: a = σ(z).

    ``w`` holds one weight per input (labelled w1…wn), ``b`` the bias (None
    with ``bias=False``).  ``fan_out`` is the number of units in the neuron's
    layer, which the Xavier initialisers use.
    """

    def __init__(
        self,
        nin: int,
        activation: str = "relu",
        init: Initializer = "he_uniform",
        bias: bool = True,
        seed: int | np.random.Generator | None = None,
        fan_out: int = 1,
    ) -> None:
        self.nin = checks.integer(nin, "nin")
        self.activation = _check_activation(activation)
        checks.flag(bias, "bias")
        make = initializers.resolve(init)
        fan_out = checks.integer(fan_out, "fan_out")
        rng = _rng(seed)
        self.init = initializers.name_of(init)
        self.w = [Value(_weight(make, self.nin, fan_out, rng), label=f"w{i + 1}") for i in range(self.nin)]
        self.b = Value(0.0, label="b") if bias else None
        self._act = _activation(activation)

    def __call__(self, xs: Sequence[Input]) -> Value:
        return self.forward(check_inputs(xs, self.nin, "Neuron"))

    def forward(self, xs: Sequence[Input]) -> Value:
        """The neuron on inputs already checked: z = b + w1·x1 + … + wn·xn, then σ(z)."""
        return self._act(dot(self.w, xs, self.b))  # the nodes of b + w1 * x1 + …, made faster

    def parameters(self) -> list[Value]:
        return self.w + [self.b] if self.b is not None else list(self.w)

    def __repr__(self) -> str:
        bias = "" if self.b is not None else ", bias=False"
        return f"Neuron({self.nin}, activation={self.activation!r}{bias})"


def _weight(make: initializers.Initializer, fan_in: int, fan_out: int, rng: np.random.Generator) -> float:
    w = make(fan_in, fan_out, rng)
    if isinstance(w, bool) or not isinstance(w, numbers.Real) or not np.isfinite(w):
        raise ValueError(f"init {initializers.name_of(make)!r} gave {w!r}; it must return a finite float")
    return float(w)


class Layer(Module):
    """``nout`` neurons that all see the same ``nin`` inputs; returns a list of nout Values."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "relu",
        init: Initializer = "he_uniform",
        seed: int | np.random.Generator | None = None,
        bias: bool = True,
    ) -> None:
        self.nin = checks.integer(nin, "nin")
        self.nout = checks.integer(nout, "nout")
        self.activation = _check_activation(activation)
        rng = _rng(seed)
        self._scopes = [f"neuron{j + 1}" for j in range(self.nout)]  # named once, entered on every call
        self.neurons = []
        for j in range(self.nout):
            with scope(self._scopes[j]):
                self.neurons.append(Neuron(nin, activation, init, bias, seed=rng, fan_out=self.nout))

    def __call__(self, xs: Sequence[Input]) -> list[Value]:
        return self.forward(check_inputs(xs, self.nin, "Layer"))

    def forward(self, xs: Sequence[Input]) -> list[Value]:
        out = []
        for name, n in zip(self._scopes, self.neurons):
            with scope(name):
                out.append(n.forward(xs))
        return out

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer({self.nin} → {self.nout}, activation={self.activation!r})"


class MLP(Module):
    """A stack of layers: ``nin`` inputs, then one layer per entry of ``nouts``.

    Hidden layers use ``activation``, the last one ``output_activation``.
    ``init=None`` picks He for ReLU layers and Xavier for the others.
    Calling it returns a Value when the last layer has one unit, else a list.
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        output_activation: str = "linear",
        init: Initializer | None = None,
        seed: int | np.random.Generator | None = None,
        bias: bool = True,
    ) -> None:
        self.nin = checks.integer(nin, "nin")
        if isinstance(nouts, (int, str)) or not hasattr(nouts, "__iter__"):
            raise TypeError(f"nouts must be a list of layer sizes, got {type(nouts).__name__}")
        nouts = [checks.integer(n, "each layer size") for n in nouts]
        if not nouts:
            raise ValueError("nouts must name at least one layer")
        self.activation = _check_activation(activation)
        self.output_activation = _check_activation(output_activation)
        if init is not None:
            initializers.resolve(init)
        self.init = None if init is None else initializers.name_of(init)
        rng = _rng(seed)
        sizes = [self.nin] + nouts
        self.layers = []
        for i in range(len(nouts)):
            act = self.activation if i < len(nouts) - 1 else self.output_activation
            with scope(f"layer{i + 1}"):
                layer_init = DEFAULT_INIT.get(act, "xavier_uniform") if init is None else init
                self.layers.append(Layer(sizes[i], sizes[i + 1], act, layer_init, seed=rng, bias=bias))

    @property
    def sizes(self) -> list[int]:
        return [self.nin] + [layer.nout for layer in self.layers]

    def __call__(self, xs: Sequence[Input]) -> Value | list[Value]:
        x: Any = check_inputs(xs, self.nin, "MLP")
        for i, layer in enumerate(self.layers):
            with scope(f"layer{i + 1}"):
                x = layer.forward(x)
        return x[0] if len(x) == 1 else x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        inner = ", ".join(f"{layer.nout} {layer.activation}" for layer in self.layers)
        return f"MLP({self.nin} → [{inner}], {self.num_parameters()} parameters)"


class Perceptron(Neuron):
    """Rosenblatt's perceptron: a neuron with a step activation, a = 1 if z ≥ 0 else 0.

    The step has no useful gradient, so it learns by the perceptron rule rather
    than backpropagation: after each misclassified example,
    w ← w + lr·(y − ŷ)·x and b ← b + lr·(y − ŷ).
    """

    def __init__(self, nin: int, seed: int | np.random.Generator | None = None) -> None:
        super().__init__(nin, activation="step", init="uniform", bias=True, seed=seed)

    def fit(self, X: Sequence[Sequence[float]], y: Sequence[float], lr: float = 1.0, epochs: int = 100) -> list[int]:
        """Apply the perceptron rule; returns the number of mistakes in each epoch.

        Stops early after an epoch without mistakes.  Targets must be 0 or 1.
        """
        rows = _check_dataset(X, y, self.nin)
        lr = _check_lr(lr)
        epochs = checks.integer(epochs, "epochs")
        targets = []
        for i, t in enumerate(y):
            if t not in (0, 1):
                raise ValueError(f"Perceptron targets must be 0 or 1, got y[{i}] = {t!r}")
            targets.append(float(t))
        mistakes = []
        b = self.b
        assert b is not None  # a Perceptron always has its bias
        for _ in range(epochs):
            wrong = 0
            for x, t in zip(rows, targets):
                error = t - self.forward(x).data
                if error:
                    wrong += 1
                    for wi, xi in zip(self.w, x):
                        wi.data += lr * error * xi
                    b.data += lr * error
            mistakes.append(wrong)
            if not wrong:
                break
        return mistakes

    def __repr__(self) -> str:
        return f"Perceptron({self.nin})"


def _check_lr(lr: object) -> float:
    return checks.number(lr, "lr", above=0.0, finite=True)


def _check_dataset(X: Any, y: Any, nin: int) -> list[list[float]]:
    """X as a list of rows of nin floats, with as many targets in y, or a clear error."""
    for name, seq in (("X", X), ("y", y)):
        if isinstance(seq, (str, bytes)) or not hasattr(seq, "__len__"):
            raise TypeError(f"{name} must be a sequence, got {type(seq).__name__}")
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)} targets")
    if len(X) == 0:
        raise ValueError("X is empty")
    if isinstance(X, (Mapping, Set)) or isinstance(y, (Mapping, Set)):
        raise TypeError("X and y must be ordered sequences (lists, tuples or arrays), not mappings or sets")
    rows = []
    for i, row in enumerate(X):
        row = check_inputs(row, nin, f"row {i} of X")
        floats = [float(v.data if isinstance(v, Value) else v) for v in row]
        for j, v in enumerate(floats):
            if not math.isfinite(v):
                raise ValueError(f"X[{i}][{j}] is {v!r}: the data must be finite (drop or fill that row)")
        rows.append(floats)
    return rows
