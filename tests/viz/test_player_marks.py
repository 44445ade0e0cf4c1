"""What the player writes on its drawing besides the boxes' rows, in Chromium: each edge's local
derivative (formula and number, as draw() writes it, kept up to date as a leaf changes), and the
numbers of a node folded into J's box ([a3 − 1]) while a frame computes it."""

from __future__ import annotations

import re

import pytest

import viz
from autograd import Value, topological
from demos.chain_rule import network
from tests.browser import browser  # noqa: F401 - the fixture


def _edge_labels(browser) -> dict[str, str]:  # noqa: F811
    """Each labelled edge's text, by its derivative (∂z2/∂θ1): "a1 = 1.5"."""
    from selenium.webdriver.common.by import By

    labels = {}
    for e in browser.find_elements(By.CSS_SELECTOR, ".chainrule-player [data-edge]"):
        text = " ".join(t.text for t in e.find_elements(By.CSS_SELECTOR, "text"))
        if text:
            name, rest = text.split(" = ", 1)
            labels[name] = rest
    return labels


def _static_labels(J: Value) -> dict[str, str]:
    """The same labels as draw(J, fold=True, show_local=True) writes them, with the engine's numbers."""
    from demos.captions import read_svg

    svg = viz.render(viz.draw(J, fold=True, show_local=True).source, "svg").decode("utf-8")
    return dict(e.split(" = ", 1) for e in read_svg(svg).edges)


def _go(browser, root, k: int) -> None:  # noqa: F811
    from selenium.webdriver.common.keys import Keys

    while int(root.get_attribute("data-frame")) < k:
        root.send_keys(Keys.ARROW_RIGHT)


def test_every_edge_shows_its_local_derivative_as_the_static_drawing_does(browser, tmp_path) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By

    v = network(1.5, 1.0, 0.5, -1.2)
    player = viz.step_through(v["J"])
    browser.get(player.save(tmp_path / "edges.html").as_uri())
    root = browser.find_element(By.CSS_SELECTOR, ".chainrule-player")
    root.click()
    expected = _static_labels(network(1.5, 1.0, 0.5, -1.2)["J"])
    assert len(expected) == 7 and expected["∂J/∂a3"] == "a3 − 1 = −0.6932"
    # at the first frame nothing is computed: formulas, and ? for their numbers
    first = _edge_labels(browser)
    assert first == {k: re.sub(r" = [^=]*$", " = ?", text) if text.count(" = ") else text
                     for k, text in expected.items()}
    _go(browser, root, len(player.frames) - 1)
    assert _edge_labels(browser) == expected
    # a leaf edited: every number on an edge is the engine's on the new leaf
    box = root.find_element(By.CSS_SELECTOR, f'input[data-index="{player._data["names"].index("θ1")}"]')
    box.clear()
    box.send_keys("0.7")
    assert _edge_labels(browser) == _static_labels(network(1.5, 1.0, 0.7, -1.2)["J"])


def test_a_factor_that_is_a_number_shows_it_from_the_start(browser, tmp_path) -> None:  # noqa: F811
    x = Value(3.0, label="x")
    J = x * x + x
    J.label = "J"
    browser.get(viz.step_through(J).save(tmp_path / "sum.html").as_uri())
    labels = _edge_labels(browser)
    assert labels["∂J/∂x"] == "1" and labels["∂n1/∂x₍₁₎"] == "x = ?"  # ∂(n1 + x)/∂x is 1 whatever x is


def test_the_quiz_draws_no_factor_on_its_edges(browser, tmp_path) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By

    v = network(1.5, 1.0, 0.5, -1.2)
    browser.get(viz.step_through(v["J"], quiz=True).save(tmp_path / "quiz.html").as_uri())
    assert browser.find_elements(By.CSS_SELECTOR, ".chainrule-player [data-edge]")
    assert _edge_labels(browser) == {}  # the factor is the question


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_folded_frame_writes_its_numbers_beside_js_box(browser, tmp_path, mode) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By

    v = network(1.5, 1.0, 0.5, -1.2)
    player = viz.step_through(v["J"], mode=mode, wrt=v["θ1"] if mode == "forward" else None)
    browser.get(player.save(tmp_path / f"{mode}.html").as_uri())
    root = browser.find_element(By.CSS_SELECTOR, ".chainrule-player")
    root.click()
    names = player._data["names"]
    a3 = v["a3"].data
    J_box = next(g for g in root.find_elements(By.CSS_SELECTOR, "[data-node]")
                 if g.find_element(By.CSS_SELECTOR, "text").text == "J")

    def notes() -> list[str]:
        return [t.text for t in J_box.find_elements(By.CSS_SELECTOR, ".cr-fold")]

    assert notes() == []
    order = topological(v["J"])

    def frame(kind: str, name: str) -> int:
        return next(k for k, f in enumerate(player.frames) if f.kind == kind
                    and names[next(i for i, n in enumerate(order) if n is f.node)] == name)

    forward_frame = frame("forward", "[a3 − 1]")
    _go(browser, root, forward_frame)
    assert notes() == [f"[a3 − 1] = {viz.fmt(a3 - 1.0)}"]
    _go(browser, root, forward_frame + 1)
    assert notes() == [f"[(a3 − 1)²] = {viz.fmt((a3 - 1.0) ** 2)}"]
    if mode == "reverse":  # J pushes 0.5 to [(a3 − 1)²], which pushes 2·(a3 − 1) × 0.5 to [a3 − 1]
        seed = next(k for k, f in enumerate(player.frames) if f.kind == "seed")
        _go(browser, root, seed + 1)
        assert notes() == ["[(a3 − 1)²].grad = 0.5"]
        _go(browser, root, seed + 2)
        assert notes() == ["[(a3 − 1)²].grad = 0.5", f"[a3 − 1].grad = {viz.fmt(a3 - 1.0)}"]
    else:  # the tangent of [(a3 − 1)²] with respect to θ1, as the engine's forward mode has it
        from autograd import forward_steps

        k = frame("tangent", "[(a3 − 1)²]")
        tangents = {id(node): t for node, _, t in forward_steps(v["J"], v["θ1"])}
        square = player.frames[k].node
        _go(browser, root, k)  # the tangent it gets, and the one it reads
        assert notes() == [f"∂[(a3 − 1)²]/∂θ1 = {viz.fmt(tangents[id(square)])}",
                           f"∂[a3 − 1]/∂θ1 = {viz.fmt(tangents[id(square.parents[0])])}"]
    # beside the box, inside the drawing, over no other text
    svg = root.find_element(By.CSS_SELECTOR, ".cr-graph svg")
    note = J_box.find_element(By.CSS_SELECTOR, ".cr-fold")
    box, r, s = (browser.execute_script("var r = arguments[0].getBoundingClientRect(); "
                                        "return [r.left, r.top, r.right, r.bottom];", e)
                 for e in (J_box.find_element(By.CSS_SELECTOR, "polygon, path"), note, svg))
    assert r[0] >= box[2] and s[0] <= r[0] and r[2] <= s[2] + 0.5 and s[1] <= r[1] and r[3] <= s[3] + 0.5
    others = browser.execute_script("""
      var n = arguments[0].getBoundingClientRect();
      return Array.from(arguments[1].querySelectorAll('text')).filter(function (t) {
        if (t === arguments[0] || t.classList.contains('cr-fold')) return false;
        var o = t.getBoundingClientRect();
        return o.left < n.right && n.left < o.right && o.top < n.bottom && n.top < o.bottom;
      }).map(function (t) { return t.textContent; });""", note, svg)
    assert others == []
