"""Forward mode in viz: draw_chain_rule(mode="forward") and step_through(mode="forward"), in Chromium too."""

from __future__ import annotations

import math
import re
import unicodedata

import pytest
from hypothesis import given, settings

import viz
from autograd import Value, forward_steps, grad, topological
from demos.chain_rule import network, two_units
from tests.browser import browser, offline  # noqa: F401 - the fixture
from tests.strategies import points, programs, run

NAMES = ("a1", "θ1", "θ2", "z2", "a2", "z3", "a3", "J")


def check_forward_frames(J: Value, theta: Value) -> viz.Player:
    order = topological(J)
    before = [n.grad for n in order]
    player = viz.step_through(J, max_nodes=10_000, mode="forward", wrt=theta)
    assert [n.grad for n in order] == before  # nothing touched
    frames = player.frames
    values = [f for f in frames if f.kind == "forward"]
    assert [f.node for f in values] == [n for n in order if not n.is_constant]
    seed = frames[len(values)]
    assert (seed.kind, seed.node, seed.value) == ("seed", theta, 1.0)
    tangent_frames = frames[len(values) + 1:]
    assert all(f.kind == "tangent" for f in tangent_frames)
    # one frame per inner node, in topological order, each ż = Σ ∂z/∂p · ṗ with the engine's numbers
    assert [f.node for f in tangent_frames] == [n for n in order if not n.is_leaf and n is not theta]
    tangent = {theta: 1.0}
    for f in tangent_frames:
        total = None
        for (p, local, tp, running), slot in zip(f.updates, f.slots):
            assert p is f.node.parents[slot] and local == f.node.local_grads[slot] and tp == tangent[p]
            total = local * tp if total is None else total + local * tp
            assert running == total
        assert f.value == (0.0 if total is None else total)
        if f.updates:
            tangent[f.node] = f.value
    # the last frame is at J, and it is ∂J/∂θ: reverse mode's number to 1e-12
    assert tangent_frames[-1].node is J
    (reverse,) = grad(J, [theta])
    assert abs(tangent_frames[-1].value - reverse) <= 1e-12 * max(1.0, abs(reverse))
    return player


