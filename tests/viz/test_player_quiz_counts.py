"""The quiz's score and hint button at their edges: one try that was only short of figures is not
"right first time", and after the second hint there is no third to ask for."""

from __future__ import annotations

from demos.chain_rule import network
from tests.browser import browser  # noqa: F401 - the fixture
from tests.viz.test_player_quiz import _answer, _asked, _click, _open, _score


def _hint_button(driver):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, ".cr-quiz button[data-quiz]")[0]


def test_one_short_try_then_right_counts_as_after_hints_and_hints_stop_at_two(browser, tmp_path) -> None:  # noqa: F811
    v = network(1.5, 1.0, 0.5, -1.2)
    root = _open(browser, tmp_path, v["J"], "counts.html")
    assert _asked(browser) == "a3"
    assert _answer(browser, "−0.7") == "wrong"  # too few figures: a try, but no hint
    assert _hint_button(browser).text == "hint"
    assert _answer(browser, "−0.69") == "right"
    assert _score(root) == (0, 1, 0, "1/7")

    assert _asked(browser) == "z3"
    assert _hint_button(browser).is_enabled()
    _click(browser, "hint")
    assert _hint_button(browser).text == "another hint" and _hint_button(browser).is_enabled()
    _click(browser, "another hint")
    assert _hint_button(browser).text == "another hint" and not _hint_button(browser).is_enabled()
