"""draw and draw_chain_rule: DOT source, rendered SVG, escaping, determinism, big graphs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import nn
import viz
from autograd import Value, scope
from tests.viz.test_chain import notes_network
from viz.draw import PATH_COLOR

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(svg: bytes) -> list[str]:
    tree = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in tree.iter(f"{SVG}text")]


def path_edges(source: str) -> list[str]:
    return [line for line in source.splitlines() if "->" in line and PATH_COLOR in line]


def test_draw_shows_label_op_value_and_grad() -> None:
    v = notes_network()
    source = viz.draw(v["J"]).source
    assert "<B>z3</B> = <I>θ2 · a2</I>" in source
    assert f"data {viz.fmt(v['z3'].data)}" in source and f"grad {viz.fmt(v['z3'].grad)}" in source
    assert "grad" not in viz.draw(v["J"], show_grad=False).source
    assert "rankdir=TB" in viz.draw(v["J"], rankdir="TB").source


def test_constants_are_drawn_plainly() -> None:
    x = Value(2.0, label="x")
    source = viz.draw(x * 0.25).source
    assert re.search(r'n\d+ \[label=<0\.25> fontcolor="#555555" fontsize=10 shape=plain\]', source)


def test_small_numbers_keep_their_digits() -> None:
    source = viz.draw(Value(3e-5, label="tiny") * 1.0).source
    assert "3e−05" in source and "0.0000" not in source


def test_draw_chain_rule_highlights_the_path_and_labels_its_edges() -> None:
    v = notes_network()
    g = viz.draw_chain_rule(v["J"], v["θ2"], fold=False)  # every node, as backward sees it
    edges = path_edges(g.source)
    rule = viz.chain_rule(v["J"], v["θ2"])
    assert len(edges) == len(rule.edges()) == 5  # J→n, n→n, n→a3, a3→z3, z3→θ2
    assert any(f"∂z3/∂θ2 = a2 = {viz.fmt(v['a2'].data)}" in e for e in edges)
    assert any(f"∂a3/∂z3 = σ(z3)·(1 − σ(z3)) = {viz.fmt(v['a3'].local_grads[0])}" in e for e in edges)
    off_path = [line for line in g.source.splitlines() if "->" in line and PATH_COLOR not in line]
    assert off_path and all("#b0b0b0" in line for line in off_path)
    assert "dJ/dθ2 = ∂J/∂a3 · ∂a3/∂z3 · ∂z3/∂θ2" in g.source and "θ2.grad ✓" in g.source
    assert g.caption == rule.text()


def test_parallel_edges_are_kept() -> None:
    x = Value(3.0, label="x")
    J = x * x + x
    J.backward()
    edges = path_edges(viz.draw_chain_rule(J, x).source)
    assert len(edges) == 4
    assert sum(1 for e in edges if e.strip().startswith("n0 -> n1")) == 2


def test_caption_says_when_the_sum_is_not_the_grad() -> None:
    x = Value(3.0, label="x")
    J = x * x
    source = viz.draw_chain_rule(J, x).source  # backward not run: x.grad is 0
    assert "x.grad is 0" in source


def test_highlight_some_values() -> None:
    v = notes_network()
    source = viz.draw(v["J"], highlight=[v["z3"], v["a3"]]).source
    assert len(path_edges(source)) == 1
    with pytest.raises(TypeError, match="highlight"):
        viz.draw(v["J"], highlight=3)


def test_node_ids_are_stable_and_dot_text_is_deterministic() -> None:
    a, b = notes_network(), notes_network()
    assert viz.draw_chain_rule(a["J"], a["θ1"]).source == viz.draw_chain_rule(b["J"], b["θ1"]).source
    ids = [i for i in re.findall(r"^\s*(\S+) \[", viz.draw(a["J"]).source, flags=re.M) if i not in ("node", "edge")]
    assert ids == [f"n{i}" for i in range(len(ids))]


def test_a_drawing_keeps_its_caption_and_ids_when_copied_and_shares_them_with_no_other() -> None:
    v = notes_network()
    g = viz.draw_chain_rule(v["J"], v["θ1"])
    copied = g.copy()
    assert copied.caption == g.caption != "" and dict(copied.node_ids) == dict(g.node_ids) != {}
    assert copied.source == g.source
    assert g.node_ids[v["θ1"]] in g.source
    assert dict(viz.draw(Value(1.0)).node_ids) != dict(g.node_ids)  # each drawing its own, not one class-wide dict
    with pytest.raises(TypeError):
        g.node_ids[v["θ1"]] = "n0"  # type: ignore[index]


def test_the_drawing_function_takes_its_options_by_name_and_returns_what_it_drew() -> None:
    from viz.draw import Drawn, _draw

    v = notes_network()
    with pytest.raises(TypeError):
        _draw(v["J"], True, "LR")  # type: ignore[misc]
    drawn = _draw(v["J"], fold=True)
    assert isinstance(drawn, Drawn) and drawn.drawing.node_ids == drawn.node_ids
    assert len(drawn.edges) == drawn.drawing.source.count(" -> ")
    assert all(drawn.node_ids[e.lower] in drawn.drawing.source for e in drawn.edges)


def test_a_box_id_is_its_nodes_place_in_the_whole_graph_when_some_nodes_have_no_box() -> None:
    from autograd import topological
    from viz.chain import node_names

    v = notes_network()
    order = topological(v["J"])
    names = node_names(order)
    for g in (viz.draw(v["J"], fold=True), viz.draw_chain_rule(v["J"], v["θ1"])):
        ids = dict(g.node_ids)
        assert 0 < len(ids) < len(order)  # folded: inner nodes written into their consumer's box
        assert ids == {n: f"n{i}" for i, n in enumerate(order) if n in ids}
        # so an unnamed box's id is the name it is called by (n<i>)
        assert all(ids[n] == names[n] for n in ids if not n.label)


def test_dot_text_is_the_same_in_every_process() -> None:
    script = (
        "from tests.viz.test_chain import notes_network; import viz; v = notes_network(); "
        "print(viz.draw_chain_rule(v['J'], v['θ1']).source)"
    )
    outputs = {
        subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                       env=dict(os.environ, PYTHONHASHSEED=seed)).stdout
        for seed in ("0", "1", "999")
    }
    assert len(outputs) == 1


NASTY = 'a<b> & "q" | {r} \\ s: \\N \\G\nsecond line'


def test_labels_are_escaped_in_the_source() -> None:
    x = Value(1.0, label=NASTY)
    source = viz.draw(x * 2.0).source
    assert "a&lt;b&gt; &amp; &quot;q&quot; | {r} \\\\ s: \\\\N \\\\G<BR/>second line" in source


def test_svg_is_well_formed_and_shows_labels_verbatim(renderer: str) -> None:
    x = Value(1.0, label=NASTY)
    y = x * 2.0
    y.label = "y"
    y.backward()
    svg = viz.render(viz.draw_chain_rule(y, x).source, "svg")
    texts = svg_texts(svg)
    assert 'a<b> & "q" | {r} \\ s: \\N \\G' in texts and "second line" in texts
    # the edge label ∂y/∂<label> = 2 and the caption both carry the label over two lines
    assert '∂y/∂a<b> & "q" | {r} \\ s: \\N \\G' in texts and 'dy/da<b> & "q" | {r} \\ s: \\N \\G' in texts
    assert "second line = 2" in texts


def test_rendered_chain_rule_has_its_caption(renderer: str, tmp_path) -> None:
    v = notes_network()
    path = viz.save(viz.draw_chain_rule(v["J"], v["θ1"]), tmp_path / "chain.svg")
    texts = svg_texts(path.read_bytes())
    assert any(t.startswith("dJ/dθ1 = ∂J/∂a3") for t in texts)
    png = viz.save(viz.draw(v["J"]), tmp_path / "graph.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def big_scoped_graph() -> Value:
    model = nn.MLP(2, [16, 16, 1], seed=0)
    X, y = nn.datasets.moons(100, seed=1)
    scores = [model(x) for x in X]
    with scope("loss"):
        J = nn.hinge(scores, y)
    return J, model


def test_sixty_thousand_nodes_draw_collapsed() -> None:
    J, _ = big_scoped_graph()
    g = viz.draw(J)
    boxes = re.findall(r"^\s*(g\d+|n\d+) \[", g.source, flags=re.M)
    assert 0 < len(boxes) <= viz.MAX_NODES
    assert "68,138 nodes, collapsed by name scope" in g.caption
    assert "subgraph column_" in g.source and "neuron16" in g.source and "loss" in g.source


def test_unscoped_big_graph_is_refused_with_advice() -> None:
    x = Value(0.5)
    y = x
    for _ in range(5000):
        y = (y * 1.0001).tanh() + x
    with pytest.raises(viz.GraphTooLarge) as error:
        viz.draw(y)
    message = str(error.value)
    assert "20,001 nodes" in message and "scope" in message and "max_nodes" in message
    assert isinstance(error.value, ValueError)


def test_chain_rule_on_a_big_graph_draws_only_its_paths() -> None:
    model = nn.MLP(2, [16, 16, 1], seed=0)
    J = nn.hinge(model([0.3, -0.2]), -1.0)  # one example: 1,000 nodes, a short path to the output bias
    J.backward()
    out_bias = model.layers[2].neurons[0].b
    g = viz.draw_chain_rule(J, out_bias)
    rule = viz.chain_rule(J, out_bias)
    drawn = re.findall(r"^\s*(n\d+) \[", g.source, flags=re.M)
    assert len(drawn) == len(set(rule.nodes))
    assert "not on these paths are not drawn" in g.caption
    big, model = big_scoped_graph()
    with pytest.raises(viz.GraphTooLarge, match="pass through"):
        viz.draw_chain_rule(big, model.layers[2].neurons[0].b)


def test_bad_arguments() -> None:
    x = Value(1.0)
    with pytest.raises(TypeError, match="Value"):
        viz.draw(3.0)
    with pytest.raises(ValueError, match="rankdir"):
        viz.draw(x, rankdir="sideways")
    with pytest.raises(ValueError, match="max_nodes"):
        viz.draw(x, max_nodes=0)
    with pytest.raises(TypeError, match="theta"):
        viz.draw_chain_rule(x)


def test_max_nodes_takes_any_whole_number_from_one_and_no_bool() -> None:
    import numpy as np

    x = Value(1.0)
    J = x * 2.0  # three boxes: x, 2 and J
    assert viz.draw(J, max_nodes=np.int64(3)).source == viz.draw(J, max_nodes=3).source
    for bad in (True, 2.5, "3", 0, -1):
        with pytest.raises(ValueError, match="max_nodes must be"):
            viz.draw(J, max_nodes=bad)
    with pytest.raises(ValueError, match="max_weights must be"):
        viz.draw_network(nn.Neuron(2, seed=0), max_weights=False)


def test_a_batch_with_an_unscoped_loss_collapses_compactly() -> None:
    model = nn.MLP(2, [8, 8, 1], activation="tanh", seed=0)
    X, y = nn.datasets.moons(100, seed=0)
    J = sum(((model(row) - t) ** 2 for row, t in zip(X, y)), Value(0.0))  # the loss made outside any scope
    J.backward()
    g = viz.draw(J)
    boxes = re.findall(r"^\s*(g\d+|n\d+) \[", g.source, flags=re.M)
    assert 0 < len(boxes) <= viz.MAX_NODES
    assert "outside any scope, fed by layer3</B>" in g.source  # by the layer, not by one of its neurons
    svg = viz.render(g.source).decode()
    width, height = (float(v) for v in re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups())
    assert max(width, height) <= 3000
    # the neurons of a layer are drawn in order, top to bottom
    heights = []
    for k in range(1, 9):
        before = svg[: svg.index(f"layer1/neuron{k}</text>")].rsplit("<text", 1)[1]
        heights.append(float(re.search(r' y="([-\d.]+)"', before).group(1)))
    assert heights == sorted(heights)


def test_a_long_layout_is_announced_and_the_time_limit_is_a_parameter() -> None:
    from viz.rendering import estimate_seconds

    x = Value(0.5)
    y = x
    for _ in range(2500):
        y = (y * 1.0001).tanh() + x  # 10,001 nodes, no scopes
    source = viz.draw(y, max_nodes=20_000, show_grad=False).source
    assert estimate_seconds(source) > 60
    with pytest.warns(RuntimeWarning, match="about .* s"), pytest.raises(viz.RenderError, match="longer than 0.5 s"):
        viz.render(source, timeout=0.5)
    with pytest.raises(ValueError, match="timeout"):
        viz.render(source, timeout=0)


def _margins(svg: str) -> list[float]:
    """For each line of each box, how far its text stays from the box's border, left and right (the
    text's width measured with Liberation Sans, which has the widths Graphviz lays Helvetica out with)."""
    import html as _html
    import re as _re

    from PIL import ImageFont

    faces = {style: f"/usr/share/fonts/truetype/liberation/LiberationSans-{style}.ttf"
             for style in ("Regular", "Bold", "Italic")}
    out = []
    for body in _re.findall(r'<g id="node\d+" class="node">(.*?)</g>', svg, _re.S):
        outline = _re.search(r'<(?:polygon|path)[^>]*(?:points|d)="([^"]+)"', body)
        if 'stroke-width="0"' in outline.group(0):
            continue  # no border drawn (draw_network's weight labels, which their edges run through)
        shape = outline.group(1)
        xs = [float(x) for x in _re.findall(r"(-?[\d.]+),-?[\d.]+", shape)]
        rows: dict[str, list[tuple[float, float]]] = {}
        for attrs, text in _re.findall(r"<text([^>]*)>([^<]*)</text>", body):
            x = float(_re.search(r' x="([-\d.]+)"', attrs).group(1))
            style = "Bold" if "bold" in attrs else "Italic" if "italic" in attrs else "Regular"
            size = float(_re.search(r'font-size="([\d.]+)"', attrs).group(1))
            width = ImageFont.truetype(faces[style], size).getlength(_html.unescape(text).replace("\xa0", " "))
            rows.setdefault(_re.search(r' y="([-\d.]+)"', attrs).group(1), []).append((x, x + width))
        for row in rows.values():
            out += [min(a for a, _ in row) - min(xs), max(xs) - max(b for _, b in row)]
    return out


