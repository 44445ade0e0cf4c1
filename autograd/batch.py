"""A batch's rows, checked as the scalar engine checks its numbers, and the tape's small helpers.

This module is loaded with the first tape, never by ``import autograd`` (it needs numpy).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np


def rows(X: Any, n_inputs: int) -> Any:
    """A batch X as a float array of shape (N, n_inputs), refusing what the scalar engine refuses."""
    if isinstance(X, np.ma.MaskedArray):
        raise TypeError("X is a masked array: the tape would drop its mask; fill it (X.filled(...)) or drop rows")
    try:
        A = np.asarray(X)
    except (TypeError, ValueError) as error:
        raise TypeError(f"X must be an array of numbers, shape (N, {n_inputs}): {error}") from None
    if A.dtype.kind == "O":
        for where, v in np.ndenumerate(A):
            if not isinstance(v, numbers.Real):
                raise TypeError(f"X{list(where)} must be a real number (int or float), got "
                                f"{type(v).__name__}: {v!r}")
    elif A.dtype.kind not in "biuf":
        raise TypeError(f"X must hold real numbers (int or float), shape (N, {n_inputs}); got an array of "
                        f"{A.dtype} ({_KINDS.get(A.dtype.kind, A.dtype.kind)})")
    try:
        X = A.astype(float)
    except (TypeError, ValueError, OverflowError) as error:
        raise TypeError(f"X must be an array of numbers, shape (N, {n_inputs}): {error}") from None
    if X.ndim != 2 or X.shape[1] != n_inputs or X.shape[0] == 0:
        raise ValueError(f"X must have shape (N, {n_inputs}) with N >= 1, got {X.shape}")
    bad = ~np.isfinite(X)
    if bad.any():
        i, j = map(int, np.argwhere(bad)[0])
        raise ValueError(f"X[{i}][{j}] is {X[i, j]!r}: every input must be finite")
    return X


_KINDS = {"c": "complex numbers", "U": "strings", "S": "bytes", "m": "time spans", "M": "dates", "V": "records"}


def shift_row(message: str, first_row: int) -> str:
    head, sep, tail = message.rpartition("row ")
    digits = "".join(ch for ch in tail[:20] if ch.isdigit()) if sep else ""
    if not digits or not tail.startswith(digits):
        return message
    return f"{head}row {int(digits) + first_row}{tail[len(digits):]}"


def runs(rows: list[int]) -> list[slice]:
    """Ascending row numbers as slices, one per run of consecutive ones."""
    runs: list[slice] = []
    for r in rows:
        if runs and runs[-1].stop == r:
            runs[-1] = slice(runs[-1].start, r + 1)
        else:
            runs.append(slice(r, r + 1))
    return runs


def close(got: float, want: float, rtol: float, atol: float, what: str) -> None:
    if got == want or (math.isnan(got) and math.isnan(want)):
        return
    if not math.isclose(got, want, rel_tol=rtol, abs_tol=atol):
        raise AssertionError(
            f"tape.check: {what} is {got!r} on the tape but {want!r} in the scalar engine; does fn branch on "
            ".data? A traced graph is the one fn built when traced, for every row"
        )
