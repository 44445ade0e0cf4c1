"""The player's live leaves and keys as a person meets them, in a real Chromium: a value outside an op's
domain is refused as the engine refuses it, a leaf that is not a number says so, and the arrow keys
go to the player in view."""

from __future__ import annotations

import math

import pytest

import viz
from autograd import Value
from demos.chain_rule import network
from tests.browser import browser  # noqa: F401 - the fixture


def _engine_error(build, x: float) -> str:
    try:
        build(Value(x, label="x"))
    except (ValueError, ZeroDivisionError, OverflowError) as e:
        return f"{type(e).__name__}: {e}"
    raise AssertionError(f"the engine took x = {x!r}")


def _type(driver, css: str, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = driver.find_element(By.CSS_SELECTOR, css)
    box.send_keys(Keys.CONTROL, "a", Keys.DELETE)
    if text:
        box.send_keys(text)


def _nodes(driver) -> dict[str, object]:
    from selenium.webdriver.common.by import By

    drawn = driver.find_elements(By.CSS_SELECTOR, "[data-node]")
    return {g.find_element(By.CSS_SELECTOR, "text").text: g for g in drawn}


def _rows(g) -> str:
    return " ".join(t.text for t in g.find_elements("css selector", "text"))


CASES = [  # (what, graph of x, a good x, a bad x)
    ("log", lambda x: x.log(), 2.0, -1.0),
    ("log at 0", lambda x: x.log(), 2.0, 0.0),
    ("div", lambda x: 1.0 / x, 2.0, 0.0),
    ("exp", lambda x: x.exp(), 1.0, 1000.0),
    ("pow", lambda x: x ** 0.5, 4.0, -4.0),
    ("pow at 0", lambda x: x ** -1.0, 4.0, 0.0),
    ("mul overflow", lambda x: x * 1e300, 1.0, 1e10),
    ("add overflow", lambda x: x + 8e307, 1.0, 1e308),
    ("pow overflow", lambda x: x ** 2.0, 4.0, 1e200),
    ("sqrt", lambda x: x.sqrt(), 4.0, -1.0),
]


def test_the_pages_domain_checks_are_the_op_tables_own_and_agree_with_the_engine(browser) -> None:  # noqa: F811
    # every built-in domain carries its JavaScript predicate, and that predicate says what the
    # Python one says on points inside, outside and on each boundary
    from importlib import resources

    from autograd import OPS

    browser.get("about:blank")
    browser.execute_script(resources.files("viz").joinpath("domain.js").read_text(encoding="utf-8"))
    points = [-4.0, -1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 2.0, 3.0, float("inf"), float("-inf")]
    literal = "[" + ", ".join({"inf": "Infinity", "-inf": "-Infinity"}.get(repr(v), repr(v)) for v in points) + "]"
    checked = 0
    for name, op in OPS.items():
        for d in op.domain:
            if op.builtin:
                assert d.js, f"{name}: {d.message} has no JavaScript predicate"
            if not d.js:
                continue
            ys = points if op.arity == 2 else [0.0]
            want = [[bool(d.ok(x, y) if op.arity == 2 else d.ok(x)) for y in ys] for x in points]
            got = browser.execute_script(
                f"var p = window.chainruleDomain.predicate(arguments[0]), xs = {literal}, "
                f"ys = {literal if op.arity == 2 else '[0]'};"
                "return xs.map(function (x) { return ys.map(function (y) { return !!p(x, y); }); });", d.js)
            assert got == want, (name, d.message)
            checked += len(points) * len(ys)
    assert checked >= 4 * 11 * 11  # pow's three and div's, at least


@pytest.mark.parametrize("what, build, good, bad", CASES, ids=[c[0] for c in CASES])
def test_outside_an_ops_domain_the_page_says_what_the_engine_says(browser, tmp_path, what, build, good, bad) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    x = Value(good, label="x")
    J = build(x) * 2.0
    J.label = "J"
    browser.get(viz.step_through(J).save(tmp_path / "domain.html").as_uri())
    root = browser.find_element(By.CSS_SELECTOR, ".chainrule-player")
    root.send_keys(Keys.END)
    problem = browser.find_element(By.CSS_SELECTOR, ".cr-problem")
    assert not problem.is_displayed()
    _type(browser, "input[data-leaf]", repr(bad))
    said = _engine_error(build, bad)
    assert problem.is_displayed() and said in problem.text, (problem.text, said)
    assert root.get_attribute("data-error") == said.split(":")[0]
    assert "backward cannot run" in browser.find_element(By.CSS_SELECTOR, ".cr-equation").text
    nodes = _nodes(browser)
    marked = [g for g in nodes.values() if "cr-error" in g.get_attribute("class")]
    assert len(marked) == 1 and said.split(": ", 1)[1] in marked[0].get_attribute("data-error")
    # nothing stale: no gradient anywhere, no value from the refused op on
    for name, g in nodes.items():
        assert g.get_attribute("data-grad") == "", name
        assert "grad —" in _rows(g) or "grad" not in _rows(g), name  # a drawn constant has no grad row
    assert nodes["J"].get_attribute("data-value") == "" and "data —" in _rows(nodes["J"])
    assert float(nodes["x"].get_attribute("data-value")) == bad  # the leaf itself holds what was typed
    # back inside the domain: the numbers are the engine's again
    _type(browser, "input[data-leaf]", repr(good))
    assert not problem.is_displayed() and root.get_attribute("data-error") == ""
    fresh_x = Value(good, label="x")
    fresh = build(fresh_x) * 2.0
    fresh.backward()
    assert math.isclose(float(nodes["J"].get_attribute("data-value")), fresh.data, rel_tol=1e-15)
    assert math.isclose(float(nodes["x"].get_attribute("data-grad")), fresh_x.grad, rel_tol=1e-15)
    assert not [g for g in nodes.values() if "cr-error" in g.get_attribute("class")]


@pytest.mark.parametrize("typed, words", [("abc", "“abc” is not a number"), ("", "empty: type a number"),
                                          ("1e400", "1e400 does not fit in a float"), ("-1e400", "does not fit"),
                                          ("0x1", "is not a number"), ("1,5", "is not a number")])
def test_a_leaf_that_is_not_a_number_says_so_beside_its_input(browser, tmp_path, typed, words) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    v = network(1.5, 1.0, 0.5, -1.2)
    browser.get(viz.step_through(v["J"]).save(tmp_path / "leaf.html").as_uri())
    root = browser.find_element(By.CSS_SELECTOR, ".chainrule-player")
    root.send_keys(Keys.END)
    nodes = _nodes(browser)
    theta1 = f'input[data-leaf="{nodes["θ1"].get_attribute("data-node")}"]'
    _type(browser, theta1, "1e40" if "400" in typed else "0.25")  # a good value on the way
    assert nodes["J"].get_attribute("data-value") != ""
    _type(browser, theta1, typed)
    note = browser.find_element(By.CSS_SELECTOR, f"{theta1} + .cr-leaf-note")
    assert words in note.text and note.is_displayed()
    assert browser.find_element(By.CSS_SELECTOR, theta1).get_attribute("aria-invalid") == "true"
    # not the last value parsed: θ1 and everything after it have no number
    for name in ("θ1", "z2", "a2", "z3", "a3", "J"):
        assert nodes[name].get_attribute("data-value") == "", name
    assert nodes["θ2"].get_attribute("data-value") == "-1.2"  # computed before θ1 in the forward order
    _type(browser, theta1, "−0.7")  # a Unicode minus is a number
    assert note.text == "" and nodes["J"].get_attribute("data-value") != ""
    fresh = network(1.5, 1.0, -0.7, -1.2)
    assert math.isclose(float(nodes["J"].get_attribute("data-value")), fresh["J"].data, rel_tol=1e-15)


def _two_players(path, spaced: bool) -> None:
    """A page of two players: J = x·x + x (6 frames) above the notes' network, 3000 px apart or not."""
    x = Value(3.0, label="x")
    J = x * x + x
    J.label = "J"
    v = network(1.5, 1.0, 0.5, -1.2)
    gap = '<div style="height:3000px"></div>'
    page = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"></head><body>'
            f'{viz.step_through(J).fragment()}{gap if spaced else ""}{viz.step_through(v["J"]).fragment()}'
            f'{gap}</body></html>')
    path.write_text(page, encoding="utf-8")


