"""step_through: the frames against the engine, and the page played in a real browser."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings

import viz
from autograd import Value, topological
from demos.chain_rule import network
from tests.browser import browser, offline  # noqa: F401 - the fixture
from tests.strategies import points, programs, run


def check_frames(J: Value) -> viz.Player:
    order = topological(J)
    before = [n.grad for n in order]
    player = viz.step_through(J, max_nodes=10_000)
    assert [n.grad for n in order] == before  # the user's graph is untouched
    frames = player.frames
    forward = [f for f in frames if f.kind == "forward"]
    assert [f.node for f in forward] == [n for n in order if not n.is_constant]
    assert all(f.value == f.node.data for f in forward)
    seed = frames[len(forward)]
    assert seed.kind == "seed" and seed.node is J
    backward = frames[len(forward) + 1:]
    assert all(f.kind == "backward" for f in backward)
    # replay the updates: each is parent.grad += local × upstream, with the engine's numbers
    grads = {J: 1.0}
    done = set()
    for f in backward:
        assert f.node not in done and not f.node.is_leaf
        done.add(f.node)
        assert [p for p, *_ in f.updates] == list(f.node.parents)
        for (p, local, upstream, after), slot in zip(f.updates, f.slots):
            assert local == f.node.local_grads[slot]
            assert upstream == grads[f.node]
            assert after == (grads[p] + local * upstream if p in grads else local * upstream)
            grads[p] = after
    # every consumer is done before a node is processed: the order is the engine's reverse topological one
    position = {f.node: i for i, f in enumerate(backward)}
    for f in backward:
        for p in f.node.parents:
            if p in position:
                assert position[p] > position[f.node]
    # and the last numbers are, float for float, what backward leaves in every .grad
    for n in order:
        if n.is_leaf:
            n.grad = 0.0
    J.backward()
    assert all(grads.get(n, 0.0) == n.grad for n in order)
    return player


@settings(max_examples=60, deadline=None)
@given(program=programs(), data=points(4))
def test_frames_replay_the_engine_on_random_graphs(program, data) -> None:
    xs = [Value(v, label=f"x{i}") for i, v in enumerate(data[: program[0]])]
    check_frames(run(program, *xs))


def test_a_node_used_twice_receives_each_contribution_in_turn() -> None:
    x = Value(3.0, label="x")
    J = x * x + x
    player = check_frames(J)
    to_x = [after for f in player.frames for p, _, _, after in f.updates if p is x]
    assert to_x == [1.0, 4.0, 7.0]  # from the sum, then from x·x as each operand


def test_two_to_the_k_paths_take_k_frames() -> None:
    x = Value(1.0, label="x")
    y = x
    for _ in range(12):
        y = y + y
    player = check_frames(y)
    assert sum(1 for f in player.frames if f.kind == "backward") == 12
    assert player.frames[-1].updates[-1][3] == 2.0**12


def test_bad_input_and_escaped_labels() -> None:
    with pytest.raises(TypeError, match="Value"):
        viz.step_through(3.0)
    x = Value(1.0)
    y = x
    for _ in range(200):
        y = y * 1.0
    with pytest.raises(viz.GraphTooLarge, match="max_nodes"):
        viz.step_through(y, max_nodes=100)
    hostile = Value(2.0, label="<script>alert(1)</script>")
    page = viz.step_through(hostile * hostile).html()
    assert "<script>alert(1)" not in page
    assert page.count("<script") == 2  # the data and the player's own code, nothing else


def test_the_page_is_self_contained(tmp_path) -> None:
    v = network(1.5, 1.0, 0.5, -1.2)
    path = viz.step_through(v["J"]).save(tmp_path / "backward.html")
    page = path.read_text(encoding="utf-8")
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<svg" in page and 'data-frames="' in page


def test_each_box_and_edge_of_the_page_is_found_by_the_id_the_drawing_gave_it() -> None:
    import xml.etree.ElementTree as ET

    from viz.draw import _draw

    x = Value(3.0, label="x")
    J = x * x + x  # two parallel edges x → x·x, told apart only by the order they were written
    drawn = _draw(J, fold=True, tagged=True)
    player = viz.step_through(J)
    ns = "{http://www.w3.org/2000/svg}"
    groups = list(ET.fromstring(player._svg).iter(f"{ns}g"))
    boxes = {g.get("data-node"): g for g in groups if g.get("data-node")}
    assert set(boxes) == set(drawn.node_ids.values()) and all(g.get("id") == k for k, g in boxes.items())
    assert all(g.get("data-value") == "" and g.get("data-grad") == "" for g in boxes.values())
    edges = {g.get("data-edge"): g for g in groups if g.get("data-edge") is not None}
    assert sorted(edges, key=int) == [str(k) for k in range(len(drawn.edges))] and len(edges) == 4
    for k, edge in enumerate(drawn.edges):
        title = edges[str(k)].find(f"{ns}title").text
        assert edges[str(k)].get("id") == f"e{k}"
        assert title == f"{drawn.node_ids[edge.lower]}->{drawn.node_ids[edge.upper]}"
    # only the player's drawing carries them: every other figure's SVG is graphviz's own
    assert " id=" not in viz.draw(J, fold=True).source and " id=" in drawn.drawing.source


def test_each_share_of_a_backward_frame_lights_the_edge_it_flows_along() -> None:
    import xml.etree.ElementTree as ET

    x = Value(3.0, label="x")
    m = x * x
    m.label = "m"
    J = m + x
    J.label = "J"  # every node named: one box each, one edge per parent slot (x → m twice)
    player = viz.step_through(J)
    data = player._data
    ns = "{http://www.w3.org/2000/svg}"
    titles = {g.get("data-edge"): g.find(f"{ns}title").text
              for g in ET.fromstring(player._svg).iter(f"{ns}g") if g.get("data-edge") is not None}
    box = {i: node["box"] for i, node in enumerate(data["nodes"])}
    order = topological(J)
    lit = []
    for f in data["frames"]:
        if f["kind"] != "backward":
            continue
        for slot, parent in zip(f["slots"], f["parents"]):
            edge = data["stepEdge"][f"{f['node']}:{slot}"]
            assert titles[str(edge)] == f"{box[parent]}->{box[f['node']]}"
            assert order[parent] is order[f["node"]].parents[slot]
            lit.append(edge)
    assert sorted(lit) == [0, 1, 2, 3]  # J's two shares, then m's two along the two x → m edges, each its own


def _page(tmp_path, J: Value, name: str) -> str:
    return viz.step_through(J).save(tmp_path / name).as_uri()


def test_pressing_right_through_every_frame_ends_with_the_engines_gradients(browser, tmp_path) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    v = network(1.5, 1.0, 0.5, -1.2)
    J = v["J"]
    uri = _page(tmp_path, J, "notes.html")
    offline(browser)
    browser.get(uri)
    root = browser.find_element(By.CSS_SELECTOR, ".chainrule-player")
    count = int(root.get_attribute("data-frames"))
    assert root.get_attribute("data-frame") == "0"
    root.click()
    for k in range(1, count):
        root.send_keys(Keys.ARROW_RIGHT)
        assert root.get_attribute("data-frame") == str(k)
    root.send_keys(Keys.ARROW_RIGHT)  # past the end: stays
    assert root.get_attribute("data-frame") == str(count - 1)
    J.backward()
    shown = {g.get_attribute("data-node"): g for g in browser.find_elements(By.CSS_SELECTOR, "[data-node]")}
    for name in ("a1", "θ1", "θ2", "z2", "a2", "z3", "a3", "J"):
        g = [g for g in shown.values() if g.find_element(By.CSS_SELECTOR, "text").text == name][0]
        assert float(g.get_attribute("data-grad")) == v[name].grad
        assert float(g.get_attribute("data-value")) == v[name].data
    root.send_keys(Keys.HOME)
    assert root.get_attribute("data-frame") == "0"
    root.send_keys(Keys.END)
    assert root.get_attribute("data-frame") == str(count - 1)
    # nothing was asked of the network
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0


def test_editing_theta1_matches_a_fresh_engine_run(browser, tmp_path) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    v = network(1.5, 1.0, 0.5, -1.2)
    browser.get(_page(tmp_path, v["J"], "live.html"))
    root = browser.find_element(By.CSS_SELECTOR, ".chainrule-player")
    ids = {g.find_element(By.CSS_SELECTOR, "text").text: g.get_attribute("data-node")
           for g in browser.find_elements(By.CSS_SELECTOR, "[data-node]")}
    box = browser.find_element(By.CSS_SELECTOR, f'input[data-leaf="{ids["θ1"]}"]')
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("-0.7")
    root.send_keys(Keys.END)
    fresh = network(1.5, 1.0, -0.7, -1.2)
    fresh["J"].backward()
    for name, node_id in ids.items():
        g = browser.find_element(By.CSS_SELECTOR, f'[data-node="{node_id}"]')
        for attr, want in (("data-value", fresh[name].data), ("data-grad", fresh[name].grad)):
            got = float(g.get_attribute(attr))
            assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-300), (name, attr, got, want)


def test_x_times_x_plus_x_shows_three_contributions(browser, tmp_path) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    x = Value(3.0, label="x")
    J = x * x + x
    J.label = "J"
    browser.get(_page(tmp_path, J, "three.html"))
    root = browser.find_element(By.CSS_SELECTOR, ".chainrule-player")
    x_box = [g for g in browser.find_elements(By.CSS_SELECTOR, "[data-node]")
             if g.find_element(By.CSS_SELECTOR, "text").text == "x"][0]
    root.click()
    seen = []
    for _ in range(int(root.get_attribute("data-frames"))):
        grad = x_box.get_attribute("data-grad")
        if grad and (not seen or seen[-1] != grad):
            seen.append(grad)
        root.send_keys(Keys.ARROW_RIGHT)
    assert [float(g) for g in seen] == [1.0, 7.0]  # the sum's 1, then x·x's two shares in one frame: 1 + 3 + 3
    equation = browser.find_element(By.CSS_SELECTOR, ".cr-equation").text
    assert equation.count("x.grad +=") == 2


POINTS = [(0.7, 1.3), (-1.6, 0.4), (2.5, -0.8), (0.0, 0.5), (0.0, 0.0), (-3.0, 2.0), (1e-3, 3.0)]


def test_the_op_tables_javascript_computes_what_the_engine_does(browser) -> None:  # noqa: F811
    from autograd import OPS
    from tests.strategies import APPLY

    browser.get("about:blank")
    for name, op in OPS.items():
        if not op.js and not op.builtin:
            continue  # an op defined without js: the player steps through it but cannot recompute it
        assert len(op.js) == op.arity + 1, name
        for x, y in POINTS:
            try:
                out = APPLY[name](Value(x), Value(y))
            except (ValueError, ZeroDivisionError, OverflowError):
                continue  # outside the op's domain: the engine refuses it
            got = browser.execute_script(
                "var x = arguments[0], y = arguments[1], f = arguments[2].map(function (e) {"
                "  return new Function('x', 'y', 'out', 'return (' + e + ');'); });"
                "var out = f[0](x, y, undefined);"
                "return [out].concat(f.slice(1).map(function (g) { return g(x, y, out); })).map(String);",
                x, y, list(op.js))
            want = [out.data, *out.local_grads]
            assert len(got) == len(want), name
            for g, w in zip(got, want):
                g = float(g.replace("Infinity", "inf"))
                assert g == w or math.isclose(g, w, rel_tol=1e-14) or (math.isnan(g) and math.isnan(w)), (
                    name, x, y, g, w)


def test_the_player_writes_the_drawings_notation() -> None:
    """Constants as the boxes write them (2, not 2.0), powers raised, a partial's constants multiplied
    out, and an operand taken twice marked by its slot, as text() marks it."""
    x = Value(3.0, label="x")
    r = x ** 2
    r.label = "r"
    J = r * r + x
    J.label = "J"
    nodes = viz.step_through(J)._data["nodes"]
    by_expr = {n["expr"]: n for n in nodes if n["op"]}
    assert by_expr["x²"]["partials"] == ["2·x", "x²·ln x"] and by_expr["x²"]["wrt"] == ["x", "2"]
    assert by_expr["r · r"]["wrt"] == ["r₍₁₎", "r₍₂₎"] and by_expr["r · r"]["partials"] == ["r", "r"]
    assert not any("2.0" in n["expr"] or "^" in n["expr"] for n in nodes)
