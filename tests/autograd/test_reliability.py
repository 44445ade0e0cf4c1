"""The engine's findings of the bad-input probe, one test (or more) each, named after the finding."""

from __future__ import annotations

import contextvars
import copy
import math
import os
import pickle
import random
import signal
import sys
import threading
import time

import pytest

import autograd
from autograd import Value, check_finite, gradcheck, scope, topological
from tests.strategies import APPLY

NAN = math.nan


# 1. NaN propagates through every op --------------------------------------------------------

@pytest.mark.parametrize("name", sorted(APPLY))
def test_finding_01_nan_propagates_through_every_op(name) -> None:
    out = APPLY[name](Value(NAN), Value(0.5))
    assert math.isnan(out.data), name
    out.backward()  # and backward does not raise


def test_finding_01_relu_and_step_keep_nan() -> None:
    assert math.isnan(Value(NAN).relu().data)
    assert math.isnan(Value(NAN).step().data)
    assert math.isnan(Value(NAN).relu().local_grads[0])


# 2. No sequence of interrupts changes a later backward ---------------------------------------

def _big_graph(n: int = 60_000) -> tuple[Value, list[Value]]:
    rnd = random.Random(3)
    xs = [Value(rnd.uniform(-1, 1), label=f"x{i}") for i in range(8)]
    nodes = list(xs)
    h = xs[0]
    for i in range(n):
        other = nodes[rnd.randrange(len(nodes))]  # shared nodes: many consumers each
        h = (h * 0.999 + other * 0.001).tanh() if i % 7 else h + other * 0.5
        if i % 50 == 0:
            nodes.append(h)
    return h, xs


def test_finding_02_interrupts_at_random_moments_never_change_a_later_backward() -> None:
    J, xs = _big_graph()
    J.backward()
    expected = [x.grad for x in xs]
    start = time.perf_counter()
    J.backward()
    took = time.perf_counter() - start
    rnd = random.Random(11)
    engine = os.path.dirname(autograd.__file__)

    def interrupt(signum, frame):
        # only ever inside the engine's own code: raised anywhere else (this test's except clause,
        # say) a KeyboardInterrupt would escape the test instead of testing backward
        if rnd.random() < 0.5:  # often a second one, while the first is still being unwound
            signal.setitimer(signal.ITIMER_REAL, rnd.uniform(1e-5, took / 4))
        if frame is not None and os.path.dirname(frame.f_code.co_filename) == engine:
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    interrupted = attempts = 0
    try:
        while interrupted < 40:  # counted, not timed: as many tries as it takes for 40 to land
            attempts += 1
            assert attempts < 4000, "the interrupts never landed inside backward"
            signal.setitimer(signal.ITIMER_REAL, rnd.uniform(1e-5, took))
            try:
                J.backward()
                J.backward()
            except KeyboardInterrupt:
                interrupted += 1
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            for x in xs:
                x.grad = 0.0
            J.backward()  # a later backward, with no interrupt: exactly as before
            assert [x.grad for x in xs] == expected
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert interrupted == 40


# 3. Concurrent backward over shared nodes is exact -------------------------------------------

def test_finding_03_two_threads_backward_over_shared_nodes_is_exact() -> None:
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        for _ in range(10):
            x = Value(1.0)
            shared = [x * 1.0 for _ in range(200)]
            roots = [sum(shared, Value(0.0)) * 1.0 for _ in range(2)]  # two roots over the same nodes
            barrier = threading.Barrier(2)

            def work(root: Value, barrier: threading.Barrier = barrier) -> None:
                barrier.wait()
                for _ in range(5):
                    root.backward()

            threads = [threading.Thread(target=work, args=(r,)) for r in roots]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert x.grad == 2 * 5 * 200
    finally:
        sys.setswitchinterval(switch)


# 4. Scopes are per thread and per context, and never left behind ------------------------------

def test_finding_04_scopes_are_per_thread() -> None:
    inside, release = threading.Event(), threading.Event()
    seen = {}

    def other() -> None:
        with scope("A"):
            with scope("B"):
                seen["thread"] = Value(1.0).scope
                inside.set()
                release.wait(5)

    t = threading.Thread(target=other)
    t.start()
    inside.wait(5)
    seen["main"] = Value(1.0).scope  # made while the other thread is inside A/B
    release.set()
    t.join()
    assert seen == {"thread": "A/B", "main": None}
    assert Value(1.0).scope is None


def test_finding_04_entering_one_scope_object_twice_leaves_nothing() -> None:
    s = scope("x")
    with s:
        with s:
            assert Value(1.0).scope == "x/x"
        assert Value(1.0).scope == "x"
    assert Value(1.0).scope is None


def test_finding_04_scopes_left_out_of_order_leave_nothing() -> None:
    a, b = scope("a"), scope("b")
    a.__enter__()
    b.__enter__()
    a.__exit__(None, None, None)
    assert Value(1.0).scope == "a/b"  # b's entry is still open
    b.__exit__(None, None, None)
    assert Value(1.0).scope is None


def test_finding_04_a_suspended_generator_leaves_no_scope_behind() -> None:
    def gen():
        with scope("g"):
            yield Value(1.0).scope
            yield Value(1.0).scope

    g = gen()
    assert next(g) == "g"
    g.close()  # closed while suspended inside the scope
    assert Value(1.0).scope is None
    # driven in a context of its own, a generator's scope never reaches its caller
    h = gen()
    ctx = contextvars.copy_context()
    assert ctx.run(next, h) == "g"
    assert Value(1.0).scope is None
    assert ctx.run(next, h) == "g"


