"""Side-by-side benchmarks: chainrule's engine against micrograd 0.1.0, in one process.

Run with ``make bench`` (or ``python -m bench [--reps N] [--quick]``).  Engines are
interleaved repetition by repetition so that both see the same machine load;
figures are medians.  The interpreter keeps its default settings (garbage
collector on).  ``gc.collect()`` runs, untimed, before every timed repetition,
so no engine pays for the garbage another left behind; this favours micrograd,
whose closures leave cycles that only the collector can free.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import math
import os
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator

from autograd import Value
from nn.datasets import moons

from .batch import mlp


def load_engines() -> dict[str, Callable]:
    """Each engine as a constructor of scalar leaves: chainrule, micrograd, and PyTorch when installed."""
    engines: dict[str, Callable] = {"chainrule": Value}
    try:
        from micrograd.engine import Value as MicroValue
    except ImportError:
        print("micrograd is not installed (pip install micrograd==0.1.0): no ratios\n")
    else:
        engines["micrograd"] = MicroValue
    try:
        import torch
    except ImportError:
        pass
    else:
        def scalar(x: float) -> object:  # a 0-d float64 tensor: PyTorch's nearest thing to a Value
            return torch.tensor(float(x), dtype=torch.float64, requires_grad=True)

        scalar.cleared_grad = None  # torch wants None, not 0.0, for a cleared gradient
        engines["pytorch"] = scalar
    return engines


def moons_step(V: Callable) -> tuple[Callable[[], float], Callable[[], int]]:
    """micrograd's demo: MLP 2-16-16-1 of Values, SVM max-margin loss + 1e-4 L2, one SGD step.

    The same code runs on either engine; only the Value class differs.
    """
    X, y = moons(100, noise=0.1, seed=1)
    rnd = random.Random(1337)

    def neuron(nin: int) -> list:
        return [V(rnd.uniform(-1, 1)) for _ in range(nin)] + [V(0.0)]

    sizes = [2, 16, 16, 1]
    layers = [[neuron(sizes[i]) for _ in range(sizes[i + 1])] for i in range(3)]
    params = [p for layer in layers for n in layer for p in n]
    cleared = getattr(V, "cleared_grad", 0.0)

    def forward(x: list) -> object:
        return mlp(layers, x)

    def loss() -> object:
        inputs = [list(map(V, row)) for row in X]
        scores = list(map(forward, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in params)
        return data_loss + reg_loss

    def step() -> float:
        total = loss()
        for p in params:
            p.grad = cleared
        total.backward()
        for p in params:
            p.data -= 0.5 * p.grad
        return total.data

    def count_ops() -> int:
        # every node of the loss graph that an op made (not the leaves)
        total = loss()
        seen, stack, ops = set(), [total], 0
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            children = getattr(node, "parents", None)
            children = getattr(node, "_prev", ()) if children is None else children
            ops += bool(children)
            stack.extend(children)
        return ops

    return step, count_ops


def chain(V: Callable, n: int) -> tuple[object, object]:
    x = V(1.0)
    w = V(0.9999999)
    y = x
    for _ in range(n):
        y = y * w
    return x, y


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def backward_time(y: object) -> float | str:
    try:
        return timed(y.backward)[0]
    except RecursionError:
        return "RecursionError"


def bytes_per_node(V: Callable, n: int) -> float:
    gc.collect()
    tracemalloc.start()
    x, y = chain(V, n)
    y.backward() if V is Value else None  # micrograd cannot backpropagate this deep
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del x, y
    return size / n


def batched(micrograd: float | None, reps: int, quick: bool = False) -> None:
    """The moons step through a tape, beside micrograd and the same step written by hand in numpy,
    PyTorch (vectorised) and JAX (jit) when installed; then how long tracing takes."""
    from .batch import jax_step, numpy_step, tape_step, torch_step

    with single_threaded() as threads:
        print(f"\nthe same moons step, batched (autograd.trace), one thread each: {threads}")
        print("  side by side as the batch grows (interleaved rounds of consecutive steps, medians; ratios to")
        print("  numpy by hand; at 2 rows the time is nearly all Python dispatch):")
        names = {"tape": "chainrule tape", "numpy": "numpy by hand", "torch": "PyTorch vectorised", "jax": "JAX jit"}
        sizes = (2, 100, 1_000) if quick else (2, 100, 1_000, 10_000)
        print("  " + f"{'rows':>7}" + "".join(f"{names[k]:>24}" for k in names))
        at_100 = None
        for n in sizes:
            pair = {"tape": tape_step(n), "numpy": numpy_step(n), "torch": torch_step(n), "jax": jax_step(n)}
            got = interleaved({k: v for k, v in pair.items() if v is not None}, max(reps, 15))
            cells = [f"{ms(got[k])} ({got[k] / got['numpy']:.2f}x)" if k in got else "not installed" for k in names]
            print("  " + f"{n:>7,}" + "".join(f"{c:>24}" for c in cells))
            at_100 = got["tape"] if n == 100 else at_100
        if micrograd and at_100:
            print(f"  at 100 points (micrograd's demo) the tape's step is {micrograd / at_100:,.0f}x micrograd's speed")
    trace_times(quick)


def interleaved(steps: dict[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    """Each step's median time: rounds in which every step runs a block of consecutive calls
    (at least 3 and about 10 ms of them, so that each is timed warm, as in a training loop), one
    step after the other, so that all see the same machine load."""
    block = {}
    for name, step in steps.items():
        step()
        start = time.perf_counter()
        step()
        block[name] = max(3, min(200, int(0.01 / max(time.perf_counter() - start, 1e-6))))
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            gc.collect()
            start = time.perf_counter()
            for _ in range(block[name]):
                step()
            times[name].append((time.perf_counter() - start) / block[name])
    return {name: statistics.median(t) for name, t in times.items()}


@contextlib.contextmanager
def single_threaded() -> Iterator[str]:
    """numpy's BLAS, PyTorch and JAX held to one thread each (a fair comparison on a machine shared
    with other work); yields what was set."""
    said = []
    flags = os.environ.get("XLA_FLAGS")  # read by JAX when it starts (in jax_step), so set first
    os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
    said.append(f"JAX XLA_FLAGS={os.environ['XLA_FLAGS']!r}")
    with contextlib.ExitStack() as stack:
        if flags is None:
            stack.callback(os.environ.pop, "XLA_FLAGS", None)
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:
            said.insert(0, "numpy's BLAS at its default threads (threadpoolctl is not installed)")
        else:
            stack.enter_context(threadpool_limits(limits=1))
            said.insert(0, "numpy's BLAS 1 thread (threadpoolctl)")
        try:
            import torch
        except ImportError:
            pass
        else:
            before = torch.get_num_threads()
            torch.set_num_threads(1)
            stack.callback(torch.set_num_threads, before)
            said.insert(1, "torch.set_num_threads(1)")
        yield ", ".join(said)


def trace_times(quick: bool) -> None:
    """CPU time to trace an MLP 2-h-h-1 (fn building its graph included), and a model 10x its size;
    beside it, fn alone building the same graph (the garbage collector paused, as trace does).
    Each size is timed in a fresh process (what a large graph leaves in the allocator slows the
    next one), and the sizes take turns, round after round, so that a machine whose speed drifts
    slows both; the minimum of the rounds is shown."""
    import json
    import subprocess

    print("\ntracing (autograd.trace of an MLP 2-h-h-1, the graph's building included; CPU time, min of 3"
          " fresh processes taking turns, each the min of 4 traces; in brackets fn alone building the graph)")
    widths = (80, 250) if quick else (250, 790)
    best: dict[int, tuple[float, float, int]] = {}
    for _ in range(3):
        for h in widths:
            run = subprocess.run([sys.executable, "-c", f"from bench.__main__ import trace_once; trace_once({h})"],
                                 capture_output=True, text=True, check=True, cwd=os.path.dirname(os.path.dirname(
                                     os.path.abspath(__file__))))
            traced, alone, size = json.loads(run.stdout.splitlines()[-1])
            was = best.get(h, (math.inf, math.inf, size))
            best[h] = (min(was[0], traced), min(was[1], alone), size)
    small = best[widths[0]]
    for h in widths:
        traced, alone, size = best[h]
        grows = (f", {size / small[2]:.1f}x the ops in {traced / small[0]:.1f}x the time [{alone / small[1]:.1f}x]"
                 if h != widths[0] else "")
        print(f"  2-{h}-{h}-1 ({2 * size:,} ops: {size:,} products and their sums): "
              f"{fmt(traced)} [{fmt(alone)}]{grows}")


def trace_once(h: int) -> None:
    """Print [trace time, fn's time alone, parameters] for an MLP 2-h-h-1 (see trace_times)."""
    import json

    import nn
    from autograd import Value, trace

    model = nn.MLP(2, [h, h, 1], seed=0)
    traced = alone = math.inf
    tape = None
    for _ in range(4):  # (the first runs are slower: numpy's import, code not yet specialised)
        tape = None
        start = time.process_time()
        tape = trace(lambda *x: model(list(x)), 2)
        traced = min(traced, time.process_time() - start)
        size = len(tape.parameters)
        tape = None
        gc.disable()
        start = time.process_time()
        out = model([Value(0.5), Value(0.5)])
        alone = min(alone, time.process_time() - start)
        del out
        gc.enable()
    print(json.dumps([traced, alone, size]))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.3f} ms"


