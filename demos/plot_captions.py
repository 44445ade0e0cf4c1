"""A plot's caption read against the plot: what the caption says is plotted must be plotted.

The graphs' captions are read against their SVG (demos.captions); a matplotlib figure is read from
its artists before it is saved: each panel's title, axis labels, legend entries, curves (their
points), markers, images and texts.  A demo states what its caption says as ``Says`` facts, each a
phrase of the caption and what that phrase means in the figure (a count read from the phrase
itself, names, an axis's quantity, a value); ``check`` finds each phrase in the caption and each
fact in the figure, so a caption cannot drift from its plot, nor a plot from its caption.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
         "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20}


@dataclass
class Curve:
    label: str
    x: np.ndarray
    y: np.ndarray


@dataclass
class Panel:
    """What one axes of a figure draws."""

    title: str = ""
    xlabel: str = ""
    ylabel: str = ""
    legend: list[str] = field(default_factory=list)
    curves: list[Curve] = field(default_factory=list)  # lines of two or more points
    markers: list[Curve] = field(default_factory=list)  # lines of one point
    bars: list[float] = field(default_factory=list)  # bar heights
    images: list[np.ndarray] = field(default_factory=list)  # the arrays shown by imshow
    colours: list[tuple[str, float, float]] = field(default_factory=list)  # each image's colour map and limits
    texts: list[str] = field(default_factory=list)  # ax.text and annotations
    scatters: int = 0  # point clouds (scatter)
    filled: bool = False  # a filled contour (decision regions)
    log_y: bool = False
    yticks: list[str] = field(default_factory=list)  # the y tick labels

    def words(self) -> str:
        """Every text of the panel, for looking a name up."""
        return " | ".join([self.title, self.xlabel, self.ylabel, *self.legend, *self.texts])


def read(fig: Any) -> list[Panel]:
    """The panels of a matplotlib figure, left to right and top to bottom; colour bars left out, and a
    twin axes (twinx) folded into the panel it shares its x axis with."""
    from matplotlib.collections import PathCollection
    from matplotlib.contour import ContourSet
    from matplotlib.image import AxesImage
    from matplotlib.patches import Rectangle

    panels: list[Panel] = []
    owners: dict[int, Panel] = {}
    for ax in fig.axes:
        if ax.get_label() == "<colorbar>":
            continue
        twin = next((owners[id(o)] for o in ax.get_shared_x_axes().get_siblings(ax) if id(o) in owners
                     and o.get_position().bounds == ax.get_position().bounds), None)
        p = twin or Panel(title=ax.get_title(), xlabel=ax.get_xlabel(), ylabel=ax.get_ylabel(),
                          log_y=ax.get_yscale() == "log", yticks=[t.get_text() for t in ax.get_yticklabels()])
        if twin is not None and ax.get_ylabel():
            p.ylabel += " | " + ax.get_ylabel()
        for line in ax.get_lines():
            x, y = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
            (p.curves if len(x) > 1 else p.markers).append(Curve(line.get_label(), x, y))
        p.bars += [r.get_height() for r in ax.patches if isinstance(r, Rectangle) and r.get_width() > 0]
        shown = [im for im in ax.get_images() if isinstance(im, AxesImage)]
        p.images += [np.asarray(im.get_array()) for im in shown]
        p.colours += [(im.get_cmap().name, *im.get_clim()) for im in shown]
        p.texts += [t.get_text() for t in ax.texts]
        p.scatters += sum(isinstance(c, PathCollection) for c in ax.collections)
        p.filled = p.filled or any(isinstance(c, ContourSet) and c.filled for c in ax.collections)
        legend = ax.get_legend()
        if legend is not None:
            p.legend += [t.get_text() for t in legend.get_texts()]
        if twin is None:
            panels.append(p)
            owners[id(ax)] = p
    return panels


def number(phrase: str) -> int:
    """The first count a phrase gives, in words or digits: "twelve steps" → 12, "22,500 points" → 22500."""
    for token in re.findall(r"[\w,]+", phrase):
        if token.lower() in WORDS:
            return WORDS[token.lower()]
        if re.fullmatch(r"\d[\d,]*", token):
            return int(token.replace(",", ""))
    raise ValueError(f"no count in {phrase!r}")


def names(phrase: str) -> list[str]:
    """The names a phrase lists: "step, sigmoid, tanh and ReLU" → [step, sigmoid, tanh, ReLU]."""
    return [n.strip() for n in re.split(r",\s*|\s+and\s+", phrase) if n.strip()]


@dataclass
class Says:
    """One thing a caption says about its plot: ``phrase`` is in the caption, ``holds`` reads the plot."""

    phrase: str
    holds: Callable[[list[Panel]], bool]


def count(phrase: str, of: Callable[[list[Panel]], int]) -> Says:
    """The phrase's count ("four learning rates") is what ``of`` counts in the plot."""
    n = number(phrase)
    return Says(phrase, lambda panels: of(panels) == n)


def each_named(phrase: str, where: Callable[[list[Panel]], Sequence[str]], listed: Sequence[str] | None = None
               ) -> Says:
    """Every name the phrase lists (or ``listed``, each a word of the phrase) is in one of the texts
    ``where`` gives (legend entries, titles), case aside."""
    wanted = list(listed) if listed is not None else names(phrase)
    if listed is not None:
        missing = [w for w in wanted if w.lower() not in phrase.lower()]
        if missing:
            raise ValueError(f"{missing} are not words of {phrase!r}")
    return Says(phrase, lambda panels: all(any(w.lower() in t.lower() for t in where(panels)) for w in wanted))


def fact(phrase: str, holds: Callable[[list[Panel]], bool]) -> Says:
    """Anything else the phrase says, read off the panels by ``holds``."""
    return Says(phrase, holds)


# readers for count() and each_named()
def curves(i: int) -> Callable[[list[Panel]], int]:
    return lambda panels: len(panels[i].curves)


def legend(i: int) -> Callable[[list[Panel]], list[str]]:
    return lambda panels: panels[i].legend


def titles(panels: list[Panel]) -> list[str]:
    return [p.title for p in panels]


def panel_count(panels: list[Panel]) -> int:
    return len(panels)


def one(values: set) -> int:
    """The one value every panel agrees on (−1 when they differ or there is none)."""
    return next(iter(values)) if len(values) == 1 else -1


def numbers(text: str) -> list[float]:
    """The numbers written in a text, minus signs true or not: "new = 0.3 − 0.1 · (−0.09)" → [0.3, 0.1, −0.09]."""
    return [float(n.replace("−", "-")) for n in re.findall(r"(?<![\w.])[−-]?\d+(?:\.\d+)?(?:e[−+-]?\d+)?", text)]


def check(caption: str, panels: list[Panel], says: Sequence[Says]) -> tuple[list[str], list[str]]:
    """The phrases checked, and those not in the caption or not true of the plot."""
    checked, wrong = [], []
    for s in says:
        checked.append(s.phrase)
        try:
            holds = s.phrase in caption and bool(s.holds(panels))
        except (IndexError, KeyError, ValueError, StopIteration):
            holds = False  # the plot lacks what the fact reads: not drawn
        if not holds:
            wrong.append(s.phrase)
    return checked, wrong
