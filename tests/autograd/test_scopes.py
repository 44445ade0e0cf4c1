"""Name scopes (autograd/scopes.py): per thread and per context, nested, and never left behind."""

from __future__ import annotations

import contextvars
import threading

from autograd import Value, scope


def test_scopes_are_per_thread() -> None:
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


def test_entering_one_scope_object_twice_leaves_nothing() -> None:
    s = scope("x")
    with s:
        with s:
            assert Value(1.0).scope == "x/x"
        assert Value(1.0).scope == "x"
    assert Value(1.0).scope is None


def test_scopes_left_out_of_order_leave_nothing() -> None:
    a, b = scope("a"), scope("b")
    a.__enter__()
    b.__enter__()
    a.__exit__(None, None, None)
    assert Value(1.0).scope == "a/b"  # b's entry is still open
    b.__exit__(None, None, None)
    assert Value(1.0).scope is None


def test_a_suspended_generator_leaves_no_scope_behind() -> None:
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


def test_three_scopes_nest_and_each_node_keeps_whether_it_is_a_constant() -> None:
    with scope("a"):
        with scope("b"):
            with scope("c") as name:
                y = Value(1.0) * 2.0
            z = Value(1.0) * 3.0
    assert name == "a/b/c"
    assert [(p.scope, p.is_constant) for p in y.parents] == [("a/b/c", False), ("a/b/c", True)]
    assert [(p.scope, p.is_constant) for p in z.parents] == [("a/b", False), ("a/b", True)]
    # every scope left: a Value is a plain node again, a lifted number a plain constant
    w = Value(1.0) * 4.0
    assert [(p.scope, p.is_constant) for p in (w, *w.parents)] == [(None, False), (None, False), (None, True)]