def fmt(seconds: float | str) -> str:
    return seconds if isinstance(seconds, str) else f"{seconds * 1000:,.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=9, help="timed repetitions per engine (default 9)")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, chains up to 10^5")
    args = parser.parse_args(argv)
    if args.reps < 1:
        parser.error("--reps must be >= 1")
    reps = 3 if args.quick else args.reps
    engines = load_engines()
    print(f"Python {sys.version.split()[0]}, garbage collector {'on' if gc.isenabled() else 'off'}, "
          f"gc thresholds {gc.get_threshold()}; medians of {reps}\n")

    steps = {name: moons_step(V) for name, V in engines.items()}
    for name, (_, count_ops) in steps.items():
        if name != "pytorch":  # its graph lives in C++, out of reach of this count
            print(f"{name}: the moons step's loss graph has {count_ops():,} ops")
    times: dict[str, list[float]] = {name: [] for name in engines}
    # warm-up: CPython 3.11 specialises a function's bytecode after its 8th call, and the
    # step's own functions (loss, its comprehensions) run once per step: time steady state
    for _ in range(3 if args.quick else 8):
        for step, _ in steps.values():
            step()
    for _ in range(reps):
        for name, (step, _) in steps.items():
            times[name].append(timed(step)[0])
    medians = {name: statistics.median(t) for name, t in times.items()}
    print("\nmoons training step (forward + backward + SGD update)")
    for name, m in medians.items():
        ratio = f"  {medians['micrograd'] / m:5.1f}x micrograd's speed" if "micrograd" in medians else ""
        print(f"  {name:<10} {fmt(m):>12}{ratio}")

    batched(medians.get("micrograd"), reps, args.quick)

    sizes = [10**4, 10**5] if args.quick else [10**4, 10**5, 10**6]
    print("\nchain y = y * w of n ops: forward / backward")
    for n in sizes:
        runs = 1 if n >= 10**6 else max(1, reps // 3)
        rows: dict[str, tuple[list, list]] = {name: ([], []) for name in engines}
        for _ in range(runs):
            for name, V in engines.items():
                t, (_, y) = timed(lambda V=V, n=n: chain(V, n))
                rows[name][0].append(t)
                rows[name][1].append(backward_time(y))
                del y
        for name, (fw, bw) in rows.items():
            b = bw[0] if isinstance(bw[0], str) else statistics.median(bw)
            per = "" if isinstance(b, str) else f"   ({(statistics.median(fw) + b) / n * 1e9:,.0f} ns/op)"
            print(f"  n={n:<9,} {name:<10} {fmt(statistics.median(fw)):>12} / {fmt(b):>14}{per}")

    n = sizes[-1]
    print(f"\nmemory of a chain of {n:,} ops (tracemalloc, after backward where it can run)")
    for name, V in engines.items():
        if name == "pytorch":
            print(f"  {name:<10} (its tensors live outside Python's allocator, where tracemalloc cannot see them)")
        else:
            print(f"  {name:<10} {bytes_per_node(V, n):,.0f} bytes a node")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
