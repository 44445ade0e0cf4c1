"""Lessons from broken engines: the bugs naive autograd engines really have, each run live beside chainrule.

The broken engines are a few lines each and live here, never in autograd/.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import matplotlib.pyplot as plt

import viz
from autograd import Value, topological

from . import plot_captions as pc
from .common import Section, out_folder

TITLE = "Lessons from broken engines"
SUMMARY = "a recursive sort's depth limit, = instead of +=, backward twice, and paths enumerated instead of summed"


class Naive:
    """A micrograd-style scalar: closures for backward and a recursive topological sort.

    ``accumulate=False`` makes it assign gradients (``=``) where it should add them (``+=``).
    """

    def __init__(self, data: float, parents: tuple = (), accumulate: bool = True) -> None:
        self.data, self.grad, self.parents, self.accumulate = data, 0.0, parents, accumulate
        self._backward = lambda: None

    def _give(self, node: Naive, amount: float) -> None:
        node.grad = node.grad + amount if self.accumulate else amount

    def __add__(self, other: Naive) -> Naive:
        out = Naive(self.data + other.data, (self, other), self.accumulate)

        def backward() -> None:
            out._give(self, out.grad)
            out._give(other, out.grad)

        out._backward = backward
        return out

    def __mul__(self, other: Naive) -> Naive:
        out = Naive(self.data * other.data, (self, other), self.accumulate)

        def backward() -> None:
            out._give(self, other.data * out.grad)
            out._give(other, self.data * out.grad)

        out._backward = backward
        return out

    def backward(self) -> None:
        order, seen = [], set()

        def visit(node: Naive) -> None:  # recursive: one Python frame per level of the graph
            if node not in seen:
                seen.add(node)
                for p in node.parents:
                    visit(p)
                order.append(node)

        visit(self)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


def count_paths_by_listing(node: Value, theta: Value, visits: list[int] | None = None) -> tuple[int, float]:
    """The sum over paths the slow way: walk every path from node down to θ, one by one.
    ``visits`` counts the nodes the walk steps on."""
    if visits is not None:
        visits[0] += 1
    if node is theta:
        return 1, 1.0
    count, total = 0, 0.0
    for p, g in zip(node.parents, node.local_grads):
        c, t = count_paths_by_listing(p, theta, visits)
        count, total = count + c, total + g * t
    return count, total


def doubling(k: int) -> tuple[Value, Value]:
    x = Value(1.0, label="x")
    y = x
    for _ in range(k):
        y = y + y
    return y, x


def run(out_dir: str | os.PathLike, quick: bool = False, seed: int = 0) -> list[Path]:
    s = Section("broken", TITLE, out_folder(out_dir))
    s.say(
        "A backward pass is short to write and easy to get subtly wrong. Here are four bugs that naive engines "
        "really have, each run live on a tiny engine written the naive way, beside chainrule doing it right."
    )

    s.say(
        "1. A recursive topological sort. micrograd sorts the graph with a recursive function, one Python frame "
        "per level, and Python stops at about 1,000 frames. A chain of 1,500 multiplications is enough."
    )
    depth = 1500
    h = Naive(1.0)
    for _ in range(depth):
        h = h * Naive(1.0)
    try:
        h.backward()
        naive = "finished"
    except RecursionError:
        naive = "RecursionError"
    deep = 100_000
    v = Value(1.0, label="x")
    w = v
    for _ in range(deep):
        w = w * 1.0
    w.backward()
    s.number(f"naive engine, chain of {depth:,}: {naive} (recursion limit {sys.getrecursionlimit():,});  "
             f"chainrule, chain of {deep:,}: x.grad = {v.grad:g}")
    s.claim(naive == "RecursionError", f"the recursive sort fails on a chain of {depth:,}")
    s.claim(v.grad == 1.0, f"chainrule's iterative backward finishes a chain of {deep:,}, with x.grad = 1")

    s.say(
        "2. Assigning instead of adding. If backward writes p.grad = local × upstream, the last path to reach a "
        "node overwrites the others. In y = x + x, x reaches y twice and ∂y/∂x = 2; the broken engine says 1."
    )
    x = Naive(3.0, accumulate=False)
    (x + x).backward()
    xv = Value(3.0, label="x")
    (xv + xv).backward()
    s.number(f"y = x + x:  broken engine x.grad = {x.grad:g};  chainrule x.grad = {xv.grad:g}")
    s.claim(x.grad == 1.0 and xv.grad == 2.0, "= loses a path (x.grad = 1); += adds both (x.grad = 2)")

    s.say(
        "3. Backward twice without zeroing. Leaves accumulate on purpose, as in PyTorch: that is how the "
        "gradients of several mini-batches add up before one update. Forget to zero them between steps and "
        "every gradient is counted twice."
    )
    a = Value(2.0, label="a")
    loss = a * a
    loss.backward()
    once = a.grad
    loss.backward()
    twice = a.grad
    a.grad = 0.0
    halves = [a * a * 0.5, a * a * 0.5]  # one loss in two halves, as two mini-batches
    for half in halves:
        half.backward()
    s.number(f"J = a², a = 2: after one backward a.grad = {once:g}, after a second without zeroing {twice:g}; "
             f"zeroed, then two half-losses backpropagated in turn: {a.grad:g}")
    s.claim(twice == 2 * once, "a second backward without zeroing doubles the leaf's gradient")
    s.claim(a.grad == once, "which is what makes two halves of a loss add up to the whole: accumulation on purpose")

    s.say(
        "4. Listing paths instead of adding them up node by node. ∂J/∂θ is a sum over every path, but listing "
        "the paths costs as many steps as there are paths: y = y + y repeated k times has 2^k of them. "
        "Backward adds them node by node instead, in k steps."
    )
    ks = list(range(4, 17 if quick else 19, 2))
    listing, summing = [], []  # steps each way, counted: a claim must not hang on a machine's speed
    for k in ks:
        y, xk = doubling(k)
        visits = [0]
        count, total = count_paths_by_listing(y, xk, visits)
        listing.append(visits[0])
        rule = viz.chain_rule(y, xk)
        summing.append(len(topological(y)))  # backward visits each node once
        if count != rule.count or total != rule.total:
            s.claim(False, f"listing and summing agree at k = {k}")
    s.number(f"k = {ks[-1]}: {2 ** ks[-1]:,} paths; listing them steps on {listing[-1]:,} nodes, "
             f"node by node on {summing[-1]:,}")
    fig, ax = plt.subplots(figsize=(7, 3.6), layout="constrained")
    # the legend says what each curve plots: the nodes stepped on, counted (2^(k+1) − 1 and k + 1)
    ax.plot(ks, listing, "o-", color="#c62828", label="listing every path: $2^{k+1} - 1$ nodes")
    ax.plot(ks, summing, "s-", color="#1565c0", label="node by node, as backward does: $k + 1$ nodes")
    ax.set(yscale="log", xlabel="k, the number of doublings y = y + y", ylabel="nodes stepped on (counted)",
           title="∂y/∂x on the doubling graph: two ways to add up the paths")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=10)  # its superscripts 7 pt
    s.plot(fig, "broken_paths.svg", "Listing the paths doubles the nodes it steps on with every doubling; "
           "summing node by node grows with k alone.", says=[
               # listing steps on 2^(k+1) − 1 nodes (its legend): one more than that doubles with each doubling
               pc.fact("Listing the paths doubles the nodes it steps on with every doubling", lambda p: list(
                   p[0].curves[0].y) == [2 ** (k + 1) - 1 for k in p[0].curves[0].x] and "listing" in p[0].legend[0]),
               pc.fact("summing node by node grows with k alone", lambda p: list(p[0].curves[1].y) == [
                   k + 1 for k in p[0].curves[1].x])])
    s.claim(listing[-1] == 2 ** (ks[-1] + 1) - 1,
            f"listing steps on 2^(k+1) − 1 = {listing[-1]:,} nodes at k = {ks[-1]} (counted); backward visits "
            f"{summing[-1]} nodes")
    s.claim(summing[-1] == ks[-1] + 1 and summing[-1] * 20 < listing[-1],
            f"at k = {ks[-1]}, node by node steps on more than 20× fewer nodes")
    return s.finish()