# 6. Non-finite gradients from finite data: found and named --------------------------------------

def test_finding_06_check_finite_names_the_first_node_with_an_infinite_derivative() -> None:
    x = Value(1e-320, label="x")
    y = x.log()
    y.label = "y"
    J = y * 0.0
    J.backward()
    assert math.isnan(x.grad)
    with pytest.raises(FloatingPointError, match=r"y = log.*local derivative.*inf"):
        check_finite(J)
    check_finite(Value(2.0).log() * 3.0)  # nothing to report


def test_finding_06_gradcheck_says_where_the_gradient_stopped_being_finite() -> None:
    result = gradcheck(lambda x: x.log() * 0.0, [1e-320], eps=1e-321)
    assert not result
    assert "log" in result.nonfinite and "not finite" in str(result)


# 12. Overflow: one rule for every op -------------------------------------------------------------

@pytest.mark.parametrize("op, make", [
    ("add", lambda: Value(1.7e308) + Value(1.7e308)),
    ("sub", lambda: Value(-1.7e308) - 1.7e308),
    ("mul", lambda: Value(1e200) * Value(1e200)),
    ("div", lambda: Value(1.0) / 1e-310),
    ("pow", lambda: Value(1e200) ** 2),
    ("exp", lambda: Value(710.0).exp()),
    ("leaky_relu", lambda: Value(-1e10).leaky_relu(1e300)),
])
def test_finding_12_every_op_raises_on_overflow_and_names_itself(op, make) -> None:
    with pytest.raises(OverflowError, match=f"^{op}"):
        make()


def test_finding_12_infinite_operands_give_the_ieee_result() -> None:
    inf = math.inf
    assert (Value(inf) + 1.0).data == inf
    assert (Value(inf) * 2.0).data == inf
    assert math.isnan((Value(inf) - inf).data)
    assert Value(-inf).sigmoid().data == 0.0 and Value(inf).tanh().data == 1.0
    assert Value(-inf).leaky_relu(0.5).data == -inf
    assert Value(-1e300).leaky_relu(0.5).data == -5e299  # just inside the range


# 13. A number too large for a float names the input ----------------------------------------------

def test_finding_13_huge_ints_name_the_input() -> None:
    with pytest.raises(OverflowError, match="Value data is too large"):
        Value(2**2000)
    with pytest.raises(OverflowError, match="about 10001 digits"):
        Value(10**10000)  # past the 4,300 digits str() of an int allows
    with pytest.raises(OverflowError, match="operand is too large"):
        Value(1.0) * 2**2000


# 14. Graphs and their copies: any depth -------------------------------------------------------------

@pytest.mark.parametrize("clone", [lambda v: pickle.loads(pickle.dumps(v)), copy.deepcopy])
def test_finding_14_a_deep_graph_pickles_and_copies(clone) -> None:
    x = Value(0.5, label="x")
    with scope("chain"):
        h = x
        for _ in range(40_000):  # recursive pickling failed past ~250
            h = h * 1.0 + 0.0
    h.label = "end"
    h.backward()
    twin = clone(h)
    order, twin_order = topological(h), topological(twin)
    assert len(twin_order) == len(order)
    assert [(n.data, n.grad, n.op, n.label, n.scope) for n in twin_order[-50:]] == [
        (n.data, n.grad, n.op, n.label, n.scope) for n in order[-50:]
    ]
    twin.backward()
    assert twin_order[0].grad == x.grad + 1.0  # the copy's leaf accumulated, x did not
    assert twin_order[0] is not x


def test_finding_14_leaves_shared_between_pickled_objects_stay_shared() -> None:
    w = Value(2.0, label="w")
    a, b = w * 3.0, w + 1.0
    a2, b2 = pickle.loads(pickle.dumps((a, b)))
    assert a2.parents[0] is b2.parents[0]
    assert a2.parents[0] is not w and a2.parents[0].label == "w"


# What held in the probe, and must keep holding -----------------------------------------------------

def test_held_typed_errors_for_decimal_and_fraction_is_fine() -> None:
    from decimal import Decimal
    from fractions import Fraction

    with pytest.raises(TypeError, match="Decimal"):
        Value(Decimal("1.5"))
    assert Value(Fraction(1, 4)).data == 0.25


@pytest.mark.parametrize("zero", [0.0, -0.0])
def test_held_division_by_signed_zero(zero) -> None:
    with pytest.raises(ZeroDivisionError, match="div"):
        Value(1.0) / zero


@pytest.mark.parametrize("x", [1e308, -1e308, math.inf, -math.inf])
def test_held_sigmoid_and_tanh_are_finite_at_the_extremes(x) -> None:
    for out in (Value(x).sigmoid(), Value(x).tanh()):
        out.backward()
        assert math.isfinite(out.data) and math.isfinite(out.local_grads[0])


def test_held_a_single_interrupt_in_a_million_node_backward_then_exact() -> None:
    x = Value(1.0)
    h = x
    for _ in range(1_000_000):
        h = h * 1.0
    seen = []

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        try:
            h.backward()
            seen.append("finished")
        except KeyboardInterrupt:
            seen.append("interrupted")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    x.grad = 0.0
    h.backward()
    assert x.grad == 1.0 and seen
