"""define_op: an op of your own in one call, working everywhere the built-in ones do, and bad
definitions refused at once."""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from autograd import OPS, Value, define_op, grad, gradcheck, hessian, trace
from autograd import rules as r
from tests.strategies import cubed, hypot

ROOT = Path(__file__).resolve().parents[2]


def test_a_unary_and_a_binary_op_in_a_fresh_interpreter() -> None:
    code = textwrap.dedent("""
        import numpy as np
        from autograd import OPS, Value, define_op, grad, hessian, trace

        cube = define_op("cube", expr="x^3", value=lambda x: x * x * x, partials=(lambda x, out: 3 * x * x,),
                         formulas=("3·x^2",), js=("x * x * x", "3 * x * x"))
        y = cube(Value(2.0))
        x = Value(2.0)
        z = x.cube()
        z.backward()
        mix = define_op("mix", expr="x·y^2", value=lambda x, y: x * y * y,
                        partials=(lambda x, y, out: y * y, lambda x, y, out: 2 * x * y), formulas=("y^2", "2·x·y"))
        a, b = Value(3.0), Value(0.5)
        m = mix(a, 2.0)
        tape = trace(lambda u, v: mix(u.cube(), v), 2)
        print(y.data, z.data, x.grad, hessian(lambda u: u.cube(), [2.0])[0][0], m.data, m.parents[1].is_constant,
              grad(a.mix(b), [a, b]), tape(np.array([[2.0, 3.0]])).tolist(), OPS["mix"].arity, 2.0 * Value(1.0).mix(3))
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["8.0", "8.0", "12.0", "12.0", "12.0", "True", "[0.25,", "3.0]", "[72.0]", "2",
                                  "Value(data=18.0,", "grad=0.0)"]


def test_the_function_the_method_and_plain_numbers() -> None:
    x = Value(1.5)
    assert cubed(x).data == x.cubed().data == 1.5**3
    c = cubed(2)  # a plain number becomes a constant leaf
    assert c.data == 8.0 and c.parents[0].is_constant
    h = hypot(3.0, Value(4.0))
    assert h.data == 5.0 and h.parents[0].is_constant and not h.parents[1].is_constant
    assert Value(3.0).hypot(4).data == 5.0
    with pytest.raises(TypeError, match="cubed: x must be a Value or a real number, got str"):
        cubed("2")


def test_backward_grad_create_graph_hessian_and_gradcheck() -> None:
    x, y = Value(0.6), Value(-1.7)
    out = x.cubed() * y.hypot(x)
    out.backward(create_graph=True)
    h = math.hypot(-1.7, 0.6)
    want_x = 3 * 0.6**2 * h + 0.6**3 * 0.6 / h
    assert x.grad == pytest.approx(want_x, rel=1e-14)
    (gx2,) = grad(x.grad_value, [x])  # the gradient as a graph, differentiated again
    assert gx2 == pytest.approx(hessian(lambda a, b: a.cubed() * b.hypot(a), [0.6, -1.7])[0][0], rel=1e-12)
    assert gradcheck(lambda a, b: a.cubed() * b.hypot(a) + hypot(a, 2.0), [0.6, -1.7])


def test_the_tape_replays_a_defined_op_and_one_written_for_floats_only() -> None:
    floats_only = define_op("sinc_floats", expr="sinc(x)", value=lambda x: math.sin(x) / x,
                            partials=(lambda x, out: r.div(r.cos(x) - out, x),), formulas=("(cos(x) − sinc(x))/x",),
                            replace=True)
    tape = trace(lambda a: floats_only(a.cubed()) + a, 1)
    X = np.array([[0.5], [1.2], [-2.0]])
    out = tape(X)
    gx = tape.backward(np.ones(3))
    for k, (v,) in enumerate(X):
        a = Value(v)
        y = floats_only(a.cubed()) + a
        assert out[k] == y.data and gx[k, 0] == grad(y, [a])[0]


def test_number_rules_follow_the_table() -> None:
    big = define_op("square_big", expr="x^2", value=lambda x: x * x, partials=(lambda x, out: 2 * x,),
                    formulas=("2·x",), replace=True)
    with pytest.raises(OverflowError, match=r"^square_big: result out of range for finite operands \(x = 1e\+200\)"):
        big(1e200)
    assert math.isinf(big(math.inf).data)  # an infinite operand: the IEEE result
    assert math.isnan(big(math.nan).data) and math.isnan(Value(math.nan).hypot(1.0).data)  # NaN through
    with pytest.raises(ValueError, match=r"hypot: undefined at x = y = 0 .*\(x = 0\.0, y = 0\.0\)"):
        hypot(0.0, 0.0)
    with pytest.raises(ValueError, match="hypot: undefined at x = y = 0.*at row 1"):
        trace(lambda a, b: a.hypot(b), 2)(np.array([[1.0, 1.0], [0.0, 0.0]]))
    with pytest.raises(OverflowError, match="square_big.*at row 0"):
        trace(lambda a: a.square_big(), 1)(np.array([[1e200]]))


def _ok(**changes):
    spec = dict(name="fine_op", expr="x^2", value=lambda x: x * x, partials=(lambda x, out: 2 * x,),
                formulas=("2·x",), replace=True)
    spec.update(changes)
    return spec


@pytest.mark.parametrize("changes, error, words", [
    ({"name": "cubed", "replace": False}, ValueError, "an op named 'cubed' exists; pass replace=True"),
    ({"name": "tanh"}, ValueError, "'tanh' is a built-in op and cannot be replaced"),
    ({"name": "backward"}, ValueError, "clashes with the Value attribute"),
    ({"name": "data"}, ValueError, "clashes with the Value attribute"),
    ({"name": "2x"}, ValueError, "must be an identifier"),
    ({"name": "class"}, ValueError, "must be an identifier"),
    ({"name": 7}, ValueError, "must be an identifier"),
    ({"value": 3.0}, TypeError, "value must be callable"),
    ({"value": lambda x, y, z: x}, ValueError, "one operand .x. or two"),
    ({"partials": (lambda x, out: 1.0, lambda x, out: 1.0)}, ValueError, "partials needs 1 function, got 2"),
    ({"value": lambda x, y: x * y}, ValueError, "partials needs 2 functions, got 1"),
    ({"partials": (2.0,)}, TypeError, r"partials\[0\] must be callable"),
    ({"partials": lambda x, out: 2 * x}, TypeError, "partials must be a tuple of functions"),
    ({"partials": (lambda x: 2 * x,)}, ValueError, r"partials\[0\] must take 2 arguments \(x, out\)"),
    ({"formulas": ()}, ValueError, "formulas must hold 1 non-empty str"),
    ({"formulas": "2·x"}, TypeError, "formulas must be a tuple"),
    ({"js": ("x * x",)}, ValueError, "js must hold 2 non-empty str"),
    ({"js": ("x * x", "2 * x", "0")}, ValueError, "js must hold 2"),
    ({"expr": ""}, TypeError, "expr must be a non-empty str"),
    ({"domain": (lambda x: x > 0,)}, TypeError, "domain must be a .predicate, message. pair"),
    ({"domain": (lambda x, y: x > 0, "needs x > 0")}, ValueError, "domain predicate must take 1 argument"),
])
def test_bad_definitions_are_refused_at_once(changes, error, words) -> None:
    before = dict(OPS)
    with pytest.raises(error, match=words):
        define_op(**_ok(**changes))
    assert OPS == before  # nothing half-defined is left behind


def test_replace_redefines_a_defined_op_everywhere() -> None:
    define_op(**_ok(name="twice_op", value=lambda x: 2 * x, partials=(lambda x, out: 2.0,), formulas=("2",)))
    assert Value(3.0).twice_op().data == 6.0
    define_op(**_ok(name="twice_op", value=lambda x: 3 * x, partials=(lambda x, out: 3.0,), formulas=("3",)))
    assert Value(3.0).twice_op().data == 9.0 and OPS["twice_op"].partials == ("3",)


def test_a_domain_as_a_list_of_pairs_and_the_message_names_the_op() -> None:
    root = define_op(**_ok(name="root4", expr="x^(1/4)", value=lambda x: x**0.25,
                           partials=(lambda x, out: r.div(0.25 * out, x),), formulas=("x^(1/4)/(4·x)",),
                           domain=[(lambda x: x >= 0, "needs x >= 0"), (lambda x: x < 1e300, "needs x < 1e300")]))
    with pytest.raises(ValueError, match=r"root4: needs x >= 0 \(x = -1\.0\)"):
        root(-1.0)
    with pytest.raises(ValueError, match="root4: needs x < 1e300"):
        root(1e301)
    assert math.isnan(root(math.nan).data)  # NaN skips the domain, as for the built-in ops
    assert root(16.0).data == 2.0


def test_a_built_in_domain_names_its_rule_in_the_engine_and_on_the_tape() -> None:
    # log's domain is x > 0 exactly: 0 is refused by the entry's own rule, not by math.log
    for x in (0.0, -0.0, -1e-300):
        with pytest.raises(ValueError, match=r"^log: undefined for x <= 0 \(needs x > 0\) \(x = "):
            Value(x).log()
    with pytest.raises(ValueError, match=r"^log: undefined for x <= 0 \(needs x > 0\), at row 1"):
        trace(lambda a: a.log(), 1)(np.array([[1.0], [0.0]]))
    assert Value(5e-324).log().data == math.log(5e-324)  # just inside
    with pytest.raises(ValueError, match=r"^sqrt: undefined for x < 0 \(needs x >= 0\) \(x = -5e-324\)"):
        Value(-5e-324).sqrt()
    assert Value(0.0).sqrt().local_grads == (math.inf,)  # d√x/dx at 0 is +inf, as torch


def test_a_domain_may_carry_its_javascript_for_the_player() -> None:
    op = define_op(**_ok(name="root_js", expr="sqrt(x)", value=lambda x: r.sqrt(x),
                         partials=(lambda x, out: 0.5 / out,), formulas=("1/(2·sqrt(x))",),
                         js=("Math.sqrt(x)", "0.5 / out"),
                         domain=(lambda x: x >= 0, "needs x >= 0", "x >= 0")))
    (d,) = OPS["root_js"].domain
    assert (d.message, d.js) == ("needs x >= 0", "x >= 0")
    with pytest.raises(ValueError, match=r"root_js: needs x >= 0"):
        op(-1.0)
    with pytest.raises(TypeError, match=r"\(predicate, message, js\)"):
        define_op(**_ok(domain=(lambda x: x >= 0, "needs x >= 0", 3)))
