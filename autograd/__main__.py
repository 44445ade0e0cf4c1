"""A guided tour at the terminal: ``python -m autograd``.

Each step prints a few lines of code, runs them, and says what they showed.  On a
terminal it waits for Enter between steps; otherwise (a pipe, a test) it runs
straight through.  It ends with the op table and where to go next.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import textwrap

from .ops import OPS

STEPS: list[tuple[str, str, str]] = [
    (
        "A Value and how it was made",
        """
        from autograd import Value
        x = Value(2.0, label="x")
        w = Value(-3.0, label="w")
        b = Value(1.0, label="b")
        wx = w * x
        wx.label = "wx"
        z = wx + b
        z.label = "z"
        print(z)
        print(z.op, [p.data for p in z.parents])
        """,
        "z is a Value like any other, but it remembers its operands (parents) and the op that made it: "
        "z = wx + b, an add of the product wx = w·x and b.",
    ),
    (
        "Local derivatives, recorded in the forward pass",
        """
        a = z.tanh()
        a.label = "a"
        print(a.data, a.local_grads)
        """,
        "Each node keeps ∂node/∂parent for each parent as a plain number: for a = tanh(z) it is 1 − tanh²(z). "
        "No derivative is computed later that the forward pass did not already write down.",
    ),
    (
        "backward: every gradient at once",
        """
        d = a - 0.5
        d.label = "d"
        J = d ** 2
        J.label = "J"
        J.backward()
        for v in (J, d, a, z, wx, w, x, b):
            print(f"{v.label}: data {v.data:.6g}, grad {v.grad:.6g}")

        """,
        "backward() walks the graph once, from J down, and each node's grad becomes ∂J/∂node: the sum, over "
        "the paths from J to it, of the products of the local derivatives along each path.",
    ),
    (
        "The chain rule, one path",
        """
        path = [(J, d), (d, a), (a, z), (z, wx), (wx, w)]  # J = d², d = a − 0.5, a = tanh(z), z = wx + b, wx = w·x
        factors = [node.local_grads[node.parents.index(p)] for node, p in path]
        by_hand = factors[0] * factors[1] * factors[2] * factors[3] * factors[4]
        print("dJ/dw = " + " · ".join(f"∂{node.label}/∂{p.label}" for node, p in path))
        print("      = " + "".join(f"({g:.6g})" for g in factors) + f" = {by_hand:.6g};  w.grad = {w.grad:.6g}")
        """,
        "Each factor is one named node's local derivative with respect to the next node on the path: "
        "multiply them along the only path from J to w and you get w.grad. "
        "viz.chain_rule(J, w).text() writes this out for any graph, and viz.draw_chain_rule draws it.",
    ),
    (
        "A shared node: paths add up",
        """
        x = Value(3.0, label="x")
        y = x * x + x
        y.backward()
        print(x.grad, "= 2·3 + 1: two paths through x·x, one straight to the sum")
        """,
        "x is used three times, so three paths lead from y to it, and backward adds their products. Leaves "
        "accumulate across calls to backward (as in PyTorch): zero them before the next one.",
    ),
]

NEXT = """
Where to go next:
  make demo               the session-1 notes as a page, every figure computed by the engine
  make notebook           the same notes as a notebook, with exercises the engine checks
  python -m demos         the list of demos, one per section of the notes
  README.md               the REPL tour, and a section for each of autograd, nn and viz
"""


def run_step(code: str, scope: dict) -> str:
    """Run a step's code in ``scope`` and return what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(textwrap.dedent(code), "<tour>", "exec"), scope)  # noqa: S102 - the tour's own code
    return out.getvalue()


def as_typed(code: str) -> str:
    """The code as it looks typed at the REPL: >>> for a statement, ... for the lines inside one."""
    lines = textwrap.dedent(code).strip("\n").splitlines()
    return "\n".join(("... " if line[:1].isspace() or not line else ">>> ") + line for line in lines).rstrip()


def op_table() -> str:
    rows = [f"{'op':<11}{'written':<18}derivatives"]
    for op in OPS.values():
        rows.append(f"{op.name:<11}{op.expr:<18}" + "   ".join(op.formula(i) for i in range(op.arity)))
    return "\n".join(rows)


def tour(wait: bool, stream: io.TextIOBase | None = None) -> None:
    out = stream or sys.stdout
    out.write("A tour of chainrule's engine: five steps, each a few lines you can type at the REPL.\n")
    scope: dict = {}
    for k, (title, code, words) in enumerate(STEPS, 1):
        out.write(f"\n── {k}/{len(STEPS)} {title} ──\n")
        out.write(as_typed(code) + "\n")
        out.write(textwrap.indent(run_step(code, scope).rstrip(), "    ") + "\n")
        out.write(textwrap.fill(words, 100) + "\n")
        if wait and k < len(STEPS):
            input("  [Enter for the next step] ")
    out.write("\nEvery op the engine knows, and its derivative rule (autograd.OPS):\n")
    out.write(op_table() + "\n")
    out.write(NEXT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograd", description="A guided tour of the engine.")
    parser.add_argument("--no-wait", action="store_true", help="run straight through (the default off a terminal)")
    args = parser.parse_args(argv)
    wait = not args.no_wait and sys.stdin.isatty() and sys.stdout.isatty()
    try:
        tour(wait)
    except (KeyboardInterrupt, EOFError):
        print("\n(tour stopped)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
