"""1.6 The chain rule: ∂J/∂θ2 and ∂J/∂θ1 of the notes' θ1/θ2 network, as paths through its graph."""

from __future__ import annotations

import os
import random
from pathlib import Path

import nn
import viz
from autograd import Value, numerical_grad
from viz.worksheet import variants

from . import forward_mode
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


def two_units(x: float, t1: float, t2: float) -> dict[str, Value]:
    """The θ1/θ2 network with a second unit in layer 3 (weight θ3, target 0):
    J = ½(a3 − 1)² + ½(b3 − 0)², so θ1 reaches J through a3 and through b3."""
    v = {"a1": Value(x, label="a1"), "θ1": Value(t1, label="θ1"), "θ2": Value(t2, label="θ2"),
         "θ3": Value(0.7, label="θ3")}
    v["z2"] = v["θ1"] * v["a1"]
    v["a2"] = v["z2"].sigmoid()
    v["z3"] = v["θ2"] * v["a2"]
    v["a3"] = v["z3"].sigmoid()
    v["u3"] = v["θ3"] * v["a2"]
    v["b3"] = v["u3"].sigmoid()
    v["J"] = 0.5 * (v["a3"] - 1.0) ** 2 + 0.5 * v["b3"] ** 2
    for name in ("z2", "a2", "z3", "a3", "u3", "b3", "J"):
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
    layered = nn.MLP(1, [1, 1], activation="sigmoid", output_activation="sigmoid", bias=False, seed=seed)
    for layer, name, value in ((0, "θ1", t1), (1, "θ2", t2)):
        weight = layered.layers[layer].neurons[0].w[0]
        weight.data, weight.label = value, name  # the weights go by the notes' names on the drawing too
    drawing = viz.draw_network(layered, x=[x])
    s.graph(drawing, "chain_rule_layers.svg",
            f"The notes' picture 12 as a network, columns left to right: the input x1 = {viz.fmt(x)} (the notes' "
            f"layer 1, a1 = x), layer 2's unit and layer 3's (each numbered 1 in its column), each unit a sigmoid; "
            f"the weight θ1 = {viz.fmt(t1)} joins x1 to layer 2 and θ2 = {viz.fmt(t2)} joins layer 2 to 3.")
    s.claim(layered([x]).data == v["a3"].data, "the layered model's output is a3, the graph's own")
    s.graph(viz.draw(J), "chain_rule_network.svg",
            f"The θ1/θ2 network for a1 = x = {viz.fmt(x)} (x1 above), y = {viz.fmt(y)}, θ1 = {viz.fmt(t1)}, "
            f"θ2 = {viz.fmt(t2)}, after J.backward(): every Value the engine made.")
    s.say(
        "The chain rule in one line: if z depends on x only through y, then dz/dx = dz/dy · dy/dx. Here "
        "y = x² and z = tanh(y): two ops, two factors, each drawn on its edge."
    )
    xs = Value(0.8, label="x")
    ys = xs ** 2
    ys.label = "y"
    zs = ys.tanh()
    zs.label = "z"
    zs.backward()
    two = viz.chain_rule(zs, xs)
    s.graph(viz.draw_chain_rule(two), "chain_rule_two_ops.svg",
            "The notes' picture 13: dz/dx = dz/dy · dy/dx, each factor on its edge, their product in the text "
            "under the graph.")
    s.number(two.text())
    dz_dy, dy_dx = (f.value for f in two.factors(0))
    s.claim(len(two.factors(0)) == 2 and dz_dy * dy_dx == xs.grad,
            f"dz/dy · dy/dx = {viz.fmt(dz_dy)} · {viz.fmt(dy_dx)} = x.grad")
    s.say(
        "θ2 feeds z3, which feeds a3, which feeds J: one path. Multiplying the local derivatives along it "
        "gives dJ/dθ2 = ∂J/∂a3 · ∂a3/∂z3 · ∂z3/∂θ2, and that product is exactly what backward left in θ2.grad. "
        "(The derivations write the whole derivative, over every path from J to θ2, as dJ/dθ2 — the notes' "
        "∂J(θ)/∂θ2 — and each factor, one node's local derivative, as ∂a3/∂z3. Each factor is written out "
        "in the named quantities too: ∂J/∂a3 of J = ½(a3 − 1)² is a3 − 1.)"
    )
    check = numerical_grad(lambda a, b: network(x, y, a.data, b.data)["J"], [t1, t2])
    pictures = ("14 (the notation ∂J(θ)/∂θ2) and picture 15", "16")
    for theta, fd, picture in ((v["θ2"], check[1], pictures[0]), (v["θ1"], check[0], pictures[1])):
        rule = viz.chain_rule(J, theta)
        name = theta.label
        s.graph(viz.draw_chain_rule(rule), f"chain_rule_theta{name[-1]}.svg",
                f"The notes' picture {picture}: the path from J to {name}, each edge labelled with its local "
                f"derivative; the text under the graph multiplies them.")
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
        "One step beyond the notes: give layer 3 two units, a3 and b3, both fed by a2, and let the loss add up "
        "both errors. Now θ1 reaches J along two paths, one through each unit, and dJ/dθ1 is their sum."
    )
    w = two_units(x, t1, t2)
    w["J"].backward()
    split = viz.chain_rule(w["J"], w["θ1"])
    s.graph(viz.draw_chain_rule(split), "chain_rule_two_paths.svg",
            "Beyond the notes: two units in layer 3, two paths from J to θ1, each a product of local derivatives; "
            "dJ/dθ1 is their sum.")
    s.number(split.text())
    s.claim(split.count == 2, "with two units in layer 3 there are two paths from J to θ1")
    s.claim(split.matches_grad and abs(sum(split.products) - w["θ1"].grad) <= 1e-12 * max(1.0, abs(w["θ1"].grad)),
            f"and the sum of their products is θ1.grad = {viz.fmt(w['θ1'].grad)}")

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
        "hidden, and so are the local factor and the product: type the gradient and press Enter, and the engine "
        "checks it. A number is right when it equals the answer rounded to the significant figures you type, with "
        "at least 2 (for −0.6932, −0.69 and −0.693 are right, −0.7 is too few figures); a fraction such as 1/4 is "
        "right to 3 figures. Ask for a hint (first the factor and its formula, then its numbers) or reveal the "
        "answer; a wrong answer that is a common slip is named. Your score is on the page and kept in its "
        "address, so a reload picks up where you were."
    )
    quiz = viz.step_through(network(x, y, t1, t2)["J"], quiz=True)
    s.player(quiz, "Backward by hand on the θ1/θ2 network, every answer checked by the engine.")
    forward_mode.add(s, network, x, y, t1, t2, seed)
    for_teachers(s, viz.step_through(network(x, y, t1, t2)["J"]), y, quick)
    return s.finish()


