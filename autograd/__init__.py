"""chainrule's engine: scalar reverse-mode autodiff with local derivatives kept as data.

>>> from autograd import Value
>>> x = Value(2.0, label="x")
>>> y = x * x + x
>>> y.backward()
>>> x.grad
5.0
"""

from .backward import backward_steps
from .define import define_op, op_function  # first: it gives Value the table's methods
from .derivatives import grad, hessian
from .dot import dot
from .finite import check_finite
from .forward import Jacobian, forward_steps, hvp, jacobian, jvp
from .gradcheck import GradcheckResult, gradcheck, numerical_grad
from .ops import OPS, Domain, Op
from .scopes import scope
from .tape import Tape, trace
from .value import Value, topological
from .warmup import warm_up

warm_up()
del warm_up

__all__ = [
    "OPS",
    "Domain",
    "GradcheckResult",
    "Jacobian",
    "Op",
    "Tape",
    "Value",
    "backward_steps",
    "check_finite",
    "define_op",
    "dot",
    "forward_steps",
    "grad",
    "gradcheck",
    "hessian",
    "hvp",
    "jacobian",
    "jvp",
    "numerical_grad",
    "op_function",
    "scope",
    "topological",
    "trace",
]
