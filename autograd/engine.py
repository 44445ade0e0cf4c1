"""Value: a scalar that remembers how it was made.

Every node records, in the forward pass, its parents and the local derivatives
∂node/∂parent as plain numbers.  Backward is then one pass of multiply-and-add
over the graph, and anything (viz, a learner at the REPL) can read the numbers
the chain rule multiplies.

Why the node is laid out as it is:

* Ops take at most two operands, so the parents and their local derivatives
  live in four slots rather than in tuples.  A node is then a single object the
  cyclic garbage collector tracks (floats are not tracked).  With tuples, a node
  costs three tracked objects, and the collector's scans of a large live graph
  cost more than building it.
* What is rarely set (a label, a name scope, the constant mark) sits in one
  shared, immutable tag, so an unlabelled node costs one slot for all three.
* Parents only point backward, so graphs are acyclic: reference counting frees
  a graph as soon as the last reference to its output goes, at any depth.
* backward counts, for every node, how many edges reach it from the output
  (pass 1), then pushes gradients from the output down, releasing a node once
  all its consumers have been processed (pass 2).  Both passes use an explicit
  stack, so depth is limited by memory, not by Python's recursion limit, and
  both visit parents in recorded order, so every run is the same.
"""

from __future__ import annotations

import math
import numbers
from typing import NamedTuple, Union

from .ops import OPS

Number = Union[int, float]

# add, sub, mul and neg, the ops a network is mostly made of, write their partials
# (constants, or the other operand) inline: calling the table's rule for them costs
# about a tenth of a training step.  A test holds them equal to the table's rules.
_div = OPS["div"].rule
_pow = OPS["pow"].rule
_exp = OPS["exp"].rule
_log = OPS["log"].rule
_tanh = OPS["tanh"].rule
_sigmoid = OPS["sigmoid"].rule
_relu = OPS["relu"].rule
_step = OPS["step"].rule


class _Tag(NamedTuple):
    """What a node says about itself beyond the math, kept together in one slot: its
    label, its scope, and whether it is a constant.  Nodes made in the same scope share
    one tag; a node gets a tag of its own only when labelled."""

    label: str
    scope: str | None
    constant: bool = False


_current = _Tag("", None)  # the tag of nodes made now
_current_constant = _Tag("", None, True)  # and of constants made now


class scope:  # noqa: N801 - used like a function: ``with scope("layer1"):``
    """Tag every node made inside a ``with`` block with ``name`` (viz draws a tag as one box).

    Scopes nest: ``scope("layer1")`` then ``scope("neuron0")`` tags ``layer1/neuron0``.
    ``with scope(...) as name`` gives the full name.  A class rather than a generator,
    since nn enters one per neuron call.
    """

    __slots__ = ("name", "_outer")

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise TypeError(f"scope name must be a non-empty str, got {name!r}")
        self.name = name
        self._outer: tuple[_Tag, _Tag] | None = None

    def __enter__(self) -> str:
        global _current, _current_constant
        self._outer = (_current, _current_constant)
        outer = _current.scope
        full = self.name if outer is None else f"{outer}/{self.name}"
        _current, _current_constant = _Tag("", full), _Tag("", full, True)
        return full

    def __exit__(self, *exc: object) -> None:
        global _current, _current_constant
        _current, _current_constant = self._outer  # type: ignore[misc]


def _as_float(data: object, what: str) -> float:
    if type(data) is float:
        return data
    if isinstance(data, numbers.Real):  # int, bool, Fraction, numpy real scalars
        return float(data)
    raise TypeError(f"{what} must be a real number (int or float), got {type(data).__name__}: {data!r}")


