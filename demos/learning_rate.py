"""1.3 The learning rate: new_weight = existing_weight − learning_rate · gradient; too small, right, too large."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import nn
import viz
from autograd import Value, grad

from . import plot_captions as pc
from .common import Section, out_folder

TITLE = "1.3 The learning rate"
SUMMARY = "gradient descent on a bowl at three rates, loss curves at four rates, one update with numbers"

TARGET = 3.0  # the bowl J(w) = (w − 3)² has its minimum at w = 3


def bowl(w: Value) -> Value:
    return (w - TARGET) ** 2


def descend(w0: float, lr: float, steps: int) -> list[float]:
    """Gradient descent on the bowl, every gradient from backward."""
    w = Value(w0, label="w")
    opt = nn.SGD([w], lr=lr)
    path = [w.data]
    for _ in range(steps):
        opt.zero_grad()
        bowl(w).backward()
        opt.step()
        path.append(w.data)
    return path


# one weight of a sigmoid unit, z = w·x, on data no w separates: its cross-entropy has a
# finite minimum and is not a quadratic
UNIT_X = (-2.0, -1.2, -0.4, 0.3, 0.8, 1.6, 2.5, -0.8)
UNIT_T = (0, 0, 1, 0, 1, 1, 1, 1)


def unit_loss(w: Value) -> Value:
    return nn.binary_cross_entropy_with_logits([w * x for x in UNIT_X], list(UNIT_T))


def slope_and_curvature(f: Callable[[Value], Value], w: float) -> tuple[float, float]:
    """f′(w) and f″(w), the second from differentiating the graph of the first."""
    x = Value(w, label="w")
    (slope,) = grad(f(x), [x], create_graph=True)
    (curvature,) = grad(slope, [x])
    return slope.data, curvature


def newton(f: Callable[[Value], Value], w0: float, tol: float, most: int = 50) -> list[float]:
    """Newton's steps w ← w − f′(w)/f″(w) until |f′| < tol; the path, start included."""
    path = [w0]
    for _ in range(most):
        slope, curvature = slope_and_curvature(f, path[-1])
        if abs(slope) < tol:
            break
        path.append(path[-1] - slope / curvature)
    return path


def gradient_descent(f: Callable[[Value], Value], w0: float, lr: float, tol: float, most: int) -> list[float]:
    """Plain gradient descent until |f′| < tol (or ``most`` steps); the path, start included."""
    path = [w0]
    for _ in range(most):
        slope, _ = slope_and_curvature(f, path[-1])
        if abs(slope) < tol:
            break
        path.append(path[-1] - lr * slope)
    return path


