"""Value: a scalar that remembers how it was made.

Every node records, in the forward pass, its parents and the local derivatives
∂node/∂parent as plain numbers.  Backward (in :mod:`autograd.backward`) is then one
pass of multiply-and-add over the graph, and anything (viz, a learner at the
REPL) can read the numbers the chain rule multiplies.

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

Numbers, one rule for every op (see autograd.ops): NaN in, NaN out (relu and
step included); a finite input whose result does not fit in a float raises
OverflowError naming the op (``exp(710)``, ``1e200 * 1e200``, ``1.0 / 1e-310``),
while an input that is already infinite gives the IEEE result.  Local derivatives are computed in
plain IEEE arithmetic and may be infinite where the math is (``x ** 0.5`` at 0)
or where a float cannot hold them (``log`` at 1e-320); ``check_finite`` finds
the first such node.
"""

from __future__ import annotations

import numbers
from typing import Any, Union

from .checks import instance, real
from .methods import OpMethods
from .scopes import _current, _current_constant, _Tag

Number = Union[int, float]

# add, sub, mul, neg and relu, the ops a network is mostly made of, are written out here with
# their partials (constants, or the other operand) inline: going through the table's entry costs
# about a tenth of a training step.  Every other op's method is made from its entry of the op
# table (autograd.define); a test holds these five equal to their entries.
# how many backward passes have started (any root, any kind): a grad_value is current only
# while no backward has run since the one that made it
backward_runs = [0]
# how many tape walks have started (see autograd.replay.marked_walk): with backward_runs, what
# tells a recording (autograd.recording) that something else marked nodes while fn ran
walk_runs = [0]

_BIG = 1.7976931348623157e308  # the largest float: a result beyond it, either way, overflowed


def _overflow(op: str, out: float, *operands: float) -> float:
    """Called when a result is not finite: raise if finite operands overflowed, else pass it on."""
    if out != out or not all(-_BIG <= x <= _BIG for x in operands):
        return out  # NaN, or an infinite operand: the IEEE result stands
    shown = ", ".join(repr(x) for x in operands)
    raise OverflowError(f"{op}: result out of range for finite operands ({shown})")


class Value(OpMethods):
    """A scalar node in a computation graph.

    ``data`` is the value, ``grad`` is ∂(output of the last backward)/∂self.
    ``parents`` are the operands in argument order and ``local_grads[i]`` is
    ∂self/∂parents[i], computed when the node was made.
    """

    __slots__ = ("data", "grad", "op", "_tag", "_p0", "_p1", "_g0", "_g1", "_mark", "_pending", "_place", "_gv")
    data: float
    grad: float
    op: str
    _tag: _Tag
    _p0: Value | None
    _p1: Value | None
    _g0: float
    _g1: float
    _mark: object
    _pending: int
    _place: int
    _gv: tuple[int, Value]
    # One slot, one meaning.  _mark is the token of the pass that last visited this node: a
    # backward run (autograd.backward) or a tape's walk (autograd.replay), each under
    # backward's lock and each with a token of its own, so a pass reads only what it wrote.
    # _pending is a backward run's count of consumers yet to add their share; _place is the
    # node's place in a tape walk's order (unset until a walk places it, which costs nothing).
    # _gv, set only by a create_graph backward (and unset until then, which costs nothing),
    # is (that run's number, the Value that computes grad): any later backward has another
    # number, so the Value is stale.

    def __init__(self, data: Number, label: str = "") -> None:
        self.data = real(data, "Value data")
        self.grad = 0.0
        self.op = ""
        self._tag = _current()
        if label.__class__ is not str or label:
            self.label = label  # checked, and given a tag of its own
        self._p0 = self._p1 = None
        self._g0 = self._g1 = 0.0
        self._mark = None

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

    @property
    def grad_value(self) -> Value | None:
        """The Value whose data is ``grad``, left by ``backward(create_graph=True)``.

        Differentiate it again for higher derivatives.  None when ``grad`` was not
        computed that way, or was changed since: zeroed, set by hand, or by any later
        backward (or tape backward).
        """
        try:
            run, gv = self._gv
        except AttributeError:
            return None
        if run != backward_runs[0]:
            return None
        g, d = self.grad, gv.data
        return gv if d == g or (d != d and g != g) else None

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

    # -- pickling and copying: flat, so that any depth works (see _flatten) -------------

    def __reduce__(self) -> tuple:
        if self._p0 is None:
            return (_leaf, (self.data, self.grad, self._tag))
        return (_unflatten, (_flatten(self),))

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
    # `out - out` is 0.0 for every finite float and NaN (truthy) for ±inf and NaN, so the
    # common case pays one subtraction and _overflow sorts out the rest.

    def __add__(self, other: Value | Number) -> Value:
        if other.__class__ is not Value:
            other = _lift(other)
            if other is NotImplemented:
                return NotImplemented
        out = self.data + other.data
        if out - out:  # nonzero (NaN) only for ±inf and NaN
            _overflow("add", out, self.data, other.data)
        return _node(out, "add", self, other, 1.0, 1.0)

    def __radd__(self, other: Number) -> Value:
        o = _lift(other)
        if o is NotImplemented:
            return NotImplemented
        return o.__add__(self)

    def __sub__(self, other: Value | Number) -> Value:
        if other.__class__ is not Value:
            other = _lift(other)
            if other is NotImplemented:
                return NotImplemented
        out = self.data - other.data
        if out - out:  # nonzero (NaN) only for ±inf and NaN
            _overflow("sub", out, self.data, other.data)
        return _node(out, "sub", self, other, 1.0, -1.0)

    def __rsub__(self, other: Number) -> Value:
        o = _lift(other)
        if o is NotImplemented:
            return NotImplemented
        return o.__sub__(self)

    def __mul__(self, other: Value | Number) -> Value:
        if other.__class__ is not Value:
            other = _lift(other)
            if other is NotImplemented:
                return NotImplemented
        out = self.data * other.data
        if out - out:  # nonzero (NaN) only for ±inf and NaN
            _overflow("mul", out, self.data, other.data)
        return _node(out, "mul", self, other, other.data, self.data)

    def __rmul__(self, other: Number) -> Value:
        o = _lift(other)
        if o is NotImplemented:
            return NotImplemented
        return o.__mul__(self)

    # -- unary ops --------------------------------------------------------------

    def __neg__(self) -> Value:
        return _node(-self.data, "neg", self, None, -1.0, 0.0)

    def __pos__(self) -> Value:
        return self

    def relu(self) -> Value:
        x = self.data
        # inline, like add and mul (a network calls it once per unit); NaN is neither
        # > 0 nor <= 0, so it passes through with a NaN slope
        if x > 0.0:
            return _node(x, "relu", self, None, 1.0, 0.0)
        if x <= 0.0:
            return _node(0.0, "relu", self, None, 0.0, 0.0)
        return _node(x, "relu", self, None, x, 0.0)

    # -- backward ---------------------------------------------------------------

    def backward(self, grad: Number = 1.0, create_graph: bool = False) -> None:
        """Fill ``grad`` of every node this one depends on with ∂self/∂node.

        Intermediate nodes are overwritten with the exact derivative; leaves (nodes
        with no parents) accumulate across calls until zeroed, as in PyTorch.
        ``grad`` seeds the output (default 1).  With ``create_graph=True`` each node
        also gets ``grad_value``, a Value computing its gradient from the same leaves,
        which can be differentiated again; ``grad`` stays the same float.
        """
        from .backward import backward

        backward(self, grad, create_graph)


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
    v._tag = _current()
    v._p0 = p0
    v._p1 = p1
    v._g0 = g0
    v._g1 = g1
    v._mark = None
    return v