def test_the_arrow_keys_go_to_the_player_in_view_without_a_click(browser, tmp_path) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _two_players(tmp_path / "two.html", spaced=True)
    browser.get((tmp_path / "two.html").as_uri())
    first, second = browser.find_elements(By.CSS_SELECTOR, ".chainrule-player")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    assert (first.get_attribute("data-frame"), second.get_attribute("data-frame")) == ("2", "0")
    body.send_keys(Keys.ARROW_LEFT)
    assert first.get_attribute("data-frame") == "1"
    browser.execute_script("arguments[0].scrollIntoView()", second)  # the first is out of view now
    body.send_keys(Keys.ARROW_RIGHT)
    assert (first.get_attribute("data-frame"), second.get_attribute("data-frame")) == ("1", "1")
    # typing in a leaf moves its cursor, not the frames
    box = second.find_element(By.CSS_SELECTOR, "input[data-leaf]")
    box.send_keys(Keys.ARROW_LEFT, Keys.ARROW_RIGHT)
    assert second.get_attribute("data-frame") == "1"
    # no player in view: the page keeps its keys
    browser.execute_script("window.scrollTo(0, document.body.scrollHeight)")
    body.send_keys(Keys.ARROW_RIGHT)
    assert (first.get_attribute("data-frame"), second.get_attribute("data-frame")) == ("1", "1")


def test_the_keys_go_to_a_small_player_wholly_in_view_not_a_big_one_half_in_view(browser, tmp_path) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _two_players(tmp_path / "stacked.html", spaced=False)
    size = browser.get_window_size()
    # the big player's lower part below the fold, more of it in view than all of the small one
    browser.set_window_size(1100, 1150)
    try:
        _small_wholly_in_view(browser, tmp_path, By, Keys)
    finally:
        browser.set_window_size(size["width"], size["height"])


def _small_wholly_in_view(browser, tmp_path, By, Keys) -> None:  # noqa: F811, N803
    browser.get((tmp_path / "stacked.html").as_uri())
    small, big = browser.find_elements(By.CSS_SELECTOR, ".chainrule-player")
    view = browser.execute_script("return window.innerHeight")
    top, height = browser.execute_script(
        "var r = arguments[0].getBoundingClientRect(); return [r.top, r.height];", big)
    assert top < view < top + height and browser.execute_script(
        "return arguments[0].getBoundingClientRect().bottom", small) <= view  # the setting the test is about
    shown_big = (view - top) if top + height > view else height
    # more of the big one is in view than the whole small one: the most pixels would pick the big one
    assert shown_big > browser.execute_script("return arguments[0].getBoundingClientRect().height", small)
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    assert (small.get_attribute("data-frame"), big.get_attribute("data-frame")) == ("1", "0")