@settings(max_examples=15, deadline=None)
@given(program=programs(), data=points(4))
def test_forward_frames_replay_the_engine_on_random_graphs(program, data) -> None:
    xs = [Value(v, label=f"x{i}") for i, v in enumerate(data[: program[0]])]
    J = run(program, *xs)
    for x in xs:
        check_forward_frames(J, x)
    inner = [n for n in topological(J) if not n.is_leaf and n is not J]
    if inner:  # forward mode may start at an inner node too: ∂J/∂node, as grad(J, [node]) gives it
        check_forward_frames(J, inner[len(inner) // 2])


def test_forward_mode_from_an_inner_node_in_chromium(browser, tmp_path) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    v = network(1.5, 1.0, 0.5, -1.2)
    player = check_forward_frames(v["J"], v["z3"])
    browser.get(player.save(tmp_path / "inner.html").as_uri())
    root = browser.find_element(By.CSS_SELECTOR, ".chainrule-player")
    root.click()
    root.send_keys(Keys.END)
    boxes = _boxes(browser)
    (want,) = grad(v["J"], [v["z3"]])
    assert float(boxes["z3"].get_attribute("data-tangent")) == 1.0
    assert float(boxes["a2"].get_attribute("data-tangent")) == 0.0  # below the seed: held fixed
    assert math.isclose(float(boxes["J"].get_attribute("data-tangent")), want, rel_tol=1e-12)


def test_the_notes_network_ends_on_dJ_dtheta1() -> None:
    v = network(1.5, 1.0, 0.5, -1.2)
    player = check_forward_frames(v["J"], v["θ1"])
    assert "forward mode" in repr(player) and "7 tangents" in repr(player)
    assert "Forward mode, step by step: ∂J/∂θ1" in player.html()
    assert "∂a1/∂θ1 = 0" in player.html()  # a leaf held fixed


def test_a_node_off_the_way_gets_a_frame_with_no_terms() -> None:
    x, w = Value(2.0, label="x"), Value(3.0, label="w")
    side = w * w
    side.label = "side"
    J = x * side
    J.label = "J"
    player = check_forward_frames(J, x)
    (frame,) = [f for f in player.frames if f.node is side and f.kind == "tangent"]
    assert frame.updates == [] and frame.value == 0.0


def test_the_forward_drawing_labels_each_node_with_its_tangent() -> None:
    w = two_units(1.5, 0.5, -1.2)
    J, theta = w["J"], w["θ1"]
    J.backward()
    rule = viz.chain_rule(J, theta)
    source = viz.draw_chain_rule(J, theta, mode="forward").source
    reverse = viz.draw_chain_rule(J, theta).source
    # chain_rule's own sum of path products down to θ, node by node, is what forward mode carries up
    tangents = {node: t for node, _, t in forward_steps(J, theta)}
    row = '<FONT COLOR="black">∂{}/∂θ1 = {}</FONT>'
    for name in ("z2", "a2", "z3", "a3", "u3", "b3", "J"):
        t = tangents[w[name]]
        assert row.format(name, viz.fmt(t)) in source and row.format(name, viz.fmt(t)) not in reverse
    assert row.format("θ1", "1") in source
    assert "∂θ2/∂θ1" not in source and "∂a1/∂θ1" not in source  # off the paths: no row
    assert source.count(">grad ") == 0 and reverse.count(">grad ") > 0
    assert f"at J it is ∂J/∂θ1 = {viz.fmt(theta.grad)}" in source
    assert math.isclose(tangents[J], rule.total, rel_tol=1e-12)
    # the same edges and labels both ways
    edges = lambda s: re.findall(r"n\d+ -> n\d+ \[[^\]]*\]", s)  # noqa: E731
    assert edges(source) == edges(reverse)


@pytest.mark.parametrize("kwargs, error, words", [
    ({"mode": "sideways"}, ValueError, "mode must be 'reverse' or 'forward'"),
    ({"mode": "forward"}, TypeError, "needs wrt="),
    ({"mode": "forward", "wrt": 1.0}, TypeError, "wrt must be a Value, got float"),
    ({"wrt": "θ1"}, TypeError, "wrt must be a Value"),
])
def test_bad_modes_are_refused(kwargs, error, words) -> None:
    v = network(1.5, 1.0, 0.5, -1.2)
    with pytest.raises(error, match=re.escape(words)):
        viz.step_through(v["J"], **kwargs)
    with pytest.raises(ValueError, match="wrt= is for mode='forward'"):
        viz.step_through(v["J"], wrt=v["θ1"])
    with pytest.raises(ValueError, match="not in J's graph"):
        viz.step_through(v["J"], mode="forward", wrt=Value(1.0))
    with pytest.raises(ValueError, match="mode must be"):
        viz.draw_chain_rule(v["J"], v["θ1"], mode="both")


def _nfc(text: str) -> str:  # ż typed here is one code point; the page writes z and a combining dot
    return unicodedata.normalize("NFC", text)


def _boxes(browser):  # noqa: F811
    from selenium.webdriver.common.by import By

    found = browser.find_elements(By.CSS_SELECTOR, "[data-node]")
    return {g.find_element(By.CSS_SELECTOR, "text").text: g for g in found}


def test_playing_forward_mode_in_chromium_ends_on_the_engines_numbers(browser, tmp_path) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    v = network(1.5, 1.0, 0.5, -1.2)
    J, theta = v["J"], v["θ1"]
    player = viz.step_through(J, mode="forward", wrt=theta)
    offline(browser)
    browser.get(player.save(tmp_path / "forward.html").as_uri())
    root = browser.find_element(By.CSS_SELECTOR, ".chainrule-player")
    count = int(root.get_attribute("data-frames"))
    root.click()
    seed = [k for k, f in enumerate(player.frames) if f.kind == "seed"][0]
    for k in range(1, count):
        root.send_keys(Keys.ARROW_RIGHT)
        assert root.get_attribute("data-frame") == str(k)
        if k == seed:
            assert browser.find_element(By.CSS_SELECTOR, ".cr-equation").text.startswith("θ\u03071 = ∂θ1/∂θ1 = 1")
            assert _boxes(browser)["θ1"].get_attribute("data-tangent") == "1"
            assert _boxes(browser)["J"].get_attribute("data-tangent") == ""  # not known yet
    equation = browser.find_element(By.CSS_SELECTOR, ".cr-equation").text
    assert equation.startswith("J\u0307 = ") and equation.endswith("(∂J/∂θ1)")
    engine = {n: t for n, _, t in forward_steps(J, theta)}
    boxes = _boxes(browser)
    for name in NAMES:
        got = float(boxes[name].get_attribute("data-tangent"))
        want = 1.0 if name == "θ1" else engine.get(v[name], 0.0)
        assert got == want, name  # float for float, the engine's forward pass
        assert boxes[name].get_attribute("data-grad") == ""  # forward mode writes no gradients
        assert f"∂{name}/∂θ1 = {viz.fmt(want)}" in boxes[name].text
    J.backward()
    assert math.isclose(float(boxes["J"].get_attribute("data-tangent")), theta.grad, rel_tol=1e-12)
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0


def test_editing_a_leaf_recomputes_every_tangent(browser, tmp_path) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    v = network(1.5, 1.0, 0.5, -1.2)
    browser.get(viz.step_through(v["J"], mode="forward", wrt=v["θ1"]).save(tmp_path / "edit.html").as_uri())
    root = browser.find_element(By.CSS_SELECTOR, ".chainrule-player")
    ids = {name: g.get_attribute("data-node") for name, g in _boxes(browser).items()}
    box = browser.find_element(By.CSS_SELECTOR, f'input[data-leaf="{ids["θ2"]}"]')
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("2.5")
    root.send_keys(Keys.END)
    fresh = network(1.5, 1.0, 0.5, 2.5)
    engine = {n: t for n, _, t in forward_steps(fresh["J"], fresh["θ1"])}
    for name in ("z2", "a2", "z3", "a3", "J"):
        g = browser.find_element(By.CSS_SELECTOR, f'[data-node="{ids[name]}"]')
        got, want = float(g.get_attribute("data-tangent")), engine[fresh[name]]
        assert math.isclose(got, want, rel_tol=1e-12), (name, got, want)


def test_the_forward_quiz_asks_for_each_tangent(browser, tmp_path) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    v = network(1.5, 1.0, 0.5, -1.2)
    player = viz.step_through(v["J"], mode="forward", wrt=v["θ1"], quiz=True)
    browser.get(player.save(tmp_path / "quiz.html").as_uri())
    root = browser.find_element(By.CSS_SELECTOR, ".chainrule-player")
    root.click()
    for _ in range(30):
        root.send_keys(Keys.ARROW_RIGHT)
    assert root.get_attribute("data-score") == "0/5"  # z2, a2, z3, a3, J: the drawn nodes
    quiz = browser.find_element(By.CSS_SELECTOR, ".cr-quiz")
    assert _nfc("\nYour turn: ż2 = ∂z2/∂θ1 =") in _nfc(quiz.text)  # under the score
    z2 = _boxes(browser)["z2"]
    assert z2.get_attribute("data-tangent") == ""  # hidden until answered
    answer = browser.find_element(By.CSS_SELECTOR, "input[data-answer]")
    answer.send_keys("3", Keys.ENTER)
    assert _nfc("Hint: ż2 = ∂z2/∂θ1 · θ̇1") in _nfc(quiz.text)
    answer = browser.find_element(By.CSS_SELECTOR, "input[data-answer]")
    answer.clear()
    answer.send_keys("3", Keys.ENTER)
    assert "1.5 × 1" in quiz.text  # the second hint gives the numbers
    answer = browser.find_element(By.CSS_SELECTOR, "input[data-answer]")
    answer.clear()
    answer.send_keys("1.5", Keys.ENTER)
    assert z2.get_attribute("data-verdict") == "right" and float(z2.get_attribute("data-tangent")) == 1.5
    assert root.get_attribute("data-score") == "1/5"


def test_a_node_with_two_terms_sums_them_as_the_engine_does(browser, tmp_path) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    w = two_units(1.5, 0.5, -1.2)  # J = ½(a3 − 1)² + ½b3²: θ1 reaches both halves, J̇ has two terms
    player = check_forward_frames(w["J"], w["θ1"])
    assert len(player.frames[-1].updates) == 2
    browser.get(player.save(tmp_path / "two.html").as_uri())
    root = browser.find_element(By.CSS_SELECTOR, ".chainrule-player")
    root.click()
    root.send_keys(Keys.END)
    assert browser.find_element(By.CSS_SELECTOR, ".cr-equation").text.count(" + ") >= 2
    boxes = _boxes(browser)
    for name in ("z2", "a2", "z3", "a3", "u3", "b3", "J"):
        assert float(boxes[name].get_attribute("data-tangent")) == [f.value for f in player.frames
                                                                    if f.node is w[name]][-1], name