def _lift(x: object) -> Value:
    """Return x as a node: a Value as is, a plain real number as a constant leaf."""
    if isinstance(x, Value):
        return x
    t = type(x)
    if t is float or t is int or isinstance(x, numbers.Real):
        c = _node(real(x, "operand"), "", None, None, 0.0, 0.0)
        c._tag = _current_constant()
        return c
    return NotImplemented


def _data_of(x: object) -> float:
    if isinstance(x, Value):
        return x.data
    return real(x, "comparison operand")


# -- the graph a Value heads -----------------------------------------------------


def topological(root: Value) -> list[Value]:
    """Every node ``root`` depends on, parents before the nodes made from them.

    Deterministic: parents are visited in recorded order.  Iterative, so any depth works.
    """
    instance(root, Value, "topological()")
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


# -- pickling and copying, flat so that any depth works ----------------------------


def _leaf(data: float, grad: float, tag: _Tag) -> Value:
    v = _node(data, "", None, None, 0.0, 0.0)
    v.grad = grad
    v._tag = tag
    return v


def _flatten(root: Value) -> list[tuple[Any, ...]]:
    """The inner nodes below ``root`` as a list, parents first; a parent is an index into
    the list (an inner node) or the leaf Value itself, which pickles on its own (and once,
    so leaves shared with other pickled objects stay shared).  Inner nodes are rebuilt."""
    index: dict[Value, int] = {}
    rows: list[tuple[Any, ...]] = []
    for node in topological(root):
        if node._p0 is None:
            continue
        index[node] = len(rows)
        p0, p1 = node._p0, node._p1
        rows.append((
            node.data, node.grad, node.op, node._tag,
            index.get(p0, p0), index.get(p1, p1) if p1 is not None else None,
            node._g0, node._g1,
        ))
    return rows


def _unflatten(rows: list[tuple[Any, ...]]) -> Value:
    if not isinstance(rows, list) or not rows:
        raise ValueError("a pickled Value graph must be a non-empty list of nodes")
    nodes: list[Value] = []
    for data, grad_, op, tag, p0, p1, g0, g1 in rows:
        v = _node(data, op, nodes[p0] if type(p0) is int else p0, nodes[p1] if type(p1) is int else p1, g0, g1)
        v.grad = grad_
        v._tag = tag
        nodes.append(v)
    return nodes[-1]
