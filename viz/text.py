"""Text helpers: compact numbers, labels escaped for Graphviz, names in LaTeX."""

from __future__ import annotations

import html
import math
import re

_GREEK = {
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\epsilon", "η": r"\eta",
    "θ": r"\theta", "λ": r"\lambda", "μ": r"\mu", "σ": r"\sigma", "φ": r"\phi", "ω": r"\omega",
    "Θ": r"\Theta", "Σ": r"\Sigma", "Δ": r"\Delta", "ℓ": r"\ell",
}
_SUBSCRIPT_DIGITS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def fmt(x: float, digits: int = 4) -> str:
    """A number in at most ``digits`` significant digits: 0.7311, −0.04802, 3e−05, 1.153e+18.

    Never rounds a small number to zero (3e−05 stays 3e−05), uses a true minus sign, and writes
    the non-finite values as the notes do: NaN, ∞, −∞.
    """
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if x == 0:
        return "0"
    return f"{x:.{digits}g}".replace("-", "−")


def plus(a: float, b: float) -> str:
    """``a + b`` written as a sum: ``0.1311 − 0.04394``, never ``0.1311 + −0.04394``."""
    negative = b < 0 or (b == 0 and math.copysign(1.0, b) < 0)
    return f"{fmt(a)} − {fmt(-b)}" if negative else f"{fmt(a)} + {fmt(b)}"


def printable(text: str) -> str:
    """``text`` with control characters (but newlines) and lone surrogates written as escapes
    (``\\x00``, ``\\x1b``, ``\\udc80``), so that a renderer or an encoder never chokes on them."""
    return "".join(
        ch if ch == "\n" or (ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF) or ch == " "
        else ascii(ch)[1:-1]
        for ch in text
    )


def dot_attr(text: str) -> str:
    """``text`` for a plain (quoted) Graphviz attribute such as a tooltip, shown as written:
    Graphviz expands backslash escapes (\\N, \\G, \\n) in a tooltip twice over (once reading
    it, once writing it out), so one backslash is written as four."""
    return printable(text).replace("\\", "\\" * 4)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>&])")


def markdown_text(text: str) -> str:
    """``text`` for markdown outside a code fence, shown as written: every character markdown
    or HTML gives a meaning to is escaped, so ``[a](javascript:…)`` is no link and ``<b>`` no tag."""
    return _MARKDOWN_SPECIAL.sub(lambda m: "&amp;" if m.group(1) == "&" else (
        "&lt;" if m.group(1) == "<" else ("&gt;" if m.group(1) == ">" else "\\" + m.group(1))), printable(text))


def escape_surrogates(text: str) -> str:
    """``text`` with each lone surrogate written as an escape (``\\udc80``), as :func:`printable`
    writes them, and everything else as it is: what a page can then be encoded with."""
    return re.sub("[\ud800-\udfff]", lambda m: ascii(m.group(0))[1:-1], text)


def markdown_fence(text: str, info: str = "") -> str:
    """``text`` as a fenced code block whose fence is longer than any run of backticks inside it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{printable(text)}\n{fence}"


def dot_html(text: str) -> str:
    """``text`` for the inside of a Graphviz HTML-like label, shown exactly as written.

    HTML escaping covers < > & " and Graphviz's record characters; Graphviz then
    expands backslash escapes such as \\N even in HTML labels, so a backslash is
    doubled; a newline becomes a line break; control characters show as escapes.
    """
    escaped = html.escape(printable(text), quote=True).replace("\\", "\\\\")
    return "<BR/>".join(escaped.split("\n"))


def latex_name(name: str) -> str:
    """θ2 → \\theta_{2}, a3 → a_{3}, w₁ → w_{1}, z(3) → z^{(3)}; anything else is escaped for LaTeX."""
    name = name.translate(_SUBSCRIPT_DIGITS)
    m = re.fullmatch(r"(.*?)(\(\d+\)|\d+)", name)
    base, index = (m.group(1), m.group(2)) if m and m.group(1) else (name, "")
    base = "".join(_GREEK.get(ch, _latex_escape(ch)) for ch in base)
    if len(base) > 1 and not base.startswith("\\"):
        base = rf"\mathrm{{{base}}}"
    if index.startswith("("):
        return f"{base}^{{{index}}}"
    return f"{base}_{{{index}}}" if index else base


def _latex_escape(ch: str) -> str:
    return {"_": r"\_", "%": r"\%", "$": r"\$", "#": r"\#", "&": r"\&", "{": r"\{", "}": r"\}",
            "\\": r"\backslash{}", "^": r"\^{}", "~": r"\~{}"}.get(ch, ch)


def latex_number(x: float) -> str:
    return fmt(x).replace("−", "-")
