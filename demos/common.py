"""What every demo shares: checking claims, saving figures, and the section it adds to the page.

A demo's ``run(out_dir, quick=False, seed=0)`` writes its figures into
``out_dir``, prints a short narrative, checks every claim it makes and writes
``<name>.json``: the section of the page, with its text, figures, numbers and
claims.  A claim that does not hold is recorded as failed at its place (the page
shows it in red) and the demo goes on; once the section is written, ``run``
raises ClaimFailed naming the failed claims.  It returns the paths it wrote.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    import matplotlib
except ImportError:  # the demos' plots need the "plot" extra
    raise ImportError("the demos draw their plots with matplotlib: pip install 'chainrule[plot]'") from None

matplotlib.use("Agg")  # files only, no window
import matplotlib.pyplot as plt  # noqa: E402

import viz  # noqa: E402
from autograd.files import write_atomic  # noqa: E402

from . import captions, plot_captions  # noqa: E402

# the same figures, byte for byte, on every run
matplotlib.rcParams.update({
    "svg.hashsalt": "chainrule",
    "svg.fonttype": "path",
    "figure.dpi": 100,
    "font.size": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.constrained_layout.use": True,  # titles, ticks and labels never run into each other
})


class ClaimFailed(AssertionError):
    """A demo claimed something that its own numbers do not show."""


MARKER = ".chainrule-demos"
"""The file that marks a folder as written by the demos (and so theirs to replace)."""


def scientific(x: float, digits: int = 2) -> str:
    """A number for a person, to ``digits`` significant figures: 890, 0.0037, 1.5×10⁻¹⁵, with a true minus
    sign (never 1.5e-15, nor 8.9e+02)."""
    if x == 0 or not math.isfinite(x):
        return viz.fmt(x)
    exponent = math.floor(math.log10(abs(x)))
    mantissa = round(x / 10.0 ** exponent, digits - 1)
    if abs(mantissa) >= 10:  # 9.96 to 2 figures is 10
        mantissa, exponent = mantissa / 10, exponent + 1
    if -3 <= exponent < 5:
        text = f"{mantissa * 10.0 ** exponent:,.{max(0, digits - 1 - exponent)}f}"
    else:
        power = str(exponent).translate(str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"))
        text = f"{mantissa:.{digits - 1}f}×10{power}"
    return text.replace("-", "−")


def out_folder(out_dir: str | os.PathLike) -> Path:
    """The output folder, made if missing; a clear error when it cannot be written."""
    path = Path(out_dir)
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(f"--out {path} is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise PermissionError(f"cannot create the output folder {path}: {error.strerror}") from None
    if not os.access(path, os.W_OK):
        raise PermissionError(f"the output folder {path} is not writable")
    return path


@dataclass
class Section:
    """One section of the page, built up in order as a demo runs: text, figures, numbers."""

    name: str
    title: str
    out: Path
    blocks: list[dict[str, Any]] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def say(self, text: str) -> None:
        """A paragraph of the narrative: printed, and put on the page."""
        print(text)
        self.blocks.append({"kind": "text", "text": text})

    def number(self, text: str) -> None:
        """A line of computed numbers: printed, and shown on the page in monospace."""
        print("  " + text.replace("\n", "\n  "))
        self._lines().append(text)

    def claim(self, holds: bool, what: str) -> None:
        """Check a claim the demo makes: a checklist item on the page, ✓ or, when it does not hold, ✗."""
        holds = bool(holds)
        print(f"  {'✓' if holds else '✗ FAILED:'} {what}")
        if not holds:
            self.failed.append(what)
        if not self.blocks or self.blocks[-1]["kind"] != "claims":
            self.blocks.append({"kind": "claims", "items": []})
        self.blocks[-1]["items"].append({"holds": holds, "text": what})

    def _lines(self) -> list[str]:
        if not self.blocks or self.blocks[-1]["kind"] != "numbers":
            self.blocks.append({"kind": "numbers", "lines": []})
        return self.blocks[-1]["lines"]

    def plot(self, fig: Any, filename: str, caption: str, says: Sequence[plot_captions.Says]) -> Path:
        """A matplotlib figure and its caption; what the caption says (``says``: a count, names, an axis,
        a value, each a phrase of the caption) is read back from the figure's artists and checked."""
        if not says:
            raise ValueError(f"{filename}: say what the caption says of the plot (says=), so it is checked")
        checked, wrong = plot_captions.check(caption, plot_captions.read(fig), says)
        self.claim(not wrong, f"the plot draws what its caption says ({'; '.join(checked)})"
                   + (f": not drawn or not in the caption: {'; '.join(wrong)}" if wrong else ""))
        path = self.out / filename
        fig.savefig(path, format="svg", metadata={"Date": None}, bbox_inches="tight")
        plt.close(fig)
        _show_svg(path)
        return self._figure(path, caption)

    def graph(self, drawing: viz.Drawing, filename: str, caption: str) -> Path:
        """A drawing and its caption; what the caption says the figure draws (inputs, units and their
        activations, names and values on edges, a path's ends) is read back from the SVG and checked."""
        path = viz.save(drawing, self.out / filename)
        _show_svg(path)
        figure = self._figure(path, caption)
        self._check_caption(path, caption)
        return figure

    def _check_caption(self, path: Path, caption: str) -> None:
        checked, wrong = captions.check(caption, path.read_text(encoding="utf-8"))
        if checked:
            shown = "; ".join(w for w in checked if w not in wrong) or "nothing"
            self.claim(not wrong, f"the figure draws what its caption says ({', '.join(checked)})"
                       + (f": not drawn: {', '.join(wrong)}; drawn: {shown}" if wrong else ""))

    def graphs(self, drawings: list[tuple[viz.Drawing, str, str]]) -> list[Path]:
        """Graphs side by side on the page, each (drawing, file name, caption)."""
        paths = [viz.save(drawing, self.out / filename) for drawing, filename, _ in drawings]
        for path in paths:
            _show_svg(path)
        self.written.extend(paths)
        self.blocks.append({"kind": "figures", "items": [
            {"file": path.name, "caption": caption} for path, (_, _, caption) in zip(paths, drawings)]})
        for path, (_, _, caption) in zip(paths, drawings):
            self._check_caption(path, caption)
        return paths

    def table(self, header: list[str], rows: list[list[str]], caption: str) -> None:
        """A table of computed numbers: printed, and shown on the page."""
        widths = [max(len(str(c)) for c in column) for column in zip(header, *rows)]
        for row in [header, *rows]:
            print("  " + "  ".join(str(c).ljust(w) for c, w in zip(row, widths)))
        self.blocks.append({"kind": "table", "header": header, "rows": rows, "caption": caption})

    def player(self, player: viz.Player, caption: str) -> None:
        """A step-through player of backward, embedded in the page (its HTML is in the section)."""
        self.blocks.append({"kind": "player", "html": player.fragment(), "caption": caption})
        _show(player)

    def download(self, path: Path, text: str) -> Path:
        """A file the demo wrote (an animation, a worksheet), linked from the page."""
        self.blocks.append({"kind": "download", "file": path.name, "text": text})
        self.written.append(path)
        return path

    def _figure(self, path: Path, caption: str) -> Path:
        self.blocks.append({"kind": "figure", "file": path.name, "caption": caption})
        self.written.append(path)
        return path

    def finish(self) -> list[Path]:
        """Write the section for the page; returns every path the demo wrote."""
        path = self.out / f"{self.name}.json"
        document = {"name": self.name, "title": self.title, "blocks": self.blocks, "failed": self.failed}
        write_atomic(path, json.dumps(document, indent=1, ensure_ascii=False), self.name)
        if self.failed:
            raise ClaimFailed(f"{self.name}: {len(self.failed)} claim{'s' if len(self.failed) > 1 else ''} "
                              f"did not hold: " + "; ".join(f"'{w}'" for w in self.failed))
        return self.written + [path]


def _show(obj: Any) -> None:
    """In a notebook, show ``obj`` as the demo makes it (the notebook runs the same demos)."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return
    if get_ipython() is not None:
        display(obj)


def _show_svg(path: Path) -> None:
    try:
        from IPython.display import SVG
    except ImportError:
        return
    _show(SVG(filename=str(path)))


def grid(xlim: tuple[float, float], ylim: tuple[float, float], n: int) -> tuple[Any, Any, list[list[float]]]:
    """An n×n grid over a rectangle, and its points as rows, for decision regions."""
    import numpy as np

    xs, ys = np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))
    return xs, ys, np.column_stack([xs.ravel(), ys.ravel()]).tolist()
