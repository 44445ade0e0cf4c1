"""How ChainRule and Drawing show themselves in Jupyter.

Kept apart so that the arrows run one way: this module uses chain, draw and
rendering, and none of them imports it.  Every label reaching markdown is
escaped: HTML in a label shows as text, and backticks cannot close a code fence.
"""

from __future__ import annotations

import html
from typing import Any

from .chain import ChainRule
from .draw import draw_chain_rule
from .rendering import Drawing, RenderError, render
from .text import markdown_fence, markdown_text, printable


def chain_rule_bundle(rule: ChainRule, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict[str, str]:
    """The equation (LaTeX and text) and, when a renderer is found, the drawing as SVG."""
    text = rule.text()
    bundle = {
        "text/plain": printable(text),
        "text/markdown": f"$${html.escape(printable(rule.latex()))}$$\n\n{markdown_fence(text)}",
    }
    try:
        bundle["image/svg+xml"] = render(draw_chain_rule(rule).source, "svg").decode("utf-8")
    except (RenderError, ValueError) as error:
        bundle["text/markdown"] += f"\n\n*(drawing not rendered: {markdown_text(str(error))})*"
    return bundle


def drawing_bundle(drawing: Drawing, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict[str, str]:
    """SVG; with no renderer, the caption and the DOT source as text."""
    try:
        return {"image/svg+xml": render(drawing.source, "svg").decode("utf-8")}
    except RenderError as error:
        note = f"*(not rendered: {markdown_text(str(error))})*"
        # outside the fence: markdown and HTML escaped, so a caption can neither link nor open a fence
        caption = markdown_text(drawing.caption)
        caption = f"{caption}\n\n" if caption else ""
        return {
            "text/markdown": f"{caption}{note}\n\n{markdown_fence(drawing.source, 'dot')}",
            "text/plain": printable(f"{drawing.caption}\n{drawing.source}".strip()),
        }


# the display hooks Jupyter looks for, installed here rather than in the classes' own modules
ChainRule._repr_mimebundle_ = chain_rule_bundle  # type: ignore[attr-defined]
Drawing._repr_mimebundle_ = drawing_bundle  # type: ignore[attr-defined]
