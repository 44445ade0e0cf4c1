"""The player's equation panel draws every mark it writes: forward mode's tangent θ̇1 is θ1 with a
combining dot (U+0307), which DejaVu Sans Mono, the usual monospace font, leaves undrawn (and Liberation Mono behind a
fallback draws over the next letter): the panel is set in the sans-serif font of the player."""

from __future__ import annotations

import io

import viz
from demos.chain_rule import network
from tests.browser import browser  # noqa: F401 - the fixture

# the tangent, the same without its dot, and the dotted letter alone, each in the panel's own font,
# shown as the page shows text (not on a canvas, which shapes marks its own way)
_COPIES = """
const panel = arguments[0], texts = arguments[1];
document.querySelectorAll('.copy').forEach(e => e.remove());
return texts.map(t => {
  const s = document.createElement('span');
  s.className = 'copy'; s.textContent = t;
  s.style.cssText = 'display:block;width:120px;padding:12px;background:#fff;color:#000;white-space:pre';
  s.style.fontFamily = getComputedStyle(panel).fontFamily; s.style.fontSize = getComputedStyle(panel).fontSize;
  panel.after(s);
  return s;
});
"""


def _ink(png: bytes, above: int | None = None) -> tuple[int, int, int, int] | None:
    """The box (left, top, right, bottom) of the ink (pixels darker than mid-grey) in a screenshot,
    or of the ink above row ``above`` only."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L").point(lambda v: 255 if v < 128 else 0)
    if above is not None:
        image = image.crop((0, 0, image.width, max(above, 0)))
    return image.getbbox()


def _dot_on_its_letter(browser, panel) -> bool:  # noqa: F811
    """Whether θ̇1, in the panel's font, inks rows above θ1 (the dot is drawn), and that ink sits over
    the θ, not over the 1 beside it."""
    dotted, plain, letter = browser.execute_script(_COPIES, panel, ["θ\u03071", "θ1", "θ"])
    top = _ink(plain.screenshot_as_png)[1]
    dot = _ink(dotted.screenshot_as_png, above=top - 1)
    theta = _ink(letter.screenshot_as_png)
    return dot is not None and theta[0] - 1 <= dot[0] and dot[2] <= theta[2] + 1


def test_the_seed_banner_draws_the_dot_of_its_tangent(browser, tmp_path) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    v = network(1.5, 1.0, 0.5, -1.2)
    player = viz.step_through(v["J"], mode="forward", wrt=v["θ1"])
    browser.get(player.save(tmp_path / "forward.html").as_uri())
    root = browser.find_element(By.CSS_SELECTOR, ".chainrule-player")
    root.click()
    seed = next(k for k, f in enumerate(player.frames) if f.kind == "seed")
    for _ in range(seed):
        root.send_keys(Keys.ARROW_RIGHT)
    panel = browser.find_element(By.CSS_SELECTOR, ".cr-equation")
    assert panel.text.startswith("θ\u03071 = ∂θ1/∂θ1 = 1")
    assert _dot_on_its_letter(browser, panel)
    # the check can fail: DejaVu Sans Mono draws no dot, Liberation Mono before a fallback draws it on the 1
    for family in ("'DejaVu Sans Mono'", "'Liberation Mono', monospace"):
        browser.execute_script(f"arguments[0].style.fontFamily = \"{family}\"", panel)
        assert not _dot_on_its_letter(browser, panel), family


def _png(text: str, family: str) -> bytes:
    from viz import export

    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="120pt" height="40pt" viewBox="0 0 120 40">'
           f'<rect width="120" height="40" fill="white"/><text x="10" y="28" font-family="{family}" '
           f'font-size="15">{text}</text></svg>')
    return export.to_png(svg, dpi=144)


def _drawn_on_its_letter(family: str) -> bool:
    top = _ink(_png("θ1", family))[1]
    dot = _ink(_png("θ\u03071", family), above=top - 1)
    theta = _ink(_png("θ", family))
    return dot is not None and theta[0] - 1 <= dot[0] and dot[2] <= theta[2] + 1


def test_the_animations_update_line_draws_the_dot_too() -> None:
    """A frame of the GIF writes the same update under the graph, in EQUATION_FONT, through export."""
    from viz.animation import EQUATION_FONT

    assert _drawn_on_its_letter(EQUATION_FONT)
    assert not _drawn_on_its_letter("DejaVu Sans Mono")  # the font it had: no dot
