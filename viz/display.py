"""How chainrule's answers show themselves in Jupyter: a mixin, as graphviz's classes get theirs.

A class that reads as an equation and has a picture (a ChainRule, ``viz.why``'s answers) takes
:class:`ShowsEquation` as a base: Jupyter finds ``_repr_mimebundle_`` on it and gets the text,
the LaTeX over the same text in a code fence, and the picture as SVG when a renderer is found (a
note saying why not, when none is).  A ``Drawing`` shows itself (viz.rendering).  Every label
reaching markdown is escaped: HTML in a label shows as text, and backticks cannot close a fence.
"""

from __future__ import annotations

import html
from typing import Any

from .rendering import RenderError, render
from .text import markdown_fence, markdown_text, printable


class ShowsEquation:
    """Jupyter display for a class with ``text()``, ``latex()`` and a picture (``draw()``)."""

    # what drawing the picture may raise for an answer that has none to show
    _not_drawn: tuple[type[Exception], ...] = (RenderError, ValueError)

    def _picture(self) -> Any:
        return self.draw()  # type: ignore[attr-defined]

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict[str, str]:
        """The equation (LaTeX and text) and, when a renderer is found, the picture as SVG."""
        text = self.text()  # type: ignore[attr-defined]
        latex = self.latex()  # type: ignore[attr-defined]
        bundle = {"text/plain": printable(text),
                  "text/markdown": f"$${html.escape(printable(latex))}$$\n\n{markdown_fence(text)}"}
        try:
            bundle["image/svg+xml"] = render(self._picture().source, "svg").decode("utf-8")
        except self._not_drawn as error:
            bundle["text/markdown"] += f"\n\n*(drawing not rendered: {markdown_text(str(error))})*"
        return bundle


class ShowsChainRule(ShowsEquation):
    """A ChainRule's display: its picture is ``draw_chain_rule(rule)``.  viz.draw builds on
    viz.chain, so the drawing function is looked up when a rule is first shown."""

    def _picture(self) -> Any:
        from .draw import draw_chain_rule

        return draw_chain_rule(self)  # type: ignore[arg-type]
