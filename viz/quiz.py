"""When is a typed answer right?  The one rule behind the player's quiz and the notebook's exercises.

A typed **number** is right when it equals the truth rounded to the significant figures typed,
with at least 2: for a truth of −0.6932, ``-0.69``, ``-0.693`` and ``-0.6932`` are right;
``-0.7`` is too few figures, ``-0.70`` and ``-0.694`` are wrong.  Rounding is of the truth as
Python prints it (``repr``), half away from zero.  Zeros count as figures once a nonzero digit
came before them, or after a decimal point: ``0.70`` has two, ``500`` has three.  A typed zero
(``0``, ``-0``, ``0.00``) is right only for a truth of exactly zero.

A **fraction or expression** (``1/4``, ``-2/3``, ``(1 - 0.25) * 2``: numbers, + − × ÷ * /,
at most 100 brackets) is right when its value, rounded to 3 significant figures, equals the truth rounded
to 3 significant figures.

Accepted as written: a leading ``+``, ``.5``, ``5.``, ``5e-1``, a Unicode minus (−) or en dash,
spaces around the answer and between the parts of an expression.  Anything else, and any
expression without a finite value (``1/0``), is "not a number", which is not the same as wrong.

The player's page runs the same rule in JavaScript (``viz/quiz.js``); a test runs one table of
answers through both.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

from autograd import checks

NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_SPACE = "[ \t\n\r\u00a0]"
_UNSIGNED = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
FIGURES = 2  # the fewest significant figures a typed number must have
EXPRESSION_FIGURES = 3
BRACKETS = 100  # more brackets than this in an expression: not a number (nothing overflows a stack)
_FAR = 1000  # a typed exponent beyond ±this cannot be the rounding of any nonzero float


@dataclass(frozen=True)
class Verdict:
    """``verdict`` is "right", "wrong" or "not-a-number"; ``note`` is "too-few-figures" when a
    one-figure number was the truth at one figure (say so: it needs two), else ""."""

    verdict: str
    value: float | None
    figures: int | None  # the significant figures typed (None for an expression)
    note: str = ""

    @property
    def right(self) -> bool:
        return self.verdict == "right"


def normalise(text: str) -> str:
    """Unicode minus and en dash to "-", × and ÷ to * and /, surrounding spaces dropped."""
    text = text.replace("\u2212", "-").replace("\u2013", "-").replace("×", "*").replace("÷", "/")
    return re.sub(f"^{_SPACE}+|{_SPACE}+$", "", text)


def figures(number: str) -> int:
    """Significant figures of a plain typed number: its mantissa's digits after leading zeros."""
    mantissa = re.split("[eE]", number.lstrip("+-"))[0].replace(".", "")
    return len(mantissa.lstrip("0"))


def round_figures(x: float, n: int) -> Decimal:
    """x as Python prints it, rounded to n significant figures, half away from zero."""
    d = Decimal(repr(x))
    if d == 0:
        return Decimal(0)
    with localcontext(Context(prec=n + 40)):
        return d.quantize(Decimal(1).scaleb(d.adjusted() - n + 1), rounding=ROUND_HALF_UP)


def evaluate(text: str) -> float | None:
    """The value of a typed expression (numbers, + - * /, brackets), or None if it is none."""
    tokens = re.findall(rf"{_SPACE}+|{_UNSIGNED.pattern}|[-+*/()]|.", text)
    tokens = [t for t in tokens if not re.fullmatch(f"{_SPACE}+", t)]
    if tokens.count("(") > BRACKETS:
        return None
    at = 0

    def peek() -> str | None:
        return tokens[at] if at < len(tokens) else None

    def take() -> str:
        nonlocal at
        at += 1
        return tokens[at - 1]

    def expr() -> float:
        v = term()
        while peek() in ("+", "-"):
            v = v + term() if take() == "+" else v - term()
        return v

    def term() -> float:
        v = unary()
        while peek() in ("*", "/"):
            if take() == "*":
                v = v * unary()
            else:
                d = unary()
                if d == 0:
                    raise ZeroDivisionError
                v = v / d
        return v

    def unary() -> float:
        if peek() in ("+", "-"):
            return unary() if take() == "+" else -unary()
        t = peek()
        if t == "(":
            take()
            v = expr()
            if peek() != ")":
                raise SyntaxError
            take()
            return v
        if t is not None and _UNSIGNED.fullmatch(t):
            return float(take())
        raise SyntaxError

    try:
        value = expr()
    except (SyntaxError, ZeroDivisionError, RecursionError):
        return None
    if at != len(tokens) or not math.isfinite(value):
        return None
    return value


def judge(answer: str, truth: float) -> Verdict:
    """The verdict on a typed answer, by the rule above."""
    if not isinstance(answer, str):
        raise TypeError(f"judge: the answer must be the typed text (str), got {type(answer).__name__}")
    truth = checks.number(truth, "judge: the truth", finite=True, type_error=ValueError)
    text = normalise(answer)
    if NUMBER.fullmatch(text):
        n = figures(text)
        value = float(text)
        if n == 0:  # every digit a zero
            return Verdict("right" if truth == 0 else "wrong", value, n)
        exponent = text.lower().partition("e")[2]
        if truth == 0 or (exponent and abs(int(exponent)) > 2 * _FAR):
            return Verdict("wrong", value, n)
        typed = Decimal(text)
        if abs(typed.adjusted()) > _FAR:
            return Verdict("wrong", value, n)
        if typed == round_figures(truth, max(n, FIGURES)):
            return Verdict("right", value, n)
        short = n < FIGURES and typed == round_figures(truth, n)
        return Verdict("wrong", value, n, "too-few-figures" if short else "")
    value = evaluate(text)
    if value is None:
        return Verdict("not-a-number", None, None)
    same = round_figures(value, EXPRESSION_FIGURES) == round_figures(truth, EXPRESSION_FIGURES)
    return Verdict("right" if same else "wrong", value, None)


def as_text(answer: object) -> str | None:
    """What a learner's Python answer reads as typed: a float by its repr, a Fraction as n/d,
    a str as itself; None for anything that is not a real number or text (bool included)."""
    import fractions
    import numbers

    if isinstance(answer, str):
        return answer
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        return None
    if isinstance(answer, fractions.Fraction):
        return f"{answer.numerator}/{answer.denominator}"
    if isinstance(answer, numbers.Integral):
        return str(int(answer))
    x = float(answer)
    return repr(x) if math.isfinite(x) else None


def slip(answer: str, truth: float, slips: dict[str, float]) -> str | None:
    """The name of the first slip whose value the answer matches (and the truth does not)."""
    for name, value in slips.items():
        if not math.isfinite(value) or judge(repr(value), truth).right:
            continue  # a slip that gives the right answer is no slip
        if judge(answer, value).right:
            return name
    return None