@pytest.mark.skipif(not os.path.exists("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
                    reason="needs Liberation Sans to measure text")
def test_node_text_keeps_clear_of_its_box() -> None:
    """Every line of every box keeps at least 3 px from its border, on both sides."""
    import nn

    v = notes_network()
    model = nn.MLP(2, [3, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    for drawing in (viz.draw_chain_rule(v["J"], v["θ2"]), viz.draw(v["J"], fold=True),
                    viz.draw_network(model, x=[-0.25, 1.0])):
        margins = _margins(viz.render(drawing.source, "svg").decode("utf-8"))
        assert len(margins) >= 8 and min(margins) >= 3, sorted(margins)[:4]


def test_edge_labels_start_clear_of_their_line() -> None:
    """The ∂ that starts a label beside a vertical edge sits to the right of the line, not under it."""
    import re as _re

    v = notes_network()
    svg = viz.render(viz.draw_chain_rule(v["J"], v["θ2"]).source, "svg").decode("utf-8")
    checked = 0
    for body in svg.split('<g id="edge')[1:]:
        body = body.split("<!--")[0]
        line = _re.search(r'<path[^>]*d="([^"]+)"', body).group(1)
        xs = [float(x) for x in _re.findall(r"(-?[\d.]+),-?[\d.]+", line)]
        starts = [float(x) for x in _re.findall(r'<text[^>]*text-anchor="start" x="([\d.]+)"[^>]*>∂', body)]
        if starts and max(xs) - min(xs) < 1:  # a vertical line with a label
            assert min(starts) - max(xs) >= 4, (starts, xs)
            checked += 1
    assert checked >= 2
