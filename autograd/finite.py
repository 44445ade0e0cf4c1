"""check_finite: the first node whose value or local derivative is not a finite number."""

from __future__ import annotations

import math

from . import checks
from .ops import OPS
from .value import Value, topological


def check_finite(root: Value) -> None:
    """Raise FloatingPointError naming the first node (parents first) whose value or local
    derivative is not finite; do nothing when all are.

    A gradient can be NaN or infinite with every value finite: ``log`` at 1e-320 has
    derivative 1/1e-320, which no float holds, and inf·0 further down gives NaN.
    """
    checks.instance(root, Value, "check_finite()")
    for i, node in enumerate(topological(root)):
        name = node.label or f"node {i}"
        if not math.isfinite(node.data):
            made = f"{node.op} of {[p.data for p in node.parents]}" if node.op else "a leaf"
            raise FloatingPointError(f"{name} ({made}) has the value {node.data!r}")
        for j, g in enumerate(node.local_grads):
            if not math.isfinite(g):
                raise FloatingPointError(
                    f"{name} = {node.op}(…) at {[q.data for q in node.parents]}: its local derivative "
                    f"∂/∂{'xy'[j]} is {g!r} ({OPS[node.op].formula(j)}), so gradients through it "
                    "are not finite"
                )
