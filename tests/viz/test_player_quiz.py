"""The player's quiz as a learner meets it, in a real Chromium: what is hidden, the hints, the verdicts,
the slips it names and the score on the page."""

from __future__ import annotations

import re

import viz
from autograd import Value
from demos.chain_rule import network
from tests.browser import browser  # noqa: F401 - the fixture
from viz import fmt


def _open(driver, tmp_path, J: Value, name: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.get(viz.step_through(J, quiz=True).save(tmp_path / name).as_uri())
    root = driver.find_element(By.CSS_SELECTOR, ".chainrule-player")
    body = driver.find_element(By.TAG_NAME, "body")
    for _ in range(int(root.get_attribute("data-frames"))):
        body.send_keys(Keys.ARROW_RIGHT)  # no click: the keys go to the player in view
    return root


def _text(driver, css: str) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, css).text


def _asked(driver) -> str:
    from selenium.webdriver.common.by import By

    box = driver.find_elements(By.CSS_SELECTOR, "input[data-answer]")[0]
    node = driver.find_element(By.CSS_SELECTOR, f'[data-node="{box.get_attribute("data-answer")}"]')
    return node.find_element(By.CSS_SELECTOR, "text").text


def _answer(driver, typed: str) -> str:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = driver.find_elements(By.CSS_SELECTOR, "input[data-answer]")[0]
    node = driver.find_element(By.CSS_SELECTOR, f'[data-node="{box.get_attribute("data-answer")}"]')
    box.clear()
    box.send_keys(typed, Keys.ENTER)
    return node.get_attribute("data-verdict")


