"""Ops of the table in the views: every op's JavaScript against the engine in Chromium (at random
points and the entry's edges), and an op made with define_op in the drawings, the folded view,
chain_rule and the player — with js, and without (the page steps through and says why editing
is off)."""

from __future__ import annotations

import math

import pytest

import viz
from autograd import OPS, Value, define_op, topological
from tests.browser import browser  # noqa: F401 - the fixture
from tests.strategies import call, cubed, edge_points, hypot, random_points

_RUN = (
    "var x = arguments[0], y = arguments[1], f = arguments[2].map(function (e) {"
    "  return new Function('x', 'y', 'out', 'return (' + e + ');'); });"
    "var out = f[0](x, y, undefined);"
    "return [out].concat(f.slice(1).map(function (g) { return g(x, y, out); })).map(String);"
)


def test_every_ops_javascript_computes_what_the_engine_does_at_random_and_edge_points(browser) -> None:  # noqa: F811
    browser.get("about:blank")
    checked = []
    for name, op in sorted(OPS.items()):
        if not op.js:
            assert not op.builtin, name  # every built-in op has its JavaScript
            continue
        assert len(op.js) == op.arity + 1, name
        for pt in random_points(name, 6) + edge_points(name):
            out, _ = call(name, *pt)
            got = browser.execute_script(_RUN, *(pt + (0.0,))[:2], list(op.js))
            for g, w in zip(got, [out.data, *out.local_grads]):
                g = float(g.replace("Infinity", "inf"))
                assert g == w or math.isclose(g, w, rel_tol=1e-14) or (math.isnan(g) and math.isnan(w)), (
                    name, pt, g, w)
        checked.append(name)
    assert {"sin", "softplus", "maximum", "cubed", "hypot"} <= set(checked)


def _graph() -> tuple[Value, Value, Value]:
    a, b = Value(1.5, label="a"), Value(-0.5, label="b")
    z = (a * b).cubed()
    z.label = "z"
    J = z.hypot(a) + b
    J.label = "J"
    return J, a, b


def test_a_defined_op_in_the_drawing_its_expr_in_the_box_its_formula_on_the_edge() -> None:
    J, a, _ = _graph()
    source = viz.draw(J).source
    assert "<B>z</B> = <I>n2³</I>" in source and "<I>hypot(z, a)</I>" in source  # x^3 written as a power
    folded = viz.draw_chain_rule(J, a).source
    assert "<B>z</B> = <I>(a · b)³</I>" in folded  # a · b folded into z's box, bracketed as x^3 needs
    assert 'tooltip="∂z/∂a = 3·(a · b)² · b = 3·(a · b)²·b = −0.8438"' in folded  # cubed's partial, in the names
    assert 'tooltip="∂J/∂z = 1 · z/hypot(z, a) = z/hypot(z, a) = −0.2707"' in folded


def test_a_defined_op_in_chain_rule_text_and_latex() -> None:
    J, a, b = _graph()
    J.backward()
    rule = viz.chain_rule(J, a)
    assert rule.matches_grad and rule.count == 2  # through z, and straight into hypot
    text = rule.text()
    assert "(= a.grad ✓)" in text
    assert "(z/hypot(z, a))·(3·(a · b)²·b) + a/hypot(z, a)" in text  # the defined ops' formulas, in the names
    assert r"\mathrm{hypot}(z, a)" in rule.latex()
    mathtext = pytest.importorskip("matplotlib.mathtext")
    mathtext.MathTextParser("path").parse(f"${rule.latex()}$")


def test_the_player_steps_through_a_defined_op_and_edits_with_its_js(browser, tmp_path) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    J, a, b = _graph()
    player = viz.step_through(J)
    assert player._data["ops"]["cubed"] == list(OPS["cubed"].js) and not player._data["noJs"]
    browser.get(player.save(tmp_path / "defined.html").as_uri())
    root = browser.find_element(By.CSS_SELECTOR, ".chainrule-player")
    ids = {g.find_element(By.CSS_SELECTOR, "text").text: g.get_attribute("data-node")
           for g in browser.find_elements(By.CSS_SELECTOR, "[data-node]")}
    box = browser.find_element(By.CSS_SELECTOR, f'input[data-leaf="{ids["a"]}"]')
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("0.8")
    root.send_keys(Keys.END)
    a2, b2 = Value(0.8), Value(-0.5)
    J2 = (a2 * b2).cubed().hypot(a2) + b2
    J2.backward()
    node = browser.find_element(By.CSS_SELECTOR, f'[data-node="{ids["a"]}"]')
    assert math.isclose(float(node.get_attribute("data-grad")), a2.grad, rel_tol=1e-12)
    node = browser.find_element(By.CSS_SELECTOR, f'[data-node="{ids["J"]}"]')
    assert math.isclose(float(node.get_attribute("data-value")), J2.data, rel_tol=1e-12)


def test_without_js_the_player_steps_through_and_says_editing_needs_it() -> None:
    quartic = define_op("quartic_nojs", expr="x^4", value=lambda x: x**4, partials=(lambda x, out: 4 * x**3,),
                        formulas=("4·x^3",), replace=True)
    a = Value(0.5, label="a")
    J = quartic(a) + hypot(a, 2.0)
    J.label = "J"
    player = viz.step_through(J)
    assert player._data["noJs"] == ["quartic_nojs"] and "quartic_nojs" not in player._data["ops"]
    page = player.html()
    assert "Editing a leaf needs JavaScript for every op; quartic_nojs has none" in page
    assert 'data-index="0" value="0.5" disabled' in page
    backward = [f for f in player.frames if f.kind == "backward"]
    assert len(backward) == len([n for n in topological(J) if not n.is_leaf])
    assert cubed(2.0).data == 8.0  # (the module's ops are still there)
