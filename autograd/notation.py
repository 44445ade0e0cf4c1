"""The op table's notation, read two ways: as LaTeX (for ``latex()`` and papers) and as Python
(so that a formula's text can be evaluated and checked against the rule it describes).

The notation: x and y are the operands, ``·`` multiplies, ``−`` subtracts, ``^`` raises
(``x^(y−1)``), ``²`` squares (``tanh²(x)`` is tanh(x)²), ``σ`` is the sigmoid, ``ln x``
the natural log, ``½`` a half, ``a if c else b`` a choice, ``=`` equality in a condition;
a name followed by brackets is an op of the table (``sqrt(x)``, ``softplus(x)``).
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d*)?|\.\d+)|([A-Za-z_][A-Za-z_0-9]*)|(>=|<=|==|!=|.))")
_FUNCTIONS = {"sin", "cos", "tan", "tanh", "exp", "log", "ln", "sinh", "cosh"}
_SYMBOLS = {"·": r" \cdot ", "−": " - ", "σ": r"\sigma", ">=": r" \geq ", "<=": r" \leq ", "==": " = ", "!=": r" \neq ",
            "½": r"\frac{1}{2}", ">": " > ", "<": " < ", "=": " = ", "+": " + ", "-": " - ", ",": ", "}
_WORDS = {"if": r"\ \text{if}\ ", "else": r"\ \text{else}\ ", "and": r"\ \text{and}\ ", "or": r"\ \text{or}\ "}


def _tokens(text: str) -> list[str]:
    out, i = [], 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        if m is None or m.end() == i:
            break
        token = m.group(1) or m.group(2) or m.group(3)
        if token.strip():
            out.append(token)
        i = m.end()
    return out


def _group(tokens: list[str], i: int) -> tuple[list[str], int]:
    """The tokens inside the bracket opening at tokens[i], and the index after its close."""
    depth, j = 0, i
    while j < len(tokens):
        depth += {"(": 1, ")": -1}.get(tokens[j], 0)
        if depth == 0:
            return tokens[i + 1:j], j + 1
        j += 1
    raise ValueError(f"unbalanced brackets in {''.join(tokens)!r}")


def _latex(tokens: list[str]) -> str:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t == "^":
            if i + 1 < len(tokens) and tokens[i + 1] == "(":
                inner, i = _group(tokens, i + 1)
                out.append("^{" + _latex(inner) + "}")
            else:
                out.append("^{" + _latex(tokens[i + 1:i + 2]) + "}")
                i += 2
            continue
        if t == "²":
            out.append("^{2}")
        elif t == "sqrt" and i + 1 < len(tokens) and tokens[i + 1] == "(":
            inner, i = _group(tokens, i + 1)
            out.append(r"\sqrt{" + _latex(inner) + "}")
            continue
        elif t in _WORDS:
            out.append(_WORDS[t])
        elif t in _FUNCTIONS:
            out.append("\\" + t + ("" if i + 1 < len(tokens) and tokens[i + 1] in "(²" else " "))
        elif t in _SYMBOLS:
            out.append(_SYMBOLS[t])
        elif t[0].isalpha() or t[0] == "_":
            out.append(t if len(t) == 1 else r"\operatorname{" + t.replace("_", r"\_") + "}")
        else:
            out.append(_SYMBOLS.get(t, t))
        i += 1
    return re.sub(r" {2,}", " ", "".join(out)).strip()


def to_latex(text: str) -> str:
    """A formula of the table as LaTeX: ``y·x^(y−1)`` → ``y \\cdot x^{y - 1}``."""
    return _latex(_tokens(text))


def to_python(text: str) -> str:
    """A formula of the table as a Python expression (names stay names: evaluate it with the
    table's ops in scope, ``sigmoid`` for σ and ``log`` for ln)."""
    s = text.replace("−", "-").replace("·", "*").replace("^", "**").replace("σ", "sigmoid").replace("½", "0.5")
    s = re.sub(r"(\w+)²\(([^()]*)\)", r"(\1(\2)**2)", s)  # tanh²(x) = tanh(x)²
    s = s.replace("²", "**2")
    s = re.sub(r"\bln ([a-z])\b", r"log(\1)", s)
    return re.sub(r"(?<![<>=!])=(?!=)", "==", s)
