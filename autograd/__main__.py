"""A short tour: build an expression, run backward, print every node's value and gradient.

Run it with ``python -m autograd``.
"""

from __future__ import annotations

from .graph import topological
from .ops import OPS
from .value import Value


def describe(node: Value, names: dict[Value, str]) -> str:
    """How a node was made, e.g. ``z = w · x`` (operands by label, or by number for constants)."""
    if node.is_leaf:
        return "constant" if node.is_constant else "leaf"
    return OPS[node.op].render(*[names.get(p) or f"{p.data:g}" for p in node.parents])


def tour() -> None:
    x = Value(2.0, label="x")
    w = Value(-3.0, label="w")
    b = Value(1.0, label="b")
    z = w * x + b
    z.label = "z"
    a = z.tanh()
    a.label = "a"
    J = (a - 0.5) ** 2
    J.label = "J"
    print("J = (tanh(w·x + b) − 0.5)²   with x = 2, w = −3, b = 1\n")
    J.backward()
    order = topological(J)
    inner = (node for node in order if not node.is_constant)
    names = {node: node.label or f"t{i}" for i, node in enumerate(inner)}
    print(f"{'node':<6}{'made as':<18}{'value':>12}{'∂J/∂node':>14}")
    for node in order:
        if node.is_constant:
            continue
        print(f"{names[node]:<6}{describe(node, names):<18}{node.data:>12.6g}{node.grad:>14.6g}")
    print("\nEach gradient is the product of local derivatives along the path from J, e.g.")
    print(f"∂J/∂w = ∂J/∂a · ∂a/∂z · ∂z/∂w = {a.grad:.6g} · {a.local_grads[0]:.6g} · {x.data:g}"
          f" = {w.grad:.6g}")


if __name__ == "__main__":
    tour()
