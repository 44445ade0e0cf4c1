"""chainrule's engine: scalar reverse-mode autodiff with local derivatives kept as data.

>>> from autograd import Value
>>> x = Value(2.0, label="x")
>>> y = x * x + x
>>> y.backward()
>>> x.grad
5.0
"""

from .engine import Value, scope, topological
from .gradcheck import GradcheckResult, gradcheck, numerical_grad
from .ops import OPS, Op

__all__ = [
    "OPS",
    "GradcheckResult",
    "Op",
    "Value",
    "gradcheck",
    "numerical_grad",
    "scope",
    "topological",
]