class Value:
    """A scalar node in a computation graph.

    ``data`` is the value, ``grad`` is ∂(output of the last backward)/∂self.
    ``parents`` are the operands in argument order and ``local_grads[i]`` is
    ∂self/∂parents[i], computed when the node was made.
    """

    __slots__ = ("data", "grad", "op", "_tag", "_p0", "_p1", "_g0", "_g1", "_pending")

    def __init__(self, data: Number, label: str = "") -> None:
        self.data = _as_float(data, "Value data")
        self.grad = 0.0
        self.op = ""
        self._tag = _current
        if label.__class__ is not str or label:
            self.label = label  # checked, and given a tag of its own
        self._p0 = self._p1 = None
        self._g0 = self._g1 = 0.0
        self._pending = 0

    @property
    def label(self) -> str:
        """A name for drawing and printing ("" when none was given)."""
        return self._tag.label

    @label.setter
    def label(self, text: str) -> None:
        if not isinstance(text, str):
            raise TypeError(f"label must be a str, got {type(text).__name__}")
        self._tag = self._tag._replace(label=text)

    @property
    def scope(self) -> str | None:
        """The name scope the node was made in (see :func:`scope`), or None."""
        return self._tag.scope

    # -- graph structure, read-only ------------------------------------------------

    @property
    def parents(self) -> tuple[Value, ...]:
        """The operands that made this node, in argument order (``x*x`` has x twice)."""
        if self._p0 is None:
            return ()
        if self._p1 is None:
            return (self._p0,)
        return (self._p0, self._p1)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """∂self/∂parents[i] for each parent, recorded in the forward pass."""
        if self._p0 is None:
            return ()
        if self._p1 is None:
            return (self._g0,)
        return (self._g0, self._g1)

    @property
    def is_leaf(self) -> bool:
        return self._p0 is None

    @property
    def is_constant(self) -> bool:
        """True for a plain number that an op turned into a node (the 2 in ``x * 2``)."""
        return self._tag.constant

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"{type(self).__name__}(data={self.data!r}, grad={self.grad!r}{label})"

    def __float__(self) -> float:
        return self.data

    # -- comparisons look at data, as with PyTorch scalars; identity stays the hash

    def __lt__(self, other: object) -> bool:
        return self.data < _data_of(other)

    def __le__(self, other: object) -> bool:
        return self.data <= _data_of(other)

    def __gt__(self, other: object) -> bool:
        return self.data > _data_of(other)

    def __ge__(self, other: object) -> bool:
        return self.data >= _data_of(other)

    __hash__ = object.__hash__

    # -- binary ops -------------------------------------------------------------

    def __add__(self, other: Value | Number) -> Value:
        if other.__class__ is not Value:
            other = _lift(other)
            if other is NotImplemented:
                return NotImplemented
        out = self.data + other.data
        return _node(out, "add", self, other, 1.0, 1.0)

    def __radd__(self, other: Number) -> Value:
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        return other.__add__(self)

    def __sub__(self, other: Value | Number) -> Value:
        if other.__class__ is not Value:
            other = _lift(other)
            if other is NotImplemented:
                return NotImplemented
        out = self.data - other.data
        return _node(out, "sub", self, other, 1.0, -1.0)

    def __rsub__(self, other: Number) -> Value:
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        return other.__sub__(self)

    def __mul__(self, other: Value | Number) -> Value:
        if other.__class__ is not Value:
            other = _lift(other)
            if other is NotImplemented:
                return NotImplemented
        out = self.data * other.data
        return _node(out, "mul", self, other, other.data, self.data)

    def __rmul__(self, other: Number) -> Value:
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        return other.__mul__(self)

    def __truediv__(self, other: Value | Number) -> Value:
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        if other.data == 0.0:
            raise ZeroDivisionError(f"div: division by zero ({self.data!r} / 0)")
        out = self.data / other.data
        g0, g1 = _div(self.data, other.data, out)
        return _node(out, "div", self, other, g0, g1)

    def __rtruediv__(self, other: Number) -> Value:
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        return other.__truediv__(self)

    def __pow__(self, other: Value | Number) -> Value:
        exponent = _lift(other)
        if exponent is NotImplemented:
            return NotImplemented
        x, y = self.data, exponent.data
        if x == 0.0 and y < 0.0:
            raise ZeroDivisionError(f"pow: 0 raised to a negative power ({x!r} ** {y!r})")
        if x < 0.0:
            if not y.is_integer():
                raise ValueError(
                    f"pow: a negative base to a fractional power is not real ({x!r} ** {y!r})"
                )
            if not exponent.is_constant:
                raise ValueError(
                    f"pow: d(x^y)/dy is not real for a negative base ({x!r} ** y); "
                    "use a plain number as the exponent"
                )
        try:
            out = x**y
        except OverflowError:
            raise OverflowError(f"pow: result out of range ({x!r} ** {y!r})") from None
        g0, g1 = _pow(x, y, out)
        return _node(out, "pow", self, exponent, g0, g1)

    def __rpow__(self, other: Number) -> Value:
        base = _lift(other)
        if base is NotImplemented:
            return NotImplemented
        return base.__pow__(self)

    # -- unary ops --------------------------------------------------------------

    def __neg__(self) -> Value:
        return _node(-self.data, "neg", self, None, -1.0, 0.0)

    def __pos__(self) -> Value:
        return self

    def exp(self) -> Value:
        try:
            out = math.exp(self.data)
        except OverflowError:
            raise OverflowError(f"exp: result out of range for x = {self.data!r}") from None
        (g,) = _exp(self.data, out)
        return _node(out, "exp", self, None, g, 0.0)

    def log(self) -> Value:
        x = self.data
        if not x > 0.0:
            raise ValueError(f"log: undefined for x = {x!r} (needs x > 0)")
        out = math.log(x)
        (g,) = _log(x, out)
        return _node(out, "log", self, None, g, 0.0)

    def tanh(self) -> Value:
        out = math.tanh(self.data)
        (g,) = _tanh(self.data, out)
        return _node(out, "tanh", self, None, g, 0.0)

    def sigmoid(self) -> Value:
        x = self.data
        # exp of a non-positive number never overflows
        if x >= 0.0:
            out = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            out = e / (1.0 + e)
        (g,) = _sigmoid(x, out)
        return _node(out, "sigmoid", self, None, g, 0.0)

    def relu(self) -> Value:
        x = self.data
        out = x if x > 0.0 else 0.0
        (g,) = _relu(x, out)
        return _node(out, "relu", self, None, g, 0.0)

    def step(self) -> Value:
        x = self.data
        out = 1.0 if x >= 0.0 else 0.0
        (g,) = _step(x, out)
        return _node(out, "step", self, None, g, 0.0)

    # -- backward ---------------------------------------------------------------

    def backward(self, grad: Number = 1.0) -> None:
        """Fill ``grad`` of every node this one depends on with ∂self/∂node.

        Intermediate nodes are overwritten with the exact derivative; leaves (nodes
        with no parents) accumulate across calls until zeroed, as in PyTorch.
        ``grad`` seeds the output (default 1).
        """
        seed = _as_float(grad, "backward grad")
        if self._p0 is None:
            self.grad += seed
            return
        # Leaves are never scheduled, so they carry no counter: only inner nodes do.
        stack = [self]
        try:
            # Pass 1: count the edges into each inner node from the graph above it, and
            # clear its grad.  A counter is 0 exactly when this pass has not met the node.
            while stack:
                node = stack.pop()
                node.grad = 0.0
                p = node._p0
                if p._p0 is not None:
                    if not p._pending:
                        stack.append(p)
                    p._pending += 1
                p = node._p1
                if p is not None and p._p0 is not None:
                    if not p._pending:
                        stack.append(p)
                    p._pending += 1
            # Pass 2: a node is ready once every consumer has added its share.
            self.grad = seed
            stack.append(self)
            while stack:
                node = stack.pop()
                g = node.grad
                p = node._p0
                p.grad += node._g0 * g
                if p._p0 is not None:
                    p._pending -= 1
                    if not p._pending:
                        stack.append(p)
                p = node._p1
                if p is not None:
                    p.grad += node._g1 * g
                    if p._p0 is not None:
                        p._pending -= 1
                        if not p._pending:
                            stack.append(p)
        except BaseException:
            _clear_counters(self)  # interrupted (e.g. Ctrl-C): leave no stale counters behind
            raise


