"""micrograd's demo, on this engine: an MLP 2-16-16-1 learns the two moons with the SVM max-margin loss."""

from __future__ import annotations

import os
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import nn
import viz
from autograd import Value

from . import plot_captions as pc
from .common import Section, grid, out_folder, scientific

TITLE = "Putting it together: the two moons"
BUDGET = 300  # training steps, at most, toward every point on the right side
SUMMARY = "micrograd's demo: MLP 2-16-16-1, max-margin loss, trained to 100% accuracy; the network drawn"


def run(out_dir: str | os.PathLike, quick: bool = False, seed: int = 0) -> list[Path]:
    s = Section("moons", TITLE, out_folder(out_dir))
    n, steps = (40, 100) if quick else (100, 100)
    X, y = nn.datasets.moons(n, noise=0.1, seed=seed)
    model = nn.MLP(2, [16, 16, 1], activation="relu", init="uniform", seed=seed)  # micrograd: U(−1, 1)
    s.say(
        f"micrograd's own demo, re-run on this engine: {n} points of two interleaved moons labelled −1 and +1, "
        f"an MLP with two hidden layers of 16 ReLU units ({model.num_parameters()} parameters, weights drawn from "
        "U(−1, 1) as micrograd does), the SVM "
        "max-margin loss mean(max(0, 1 − y·score)) plus 10⁻⁴·Σθ², and plain gradient descent whose learning rate "
        f"falls from 1.0 to 0.1 over {steps} steps, as micrograd's does; then it trains on at 0.3 until every "
        f"point is on the right side, or for {BUDGET - steps} more steps at most."
    )
    params = model.parameters()
    opt = nn.SGD(params, lr=1.0)
    losses, accuracies = [], []
    budget = BUDGET
    start = time.perf_counter()
    with nn.collector_paused():
        for k in range(budget):
            scores = [model(row) for row in X]
            loss = nn.hinge(scores, y) + 1e-4 * sum((p * p for p in params), Value(0.0))
            losses.append(loss.data)
            accuracies.append(sum((sc.data > 0) == (t > 0) for sc, t in zip(scores, y)) / n)
            if (k >= steps and accuracies[-1] == 1.0) or k == budget - 1:
                break  # trained to convergence, or out of budget: the last numbers are the model's as drawn
            opt.zero_grad()
            loss.backward()
            # micrograd's schedule for the first 100 steps, then a steady 0.3
            opt.lr = 1.0 - 0.9 * k / steps if k < steps else 0.3
            opt.step()
            del scores, loss  # free this step's graph before the next is built
    seconds = time.perf_counter() - start
    at_steps = accuracies[steps]  # the accuracy after the first `steps` updates
    final = accuracies[-1]
    s.number(f"at the start: loss {viz.fmt(losses[0])}, accuracy {accuracies[0]:.0%};  after {steps} steps: loss "
             f"{viz.fmt(losses[steps])}, accuracy {at_steps:.0%};  trained on to {len(losses) - 1} steps: "
             f"accuracy {final:.0%};  {seconds:.1f} s in all")
    s.claim(at_steps >= 0.95, f"after {steps} steps at least 95% of the training points are on the right side")
    s.claim(final >= 0.99, f"trained on (at most {budget} steps), at least 99% are right: with {n} points, "
            f"{'all of them' if n < 100 else 'all but at most one'}")
    made = len(losses) - 1  # updates made; losses[k] and accuracies[k] are after k of them

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    gx, gy, points = grid((-1.5, 2.5), (-1.0, 1.5), 40 if quick else 70)
    scores = np.array([model(p).data for p in points]).reshape(gx.shape)
    left.contourf(gx, gy, scores > 0, levels=[-0.5, 0.5, 1.5], colors=["#dbe9f6", "#fde0c5"])
    left.contour(gx, gy, scores, levels=[0.0], colors="k", linewidths=1)
    pts, t = np.array(X), np.array(y)
    left.scatter(pts[t < 0, 0], pts[t < 0, 1], color="#1f77b4", edgecolors="k", s=20, label="y = −1")
    left.scatter(pts[t > 0, 0], pts[t > 0, 1], color="#ff7f0e", edgecolors="k", s=20, label="y = +1")
    left.set(title=f"decision boundary after {made} steps ({final:.0%} right)", xlabel="x1", ylabel="x2")
    left.legend(fontsize=8)
    right.plot(range(made + 1), losses, label="loss")
    right.set(title="training", xlabel="steps made (0: the first weights)", ylabel="loss", yscale="log")
    twin = right.twinx()
    twin.plot(range(made + 1), accuracies, color="#2ca02c", label="accuracy")
    twin.set(ylabel="accuracy", ylim=(0, 1.05))
    twin.grid(False)
    # one legend for both curves, where neither runs (the loss has fallen, the accuracy is at the top)
    lines = right.get_lines() + twin.get_lines()
    twin.legend(lines, [line.get_label() for line in lines], loc="center right", fontsize=8)
    s.plot(fig, "moons.svg", "The trained network's decision boundary, and its loss and accuracy after each step.",
           says=[pc.fact("decision boundary", lambda p: p[0].filled and "decision boundary" in p[0].title),
                 pc.fact("its loss and accuracy after each step", lambda p: sorted(p[1].legend) == ["accuracy", "loss"]
                         and "steps" in p[1].xlabel and all(list(c.x) == list(range(made + 1)) for c in p[1].curves))])

    s.say(
        "The network itself, drawn the way the notes draw one: the two inputs, a column of neurons per layer, "
        "and one edge per weight, blue for positive and red for negative, thicker for larger |w|. Each neuron "
        "shows its bias and its output a on the first training point."
    )
    drawing = viz.draw_network(model, x=X[0])
    s.graph(drawing, "moons_network.svg", f"The trained 2-16-16-1 network on the point x1 = {viz.fmt(X[0][0])}, "
            f"x2 = {viz.fmt(X[0][1])}: {drawing.caption}.")
    weights = sum(len(n.w) for layer in model.layers for n in layer.neurons)
    s.claim(drawing.counts() == (2 + 33, weights),
            f"the picture has one node per input and neuron (35) and one edge per weight ({weights})")

    s.say(
        "From here to PyTorch: nn.to_torch(model) builds the same network as a torch.nn.Sequential of Linear "
        "layers and activations, with the trained weights copied over."
    )
    try:
        import torch
    except ImportError:
        s.number("PyTorch is not installed here (pip install torch): the carried-over model is not checked.")
        return s.finish()
    twin = nn.to_torch(model)
    batch = torch.tensor(X, dtype=torch.float64)
    theirs = twin(batch).flatten().tolist()
    ours = [model(row).data for row in X]
    worst = max(abs(a - b) / max(1.0, abs(b)) for a, b in zip(theirs, ours))
    s.number(f"largest difference between the two models' outputs on the {n} points: {scientific(worst)}")
    s.claim(worst <= 1e-12, "PyTorch's copy gives the same predictions, to 10⁻¹²")
    k = min(10, n)
    model.zero_grad()
    nn.hinge([model(row) for row in X[:k]], y[:k]).backward()
    torch.relu(1 - torch.tensor(y[:k], dtype=torch.float64) * twin(batch[:k]).flatten()).mean().backward()
    torch_grads = [g for p in twin.parameters() for g in p.grad.flatten().tolist()]
    ours = [p.grad for p in nn.export.torch_order(model)]
    worst = max(abs(a - b) / max(1.0, abs(b)) for a, b in zip(torch_grads, ours))
    s.claim(worst <= 1e-12, f"and, on a batch of {k} points, the same gradients for all {len(ours)} parameters, "
            "to 10⁻¹²")
    return s.finish()
