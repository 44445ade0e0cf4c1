"""Argument checks: one function per kind of argument, each naming the argument it refuses.

A wrong type raises TypeError, a right type with a wrong value raises ValueError, and the
message reads ``<what> must be <rule>, got <what it got>``.  Each check returns the argument
in the form the caller goes on with (a float, an int, a list).  Bools are refused where a
number is wanted: ``True`` is an int to Python but never a size or a rate.

This module imports nothing of the engine, so every layer (``autograd``, ``nn``, ``viz``) can
use it; numpy's scalars pass as the numbers they are (they register as ``numbers.Real``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Collection, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def real(x: object, what: str) -> float:
    """``x`` as a float: any real number (int, bool, Fraction, numpy scalar); TypeError otherwise.

    An int too large for a float raises OverflowError saying about how many digits it has.
    """
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real):
        try:
            return float(x)
        except OverflowError:
            # digits from the bit length: str() of a huge int is itself refused past 4,300 digits
            digits = int(abs(int(math.trunc(x))).bit_length() * math.log10(2)) + 1
            raise OverflowError(
                f"{what} is too large for a float: {type(x).__name__} of about {digits} digits"
            ) from None
    raise TypeError(f"{what} must be a real number (int or float), got {type(x).__name__}: {x!r}")


def _bounds(above: float | None, at_least: float | None, below: float | None, at_most: float | None,
            finite: bool) -> str:
    low = (f"> {above:g}" if above is not None else f">= {at_least:g}" if at_least is not None else "")
    high = (f"< {below:g}" if below is not None else f"<= {at_most:g}" if at_most is not None else "")
    if low and high:
        left = "(" if above is not None else "["
        right = ")" if below is not None else "]"
        return f"in {left}{low.split()[1]}, {high.split()[1]}{right}"
    rule = low or high
    return f"a finite number {rule}".rstrip() if finite else rule or "a number"


def number(
    x: object,
    what: str,
    *,
    above: float | None = None,
    at_least: float | None = None,
    below: float | None = None,
    at_most: float | None = None,
    finite: bool = False,
    type_error: type[Exception] = TypeError,
) -> float:
    """``x`` as a float inside the given bounds (``above``/``below`` strict, ``at_least``/``at_most``
    not); ``finite=True`` refuses ±inf too.  NaN is inside no bound, and refused whenever one is set.

    ``type_error`` is what a non-number raises, for a caller that has always raised ValueError.
    """
    rule = _bounds(above, at_least, below, at_most, finite)
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise type_error(f"{what} must be {rule}, got {type(x).__name__}")
    v = float(x)
    ok = (
        (above is None or v > above)
        and (at_least is None or v >= at_least)
        and (below is None or v < below)
        and (at_most is None or v <= at_most)
        and (not finite or math.isfinite(v))
    )
    if not ok:
        raise ValueError(f"{what} must be {rule}, got {x!r}")
    return v


def integer(n: object, what: str, *, least: int = 1, type_error: type[Exception] = TypeError) -> int:
    """``n`` as an int no smaller than ``least`` (numpy integers too, bools not)."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise type_error(f"{what} must be an int, got {type(n).__name__}")
    if n < least:
        raise ValueError(f"{what} must be >= {least}, got {n}")
    return int(n)


def flag(x: object, what: str) -> bool:
    """``x`` when it is True or False (not 0, 1 or None)."""
    if not isinstance(x, bool):
        raise TypeError(f"{what} must be True or False, got {type(x).__name__}")
    return x


def one_of(x: T, choices: Collection[Any], what: str) -> T:
    """``x`` when it is one of ``choices`` (listed in the message in their own order)."""
    if x not in choices:
        raise ValueError(f"{what} must be one of {', '.join(map(str, choices))}, got {x!r}")
    return x


def function(f: T, what: str, rule: str = "callable") -> T:
    """``f`` when it can be called; ``rule`` says what it should be ("a function of Values")."""
    if not callable(f):
        raise TypeError(f"{what} must be {rule}, got {type(f).__name__}")
    return f


def sequence(xs: object, what: str, of: str = "numbers") -> list[Any]:
    """``xs`` as a list: any iterable but a str or bytes (whose items are characters)."""
    if isinstance(xs, (str, bytes)) or not hasattr(xs, "__iter__"):
        raise TypeError(f"{what} must be a sequence of {of}, got {type(xs).__name__}")
    return list(xs)


def instance(x: T, kind: type | tuple[type, ...], who: str) -> T:
    """``x`` when it is a ``kind``; the message says what ``who`` (a function, say) needs."""
    if not isinstance(x, kind):
        name = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise TypeError(f"{who} needs a {name}, got {type(x).__name__}")
    return x


def returned(out: T, kind: type, who: str) -> T:
    """``out`` when the function ``who`` returned a ``kind``."""
    if not isinstance(out, kind):
        raise TypeError(f"{who} must return a {kind.__name__}, got {type(out).__name__}")
    return out


def instances(xs: Sequence[Any], kind: type, what: str) -> list[Any]:
    """``xs`` as a list when every item is a ``kind``; the message names the first that is not."""
    out = list(xs)
    for i, x in enumerate(out):
        if not isinstance(x, kind):
            raise TypeError(f"{what}[{i}] must be a {kind.__name__}, got {type(x).__name__}")
    return out


__all__ = ["flag", "function", "instance", "instances", "integer", "number", "one_of", "real", "returned", "sequence"]