_new = object.__new__


def _node(
    data: float,
    op: str,
    p0: Value | None,
    p1: Value | None,
    g0: float,
    g1: float,
) -> Value:
    # the forward pass's constructor: no checks, since its inputs are already floats
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.op = op
    v._tag = _current
    v._p0 = p0
    v._p1 = p1
    v._g0 = g0
    v._g1 = g1
    v._pending = 0
    return v


def _clear_counters(root: Value) -> None:
    for node in topological(root):
        node._pending = 0


def _lift(x: object) -> Value:
    """Return x as a node: a Value as is, a plain real number as a constant leaf."""
    if isinstance(x, Value):
        return x
    t = type(x)
    if t is float or t is int or isinstance(x, numbers.Real):
        c = _node(float(x), "", None, None, 0.0, 0.0)
        c._tag = _current_constant
        return c
    return NotImplemented  # type: ignore[return-value]


def _data_of(x: object) -> float:
    if isinstance(x, Value):
        return x.data
    return _as_float(x, "comparison operand")


def topological(root: Value) -> list[Value]:
    """Every node ``root`` depends on, parents before the nodes made from them.

    Deterministic: parents are visited in recorded order.  Iterative, so any depth works.
    """
    if not isinstance(root, Value):
        raise TypeError(f"topological() needs a Value, got {type(root).__name__}")
    order: list[Value] = []
    done: set[Value] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if node in done:
            continue
        done.add(node)
        stack.append((node, True))
        p0, p1 = node._p0, node._p1
        # pushed last is popped first: p0 is explored before p1
        if p1 is not None and p1 not in done:
            stack.append((p1, False))
        if p0 is not None and p0 not in done:
            stack.append((p0, False))
    return order


def _warm_up() -> None:
    # CPython 3.11 rewrites a function's bytecode into its faster, specialised form only
    # after the function's 8th call.  backward runs once per training step but loops over
    # the whole graph, so on a fresh interpreter its first seven calls would run about
    # 2.5 times slower than the rest.  A few calls on a small graph at import avoid that.
    x = Value(0.5)
    h = x * x + 1.0
    y = h * h - x
    for _ in range(10):
        y.backward()


_warm_up()
