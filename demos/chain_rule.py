"""1.6 The chain rule: ∂J/∂θ2 and ∂J/∂θ1 of the notes' θ1/θ2 network, as paths through its graph."""

from __future__ import annotations

import os
from pathlib import Path

import viz
from autograd import Value, numerical_grad

from .common import Section, out_folder

TITLE = "1.6 The chain rule"
SUMMARY = "∂J/∂θ2 and ∂J/∂θ1 of the notes' θ1/θ2 network as highlighted paths, checked against backward"


def network(x: float, y: float, t1: float, t2: float) -> dict[str, Value]:
    """a1 = x; z2 = θ1·a1; a2 = σ(z2); z3 = θ2·a2; a3 = σ(z3); J = ½(a3 − y)²."""
    v = {"a1": Value(x, label="a1"), "θ1": Value(t1, label="θ1"), "θ2": Value(t2, label="θ2")}
    v["z2"] = v["θ1"] * v["a1"]
    v["a2"] = v["z2"].sigmoid()
    v["z3"] = v["θ2"] * v["a2"]
    v["a3"] = v["z3"].sigmoid()
    v["J"] = 0.5 * (v["a3"] - y) ** 2
    for name in ("z2", "a2", "z3", "a3", "J"):
        v[name].label = name
    return v


def run(out_dir: str | os.PathLike, quick: bool = False, seed: int = 0) -> list[Path]:
    s = Section("chain_rule", TITLE, out_folder(out_dir))
    x, y, t1, t2 = 1.5, 1.0, 0.5 + 0.1 * seed, -1.2
    v = network(x, y, t1, t2)
    J = v["J"]
    J.backward()
    s.say(
        "The notes' network has one input a1 = x, two weights θ1 and θ2 and a sigmoid g in each layer: "
        "z2 = θ1·a1, a2 = g(z2), z3 = θ2·a2, a3 = g(z3), and the loss J = ½(a3 − y)². "
        "Every box below is a Value the engine made; each one knows its parents and the local derivative "
        "of itself with respect to each parent, computed in the forward pass."
    )
    s.graph(viz.draw(J), "chain_rule_network.svg",
            f"The θ1/θ2 network for x = {x:g}, y = {y:g}, θ1 = {t1:g}, θ2 = {t2:g}, after J.backward().")
    s.say(
        "θ2 feeds z3, which feeds a3, which feeds J: one path. Multiplying the local derivatives along it "
        "gives ∂J/∂θ2 = ∂J/∂a3 · ∂a3/∂z3 · ∂z3/∂θ2, and that product is exactly what backward left in θ2.grad."
    )
    check = numerical_grad(lambda a, b: network(x, y, a.data, b.data)["J"], [t1, t2])
    for theta, fd, picture in ((v["θ2"], check[1], "15"), (v["θ1"], check[0], "16")):
        rule = viz.chain_rule(J, theta)
        name = theta.label
        s.graph(viz.draw_chain_rule(rule), f"chain_rule_theta{name[-1]}.svg",
                f"The notes' picture {picture}: the path from J to {name}, each edge labelled with its local "
                f"derivative; the caption multiplies them.")
        s.number(rule.text())
        s.claim(rule.count == 1, f"there is exactly one path from J to {name}")
        s.claim(rule.matches_grad, f"the product along it equals {name}.grad = {viz.fmt(theta.grad)}")
        s.claim(abs(rule.total - fd) <= 1e-6 * max(1.0, abs(fd)),
                f"and the finite difference (J(θ + ε) − J(θ − ε))/2ε = {viz.fmt(fd)}")
    labels = [n.label for n in viz.chain_rule(J, v["θ1"]).paths[0] if n.label]
    s.claim(labels == ["J", "a3", "z3", "a2", "z2", "θ1"],
            "the θ1 path runs through J, a3, z3, a2, z2 — the notes' formula for ∂J/∂θ1")
    s.say(
        "When a value is used more than once there is more than one path, and the chain rule adds them. "
        "In J = x·x + x, x reaches J three times: twice through x·x (once as each operand) and once directly."
    )
    xv = Value(3.0, label="x")
    J2 = xv * xv + xv
    J2.backward()
    rule = viz.chain_rule(J2, xv)
    s.graph(viz.draw_chain_rule(rule), "chain_rule_three_paths.svg",
            "Three paths from J to x, parallel edges kept; their products add up to x.grad.")
    s.number(rule.text())
    s.claim(rule.count == 3 and rule.total == xv.grad == 7.0, "the three products add up to x.grad = 2x + 1 = 7")

    s.say(
        "Now watch backward do it. Each player below replays the engine's own backward on the graph above, one "
        "node at a time, in the order the engine visits them: each frame writes p.grad += ∂node/∂p × node.grad "
        "with its numbers. Use the buttons or the keys (→ and ← to step, Home and End, space to play), click a "
        "frame in the list to jump to it, or change a leaf and watch every number follow."
    )
    v = network(x, y, t1, t2)  # a fresh graph: the player needs no backward to have run
    player = viz.step_through(v["J"])
    final = {p: after for f in player.frames for p, _, _, after in f.updates}  # the last grad each node gets
    v["J"].backward()
    s.player(player, "The θ1/θ2 network's forward and backward passes, frame by frame.")
    s.claim(final[v["θ1"]] == v["θ1"].grad and final[v["θ2"]] == v["θ2"].grad,
            "the player's last frames leave exactly the gradients J.backward() computes")
    xv = Value(3.0, label="x")
    J2 = xv * xv + xv
    J2.label = "J"
    player = viz.step_through(J2)
    contributions = [after for f in player.frames for p, _, _, after in f.updates if p is xv]
    s.player(player, "J = x·x + x: x receives three contributions in turn, 1 from the sum, then 3 and 3 from x·x.")
    s.claim(contributions == [1.0, 4.0, 7.0], "x.grad runs 1, 4, 7: one contribution per path")

    s.say(
        "Your turn. The same network, but at each backward step the gradient the engine is about to write is "
        "hidden: type it (−0.69, 6.9e-1 or 1/4 all work), press Enter, and the engine checks it. A wrong answer "
        "gets a hint, first the formula, then its numbers. Your score is kept in the page's address, so a reload "
        "picks up where you were."
    )
    quiz = viz.step_through(network(x, y, t1, t2)["J"], quiz=True)
    s.player(quiz, "Backward by hand on the θ1/θ2 network, every answer checked by the engine.")
    return s.finish()