def run(out_dir: str | os.PathLike, quick: bool = False, seed: int = 0) -> list[Path]:
    s = Section("learning_rate", TITLE, out_folder(out_dir))
    s.say(
        "Gradient descent moves each weight against its gradient: new_weight = existing_weight − "
        "learning_rate · gradient. Here is one step of it on one parameter of a real model, with the numbers."
    )
    model = nn.MLP(2, [3, 1], activation="tanh", seed=seed)
    X, y = nn.datasets.moons(20, seed=seed)
    loss = nn.hinge([model(row) for row in X], y)
    model.zero_grad()
    loss.backward()
    w = model.layers[0].neurons[0].w[0]
    before, grad, lr = w.data, w.grad, 0.1
    nn.SGD(model.parameters(), lr=lr).step()
    s.number(f"new w1 = {viz.fmt(before, 6)} − {lr} · ({viz.fmt(grad, 6)}) = {viz.fmt(w.data, 6)}")
    s.claim(w.data == before - lr * grad, "SGD.step() applied exactly new = old − lr · grad")

    def loss_at(value: float) -> float:  # the same loss with w1 set to value, everything else as it was
        kept = w.data
        w.data = value
        try:
            return nn.hinge([model(row) for row in X], y).data
        finally:
            w.data = kept

    after = w.data
    step = after - before
    # the axis is scaled to the step (a third of its width), so the move against the slope can be seen
    reach = 1.5 * abs(step) if step else 0.5
    grid_w = np.linspace(before - reach, before + reach, 41)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.plot(grid_w, [loss_at(v) for v in grid_w], color="#999999", label="the loss J, as w1 varies")
    j0 = loss_at(before)
    ax.plot(grid_w, j0 + grad * (grid_w - before), "--", color="#1565c0", label=f"slope ∂J/∂w1 = {viz.fmt(grad)}")
    ax.annotate("", xy=(after, loss_at(after)), xytext=(before, j0),
                arrowprops={"arrowstyle": "->", "color": "#c62828", "lw": 2})
    ax.plot([before], [j0], "o", color="#1565c0", label=f"existing weight {viz.fmt(before)}")
    ax.plot([after], [loss_at(after)], "o", color="#c62828", label=f"new weight {viz.fmt(after)}")
    # in the corner the descending curve leaves empty
    ax.text(0.97, 0.95, f"the step −{lr} · ∂J/∂w1 = {viz.fmt(step)}\ngoes against the slope", transform=ax.transAxes,
            ha="right", va="top", color="#c62828", fontsize=9)
    ax.set(xlabel="w1", ylabel="J", title=f"new = {viz.fmt(before)} − {lr} · ({viz.fmt(grad)}) = {viz.fmt(after)}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
    s.plot(fig, "learning_rate_update.svg",
           "The notes' picture 7: one update of one weight, new_weight = existing_weight − learning_rate · "
           "gradient; the step goes against the slope.", says=[
               pc.fact("one update of one weight", lambda p: [m.label.split(" weight")[0] for m in p[0].markers]
                       == ["existing", "new"]),
               pc.fact("new_weight = existing_weight − learning_rate · gradient", _update_in_title),
               pc.fact("the step goes against the slope", _against_the_slope)])
    s.claim((after - before) * grad < 0 or grad == 0, "the update moves w1 against its gradient")
    s.claim(abs(step) >= (grid_w[-1] - grid_w[0]) / 4 or not step,
            f"the step spans {abs(step) / (grid_w[-1] - grid_w[0]):.0%} of the plot's w1 axis, so it can be seen")

    s.say(
        "On the bowl J(w) = (w − 3)², starting from w = −2: a learning rate that is too small creeps toward "
        "the minimum, a good one gets there in a few steps, and one that is too large overshoots further "
        "every step and diverges."
    )
    steps = 12
    rates = (("too small", 0.05), ("good", 0.4), ("too large", 1.05))
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
    paths = {}
    for ax, (name, rate) in zip(axes, rates):
        path = descend(-2.0, rate, steps)
        paths[name] = path
        # every panel keeps its whole path in view
        lo, hi = min(path + [-6.0]) - 1, max(path + [12.0]) + 1
        ws = np.linspace(lo, hi, 200)
        ax.plot(ws, (ws - TARGET) ** 2, color="#999999", label="J(w) = (w − 3)²")
        ax.plot(path, [(p - TARGET) ** 2 for p in path], "o-", color="#c62828", markersize=4, label="steps")
        ax.set(title=f"{name}: learning rate {rate}", xlabel="w", xlim=(lo, hi),
               ylim=(-5, 1.08 * max((lo - TARGET) ** 2, (hi - TARGET) ** 2)))
        s.number(f"{name:>10} (lr {rate}): w after {steps} steps = {viz.fmt(path[-1])}, "
                 f"distance to the minimum {viz.fmt(abs(path[-1] - TARGET))}")
    axes[0].set_ylabel("J(w)")
    axes[-1].legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9)  # beside the panels, off the paths
    s.plot(fig, "learning_rate_bowl.svg", "The notes' picture 8: twelve steps of gradient descent at a learning "
           "rate too small (left), good (middle: below the best rate, 1/2, found below) and too large (right).", says=[
               pc.count("twelve steps of gradient descent", lambda p: pc.one({
                   len(c.x) - 1 for q in p for c in q.curves if c.label == "steps"} if len(p) == 3 else set())),
               pc.fact("too small (left), good (middle", lambda p: [
                   q.title.split(":")[0] for q in p] == ["too small", "good", "too large"]),
               pc.fact("below the best rate, 1/2", lambda p: len(p) == 3 and 0 < float(
                   p[1].title.rsplit(" ", 1)[-1]) < 1 / 2)])
    far = [abs(p - TARGET) for p in paths["too small"]]
    s.claim(far[-1] < far[0] and far[-1] > 1.0, "too small: always closer, still far away after 12 steps")
    s.claim(abs(paths["good"][-1] - TARGET) < 1e-3, "good: within 0.001 of the minimum")
    big = [abs(p - TARGET) for p in paths["too large"]]
    s.claim(all(b > a for a, b in zip(big, big[1:])), "too large: every step lands further from the minimum")

    s.say(
        "What is the right learning rate? The engine can differentiate its own gradient: grad(..., "
        "create_graph=True) gives J′(w) as a graph, and differentiating that gives the curvature J″(w). "
        "Newton's update w ← w − J′(w)/J″(w) is gradient descent with learning rate 1/J″. On the bowl J″ = 2 "
        "everywhere, so the best rate is 1/2: one step lands on the minimum. The middle panel's 0.4 is a good rate "
        "below it, which needs a few steps."
    )
    slope, curvature = slope_and_curvature(bowl, -2.0)
    one = -2.0 - slope / curvature
    s.number(f"at w = −2: J′ = {viz.fmt(slope)}, J″ = {viz.fmt(curvature)}; "
             f"w − J′/J″ = −2 − ({viz.fmt(slope)})/{viz.fmt(curvature)} = {viz.fmt(one)}")
    s.claim(curvature == 2.0 and one == TARGET, "on the bowl, one Newton step lands exactly on the minimum w = 3")
    s.claim(descend(-2.0, 1 / curvature, 1)[-1] == TARGET, "gradient descent with lr = 1/J″ = 0.5 does too")

    s.say(
        "On a loss that is not a quadratic, such as the cross-entropy of one sigmoid unit in its weight w, the "
        "curvature changes with w, and Newton's step uses the current one. It converges in a handful of steps; "
        "gradient descent from the same start, at learning rate 1, needs many."
    )
    tol = 1e-10
    fast = newton(unit_loss, 0.0, tol)
    slow = gradient_descent(unit_loss, 0.0, 1.0, tol, most=1000)
    s.number(f"|J′| < {viz.fmt(tol)}: Newton after {len(fast) - 1} steps (w = {viz.fmt(fast[-1], 10)}), "
             f"gradient descent after {len(slow) - 1} steps (w = {viz.fmt(slow[-1], 10)})")
    s.claim(len(fast) - 1 <= 8, f"Newton's method reaches |J′| < {viz.fmt(tol)} within 8 steps")
    s.claim(len(slow) - 1 >= 5 * (len(fast) - 1) and abs(slow[-1] - fast[-1]) < 1e-8,
            "gradient descent needs at least five times as many to reach the same minimum")
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.6), layout="constrained")
    ws = np.linspace(-1.0, 3.0, 200)
    left.plot(ws, [unit_loss(Value(w)).data for w in ws], color="#999999", label="J(w)")
    left.plot(slow[:12], [unit_loss(Value(w)).data for w in slow[:12]], "s-", color="#1565c0", markersize=4,
              label="gradient descent, lr 1 (first 11 steps)")
    left.plot(fast, [unit_loss(Value(w)).data for w in fast], "o-", color="#c62828", markersize=5, label="Newton")
    left.set(title="a sigmoid unit's cross-entropy in its weight", xlabel="w", ylabel="J(w)")
    left.legend(loc="upper right", fontsize=8)
    for path, style, name in ((slow, "s-", "gradient descent, lr 1"), (fast, "o-", "Newton")):
        slopes = [max(abs(slope_and_curvature(unit_loss, w)[0]), 1e-17) for w in path]
        right.plot(range(len(path)), slopes, style, markersize=3,
                   color="#1565c0" if path is slow else "#c62828", label=name)
    right.set(title="|J′(w)| after each step", xlabel="step", ylabel="|J′(w)|", yscale="log")
    right.legend(loc="upper right", fontsize=8)
    s.plot(fig, "learning_rate_newton.svg",
           "Newton's method (learning rate 1/J″, with J″ from a second backward) against gradient descent.", says=[
               pc.fact("Newton's method", lambda p: all(any(t.startswith("Newton") for t in q.legend) for q in p)),
               pc.fact("against gradient descent", lambda p: all(
                   any(t.startswith("gradient descent") for t in q.legend) for q in p)
                   # the right panel: Newton's |J′| gets below gradient descent's in fewer steps
                   and len(_curve(p[1], "Newton").x) < len(_curve(p[1], "gradient descent").x))])

    s.say(
        "The same happens when training a network. One model, the same data and the same starting weights, "
        "trained with mini-batches of 10 at four learning rates (after cs231n): a low rate "
        "learns slowly, a high one bounces around a worse loss, a very high one never settles."
    )
    X, y = nn.datasets.moons(120, noise=0.3, seed=seed)
    y = [(t + 1) / 2 for t in y]
    epochs = 20 if quick else 40
    curves = {}
    for name, rate in (("very high", 20.0), ("high", 5.0), ("low", 0.003), ("good", 1.0)):
        model = nn.MLP(2, [8, 1], activation="tanh", seed=seed)
        history = nn.fit(model, nn.binary_cross_entropy_with_logits, X, y, lr=rate, epochs=epochs,
                         batch_size=10, seed=seed, quiet=True)
        curves[name] = (rate, history.loss)
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for name, (rate, losses) in curves.items():
        ax.plot(range(1, len(losses) + 1), losses, label=f"{name} (lr {rate})")
        s.number(f"{name:>9} (lr {rate}): loss {viz.fmt(losses[0])} after the first epoch, "
                 f"{viz.fmt(losses[-1])} after the last")
    ax.set(title="loss against epoch at four learning rates", xlabel="epoch", ylabel="cross-entropy loss",
           yscale="log")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
    s.plot(fig, "learning_rate_curves.svg", "The notes' picture 9: the training loss of one 2-8-1 model on noisy "
           "moons at four learning rates.", says=[
               pc.count("four learning rates", lambda p: len({c.label for c in p[0].curves if "(lr " in c.label})),
               pc.fact("the training loss", lambda p: "loss" in p[0].ylabel and p[0].xlabel == "epoch")])
    # a high rate bounces from epoch to epoch: compare the mean over the last quarter of the epochs
    tail = max(3, epochs // 4)
    final = {name: float(np.mean(losses[-tail:])) for name, (_, losses) in curves.items()}
    s.number("mean loss over the last " + str(tail) + " epochs: "
             + ", ".join(f"{name} {viz.fmt(v)}" for name, v in final.items()))
    s.claim(final["good"] < final["low"] and final["good"] < final["high"],
            "the good rate ends with the lowest loss")
    s.claim(final["very high"] > 3 * final["good"], "the very high rate ends far above it")
    return s.finish()


def _curve(panel: pc.Panel, start: str) -> pc.Curve:
    return next(c for c in panel.curves if c.label.startswith(start))


def _update_in_title(panels: list[pc.Panel]) -> bool:
    """Picture 7's title is the update with its numbers (new = old − lr · (gradient) = new), the numbers
    are right, and they are the plotted existing and new weights (to the 4 figures shown)."""
    old, lr, gradient, new = pc.numbers(panels[0].title)
    existing, moved = (m.x[0] for m in panels[0].markers)
    close = lambda a, b: abs(a - b) <= 1e-3 * max(abs(a), abs(b), 1e-12)  # noqa: E731
    return close(new, old - lr * gradient) and close(old, existing) and close(new, moved)


def _against_the_slope(panels: list[pc.Panel]) -> bool:
    """The plotted step (existing → new weight) and the plotted tangent's slope have opposite signs."""
    existing, moved = (m.x[0] for m in panels[0].markers)
    tangent = _curve(panels[0], "slope")
    slope = (tangent.y[-1] - tangent.y[0]) / (tangent.x[-1] - tangent.x[0])
    return (moved - existing) * slope < 0
