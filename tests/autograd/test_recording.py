"""The recording a trace makes while fn runs (autograd.recording), and the walk it falls back on."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from hypothesis import given, settings

import autograd
import nn
from autograd import Value, define, trace, value
from autograd.recording import Recording
from autograd.tape import Tape, _outputs
from tests.strategies import as_function, points, programs


def walked(fn, n_inputs: int, at: float = 0.5) -> Tape:
    """The tape of fn built from a walk of its graph (no recording)."""
    inputs = [Value(at, label=f"x{k}") for k in range(n_inputs)]
    out = fn(*inputs)
    return Tape(fn, inputs, out if isinstance(out, Value) else _outputs(out, "fn"))


def same_tape(a: Tape, b: Tape, X) -> None:
    """Two tapes of one function: the same steps, rows, parameters, values and gradients, bit for bit."""
    assert [(g.op, g.nodes.tolist()) for g in a._groups] == [(g.op, g.nodes.tolist()) for g in b._groups]
    assert a._nodes == b._nodes and a.inputs == b.inputs
    assert a.parameters == b.parameters
    assert a(X).tobytes() == b(X).tobytes()
    seed = np.linspace(-1.0, 1.0, X.shape[0]) if a.single else np.ones((X.shape[0], len(a.outputs)))
    assert a.gradients(seed).tobytes() == b.gradients(seed).tobytes()


@settings(max_examples=60, deadline=None)
@given(program=programs(max_inputs=4, max_ops=12), data=points(4))
def test_a_recorded_tape_is_the_walked_tape(program, data) -> None:
    n = program[0]
    fn = as_function(program)
    X = np.array([data[:n], [v / 2 for v in data[:n]]])
    same_tape(trace(fn, n, at=data[:n]), walked(fn, n, data[0]), X)


def test_an_mlp_recorded_is_the_mlp_walked() -> None:
    model = nn.MLP(3, [5, 4, 2], seed=3)
    fn = lambda *xs: model(list(xs))  # noqa: E731
    same_tape(trace(fn, 3), walked(fn, 3), np.random.default_rng(0).normal(size=(7, 3)))


def test_the_node_constructor_is_swapped_only_while_fn_runs() -> None:
    plain = value._node
    seen = []

    def fn(x):
        seen.append((value._node, define._node))
        return x * 2.0 + x.exp()

    trace(fn, 1)
    (during_v, during_d), = seen
    assert during_v is during_d and during_v is not plain  # both modules that make nodes record
    assert value._node is plain and define._node is plain
    # every module of the engine that makes nodes through its own name for _node is swapped
    makers = [m for m in vars(autograd).values() if getattr(m, "_node", None) is plain]
    assert {m.__name__ for m in makers} == {"autograd.value", "autograd.define"}

    def broken(x):
        raise KeyError("fn failed")

    with pytest.raises(KeyError):
        trace(broken, 1)
    assert value._node is plain and define._node is plain  # restored when fn raises too


def test_a_recording_numbers_parents_first_and_each_node_once() -> None:
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    before = (a * b).relu()  # made before the recording: written down when first read
    with Recording() as r:
        s = before + a
        t = s * s + 1.0
    assert r.valid
    assert r.number(t) == len(r.nodes) - 1
    assert len(set(map(id, r.nodes))) == len(r.nodes)
    P = np.array(r.parents).reshape(-1, 2)
    assert all(p < i for i, row in enumerate(P) for p in row)
    assert [r.nodes[p] for p in P[r.nodes.index(s)]] == [before, a]
    assert r.place(b) == r.nodes.index(b) and r.place(Value(1.0)) == -1
    assert r.ops == [n.op for n in r.nodes]


def test_a_backward_or_a_walk_while_fn_runs_voids_the_recording_and_the_tape_walks() -> None:
    w = Value(1.5, label="w")

    def with_backward(x):
        y = w * x
        y.backward()  # backward marks the nodes in _mark, the slot the recording marks
        return y * x + w

    def with_trace(x):
        inner = trace(lambda u: u * w, 1)  # a second recording cannot start: it walks
        assert inner(np.array([[2.0]])).tolist() == [3.0]
        return (w * x).tanh()

    for fn in (with_backward, with_trace):
        with Recording() as r:
            fn(Value(0.5))
        assert not r.valid
        X = np.array([[0.25], [-2.0]])
        same_tape(trace(fn, 1), walked(fn, 1), X)


def test_nodes_another_thread_makes_during_a_trace_are_not_recorded() -> None:
    w = Value(0.5, label="w")
    started, stop = threading.Event(), threading.Event()
    made = []

    def other() -> None:
        started.set()
        while not stop.is_set():
            made.append(w * 2.0 + 1.0)

    worker = threading.Thread(target=other)
    worker.start()
    started.wait()
    try:
        def fn(x):
            z = x
            for _ in range(3000):  # long enough for the other thread to run in between
                z = z * w + x
            return z

        with Recording() as r:
            fn(Value(0.5))
        tape = trace(fn, 1)
    finally:
        stop.set()
        worker.join()
    assert made and r.valid
    assert not set(map(id, r.nodes)) & set(map(id, made))
    same_tape(tape, walked(fn, 1), np.array([[0.5], [1.0]]))


def test_nodes_fn_makes_but_does_not_use_are_left_out() -> None:
    w = Value(2.0, label="w")

    def fn(x, y):
        waste = x
        for _ in range(50):  # a long chain nothing reads
            waste = waste * w + y
        (x * y).exp()
        return x * w + 1.0

    tape = trace(fn, 2)
    assert tape._nodes == 5  # rows for x, w (a single product is not lifted), 1.0, x·w and the sum
    assert tape.inputs == [0, -1]  # y is read only by what is left out
    X = np.array([[1.0, 5.0], [3.0, -1.0]])
    assert tape(X).tolist() == [3.0, 7.0]
    same_tape(tape, walked(fn, 2), X)


def test_an_output_fn_did_not_make_is_written_down() -> None:
    w = Value(-1.25, label="w")
    made_before = w * 4.0
    tape = trace(lambda x: [x, made_before, x * w], 1)
    assert tape(np.array([[2.0]])).tolist() == [[2.0, -5.0, -2.5]]
    gx = tape.backward(np.array([[1.0, 1.0, 1.0]]))
    assert gx.tolist() == [[1.0 - 1.25]] and w.grad == 4.0 + 2.0


# -- sums written down as one entry (autograd.dot while a trace records) -------------------------


def test_a_dot_while_recording_is_one_entry_and_its_inner_nodes_are_not_numbered() -> None:
    ws = [Value(0.5, label="w1"), Value(-1.5, label="w2"), Value(2.0, label="w3")]
    b = Value(0.25, label="b")
    xs = [Value(1.0), Value(2.0)]
    with Recording(xs) as r:
        s = autograd.dot(ws, [xs[0], xs[1], xs[0]], b)
        out = s.tanh()
    assert r.valid and len(r.chains) == 1 and r.chains[0] is b
    assert r.nodes == xs + [b, ws[0], ws[1], ws[2], s, out]  # inputs, start, weights, the sum, the tanh
    assert r.chain_w == [3, 4, 5] and r.chain_x == [0, 1, 0] and r.chain_at == [0, 3]
    inner = [n for n in autograd.topological(s) if n not in r.nodes]
    assert len(inner) == 5 and all(n._mark is r.interior for n in inner)  # 3 products, 2 additions
    assert r.parents[2 * r.nodes.index(s):][:2] == [-2, 0]


def test_what_a_dot_cannot_write_down_as_one_entry_is_recorded_node_by_node() -> None:
    w = Value(2.0, label="w")
    three = (w * 3.0)._p1  # a constant, made before the trace
    assert three.is_constant
    cases = {
        "an input as a weight": lambda x, y: autograd.dot([x, w], [y, y]),
        "a constant as a weight": lambda x, y: autograd.dot([w, 3.0], [x, y]),
        "a number as an operand": lambda x, y: autograd.dot([w, w], [x, 0.5], y),
        "a made node as a weight": lambda x, y: autograd.dot([w * 2.0, w], [x, y]),
        "one term": lambda x, y: autograd.dot([w], [x], y),
        "a number as the start": lambda x, y: autograd.dot([w, w], [x, y], 1.0),
        "a constant Value as a weight": lambda x, y: autograd.dot([w, three], [x, y]),
    }
    X = np.array([[1.0, -2.0], [0.5, 3.0]])
    for name, fn in cases.items():
        inputs = [Value(0.5), Value(0.5)]
        with Recording(inputs) as r:
            fn(*inputs)
        assert r.valid and r.chains == [], name
        same_tape(trace(fn, 2), walked(fn, 2), X)


def test_reading_a_node_inside_an_entry_voids_the_recording_and_the_tape_walks() -> None:
    ws = [Value(0.5, label="w1"), Value(-1.5, label="w2")]

    def fn(x, y):
        s = autograd.dot(ws, [x, y])
        return s * s._p1  # the last product, inside the entry, read again

    inputs = [Value(0.5), Value(0.5)]
    with Recording(inputs) as r:
        out = fn(*inputs)
    assert not r.valid
    tape = trace(fn, 2)
    X = np.array([[1.0, 2.0], [-3.0, 0.5]])
    assert tape(X).tolist() == [(0.5 - 3.0) * -3.0, (-1.5 - 0.75) * -0.75]
    same_tape(tape, walked(fn, 2), X)
    with Recording(inputs) as r:
        out = autograd.dot(ws, inputs)
    r.number(out._p0)  # an output inside an entry (numbering it is reading it)
    assert not r.valid


def test_entries_nothing_reads_are_left_out_with_what_only_they_read() -> None:
    model = nn.MLP(2, [3, 2], seed=1)
    layer = nn.Layer(3, 2, seed=4)

    def fn2(x, y):
        model([y, x])  # every entry of this call and the parameters only it reads are dropped
        h = model.layers[0]([x, y])
        return layer([h[0], h[1], x])[1]

    tape = trace(fn2, 2)
    assert len(tape.parameters) == 2 * 3 + 4  # two of the first layer's neurons (h[2] is not read), one of the layer's
    X = np.array([[0.5, -1.0], [2.0, 0.25]])
    same_tape(tape, walked(fn2, 2), X)
    tape.check(X)


def test_an_entry_whose_start_is_not_a_parameter_reads_it_as_a_term() -> None:
    ws = [Value(0.5, label="w1"), Value(-1.5, label="w2")]
    b = Value(0.75, label="b")
    fns = [lambda x, y: autograd.dot(ws, [x, y], x * y),  # a made node
           lambda x, y: autograd.dot(ws, [x, y], y),  # an input
           lambda x, y: autograd.dot(ws, [x, y], b)]  # a parameter: the bias
    X = np.array([[1.0, 2.0], [-3.0, 0.5]])
    for fn in fns:
        tape = trace(fn, 2)
        same_tape(tape, walked(fn, 2), X)
        tape.check(X)
    assert len(trace(fns[2], 2).parameters) == 3 and len(trace(fns[1], 2).parameters) == 2


def test_a_constant_made_before_the_trace_and_read_by_fn_is_no_parameter() -> None:
    w = Value(2.0, label="w")
    two = (w * 2.0)._p1  # a constant leaf, made before the trace: fn reads it directly
    fn = lambda x: x * two + w * x  # noqa: E731
    tape = trace(fn, 1)
    assert tape.parameters == [w]
    X = np.array([[1.5], [-1.0]])
    assert tape(X).tolist() == [3.0 + 3.0, -2.0 - 2.0]
    tape.backward(np.ones(2))
    assert w.grad == 0.5 and two.grad == 0.0
    same_tape(tape, walked(fn, 1), X)


def test_a_weight_two_lifted_sums_share_is_one_parameter() -> None:
    w1, w2, w3 = Value(0.5, label="w1"), Value(-2.0, label="w2"), Value(3.0, label="w3")
    fns = [lambda x, y: [w1 * x + w2 * y, w1 * y + w3 * x],  # found in the graph
           lambda x, y: [autograd.dot([w1, w2], [x, y]), autograd.dot([w1, w3], [y, x])]]  # entries
    X = np.array([[1.0, 2.0], [3.0, 0.5]])
    for fn in fns:
        tape = trace(fn, 2)
        assert [g.op for g in tape._groups] == ["matmul", "matmul"]  # (they read x, y in other orders)
        assert sorted(p.label for p in tape.parameters) == ["w1", "w2", "w3"]
        for p in (w1, w2, w3):
            p.grad = 0.0
        tape(X)
        tape.backward(np.ones((2, 2)))
        assert (w1.grad, w2.grad, w3.grad) == ((1.0 + 2.0) + (3.0 + 0.5), 2.0 + 0.5, 1.0 + 3.0)
        tape.check(X)


def test_sums_with_and_without_a_bias_that_read_the_same_values_each_keep_their_own() -> None:
    w1, w2, w3, w4 = (Value(v, label=f"w{k}") for k, v in enumerate([0.5, -2.0, 3.0, 0.25], 1))
    b = Value(0.75, label="b")
    fns = [lambda x, y: [w1 * x + w2 * y + b, w3 * x + w4 * y],  # found in the graph
           lambda x, y: [autograd.dot([w1, w2], [x, y], b), autograd.dot([w3, w4], [x, y])],  # entries
           lambda x, y: autograd.dot([w3, w4], [x, y], w1 * x + w2 * y + b)]  # one is the other's start
    X = np.array([[1.0, 2.0], [3.0, 0.5]])
    wanted = [[[0.5 - 4.0 + 0.75, 3.0 + 0.5], [1.5 - 1.0 + 0.75, 9.0 + 0.125]],
              [[0.5 - 4.0 + 0.75 + 3.0 + 0.5], [1.5 - 1.0 + 0.75 + 9.0 + 0.125]]]
    for fn, want in zip(fns, [wanted[0], wanted[0], wanted[1]]):
        tape = trace(fn, 2)
        assert sorted(p.label for p in tape.parameters) == ["b", "w1", "w2", "w3", "w4"]
        assert np.allclose(tape(X).reshape(2, -1), want, rtol=1e-15, atol=0.0)
        tape.check(X)
    same_tape(trace(fns[0], 2), walked(fns[0], 2), X)  # (the walk folds fns[2]'s start into its sum)
    same_tape(trace(fns[1], 2), walked(fns[1], 2), X)


def test_a_dot_that_overflows_while_recording_leaves_no_terms_behind() -> None:
    w1, w2, big, b = Value(0.5, label="w1"), Value(-2.0, label="w2"), Value(1e300, label="big"), Value(0.75, label="b")

    def fn(x, y):
        try:  # fn catches the overflow of a sum it then drops
            autograd.dot([w1, big], [x, Value(1e300)], b)
        except OverflowError:
            pass
        return autograd.dot([w1, w2], [x, y], b)

    tape = trace(fn, 2)
    assert sorted(p.label for p in tape.parameters) == ["b", "w1", "w2"]
    X = np.array([[1.0, 2.0], [3.0, 0.5]])
    assert tape(X).tolist() == [0.5 - 4.0 + 0.75, 1.5 - 1.0 + 0.75]
    tape.check(X)
    same_tape(tape, walked(fn, 2), X)


def test_the_graph_reads_no_mark_another_thread_may_move_after_the_recording_is_checked() -> None:
    from autograd import replay

    w1, w2, b = Value(0.5, label="w1"), Value(-2.0, label="w2"), Value(0.75, label="b")

    class Raced(Recording):
        def constants(self) -> list[int]:  # called once the recording is found valid: a walk in
            replay.marked_walk([b + 1.0])  # another thread starting just then moves b's _place
            return super().constants()

    x, y = Value(0.5, label="x0"), Value(0.5, label="x1")
    with Raced([x, y]) as r:
        out = autograd.dot([w1, w2], [x, y], b)
    tape = Tape(None, [x, y], out, r)
    X = np.array([[1.0, 2.0], [3.0, 0.5]])
    assert tape(X).tolist() == [0.5 - 4.0 + 0.75, 1.5 - 1.0 + 0.75]


def test_a_recording_moves_no_mark_of_a_backward_running_in_another_thread() -> None:
    import sys

    from autograd import backward

    w, c, k = Value(2.0, label="w"), Value(3.0, label="c"), Value(5.0, label="k")
    n = w * c  # made before: the backward's graph and the recording's share it
    loss = ((n * 2.0) * 2.0) * 2.0 + n * k
    paused, resume, recorded = threading.Event(), threading.Event(), threading.Event()

    def line(frame, event, arg):  # pauses the backward once it has counted n's first reader
        if event == "line" and not paused.is_set() and frame.f_locals.get("node") is n:
            paused.set()
            resume.wait(10)
        return line

    def calls(frame, event, arg):
        return line if frame.f_code is backward._backward.__code__ else None

    def run_backward() -> None:
        sys.settrace(calls)
        try:
            loss.backward()
        finally:
            sys.settrace(None)

    def record() -> None:
        with Recording():
            n + 1.0  # reads n, which fn did not make: the recording numbers it
        recorded.set()

    first = threading.Thread(target=run_backward)
    first.start()
    assert paused.wait(10)
    second = threading.Thread(target=record)
    second.start()
    recorded.wait(0.5)  # (the recording must wait for the backward; without that, it is done by now)
    resume.set()
    first.join(10)
    second.join(10)
    assert recorded.is_set()
    assert (w.grad, c.grad, k.grad) == (3.0 * (8.0 + 5.0), 2.0 * (8.0 + 5.0), 6.0)


def test_a_recording_given_an_input_that_is_no_value_says_so_and_leaves_the_next_one_free() -> None:
    plain = value._node
    with pytest.raises(TypeError, match="inputs must be Values, got float"):
        with Recording([Value(1.0), 2.0]):
            pass
    assert value._node is plain and autograd.recording.active is None
    x = Value(0.5)
    with Recording([x]) as r:
        x * 2.0
    assert r.valid and r.nodes[0] is x  # it recorded: the failed one did not keep the lock
