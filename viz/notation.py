"""One notation for every medium: the formulas of folded edges, and powers written as powers.

Formulas are built as text in the op table's notation (``·`` multiplies, ``^`` raises) and
then written for where they are shown: plain text (integer powers as ², ³, ⁻¹), Graphviz's
HTML-like labels and the page (``<SUP>``), and LaTeX (``^{2}``).  A power whose exponent is
a plain number prints it as a number, never ``2.0`` nor ``(2−1)``.
"""

from __future__ import annotations

import html
import math
import re

from autograd import OPS, Value
from autograd.notation import to_latex

from .text import fmt

SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUPERSCRIPT = str.maketrans("0123456789−-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻")
# ^ followed by a bracketed group (no brackets inside), or by a name or number
_POWER = re.compile(r"\^(\(([^()]*)\)|[−-]?[\w.]+)")


def _exponent(m: re.Match) -> str:
    return m.group(2) if m.group(2) is not None else m.group(1)


def text_powers(text: str) -> str:
    """``(a3 − 1)^2`` → ``(a3 − 1)²``: integer exponents as superscript digits; others keep ``^``."""
    def sub(m: re.Match) -> str:
        e = _exponent(m)
        return e.translate(_SUPERSCRIPT) if re.fullmatch(r"[−-]?\d+", e) else m.group(0)
    return _POWER.sub(sub, text)


def html_powers(text: str) -> str:
    """``text`` escaped for a page, every ``^e`` a superscript: ``x<sup>0.5</sup>``, ``(a3 − 1)<sup>2</sup>``.
    (Graphviz's own superscripts are not raised by every SVG reader, so drawings take
    :func:`text_powers` instead.)"""
    parts, last = [], 0
    for m in _POWER.finditer(text):
        parts.append(html.escape(text[last:m.start()], quote=True))
        parts.append(f"<sup>{html.escape(_exponent(m), quote=True)}</sup>")
        last = m.end()
    parts.append(html.escape(text[last:], quote=True))
    return "".join(parts)


def latex_formula(text: str) -> str:
    """A formula in the drawn names as LaTeX: ``(a3 − 1)·a2`` → ``(a_{3} - 1) \\cdot a_{2}``."""
    from .text import latex_name

    names: list[str] = []

    def hold(m: re.Match) -> str:  # names like a3, θ2, n1 become placeholders the op table's reader keeps
        word = m.group(0)
        if word in _FUNCTION_WORDS:
            return word
        names.append(latex_name(word))
        return f"q{'z' * len(names)}"  # letters only, so the reader takes it for one name

    plain = re.sub("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+", lambda m: "^(" + m.group(0).translate(_FROM_SUPERSCRIPT) + ")", text)
    held = re.sub(r"[^\W\d_][\w]*", hold, plain)
    out = to_latex(held)
    for k in range(len(names), 0, -1):
        out = re.sub(r"\\operatorname\{q" + "z" * k + "}", lambda _m, k=k: names[k - 1], out)
    return out.replace("σ", r"\sigma")


_FROM_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789−")
_FUNCTION_WORDS = {"σ", "tanh", "exp", "log", "ln", "sin", "cos", "sqrt", "if", "else", "relu", "sign",
                   "abs", "softplus", "silu", "elu", "softsign", "maximum", "minimum", "leaky_relu", "step"}


def _infix(text: str) -> bool:
    """Whether ``text`` has an operator outside brackets (and so needs brackets to be multiplied)."""
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1, "[": 1, "]": -1}.get(ch, 0)
        if depth == 0 and ch in "+−-/ ":
            return True
    return False


def _bracket(text: str) -> str:
    return f"({text})" if _infix(text) else text


def _operand(folding, p: Value, names: dict[Value, str]) -> str:
    """An operand as written inside a formula, without brackets of its own (``a3 − 1``)."""
    text = folding._operand(p, "", 0, names)
    if text.startswith("(") and text.endswith(")"):
        inner, depth = text[1:-1], 0
        for ch in inner:
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if depth < 0:
                return text
        return inner
    return text


def step_formula(folding, node: Value, slot: int, names: dict[Value, str]) -> tuple[float, list[str]]:
    """One local derivative ∂node/∂parents[slot] as a number times formulas in the drawn names:
    ∂(0.5·u)/∂u = (0.5, []), ∂(u^2)/∂u = (2, ['u']), ∂σ(z3)/∂z3 = (1, ['σ(z3)·(1 − σ(z3))'])."""
    return local_formula(node, slot, lambda p: _operand(folding, p, names))


def local_formula(node: Value, slot: int, write) -> tuple[float, list[str]]:
    """:func:`step_formula` with the operands written by ``write(parent)`` (unbracketed)."""
    op, parents = node.op, node.parents
    if op == "add" or (op == "sub" and slot == 0):
        return 1.0, []
    if op == "sub" or op == "neg":
        return -1.0, []
    if op == "mul":
        other = parents[1 - slot]
        return (other.data, []) if other.is_constant else (1.0, [write(other)])
    if op == "div" and slot == 0 and parents[1].is_constant:
        return 1.0 / parents[1].data, []
    if op == "pow" and slot == 0 and parents[1].is_constant:
        c = parents[1].data
        base = write(parents[0])
        e = c - 1.0
        if e == 0:
            return c, []
        return c, [base if e == 1 else f"{_bracket(base)}^{number(e)}"]
    operands = [number(p.data) if p.is_constant else _bracket(write(p)) for p in parents]
    text = OPS[op].render(*operands, text=OPS[op].partials[slot])
    try:
        return float(text.replace("−", "-")), []
    except ValueError:
        return 1.0, [text]


def number(x: float) -> str:
    """A constant as the formulas write it: 2 for 2.0, −1 for −1.0, 0.5, 1.5e−07."""
    if math.isfinite(x) and x == int(x) and abs(x) < 1e15:
        return str(int(x)).replace("-", "−")
    return fmt(x, 6)


def product_formula(folding, steps, names: dict[Value, str]) -> str:
    """The product of the local derivatives along ``steps`` as one formula, constants multiplied
    out: ∂J/∂a3 of J = 0.5·(a3 − 1)^2 is ``a3 − 1`` (0.5 · 2·(a3 − 1) · 1)."""
    return join_formula([step_formula(folding, node, slot, names) for node, slot in steps])


def join_formula(parts: list[tuple[float, list[str]]]) -> str:
    """Numbers times formulas, multiplied into one formula: [(0.5, []), (2, ['u'])] → ``u``."""
    coefficient, factors = 1.0, []
    for c, fs in parts:
        coefficient *= c
        factors.extend(fs)
    if not factors or coefficient == 0:
        return number(coefficient)
    body = factors[0] if len(factors) == 1 else "·".join(_bracket(f) for f in factors)
    if coefficient == 1:
        return body
    if coefficient == -1:
        return "−" + _bracket(body)
    return f"{number(coefficient)}·{_bracket(body)}"


def steps_text(folding, steps, names: dict[Value, str]) -> str:
    """Each folded local derivative on its own, for a tooltip: ``0.5 · 2·(a3 − 1) · 1``."""
    return " · ".join(product_formula(folding, [step], names) for step in steps)