def _click(driver, what: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_elements(By.CSS_SELECTOR, f'.cr-quiz button[data-quiz="{what}"]')[0].click()


def _score(root) -> tuple[int, int, int, str]:
    return (int(root.get_attribute("data-first")), int(root.get_attribute("data-hinted")),
            int(root.get_attribute("data-revealed")), root.get_attribute("data-score"))


def test_hidden_until_asked_hints_slips_and_the_score(browser, tmp_path) -> None:  # noqa: F811
    v = network(1.5, 1.0, 0.5, -1.2)
    J = v["J"]
    root = _open(browser, tmp_path, J, "quiz.html")
    J.backward()
    a3, z3 = v["a3"], v["z3"]
    up = fmt(a3.grad)
    assert up == "−0.6932" and _asked(browser) == "a3"
    stuck = root.get_attribute("data-frame")
    # the factor and the product are hidden: only the upstream gradient is shown
    eq = _text(browser, ".cr-equation")
    assert eq.endswith(f"= ? × {up}   → ?") and "(1)" not in eq and f"1 × {up}" not in eq
    assert _text(browser, ".cr-score") == (
        "Score: 0 right first time · 0 right after hints · 0 revealed · out of 7 (7 to go)")
    assert "rounded to the significant figures you type" in _text(browser, ".cr-quiz")

    assert _answer(browser, "abc") == "not-a-number" and "not a number" in _text(browser, ".cr-quiz")
    assert _answer(browser, "−0.7") == "wrong" and "at least 2 significant figures" in _text(browser, ".cr-quiz")
    assert _text(browser, ".cr-equation") == eq  # neither gave a hint
    _click(browser, "hint")  # hint 1: the factor and its formula, not its number
    eq = _text(browser, ".cr-equation")
    assert eq.endswith(f"= (1) × {up}   → ?") and f"1 × {up}" not in eq
    hint = _text(browser, ".cr-hint")
    assert re.search(r"the factor is ∂\(a3 − 1(\.0)?\)/∂a3, .*: ∂\(a3 − 1(\.0)?\)/∂a3 = 1\.", hint), hint
    assert "∂J/∂a3" not in hint and "∂J/∂[a3 − 1]" not in hint  # the total derivative is never a factor of itself
    assert "Here:" not in hint
    _click(browser, "another hint")  # hint 2: its numbers
    assert _text(browser, ".cr-equation").endswith(f"= (1) × {up} = 1 × {up}   → ?")
    assert re.search(rf"Here: ∂\(a3 − 1(\.0)?\)/∂a3 = 1, \[a3 − 1\]\.grad = {up}\.", _text(browser, ".cr-hint"))
    assert root.get_attribute("data-frame") == stuck
    assert _score(root) == (0, 0, 0, "0/7")
    assert _answer(browser, "−0.69") == "right"  # two figures are enough
    assert _text(browser, ".cr-last") == f"right: a3.grad = {up}"
    assert int(root.get_attribute("data-frame")) > int(stuck)
    assert _score(root) == (0, 1, 0, "1/7")
    assert "0 right first time · 1 right after hints · 0 revealed · out of 7 (6 to go)" in _text(browser, ".cr-score")

    # z3: each slip named, then the right answer
    assert _asked(browser) == "z3"
    local = a3.data * (1 - a3.data)
    for typed, words in ((f"{-z3.grad:.4f}", "the sign is flipped"), (f"{a3.grad:.4f}", "that is a3.grad alone"),
                         (f"{local:.4f}", "that is the local factor alone")):
        assert _answer(browser, typed) == "wrong"
        assert "not quite: " + words in _text(browser, ".cr-quiz"), (typed, _text(browser, ".cr-quiz"))
    assert _answer(browser, f"{z3.grad * 1.5:.4f}") == "wrong"  # no slip: a plain hint
    said = _text(browser, ".cr-quiz")
    assert "not quite. Hint:" in said and "Here:" in said
    assert _answer(browser, f"{z3.grad:.3f}") == "right" and _score(root) == (0, 2, 0, "2/7")
    # θ2 and a2 are asked in one frame; one right first time, one revealed
    assert _answer(browser, repr(v[_asked(browser)].grad)) == "right"
    assert _score(root) == (1, 2, 0, "3/7")
    _click(browser, "reveal")
    assert _score(root)[2] == 1 and _text(browser, ".cr-last").startswith("revealed: ")
    while _asked_any(browser):
        assert _answer(browser, repr(v[_asked(browser)].grad)) == "right"
    assert _score(root) == (4, 2, 1, "6/7")
    assert _text(browser, ".cr-score") == (
        "Score: 4 right first time · 2 right after hints · 1 revealed · out of 7 (done)")


def _asked_any(driver) -> bool:
    from selenium.webdriver.common.by import By

    return bool(driver.find_elements(By.CSS_SELECTOR, "input[data-answer]"))


def test_a_node_that_receives_several_shares(browser, tmp_path) -> None:  # noqa: F811
    x = Value(3.0, label="x")
    J = x * x + x
    J.label = "J"
    root = _open(browser, tmp_path, J, "shares.html")
    # J's frame asks n1 and x (1 each), then x·x's frame asks x again: 1 + 3 + 3 = 7
    assert _answer(browser, "1") == "right" and _answer(browser, "1") == "right"
    assert _asked(browser) == "x"
    for typed, words in (("6", "you left out the share x already had (1)"), ("4", "x is both operands of n1"),
                         ("-7", "the sign is flipped"), ("3", "that is n1.grad alone")):
        assert _answer(browser, typed) == "wrong", typed
        assert "not quite: " + words in _text(browser, ".cr-quiz"), (typed, _text(browser, ".cr-quiz"))
    assert _answer(browser, "7") == "right"
    assert _score(root) == (2, 1, 0, "3/3")


def test_a_hint_at_the_root_is_not_circular(browser, tmp_path) -> None:  # noqa: F811
    r = Value(2.0, label="r")
    L = r**2
    L.label = "L"
    _open(browser, tmp_path, L, "root.html")
    _click(browser, "hint")
    hint = _text(browser, ".cr-hint")
    assert "∂L/∂L" not in hint and "∂L/∂r" not in hint and re.search(r"the factor is ∂\(r(\^2|²)\)/∂r", hint)
    assert _answer(browser, "4.0") == "right"  # no wrong answer, but a hint: right after hints
    assert _score(browser.find_element("css selector", ".chainrule-player")) == (0, 1, 0, "1/1")
