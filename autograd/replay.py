"""The plan of a tape's replay: the recorded graph as arrays, and what it folds into.

A tape reads the graph fn built as a :class:`Graph`: its nodes numbered with parents first
and each node's operands by number, from the recording made while fn ran (see
:mod:`autograd.recording`) or, when there is none, from a walk of the graph.  ``make_plan``
then finds, over whole arrays at once (numpy, not a pass of Python per node), which nodes
the outputs depend on, how many readers each has, the chains of additions that fold into
sums, and the sums of parameter × value products that are lifted into matrix products; and
so which nodes need no row of values.  :mod:`autograd.layout` schedules the rest into
batched steps (:mod:`autograd.groups`); :mod:`autograd.tape` drives them.

This module is loaded with the first tape, never by ``import autograd`` (it needs numpy).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .backward import _lock
from .recording import Recording
from .value import Value, walk_runs


def walk(outputs: list[Value]) -> tuple[list[Value], dict[Value, int]]:
    """Every node the outputs depend on, parents before the nodes made from them (depth first,
    the left operand's graph before the right one's), and how many readers each has (an output
    counts as one): see :func:`marked_walk`, the pass a tape runs when it has no recording."""
    with _lock:
        order, count = marked_walk(outputs)
        return order, dict(zip(order, count))


def marked_walk(outputs: list[Value]) -> tuple[list[Value], list[int]]:
    """walk's order, and each node's count of readers by its place in that order, which the
    node's ``_place`` slot holds when the walk returns.

    The marks live on the nodes, as backward's counters do (a set of the nodes seen and a dict
    of their counts cost a hash each, over a graph that outgrows the caches): ``_mark`` holds
    this pass's token once a node is met (the slot backward's runs mark too, see
    :mod:`autograd.backward`), ``_place`` its place once it is placed: the caller holds
    backward's lock until it has read them, and any later pass, with a token of its own,
    ignores them.  A node is placed after its operands (which are placed already: an operand
    still on the stack would make a cycle), and adds one reader to each of them then, so each
    edge counts once."""
    walk_runs[0] += 1  # (a recording running now in another thread is void: see autograd.recording)
    token = object()
    order: list[Value] = []
    count: list[int] = []
    place, tally = order.append, count.append
    k = 0  # the next place
    for root in outputs:
        if root._mark is token:  # placed already, by an earlier output's walk
            count[root._place] += 1
            continue
        root._mark = token
        stack = [root]
        push, pop = stack.append, stack.pop
        while stack:
            n = stack[-1]
            p = n._p0
            if p is None:
                n._place = k
                k += 1
                place(pop())
                tally(0)
                continue
            if p._mark is not token:
                p._mark = token
                push(p)
                continue
            q = n._p1
            if q is not None:
                if q._mark is not token:
                    q._mark = token
                    push(q)
                    continue
                count[q._place] += 1
            count[p._place] += 1
            n._place = k
            k += 1
            place(pop())
            tally(0)
        count[root._place] += 1  # an output counts as one reader
    return order, count


class Graph:
    """A traced graph as arrays: node i is ``nodes[i]``, parents before the nodes made from
    them; ``p0[i]`` and ``p1[i]`` are its operands' numbers (−1 for none; both −2 for a sum
    written down as one entry), ``op[i]`` its op ("" for a leaf); ``outs`` the outputs' numbers,
    ``inputs`` the inputs' (−1 for an input fn never read), ``constants`` the constant
    leaves'.  The sums written down as one entry (see autograd.recording), one per entry of
    ``dot_heads``: weights ``dot_w[dot_at[j]:dot_at[j+1]]``, the operands they multiply (same
    places in ``dot_x``), and the start ``dot_start[j]`` (−1: none)."""

    def __init__(self, nodes: list[Value], p0: Any, p1: Any, op: Any, outs: Any, inputs: list[int],
                 constants: Any, dots: tuple[Any, Any, Any, Any, Any] | None = None) -> None:
        self.nodes, self.p0, self.p1, self.op, self.outs, self.inputs = nodes, p0, p1, op, outs, inputs
        self.constants = constants
        none = np.zeros(0, dtype=np.intp)
        entries: tuple[Any, ...] = dots or (none, np.zeros(1, dtype=np.intp), none, none, none)
        self.dot_heads, self.dot_at, self.dot_w, self.dot_x, self.dot_start = entries

    def dot_terms(self, heads: Any) -> Any:
        """The places in dot_w (and dot_x) of the terms of the entries ``heads`` (places in
        dot_heads, ascending), in order."""
        if len(heads) == len(self.dot_heads):
            return np.arange(self.dot_at[-1])
        at = self.dot_at
        sizes = at[heads + 1] - at[heads]
        return np.repeat(at[heads] - np.r_[0, np.cumsum(sizes)[:-1]], sizes) + np.arange(sizes.sum())

    def dot_reads(self, heads: Any) -> Any:
        """Every node that the entries ``heads`` (places in dot_heads, ascending) read, once per read."""
        where = self.dot_terms(heads)
        starts = self.dot_start[heads]
        return np.concatenate([self.dot_w[where], self.dot_x[where], starts[starts >= 0]])


def graph(recording: Recording, outputs: list[Value], inputs: list[Value]) -> Graph:
    """The graph of ``outputs``: from the recording, if it is valid once the outputs are
    numbered in it, else from a walk (under backward's lock, which a walk's marks need)."""
    if recording.valid:
        outs = [recording.number(o) for o in outputs]
        given = [recording.place(x) for x in inputs]
        if recording.valid:  # (no backward began in another thread while the outputs were numbered)
            parents = recording.parents
            P = np.fromiter(parents, dtype=np.intp, count=len(parents)).reshape(-1, 2)
            return Graph(recording.nodes, P[:, 0], P[:, 1], _ops(recording.ops), np.array(outs, dtype=np.intp), given,
                         np.array(recording.constants(), dtype=np.intp), _dots(recording, P))
    with _lock:
        order, _ = marked_walk(outputs)
        p0 = [-1 if n._p0 is None else n._p0._place for n in order]
        p1 = [-1 if n._p1 is None else n._p1._place for n in order]
        outs = [o._place for o in outputs]
        given = [x._place if 0 <= getattr(x, "_place", -1) < len(order) and order[x._place] is x else -1
                 for x in inputs]
    return Graph(order, np.array(p0, dtype=np.intp), np.array(p1, dtype=np.intp),
                 _ops([n.op for n in order]), np.array(outs, dtype=np.intp), given,
                 np.array([i for i, n in enumerate(order) if n._p0 is None and n._tag.constant], dtype=np.intp))


def _dots(recording: Recording, P: Any) -> tuple[Any, Any, Any, Any, Any] | None:
    """The recording's sums written down as one entry, as Graph's arrays (numbers read now)."""
    if not recording.chains:
        return None
    heads = np.flatnonzero(P[:, 0] == -2)  # in the order they were written down, as chains is
    P[heads, 1] = -2  # (the recording wrote each one's place in chains there)
    w, x = recording.chain_w, recording.chain_x
    at = np.array(recording.chain_at, dtype=np.intp)
    weights = np.fromiter(w, dtype=np.intp, count=len(w))
    operands = np.fromiter(x, dtype=np.intp, count=len(x))
    starts = np.array(recording.chain_start_at, dtype=np.intp)
    return heads, at, weights, operands, starts


def _ops(ops: list[str]) -> Any:
    """The ops' names as an array of str objects (comparing one with "add" costs far less than
    making an array of fixed-width strings)."""
    return np.fromiter(ops, dtype=object, count=len(ops))


class Plan:
    """What the graph folds into, by node number (the nodes the outputs depend on only; see
    :func:`make_plan`).

    ``count``: each node's readers (an output counts as one); ``constant``, ``given``,
    ``param``: the constants, the inputs, the parameters (the other leaves); ``rowless``
    nonzero for a node that needs no row of values: _FOLDED (an addition folded into a sum),
    _PRODUCT (a product inside a lifted sum), _WEIGHT (a parameter read only as a lifted
    weight or bias); ``as_weight``: each parameter's uses as a lifted weight or bias.
    Lifted sums, one per entry of ``lift_heads``: sum j's weights ``lift_w[w_at[j]:w_at[j+1]]``
    and the row-values they multiply, ``lift_x`` (same places), its other terms
    ``lift_rest[r_at[j]:r_at[j+1]]`` and its bias ``lift_bias[j]`` (−1: none).  Folded chains,
    one per entry of ``sum_heads``: the terms ``sum_terms[s_at[j]:s_at[j+1]]``, left to right."""

    def __init__(self, graph: Graph, count: Any, constant: Any, given: Any, param: Any) -> None:
        self.graph, self.count, self.constant, self.given, self.param = graph, count, constant, given, param
        n = len(graph.nodes)
        self.rowless = np.zeros(n, dtype=np.uint8)
        self.as_weight = np.zeros(n, dtype=np.intp)
        empty = np.zeros(0, dtype=np.intp)
        self.lift_heads = self.lift_w = self.lift_x = self.lift_rest = self.lift_bias = empty
        self.w_at = self.r_at = np.zeros(1, dtype=np.intp)
        self.sum_heads, self.sum_terms, self.s_at = empty, empty, np.zeros(1, dtype=np.intp)


_FOLDED, _PRODUCT, _WEIGHT = 1, 2, 3  # why a node has no row: see Plan


def make_plan(g: Graph) -> Plan:
    """What the graph folds into (see :class:`Plan`); the graph is first narrowed to the nodes
    the outputs depend on (fn may have made others).

    Folding: an addition read only as the left operand of another addition is folded into
    that one's sum: ((a + b) + c) + d is summed a, b, c, d from the left, as the engine adds
    it.  A right operand that is itself a sum, a + (b + c), is computed first (summing it into
    the left-to-right chain would re-associate it, and floats are not associative).  Lifting:
    a chain (or a single addition) with at least two terms that are products read only there,
    of a parameter and another value, becomes a lifted sum: its weights, the values they
    multiply, its other terms and the first parameter among them as its bias.  A sum written
    down as one entry is such a chain already (its weights are parameters: see
    Recording.chain_start), its start the one other term."""
    g, count = _needed(g)
    n = len(g.nodes)
    leaves = np.flatnonzero(g.p0 == -1)
    constant = np.zeros(n, dtype=bool)
    constant[g.constants] = True
    given = np.zeros(n, dtype=bool)
    given[[i for i in g.inputs if i >= 0]] = True
    param = np.zeros(n, dtype=bool)
    param[leaves] = True
    param &= ~constant & ~given
    plan = Plan(g, count, constant, given, param)
    heads, weights, operands, w_at, rest, r_at, bias = _lifts(plan)
    # the entries, after the sums found in the graph
    starts = g.dot_start
    is_bias = (starts >= 0) & param[np.maximum(starts, 0)]
    plan.lift_heads = np.concatenate([heads, g.dot_heads])
    plan.lift_w, plan.lift_x = np.concatenate([weights, g.dot_w]), np.concatenate([operands, g.dot_x])
    plan.w_at = np.concatenate([w_at, w_at[-1] + g.dot_at[1:]])
    plan.lift_bias = np.concatenate([bias, np.where(is_bias, starts, -1)])
    other = (starts >= 0) & ~is_bias
    plan.lift_rest = np.concatenate([rest, starts[other]])
    plan.r_at = np.concatenate([r_at, r_at[-1] + np.cumsum(other)])
    biases = plan.lift_bias[plan.lift_bias >= 0]
    plan.as_weight = np.bincount(plan.lift_w, minlength=n) + np.bincount(biases, minlength=n)
    plan.rowless[param & (plan.as_weight == count)] = _WEIGHT
    return plan


def _lifts(plan: Plan) -> tuple[Any, Any, Any, Any, Any, Any, Any]:
    """The chains of additions in the graph: marks the folded additions and the lifted sums'
    products in ``plan.rowless``, sets the summed chains (``sum_*``), and returns the lifted
    sums' heads, weights, operands, their offsets, other terms, their offsets and biases."""
    g, count, param = plan.graph, plan.count, plan.param
    p0, p1 = g.p0, g.p1
    n = len(g.nodes)
    none = np.zeros(0, dtype=np.intp)
    is_add = (g.op == "add") & (p0 >= 0)
    adds = np.flatnonzero(is_add)
    if not len(adds):
        return none, none, none, np.zeros(1, dtype=np.intp), none, np.zeros(1, dtype=np.intp), none
    # the chains: each addition's head is the last addition of its chain
    left = p0[adds]
    read_left = np.zeros(n, dtype=bool)
    read_left[left] = True
    folded = is_add & read_left & (count == 1)
    head = np.arange(n)
    into = folded[left]  # the additions whose left operand folds into them
    head[left[into]] = adds[into]
    while True:  # follow each folded addition to its chain's head, doubling the steps each time
        further = head[head]
        if np.array_equal(further, head):
            break
        head = further
    chain_of = head[adds]
    by_chain = np.argsort(chain_of, kind="stable")  # each chain's additions together, left to right
    links = adds[by_chain]
    starts = np.flatnonzero(np.r_[True, chain_of[by_chain][1:] != chain_of[by_chain][:-1]])
    heads = links[np.r_[starts[1:], len(links)] - 1]  # a chain's last addition heads it
    sizes = np.diff(np.r_[starts, len(links)]) + 1  # terms per chain: one more than its additions
    terms = np.insert(p1[links], starts, p0[links[starts]])
    owner = np.repeat(np.arange(len(heads)), sizes)
    plan.rowless[folded] = _FOLDED
    # the products of a parameter and a value, read only by their chain
    a, b = p0[terms], p1[terms]
    product = (g.op[terms] == "mul") & (count[terms] == 1)
    first = product & param[a]
    second = product & ~first & param[b]
    weighted = first | second
    lifted = np.bincount(owner[weighted], minlength=len(heads)) >= 2
    in_lifted = lifted[owner]
    w_terms = np.flatnonzero(weighted & in_lifted)
    lift_no = np.cumsum(lifted) - 1  # a lifted chain's number among the lifted ones
    n_lifted = int(lifted.sum())
    w_at = np.searchsorted(lift_no[owner[w_terms]], np.arange(n_lifted + 1))
    others = np.flatnonzero(~weighted & in_lifted)
    candidates = others[param[terms[others]]]
    _, firsts = np.unique(owner[candidates], return_index=True)
    bias_terms = candidates[firsts]  # the first parameter among a lifted sum's other terms
    bias = np.full(n_lifted, -1, dtype=np.intp)
    bias[lift_no[owner[bias_terms]]] = terms[bias_terms]
    rest = np.setdiff1d(others, bias_terms, assume_unique=True)
    r_at = np.searchsorted(lift_no[owner[rest]], np.arange(n_lifted + 1))
    plan.rowless[terms[w_terms]] = _PRODUCT
    # the other chains of more than two terms are summed in one step
    summed = ~lifted & (sizes > 2)
    plan.sum_heads = heads[summed]
    plan.sum_terms = terms[summed[owner]]
    plan.s_at = np.r_[0, np.cumsum(sizes[summed])]
    return (heads[lifted], np.where(first, a, b)[w_terms], np.where(first, b, a)[w_terms], w_at,
            terms[rest], r_at, bias)


