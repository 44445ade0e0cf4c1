"""Backward semantics, and the regression cases that break recursive engines."""

from __future__ import annotations

import math
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

import autograd
from autograd import Value, topological

ROOT = Path(__file__).resolve().parents[2]


def test_leaf_and_structure() -> None:
    x = Value(2.0, label="x")
    assert (x.data, x.grad, x.label, x.op, x.parents, x.local_grads) == (2.0, 0.0, "x", "", (), ())
    y = x * 3
    assert y.op == "mul" and y.parents[0] is x and y.parents[1].is_leaf
    assert y.parents[1].is_constant and not x.is_constant
    assert y.local_grads == (3.0, 2.0)
    x.data, x.grad, x.label = 5, 1.5, "renamed"
    assert (x.data, x.grad, x.label) == (5, 1.5, "renamed")


def test_int_and_numpy_scalars_are_stored_as_float() -> None:
    np = pytest.importorskip("numpy")
    for data in (3, np.float32(3.0), np.float64(3.0), np.int64(3)):
        v = Value(data)
        assert type(v.data) is float and v.data == 3.0
    w = Value(2.0) * np.float64(4.0)
    assert isinstance(w, Value) and w.data == 8.0


def test_x_plus_x_and_x_times_x() -> None:
    x = Value(3.0)
    y = x + x
    assert y.parents == (x, x)
    y.backward()
    assert x.grad == 2.0
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0


def test_repeated_doubling() -> None:
    a = Value(1.0)
    b = a + a
    c = b + b
    c.backward()
    assert (a.grad, b.grad, c.grad) == (4.0, 2.0, 1.0)


def test_sixty_doublings_have_two_to_the_sixty_paths_in_linear_time() -> None:
    x = Value(1.0)
    y = x
    for _ in range(60):
        y = y + y
    y.backward()
    assert x.grad == 2.0**60 and y.data == 2.0**60
    assert len(topological(y)) == 61


@pytest.mark.parametrize("depth", [1_000, 1_000_000])
def test_deep_chain_with_default_settings(depth: int) -> None:
    x = Value(1.0)
    y = x
    for _ in range(depth):
        y = -y
    y.backward()
    assert x.grad == (-1.0) ** depth
    del y  # freeing the chain must not overflow the C stack either


def test_deep_chain_of_products() -> None:
    x = Value(0.5)
    w = Value(1.000001)
    y = x
    for _ in range(100_000):
        y = y * w
    y.backward()
    assert x.grad == pytest.approx(1.000001**100_000, rel=1e-9)
    assert w.grad == pytest.approx(100_000 * 0.5 * 1.000001**99_999, rel=1e-9)


def test_backward_twice_doubles_leaves_and_keeps_intermediates_exact() -> None:
    x = Value(2.0)
    h = x * x
    y = h.tanh()
    y.backward()
    first_x, first_h = x.grad, h.grad
    y.backward()
    assert x.grad == 2 * first_x
    assert h.grad == first_h == pytest.approx(1 - math.tanh(4.0) ** 2)


def test_intermediate_grads_are_reset_by_a_second_output() -> None:
    x = Value(1.5)
    h = x * 2.0
    y = h * h
    z = h + 1.0
    y.backward()
    assert h.grad == 6.0
    z.backward()
    assert h.grad == 1.0  # ∂z/∂h, not accumulated with ∂y/∂h
    assert x.grad == 12.0 + 2.0  # the leaf accumulated both


def test_backward_of_a_leaf_accumulates_one() -> None:
    x = Value(4.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_backward_seed() -> None:
    x = Value(3.0)
    (x * x).backward(0.5)
    assert x.grad == 3.0


def test_zeroed_leaf_starts_again() -> None:
    x = Value(2.0)
    y = x * x
    y.backward()
    x.grad = 0.0
    y.backward()
    assert x.grad == 4.0


def test_interrupted_backward_leaves_no_stale_state(monkeypatch) -> None:
    x = Value(1.0)
    y = (x * 2.0).tanh() + x
    calls = 0

    class Boom(Exception):
        pass

    original = Value.__dict__["_g0"]

    def exploding(self):  # the second read of a local grad in pass 2 raises
        nonlocal calls
        calls += 1
        if calls == 2:
            raise Boom
        return original.__get__(self)

    monkeypatch.setattr(Value, "_g0", property(exploding, original.__set__))
    with pytest.raises(Boom):
        y.backward()
    monkeypatch.undo()
    x.grad = 0.0
    y.backward()
    assert x.grad == pytest.approx(2 * (1 - math.tanh(2.0) ** 2) + 1)


SCRIPT = textwrap.dedent(
    """
    import random
    from autograd import Value, topological
    random.seed(7)
    xs = [Value(random.uniform(-1, 1), label=f"x{i}") for i in range(6)]
    nodes = list(xs)
    for k in range(300):
        a, b = random.choice(nodes), random.choice(nodes)
        nodes.append(random.choice([a + b, a * b, (a - b).tanh(), a.sigmoid() * b]))
    J = sum(nodes[-40:], Value(0.0))
    J.backward()
    print([n.data.hex() for n in topological(J)])
    print([x.grad.hex() for x in xs])
    """
)


def test_identical_order_and_bits_on_every_run() -> None:
    outputs = set()
    for hash_seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed, PYTHONPATH=str(ROOT))
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1


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


def test_interrupts_at_random_moments_never_change_a_later_backward() -> None:
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


def test_a_single_interrupt_in_a_million_node_backward_then_exact() -> None:
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


def test_two_threads_backward_over_shared_nodes_is_exact() -> None:
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


def test_backward_steps_lists_each_node_once_with_its_updates_and_changes_no_grad() -> None:
    x = Value(3.0, label="x")
    m = x * x
    J = m + x
    steps = autograd.backward_steps(J)
    # J first (∂J/∂m = ∂J/∂x = 1), then m: x gets 3 twice, 1 + 3 + 3 = 2x + 1 = 7 in all
    assert [(node, [(slot, p, local, up, after) for slot, p, local, up, after in updates])
            for node, updates in steps] == [
        (J, [(0, m, 1.0, 1.0, 1.0), (1, x, 1.0, 1.0, 1.0)]),
        (m, [(0, x, 3.0, 1.0, 4.0), (1, x, 3.0, 1.0, 7.0)]),
    ]
    assert (x.grad, m.grad, J.grad) == (0.0, 0.0, 0.0)
    with pytest.raises(TypeError, match=r"^backward_steps\(\) needs a Value, got float$"):
        autograd.backward_steps(3.0)
