"""A training loop: forward over the data, loss, backward, one SGD step per batch."""

from __future__ import annotations

import contextlib
import gc
import math
import numbers
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np

from autograd import Tape, Value, checks, trace
from autograd.diagnosis import diagnose
from autograd.diagnosis_text import num

from .losses import accuracy
from .module import Module, _check_dataset, _rng
from .optim import SGD


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector inside a training loop, and restore it after.

    The engine's graphs hold no reference cycles: reference counting frees each one as
    soon as its loss goes.  The collector's repeated scans of a large live graph find
    nothing and cost up to half the training time.  ``fit`` runs inside this.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@dataclass
class History:
    """What ``fit`` saw: one entry per epoch."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] | None = None  # for classification losses only

    def __len__(self) -> int:
        return len(self.loss)


class _Progress:
    """A tqdm progress bar (``tqdm.auto``: a widget in a notebook, a bar on a terminal); nothing
    when ``quiet``, or when the output is neither a terminal nor a notebook (a pipe, a log file)."""

    def __init__(self, total: int, stream: TextIO, enabled: bool) -> None:
        from tqdm.auto import tqdm

        shown = enabled and (_in_notebook() or (hasattr(stream, "isatty") and stream.isatty()))
        self.bar = tqdm(total=total, file=stream, disable=not shown, unit="epoch", desc="epoch",
                        dynamic_ncols=True, mininterval=0.1)

    def update(self, epoch: int, loss: float, acc: float | None) -> None:
        postfix = {"loss": f"{loss:.4g}"}
        if acc is not None:
            postfix["accuracy"] = f"{acc:.1%}"
        self.bar.set_postfix(postfix, refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    ipython = shell.get_ipython() if shell is not None and hasattr(shell, "get_ipython") else None
    return ipython is not None and "IPKernelApp" in getattr(ipython, "config", {})


def fit(
    model: Module,
    loss_fn: Callable[[list, list], Value],
    X: Sequence[Sequence[float]],
    y: Sequence[Any],
    lr: float,
    epochs: int,
    *,
    batch_size: int | None = None,
    momentum: float = 0.0,
    l2: float = 0.0,
    seed: int | None = 0,
    quiet: bool = False,
    stream: TextIO | None = None,
    on_epoch: Callable[[int, History], None] | None = None,
    batched: bool = False,
) -> History:
    """Train ``model`` with SGD on ``loss_fn(predictions, targets)``.

    Full-batch by default; with ``batch_size``, shuffled mini-batches (seeded).
    ``l2`` adds l2·Σθ² to the loss.  History holds the loss of each epoch (the
    mean over its batches) and, for classification losses, the accuracy.
    A progress bar is drawn on a terminal unless ``quiet``; ``on_epoch(epoch,
    history)`` runs after each epoch.  Data or targets that are NaN or infinite are
    refused (ValueError naming the row and column) before training starts; with
    finite data, a loss that stops being finite can only come from the updates
    diverging, and raises FloatingPointError naming the epoch.

    ``batched=True`` runs the model on each batch at once through a tape (see
    ``autograd.trace``), for a model with one output or several (softmax + cross-entropy):
    the same losses and accuracies as the scalar path, to rounding, many times faster.  The model's forward pass is
    traced once, so it must not branch on ``.data`` (nn's models do not).
    """
    checks.instance(model, Module, "fit")
    checks.function(loss_fn, "loss_fn")
    nin = model.nin  # every model here knows its input size
    rows = _check_dataset(X, y, nin)
    targets = list(y)
    for i, t in enumerate(targets):  # numbers, Values, or a sequence of them (one per output)
        for v in t if isinstance(t, (list, tuple)) else (t,):
            number = v.data if isinstance(v, Value) else v
            if isinstance(number, numbers.Real) and not math.isfinite(number):
                raise ValueError(f"y[{i}] is {t!r}: the targets must be finite (drop or fill that row)")
    epochs = checks.integer(epochs, "epochs")
    if batch_size is not None:
        batch_size = checks.integer(batch_size, "batch_size")
    l2 = checks.number(l2, "l2", at_least=0.0, finite=True, type_error=ValueError)
    params = model.parameters()
    optimizer = SGD(params, lr, momentum)
    tape = _tape_of(model, rows[0]) if batched else None
    rng = _rng(seed)
    history = History()
    progress = _Progress(epochs, stream or sys.stderr, not quiet)
    last: list[Callable[[], Value]] = []  # the last batch's loss (made on demand), for the stalled-loss warning
    warned = False
    with collector_paused(), contextlib.closing(progress):
        for epoch in range(1, epochs + 1):
            loss_sum, hits = _epoch(model, loss_fn, rows, targets, optimizer, params, l2, batch_size, rng, epoch,
                                    tape, last)
            history.loss.append(loss_sum / len(rows))
            acc = None if hits is None else hits / len(rows)
            if acc is not None:
                if history.accuracy is None:
                    history.accuracy = []
                history.accuracy.append(acc)
            progress.update(epoch, history.loss[-1], acc)
            if not warned and _stalled(history.loss):
                warned = True
                warnings.warn(_stall_message(history.loss, last[0] if last else None, params),
                              RuntimeWarning, stacklevel=2)
            if on_epoch is not None:
                on_epoch(epoch, history)
    return history


def _epoch(
    model: Module,
    loss_fn: Callable[[list, list], Value],
    rows: list[list[float]],
    targets: list,
    optimizer: SGD,
    params: list[Value],
    l2: float,
    batch_size: int | None,
    rng: np.random.Generator,
    epoch: int,
    tape: Tape | None = None,
    last: list[Callable[[], Value]] | None = None,
) -> tuple[float, int | None]:
    """One pass over the data; returns the summed loss and the number of hits (None: no accuracy).

    With a tape, the model runs on the whole batch at once: its outputs become leaves of the
    loss's graph, and their gradients seed the tape's backward into the parameters."""
    n = len(rows)
    order = rng.permutation(n) if batch_size else range(n)
    size = batch_size or n
    loss_sum = 0.0
    hits: int | None = 0
    for start in range(0, n, size):
        idx = order[start : start + size]
        batch_targets = [targets[i] for i in idx]
        first = epoch == 1 and start == 0  # no update has been made yet
        try:
            preds: list[Any]  # a Value per row, or a row of Values (a model with several outputs)
            if tape is None:
                preds = [model(rows[i]) for i in idx]
            else:
                out = tape(np.asarray([rows[i] for i in idx]))
                # the tape's outputs become leaves of the loss's graph: a Value per row, or a row of them
                preds = [Value(float(v)) for v in out] if tape.single else [[Value(float(v)) for v in r] for r in out]
            loss = checks.returned(loss_fn(preds, batch_targets), Value, "loss_fn")
            if l2:
                loss = loss + l2 * sum((p * p for p in params), Value(0.0))
        except OverflowError as error:
            raise _diverged(epoch, first, str(error)) from error
        def scalar(idx: Any = idx, loss: Value = loss) -> Value:
            # the loss viz.why reads: this one, or with a tape (whose outputs are leaves of the loss, so
            # no parameter is in its graph) the same batch's loss rebuilt by the scalar engine
            return loss if tape is None else _rebuilt(model, loss_fn, rows, targets, idx, params, l2)

        if not math.isfinite(loss.data):
            raise _diverged(epoch, first, f"the loss became {num(loss.data)}" + _loss_verdict(scalar, params))
        acc = accuracy(loss_fn, preds, batch_targets)
        hits = None if acc is None or hits is None else hits + round(acc * len(idx))
        optimizer.zero_grad()
        loss.backward()
        if tape is not None:
            tape.backward(np.array([p.grad for p in preds] if tape.single else [[p.grad for p in r] for r in preds]))
        bad = next((p for p in params if not math.isfinite(p.grad)), None)
        if bad is not None:  # an update would poison every weight: stop here, where the cause can be traced
            raise _diverged(epoch, first, _gradient_verdict(scalar, bad))
        if last is not None:
            last[:] = [scalar]
        optimizer.step()
        loss_sum += loss.data * len(idx)
    return loss_sum, hits


def _tape_of(model: Module, example: list[float]) -> Tape:
    return trace(lambda *xs: model(list(xs)), len(example), at=example)  # one output or several


def _diverged(epoch: int, first: bool, what: str) -> FloatingPointError:
    # one error for every way a loss stops being finite; the advice depends on the cause
    if first:
        advice = "before any update, so the data, targets or initial weights are too large: rescale them"
    else:
        advice = "try a smaller lr"
    return FloatingPointError(f"training diverged at epoch {epoch} ({what}): {advice}")


STALL_EPOCHS = 5  # a loss that moves by no more than STALL_RTOL (relative) over this many epochs has stalled
STALL_RTOL = 1e-9


def _stalled(losses: list[float]) -> bool:
    recent = losses[-STALL_EPOCHS:]
    if len(recent) < STALL_EPOCHS or not all(math.isfinite(v) for v in recent):
        return False
    top = max(abs(v) for v in recent)
    return top > 1e-12 and max(recent) - min(recent) <= STALL_RTOL * top


def _name(p: Value) -> str:
    return "/".join(part for part in (p.scope, p.label) if part) or "a parameter"


DIAGNOSED_ROWS = 32  # a tape's batch is diagnosed on at most this many of its rows, by the scalar engine


def _rebuilt(model: Module, loss_fn: Callable[[list, list], Value], rows: list[list[float]], targets: list,
             idx: Any, params: list[Value], l2: float) -> Value:
    """A batch's loss through the scalar engine (its first DIAGNOSED_ROWS rows), for viz.why."""
    idx = list(idx)[:DIAGNOSED_ROWS]
    loss = loss_fn([model(rows[i]) for i in idx], [targets[i] for i in idx])
    if l2:
        loss = loss + l2 * sum((p * p for p in params), Value(0.0))
    return loss


_VERDICT_WORDS = {"nan": "NaN", "inf": "infinite"}  # verdicts as a sentence writes them


def _why(make_loss: Callable[[], Value], p: Value) -> str:
    """viz.why's verdict for ∂loss/∂p and its first cause, in one line ("" if the loss cannot be rebuilt)."""
    try:
        loss = make_loss()
    except (ArithmeticError, ValueError):  # a batch the scalar engine refuses: the error says enough
        return ""
    d = diagnose(loss, p)
    causes = "; ".join(f"{c.kind}: {c.text}" for c in d.causes[:3])
    more = f"; and {len(d.causes) - 3} more" if len(d.causes) > 3 else ""
    verdict = _VERDICT_WORDS.get(d.verdict, d.verdict)
    return f"why(J, {_name(p)}) says {verdict}" + (f": {causes}{more}" if causes else "")


def _gradient_verdict(loss: Callable[[], Value], p: Value) -> str:
    why = _why(loss, p)
    return f"∂J/∂{_name(p)} is {num(p.grad)}" + (f"; {why}" if why else "")


def _loss_verdict(loss: Callable[[], Value], params: list[Value]) -> str:
    why = _why(loss, params[0]) if params else ""
    return f"; {why}" if why else ""


def _stall_message(losses: list[float], loss: Callable[[], Value] | None, params: list[Value]) -> str:
    text = (f"the loss has not changed for {STALL_EPOCHS} epochs (it stays at {losses[-1]:.6g}): training has "
            "stalled")
    why = _why(loss, params[0]) if loss is not None and params else ""
    return text + (f"; {why}" if why else "")


def predict(model: Module, X: Sequence[Sequence[float]]) -> list:
    """The model's outputs as plain floats (a float per row, or a list per row)."""
    out = []
    for row in X:
        p = model(row)
        out.append(p.data if isinstance(p, Value) else [v.data for v in p])
    return out
