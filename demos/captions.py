"""A caption read against its figure: what the caption says is drawn must be drawn.

A figure's caption is written in words; the figure is an SVG with text in it.  This reads the
statements a caption makes about a network or a graph — how many inputs, how many units of
which activation, the output's activation, a weight's or an input's name and value, the names
a path runs between — and looks each one up in the text the figure draws.  The demos check
every graph they make this way (a claim on the page), and the tests read the written files.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

NUMBER = r"[−-]?\d+(?:\.\d+)?(?:e[−+-]?\d+)?"
WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
ACTIVATIONS = {"sigmoid": "σ", "tanh": "tanh", "ReLU": "ReLU", "linear": "linear", "step": "step"}
_COUNT = r"(\d+|one|two|three|four|five|six)"
_NAME = r"(?:θ\d+|w\d+|W\d+[₀-₉,]*[₀-₉])(?![\w₀-₉])"  # a weight's name (W1₂₁: W1's row 2, column 1)
_WEIGHT = rf"(?<![\w/])({_NAME})"


@dataclass
class Drawn:
    """The text of a rendered figure, by what it belongs to."""

    inputs: list[str] = field(default_factory=list)  # "x1 = 0.5" (or "x1"), one per input box
    units: dict[int, list[str]] = field(default_factory=dict)  # layer → each unit's activation symbol
    edges: list[str] = field(default_factory=list)  # each edge's label
    boxes: list[str] = field(default_factory=list)  # every node's text, line by line
    names: list[str] = field(default_factory=list)  # the bold names of the boxes (J, a3, θ1)
    data: dict[str, list[str]] = field(default_factory=dict)  # a named box's value ("data 0.5" → "0.5")
    colours: list[tuple[str, str]] = field(default_factory=list)  # each edge label with its colour
    biases: dict[int, list[str]] = field(default_factory=dict)  # layer → each unit's drawn bias ("b = 0.5" → "0.5")


_GROUP = re.compile(r'<g id="(?:node|edge)\d+" class="(node|edge)"[^>]*>\s*<title>([^<]*)</title>'
                    r"(.*?)</g>\s*(?=<!--|</g>|$)", re.S)
_TEXT = re.compile(r"<text([^>]*)>([^<]*)</text>")


def _lines(body: str) -> list[tuple[str, bool]]:
    """The text of one group, line by line (texts at one height joined), each with whether it starts bold."""
    rows: dict[str, list[str]] = {}
    bold: dict[str, bool] = {}
    for attrs, text in _TEXT.findall(body):
        y = re.search(r'\by="([^"]+)"', attrs).group(1)
        rows.setdefault(y, []).append(html.unescape(text).replace("\xa0", " "))
        bold.setdefault(y, 'font-weight="bold"' in attrs)
    return [("".join(parts).strip(), bold[y]) for y, parts in rows.items()]


def read_svg(svg: str) -> Drawn:
    """What a rendered drawing (viz.draw, draw_chain_rule, draw_network) shows, from its SVG."""
    drawn = Drawn()
    for kind, title, body in _GROUP.findall(svg):
        title = html.unescape(title)
        lines = _lines(body)
        if kind == "edge" or re.fullmatch(r"W\d+_\d+_\d+", title):  # draw_network's weight labels are nodes
            drawn.edges.extend(text for text, _ in lines if text)
            fills = re.findall(r'<text[^>]*fill="([^"]+)"[^>]*>', body)
            drawn.colours.extend((text, fills[0] if fills else "black") for text, _ in lines if text)
            continue
        drawn.boxes.extend(text for text, _ in lines)
        for text, bold in lines:
            if bold:
                drawn.names.append(text.split(" = ")[0])
        if lines and lines[0][1]:
            drawn.data[lines[0][0].split(" = ")[0]] = [t[5:] for t, _ in lines if t.startswith("data ")]
        if re.fullmatch(r"x\d+", title):
            drawn.inputs.append(lines[0][0] if lines else title)
        m = re.fullmatch(r"L(\d+)_\d+", title)
        if m:
            symbol = next((t for t, b in _bold_parts(body)), "")
            drawn.units.setdefault(int(m.group(1)), []).append(symbol)
            bias = next((t[4:] for t, _ in lines if t.startswith("b = ")), None)
            if bias is not None:
                drawn.biases.setdefault(int(m.group(1)), []).append(bias)
    return drawn


def _bold_parts(body: str) -> list[tuple[str, bool]]:
    return [(html.unescape(t), True) for attrs, t in _TEXT.findall(body) if 'font-weight="bold"' in attrs]


def _count(word: str) -> int:
    return WORDS.get(word, 0) or int(word)


def _same_number(a: str, b: str) -> bool:
    return float(a.replace("−", "-")) == float(b.replace("−", "-"))


def check(caption: str, svg: str) -> tuple[list[str], list[str]]:
    """The statements of ``caption`` about the figure, and those of them the figure does not draw."""
    drawn = read_svg(svg)
    checked: list[str] = []
    wrong: list[str] = []

    def expect(what: str, holds: bool) -> None:
        checked.append(what)
        if not holds:
            wrong.append(what)

    layers = sorted(drawn.units)
    hidden = [drawn.units[k] for k in layers[:-1]]
    output = drawn.units[layers[-1]] if layers else []
    for m in re.finditer(_COUNT + r" inputs\b", caption):
        expect(m.group(0), len(drawn.inputs) == _count(m.group(1)))
    for m in re.finditer(_COUNT + r" (" + "|".join(ACTIVATIONS) + r") units\b", caption):
        n, symbol = _count(m.group(1)), ACTIVATIONS[m.group(2)]
        expect(m.group(0), any(len(units) == n and set(units) == {symbol} for units in hidden))
    for m in re.finditer(r"\ban? (" + "|".join(ACTIVATIONS) + r") output\b", caption):
        expect(m.group(0), output == [ACTIVATIONS[m.group(1)]])
    for m in re.finditer(r"\beach unit an? (" + "|".join(ACTIVATIONS) + r")\b", caption):
        units = [u for k in layers for u in drawn.units[k]]
        expect(m.group(0), bool(units) and set(units) == {ACTIVATIONS[m.group(1)]})
    for m in re.finditer(r"\b((?:θ|w)\d+|W\d+[₀-₉,]+) = (" + NUMBER + r")", caption):
        name, value = m.groups()
        on_edge = any(re.fullmatch(rf"{name} = ({NUMBER})", e) and _same_number(e.split(" = ")[1], value)
                      for e in drawn.edges)
        in_box = any(_same_number(v, value) for v in drawn.data.get(name, []))
        expect(m.group(0), on_edge or in_box)
    if drawn.units:  # a network drawing: every weight the caption names is the name of a drawn edge
        def value(name: str) -> str | None:
            for e in drawn.edges:
                m = re.fullmatch(rf"(?:∂J/∂)?{re.escape(name)} = ({NUMBER})", e)
                if m:
                    return m.group(1)
            return None

        for m in re.finditer(_WEIGHT + r"(?! = [−\d])", caption):
            expect(m.group(1), value(m.group(1)) is not None)
        for m in re.finditer(rf"∂J/∂{_NAME}(?: = ∂J/∂{_NAME})+", caption):
            names = re.findall(r"∂J/∂(" + _NAME + ")", m.group(0))
            values = [value(n) for n in names]
            expect(m.group(0), None not in values and len({float(v.replace("−", "-")) for v in values}) == 1)
    for m in re.finditer(r"\bthe " + _COUNT + rf" hidden units have the same bias(?: \(b = ({NUMBER})\))?", caption):
        n, said = _count(m.group(1)), m.group(2)
        same = [b for k in layers[:-1] if len(b := drawn.biases.get(k, [])) == n == len(drawn.units[k])
                and len({float(v.replace("−", "-")) for v in b}) == 1]
        expect(m.group(0), bool(same) and (said is None or any(_same_number(b[0], said) for b in same)))
    for m in re.finditer(r"\b(x\d+) = (" + NUMBER + r")", caption):
        name, value = m.groups()
        expect(m.group(0), any(re.fullmatch(rf"{name} = ({NUMBER})", t) and _same_number(t.split(" = ")[1], value)
                               for t in drawn.inputs))
    if re.search(r"coloured by (?:its sign|the sign of ∂J/∂w)", caption):
        from viz.network import NEGATIVE, POSITIVE

        grads = [(re.fullmatch(rf"∂J/∂\w+ = ({NUMBER})", t), fill) for t, fill in drawn.colours]
        signed = [(float(m.group(1).replace("−", "-")), fill) for m, fill in grads if m]
        expect("coloured by the sign of ∂J/∂w", bool(signed) and all(
            fill.lower() == (POSITIVE if g > 0 else NEGATIVE) for g, fill in signed if g != 0))
    for m in re.finditer(r"\bfrom (\w+) to (\w+)\b", caption):
        if m.group(1) in ("layer", "left") or m.group(1).isdigit():
            continue
        expect(m.group(0), m.group(1) in drawn.names and m.group(2) in drawn.names)
    return checked, wrong