def for_teachers(s: Section, player: viz.Player, y: float, quick: bool) -> None:
    """The backward as a GIF for slides, and a worksheet of five variants of the network with its key."""
    s.say(
        "For a class: the same backward as an animation for slides (player.save(\"backward.gif\")), and a "
        "worksheet of five variants of this network, each with its own weights and input, the questions on one "
        "page each and the answers, computed by the engine, on pages of their own (viz.worksheet)."
    )
    frames = "backward" if quick else None
    gif = player.save(s.out / "chain_rule_backward.gif", frames=frames, duration=1.2)
    from PIL import Image

    with Image.open(gif) as image:
        shown = image.n_frames
    wanted = len(player.frames) if frames is None else sum(1 for f in player.frames if f.kind != "forward")
    s.download(gif, f"the θ1/θ2 network's backward, one frame a step ({shown} frames, 1.2 s each)")
    s.claim(shown == wanted, f"the GIF has one frame for each of the player's {wanted} frames shown")

    def variant(rng: random.Random) -> tuple[Value, list[Value]]:
        x1, t1, t2 = round(rng.uniform(0.5, 2.0), 1), round(rng.uniform(-1.0, 1.0), 2), round(rng.uniform(-2.0, 2.0), 2)
        v = network(x1, y, t1, t2)
        return v["J"], [v["θ1"], v["θ2"]]

    key = "every answer in the key is what J.backward() gives on that variant"
    try:
        sheet = viz.worksheet(variant, seeds=range(5), path=s.out / "chain_rule_worksheet.pdf",
                              title="The chain rule on the θ1/θ2 network")
        page = viz.worksheet(variant, seeds=range(5), path=s.out / "chain_rule_worksheet.html",
                             title="The chain rule on the θ1/θ2 network")
        s.download(sheet, "a worksheet of five variants of the network (printable), the answer key on its last pages")
        s.download(page, "the same worksheet as a web page")
        answers = [exercise.answer(quiet=True) for v in variants(variant, range(5))
                   for exercise in v.questions[:2]]
        grads = []
        for seed in range(5):
            J, thetas = variant(random.Random(seed))
            J.backward()
            grads += [t.grad for t in thetas]
    except RuntimeError as error:  # the worksheet refuses a key the engine and the paths disagree on
        s.number(f"no worksheet: {error}")
        s.claim(False, key)
        return
    s.claim(answers == grads, key)
