"""Forward mode: the chain rule read from the inputs up, on the local derivatives already recorded.

Reverse mode (backward) starts at an output and multiplies local derivatives on the
way down, so one pass gives ∂out/∂x for every input x.  Forward mode starts at the
inputs with a direction ẋ and carries a tangent up, in topological order:

    ż = Σ_i ∂z/∂parent_i · (parent_i)˙

so one pass gives the derivative of every node (every output) along that one
direction.  The local derivatives are the ones the forward pass already stored on
each node, so a pass is one loop; it reads the graph and writes nothing on it (no
``.grad`` changes).  A node that depends on no seeded leaf has no tangent at all
(not even 0), exactly as backward never reaches a node off the paths to its root.

Which is cheaper is a matter of shape: an n-input, m-output Jacobian takes n
forward passes or m backward ones.  A loss (m = 1) of a model with many parameters
is why backpropagation exists; a function of one input with many outputs is where
forward mode wins.  :func:`jacobian` counts the passes and node visits it made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from . import checks
from .backward import _float_partials, _lock, _push, _value_partials
from .derivatives import grad
from .value import Value, _lift

MODES = ("reverse", "forward", "auto")


def order_of(outputs: Sequence[Value]) -> list[Value]:
    """Every node the outputs depend on, parents first, shared nodes once: topological()'s order.

    A depth-first walk on an explicit stack of nodes only: the node on top is finished once
    both parents are (p0's side first), so the walk allocates no tuple per node, and a big
    graph does not set off the garbage collector's scans.
    """
    order: list[Value] = []
    done: set[Value] = set()
    for root in outputs:
        if root in done:
            continue
        stack = [root]
        while stack:
            node = stack[-1]
            p = node._p0
            if p is not None and p not in done:
                stack.append(p)
                continue
            p = node._p1
            if p is not None and p not in done:
                stack.append(p)
                continue
            stack.pop()
            if node not in done:  # (a node is on the stack once: the graph has no cycles)
                done.add(node)
                order.append(node)
    return order


def tangents(order: Sequence[Value], seeds: dict[Value, float]) -> tuple[dict[Value, float], int]:
    """One forward pass over ``order`` (parents first): each node's derivative along ``seeds``.

    ``seeds`` gives the tangent of some leaves (ẋ); every other leaf is held fixed.  Returns
    (tangent of every node that depends on a seeded leaf, the number of inner nodes visited).
    """
    tan = dict(seeds)
    visits = 0
    get = tan.get
    for node in order:
        p0 = node._p0
        if p0 is None:
            continue
        visits += 1
        t0 = get(p0)
        p1 = node._p1
        t1 = None if p1 is None else get(p1)
        if t0 is None:
            if t1 is not None:
                tan[node] = node._g1 * t1
        elif t1 is None:
            tan[node] = node._g0 * t0
        else:
            tan[node] = node._g0 * t0 + node._g1 * t1
    return tan, visits


def _value_tangents(order: Sequence[Value], seeds: dict[Value, Value]) -> dict[Value, Value]:
    """The same pass, each tangent a Value built from the op table's rules (differentiable again)."""
    tan: dict[Value, Any] = dict(seeds)
    for node in order:
        if node._p0 is None:
            continue
        total = None
        for p, local in zip(node.parents, _value_partials(node)):
            t = tan.get(p)
            if t is None:
                continue
            if local.__class__ is float and local == 1.0:
                share = t  # no node for 1·ṗ
            elif local.__class__ is float and local == -1.0:
                share = -t
            else:
                share = local * t
            total = share if total is None else total + share
        if total is not None:
            tan[node] = total
    return tan


# -- functions of numbers: jvp, jacobian, hvp ---------------------------------------


def _inputs(xs: Sequence[float | Value]) -> list[Value]:
    point = []
    for i, x in enumerate(checks.sequence(xs, "xs", of="numbers (or Values)")):
        if isinstance(x, Value) and not x.is_leaf:
            # an inner node and its ancestors would both be seeded: their tangents would mix
            raise ValueError(f"xs[{i}] is not a leaf (it was made by {x.op}): give numbers or leaf Values")
        point.append(x if isinstance(x, Value) else Value(checks.real(x, f"xs[{i}]"), label=f"x{i}"))
    if not point:
        raise ValueError("xs is empty: give f at least one input")
    return point


def _direction(v: Sequence[float], n: int) -> list[float]:
    v = checks.sequence(v, "the direction v")
    direction = [x.data if isinstance(x, Value) else checks.real(x, f"v[{i}]") for i, x in enumerate(v)]
    if len(direction) != n:
        raise ValueError(f"the direction v has {len(direction)} entries but xs has {n}: give one per input")
    return direction


def _outputs(result: object) -> tuple[list[Value], bool]:
    """f's result as a list of Values, and whether it was one Value (not a list)."""
    if isinstance(result, Value):
        return [result], True
    if isinstance(result, (list, tuple)):
        for i, r in enumerate(result):
            if not isinstance(r, Value):
                raise TypeError(f"f's output {i} must be a Value, got {type(r).__name__}: {r!r}")
        if not result:
            raise ValueError("f returned an empty list: there is nothing to differentiate")
        return list(result), False
    raise TypeError(f"f must return a Value or a list of Values, got {type(result).__name__}: {result!r}")


def jvp(
    f: Callable[..., Value | Sequence[Value]],
    xs: Sequence[float | Value],
    v: Sequence[float],
    create_graph: bool = False,
) -> tuple[Any, Any]:
    """f's value at ``xs`` and its derivative along the direction ``v``, by one forward pass.

    ``f`` takes one Value per entry of ``xs`` (a number becomes a fresh leaf, a Value is used
    as it is) and returns a Value or a list of Values.  Returns ``(out, tangent)``: floats, or
    lists of floats for a list of outputs.  With ``create_graph=True`` each tangent is a Value
    whose graph computes it from the same leaves, so it can be differentiated again.  Nothing
    in the graph changes (no ``.grad``).
    """
    checks.function(f, "f", "a function of Values")
    point = _inputs(xs)
    direction = _direction(v, len(point))
    checks.flag(create_graph, "create_graph")
    outs, single = _outputs(f(*point))
    order = order_of(outs)
    if create_graph:
        seeds: dict[Value, Any] = {}
        for x, d in zip(point, direction):
            seeds[x] = seeds[x] + _lift(d) if x in seeds else _lift(d)
        tan = _value_tangents(order, seeds)
        result: list[Any] = [tan[o] if o in tan else _lift(0.0) for o in outs]
    else:
        floats: dict[Value, float] = {}
        for x, d in zip(point, direction):
            floats[x] = floats.get(x, 0.0) + d  # the same Value twice in xs: its directions add
        ftan, _ = tangents(order, floats)
        result = [float(ftan.get(o, 0.0)) for o in outs]
    values = [o.data for o in outs]
    return (values[0], result[0]) if single else (values, result)


class Jacobian(list):
    """The Jacobian as a list of rows (one per output, one column per input), with what it cost.

    ``mode`` is how it was computed ("forward" or "reverse"; for mode="auto", the one chosen),
    ``passes`` the number of passes over the graph (one per input forward, one per output
    reverse) and ``visits`` the inner nodes those passes processed, counted as they ran.
    """

    def __init__(self, rows: list[list[float]], mode: str, passes: int, visits: int, nodes: int) -> None:
        super().__init__(rows)
        self.mode = mode
        self.passes = passes
        self.visits = visits
        self.nodes = nodes  # inner nodes in the graph of all the outputs

    def __str__(self) -> str:
        return list.__repr__(self)  # print shows the matrix; repr adds what it cost

    def __repr__(self) -> str:
        return (f"Jacobian({list.__repr__(self)}, mode={self.mode!r}, passes={self.passes}, "
                f"visits={self.visits})")


def choose_mode(inputs: int, outputs: int) -> str:
    """The mode with fewer passes: forward for fewer inputs than outputs, else reverse (backprop's case)."""
    return "forward" if inputs < outputs else "reverse"


def jacobian(f: Callable[..., Value | Sequence[Value]], xs: Sequence[float | Value], mode: str = "reverse") -> Jacobian:
    """∂f_i/∂x_j at ``xs`` as a list of rows, exact.

    ``mode="reverse"``: one backward pass per output (a row each); ``"forward"``: one forward
    pass per input (a column each); ``"auto"``: whichever takes fewer passes, named in the
    result's ``mode``.  Both give the same matrix (to rounding).  A single Value output gives
    one row.  Nothing in the graph changes.
    """
    checks.function(f, "f", "a function of Values")
    checks.one_of(mode, MODES, "mode")
    point = _inputs(xs)
    outs, _ = _outputs(f(*point))
    order = order_of(outs)
    nodes = sum(1 for n in order if n._p0 is not None)
    if mode == "auto":
        mode = choose_mode(len(point), len(outs))
    visits = 0
    with _lock:
        if mode == "forward":
            columns = []
            for x in point:
                tan, seen = tangents(order, {x: 1.0})
                visits += seen
                columns.append([float(tan.get(o, 0.0)) for o in outs])
            rows = [list(r) for r in zip(*columns)]
            passes = len(point)
        else:
            rows = []
            for o in outs:
                grads = _push(o, 1.0, _float_partials)  # the engine's backward, in dicts
                visits += sum(1 for n in grads if n._p0 is not None)
                rows.append([float(grads.get(x, 0.0)) for x in point])
            passes = len(outs)
    return Jacobian(rows, mode, passes, visits, nodes)


def hvp(f: Callable[..., Value], xs: Sequence[float | Value], v: Sequence[float]) -> tuple[float, list[float]]:
    """f's value at ``xs`` and the Hessian-vector product H·v, by forward over reverse.

    One backward pass with ``create_graph`` builds the gradient ∇f as Values; one forward pass
    over their graphs along ``v`` gives ∂(∇f)/∂v = H·v.  The n×n Hessian is never formed.
    """
    checks.function(f, "f", "a function of Values")
    point = _inputs(xs)
    direction = _direction(v, len(point))
    outs, single = _outputs(f(*point))
    if not single:
        raise TypeError(f"hvp needs f to return one Value (a scalar), got a list of {len(outs)}")
    gradient = grad(outs[0], point, create_graph=True)
    seeds: dict[Value, float] = {}
    for x, d in zip(point, direction):
        seeds[x] = seeds.get(x, 0.0) + d
    tan, _ = tangents(order_of(gradient), seeds)
    return outs[0].data, [float(tan.get(g, 0.0)) for g in gradient]


def forward_steps(root: Value, wrt: Value) -> list[tuple[Value, list[tuple[int, Value, float, float]], float]]:
    """What forward mode does for ∂root/∂wrt, step by step (nothing changes on the graph).

    One entry per inner node but ``wrt`` (whose tangent is the seed, 1), in topological order:
    (node, its terms, its tangent).  A term is (parent slot, parent, local derivative
    ∂node/∂parent, the parent's tangent), one for each parent that depends on ``wrt``; a node
    with no terms does not depend on ``wrt`` (tangent 0).  ``wrt`` may be an inner node: forward
    mode then starts there, as ``grad(root, [wrt])`` gives ∂root/∂wrt.
    """
    if not isinstance(root, Value) or not isinstance(wrt, Value):
        raise TypeError(f"forward_steps() needs two Values, got {type(root).__name__} and {type(wrt).__name__}")
    order = order_of([root])
    tan, _ = tangents(order, {wrt: 1.0})
    steps = []
    for node in order:
        if node._p0 is None or node is wrt:
            continue
        terms = [(slot, p, local, tan[p]) for slot, (p, local) in enumerate(zip(node.parents, _float_partials(node)))
                 if p in tan]
        steps.append((node, terms, float(tan.get(node, 0.0))))
    return steps