def objects(nodes: list[Value]) -> Any:
    """The nodes as an array of objects, to pick many of them at once."""
    return np.fromiter(nodes, dtype=object, count=len(nodes))


def _needed(g: Graph) -> tuple[Graph, Any]:
    """The graph narrowed to the nodes the outputs depend on, renumbered in the same order, and
    each one's count of readers (an output counts as one).  A node nothing reads is dropped,
    and then the nodes only it read, front by front."""
    n = len(g.nodes)
    p0, p1 = g.p0, g.p1
    count = (np.bincount(p0 + 2, minlength=n + 2) + np.bincount(p1 + 2, minlength=n + 2))[2:]  # (−1, −2: none)
    count += np.bincount(g.outs, minlength=n)
    if len(g.dot_heads):
        count += np.bincount(g.dot_reads(np.arange(len(g.dot_heads))), minlength=n)
    dead = np.flatnonzero(count == 0)
    if not len(dead):
        return g, count
    needed = np.ones(n, dtype=bool)
    entry = np.full(n, -1, dtype=np.intp)  # a node's place among the entries, if it heads one
    entry[g.dot_heads] = np.arange(len(g.dot_heads))
    while len(dead):
        needed[dead] = False
        read = np.concatenate([p0[dead], p1[dead], g.dot_reads(entry[dead][entry[dead] >= 0])])
        read = read[read >= 0]
        np.subtract.at(count, read, 1)
        read = np.unique(read)
        dead = read[count[read] == 0]
    keep = np.flatnonzero(needed)
    number = np.full(n + 2, -1, dtype=np.intp)  # (number[−1] is −1 and number[−2] is −2: "none" stays)
    number[-2] = -2
    number[keep] = np.arange(len(keep))
    kept = entry[keep][entry[keep] >= 0]  # the entries left, in order
    at = g.dot_at
    where = g.dot_terms(kept)
    dots = (number[g.dot_heads[kept]], np.r_[0, np.cumsum(at[kept + 1] - at[kept])], number[g.dot_w[where]],
            number[g.dot_x[where]], number[g.dot_start[kept]])
    constants = number[g.constants]
    narrowed = Graph(objects(g.nodes)[keep].tolist(), number[p0[keep]], number[p1[keep]], g.op[keep], number[g.outs],
                     [int(number[i]) if i >= 0 else -1 for i in g.inputs], constants[constants >= 0], dots)
    return narrowed, count[keep]
