"""Ops defined the way a user defines one (define_op), for the tests: imported by conftest, so
every test that enumerates the op table checks them too, with no test code of their own."""

from __future__ import annotations

from autograd import OPS, define_op

if "cubed" not in OPS:
    cubed = define_op(
        "cubed",
        expr="x^3",
        value=lambda x: x * x * x,
        partials=(lambda x, out: 3 * x * x,),
        formulas=("3·x^2",),
        js=("x * x * x", "3 * x * x"),
    )
    hypot = define_op(
        "hypot",
        expr="hypot(x, y)",
        value=lambda x, y: (x * x + y * y) ** 0.5,
        partials=(lambda x, y, out: x / out, lambda x, y, out: y / out),
        formulas=("x/hypot(x, y)", "y/hypot(x, y)"),
        js=("Math.sqrt(x * x + y * y)", "x / out", "y / out"),
        domain=(lambda x, y: (x != 0) | (y != 0), "undefined at x = y = 0 (its partials are 0/0)"),
    )
