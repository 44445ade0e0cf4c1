"""Training: the notes' claims about initialisation, the perceptron, SGD and fit."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest

import nn
from autograd import Value

NAN = math.nan


def hidden_units(model: nn.MLP, layer: int = 0) -> list[list[float]]:
    return [[w.data for w in n.w] + [n.b.data] for n in model.layers[layer].neurons]


def test_zero_init_keeps_hidden_units_identical() -> None:
    """The notes' 1.4.2: with every weight 0, all units of a layer get the same gradient forever."""
    X, y = nn.datasets.moons(40, seed=0)
    y = [(t + 1) / 2 for t in y]
    model = nn.MLP(2, [6, 6, 1], activation="sigmoid", init="zeros", seed=0)
    history = nn.fit(model, nn.mse, X, y, lr=0.5, epochs=30, quiet=True)
    assert history.loss[-1] < history.loss[0]  # it learns something...
    for layer in (0, 1):
        units = hidden_units(model, layer)
        assert all(u == units[0] for u in units), f"layer {layer + 1} units differ"
    assert all(w != 0.0 for u in hidden_units(model, 1) for w in u)  # ...with weights that moved together


def test_random_init_breaks_the_symmetry() -> None:
    X, y = nn.datasets.moons(40, seed=0)
    y = [(t + 1) / 2 for t in y]
    model = nn.MLP(2, [6, 6, 1], activation="sigmoid", seed=0)
    nn.fit(model, nn.mse, X, y, lr=0.5, epochs=30, quiet=True)
    units = hidden_units(model)
    assert len({tuple(u) for u in units}) == len(units)


AND = [0, 0, 0, 1]
OR = [0, 1, 1, 1]


@pytest.mark.parametrize("targets", [AND, OR], ids=["AND", "OR"])
def test_perceptron_learns_and_and_or(targets: list[int]) -> None:
    X, _ = nn.datasets.xor()
    p = nn.Perceptron(2, seed=0)
    mistakes = p.fit(X, targets, epochs=100)
    assert mistakes[-1] == 0
    assert [p(x).data for x in X] == [float(t) for t in targets]


def test_perceptron_cannot_learn_xor() -> None:
    X, y = nn.datasets.xor()
    for seed in range(5):
        p = nn.Perceptron(2, seed=seed)
        mistakes = p.fit(X, y, epochs=200)
        assert len(mistakes) == 200 and min(mistakes) > 0
        assert [p(x).data for x in X] != [float(t) for t in y]


def test_mlp_learns_xor() -> None:
    X, y = nn.datasets.xor()
    model = nn.MLP(2, [4, 1], activation="tanh", seed=1)
    history = nn.fit(model, nn.binary_cross_entropy_with_logits, X, y, lr=0.5, epochs=300, quiet=True)
    assert history.accuracy[-1] == 1.0
    assert [int(model(x).data > 0) for x in X] == y


def test_sgd_is_the_notes_update_rule() -> None:
    w = Value(2.0)
    (w * w).backward()
    opt = nn.SGD([w], lr=0.1)
    opt.step()
    assert w.data == 2.0 - 0.1 * 4.0
    opt.zero_grad()
    assert w.grad == 0.0


def test_sgd_momentum() -> None:
    w = Value(1.0)
    opt = nn.SGD([w], lr=0.5, momentum=0.9)
    w.grad = 1.0
    opt.step()  # v = 1
    opt.step()  # v = 0.9 + 1
    assert w.data == pytest.approx(1.0 - 0.5 * 1.0 - 0.5 * 1.9)


def test_fit_history_and_regression() -> None:
    xs = np.random.default_rng(0).uniform(-1.0, 1.0, size=40)
    X, y = [[float(x)] for x in xs], [2.0 * float(x) - 1.0 for x in xs]  # points on y = 2x − 1
    model = nn.MLP(1, [1], output_activation="linear", seed=0)
    history = nn.fit(model, nn.mse, X, y, lr=0.3, epochs=150, quiet=True)
    assert len(history) == 150 and history.accuracy is None
    assert history.loss[-1] < 1e-6
    neuron = model.layers[0].neurons[0]
    assert neuron.w[0].data == pytest.approx(2.0, abs=1e-3) and neuron.b.data == pytest.approx(-1.0, abs=1e-3)


def test_fit_multiclass_with_minibatches() -> None:
    X, y = nn.datasets.blobs(60, centers=3, seed=0)
    model = nn.MLP(2, [8, 3], seed=0)
    history = nn.fit(model, nn.cross_entropy, X, y, lr=0.1, epochs=15, batch_size=10, quiet=True)
    assert history.accuracy[-1] > 0.9
    assert history.loss[-1] < history.loss[0]


def test_fit_restores_the_garbage_collector() -> None:
    import gc

    X, y = nn.datasets.xor()
    assert gc.isenabled()
    nn.fit(nn.MLP(2, [2, 1], seed=0), nn.mse, X, y, lr=0.1, epochs=2, quiet=True)
    assert gc.isenabled()
    with pytest.raises(FloatingPointError, match="before any update"):  # targets too large for floats
        nn.fit(nn.MLP(2, [8, 1], seed=0), nn.mse, X, [1e200] * 4, lr=1e10, epochs=50, quiet=True)
    assert gc.isenabled()
    with pytest.raises(FloatingPointError, match="smaller lr"):
        nn.fit(nn.MLP(2, [8, 1], seed=0), nn.hinge, X, [1, -1, -1, 1], lr=1e300, epochs=50, quiet=True)
    assert gc.isenabled()


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_only() -> None:
    X, y = nn.datasets.xor()
    term = FakeTerminal()
    nn.fit(nn.MLP(2, [2, 1], seed=0), nn.mse, X, y, lr=0.1, epochs=3, stream=term)
    assert "3/3" in term.getvalue() and "loss=" in term.getvalue()
    pipe = io.StringIO()
    nn.fit(nn.MLP(2, [2, 1], seed=0), nn.mse, X, y, lr=0.1, epochs=3, stream=pipe)
    assert pipe.getvalue() == ""
    quiet = FakeTerminal()
    nn.fit(nn.MLP(2, [2, 1], seed=0), nn.mse, X, y, lr=0.1, epochs=3, stream=quiet, quiet=True)
    assert quiet.getvalue() == ""


def test_on_epoch_callback_sees_the_history() -> None:
    X, y = nn.datasets.xor()
    seen = []
    nn.fit(nn.MLP(2, [2, 1], seed=0), nn.mse, X, y, lr=0.1, epochs=4, quiet=True,
           on_epoch=lambda epoch, h: seen.append((epoch, len(h.loss))))
    assert seen == [(1, 1), (2, 2), (3, 3), (4, 4)]


def test_predict() -> None:
    model = nn.MLP(2, [3, 2], seed=0)
    out = nn.predict(model, [[0.0, 1.0], [1.0, 0.0]])
    assert np.array(out).shape == (2, 2)


@pytest.mark.parametrize("loss_fn, targets, batch_size, l2", [
    (nn.mse, "real", None, 0.0),
    (nn.hinge, "sign", 8, 1e-3),
    (nn.binary_cross_entropy_with_logits, "bit", 10, 0.0),
])
def test_batched_fit_has_the_scalar_paths_history(loss_fn, targets, batch_size, l2) -> None:
    X, y = nn.datasets.moons(40, seed=1)
    y = {"real": [0.5 * t for t in y], "sign": y, "bit": [(t + 1) / 2 for t in y]}[targets]
    histories = []
    for batched in (False, True):
        model = nn.MLP(2, [6, 1], activation="tanh", seed=2)
        h = nn.fit(model, loss_fn, X, y, lr=0.3, epochs=8, batch_size=batch_size, l2=l2, seed=0, quiet=True,
                   batched=batched)
        histories.append((h, [p.data for p in model.parameters()]))
    (scalar, ws), (tape, wt) = histories
    assert tape.loss == pytest.approx(scalar.loss, rel=1e-12)
    assert tape.accuracy == scalar.accuracy
    assert wt == pytest.approx(ws, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("batch_size", [None, 5])
def test_batched_fit_of_several_outputs_has_the_scalar_paths_history(batch_size) -> None:
    X, y = nn.datasets.blobs(24, centers=3, seed=0)
    histories = []
    for batched in (False, True):
        model = nn.MLP(2, [5, 3], activation="tanh", seed=4)
        h = nn.fit(model, nn.cross_entropy, X, y, lr=0.2, epochs=6, batch_size=batch_size, seed=1, quiet=True,
                   batched=batched)
        histories.append((h, [p.data for p in model.parameters()]))
    (scalar, ws), (tape, wt) = histories
    assert tape.loss == pytest.approx(scalar.loss, rel=1e-12)
    assert tape.accuracy == scalar.accuracy and scalar.accuracy[-1] is not None
    assert wt == pytest.approx(ws, rel=1e-10, abs=1e-12)
    assert ws != [p.data for p in nn.MLP(2, [5, 3], activation="tanh", seed=4).parameters()]  # it trained


@pytest.mark.parametrize("y, words", [
    ([0.0, Value(math.nan)], r"y\[1\]"),
    ([0.0, Value(math.inf)], r"y\[1\]"),
    ([[0.0, 1.0], [math.nan, 0.0]], r"y\[1\]"),
    ([[0.0, 1.0], (Value(1.0), Value(-math.inf))], r"y\[1\]"),
    ([math.nan, 0.0], r"y\[0\]"),
])
def test_fit_refuses_a_non_finite_target_before_any_step(y, words) -> None:
    model = nn.MLP(1, [2, 1], seed=0)
    before = [p.data for p in model.parameters()]
    with pytest.raises(ValueError, match=words):
        nn.fit(model, nn.mse, [[0.0], [1.0]], y, lr=0.1, epochs=1, quiet=True)
    assert [p.data for p in model.parameters()] == before


@pytest.mark.parametrize("l2", [math.nan, math.inf, -1e-12, True, "0.1"])
def test_fit_refuses_a_bad_l2_before_any_step(l2) -> None:
    model = nn.MLP(1, [2, 1], seed=0)
    before = [p.data for p in model.parameters()]
    with pytest.raises(ValueError, match="l2 must be a finite number >= 0"):
        nn.fit(model, nn.mse, [[0.0], [1.0]], [0.0, 1.0], lr=0.1, epochs=1, quiet=True, l2=l2)
    assert [p.data for p in model.parameters()] == before


def test_fit_takes_l2_just_inside_the_range() -> None:
    model = nn.MLP(1, [2, 1], seed=0)
    nn.fit(model, nn.mse, [[0.0], [1.0]], [0.0, 1.0], lr=0.1, epochs=1, quiet=True, l2=0)


@pytest.mark.parametrize("bad", [NAN, math.inf, -math.inf])
def test_fit_refuses_non_finite_data_naming_row_and_column(bad) -> None:
    X = [[0.0, 1.0], [1.0, bad], [0.5, 0.5]]
    with pytest.raises(ValueError, match=r"X\[1\]\[1\]"):
        nn.fit(nn.MLP(2, [2, 1], seed=0), nn.mse, X, [0.0, 1.0, 0.5], lr=0.1, epochs=1, quiet=True)


def test_divergence_is_one_error_naming_the_epoch() -> None:
    X, y = nn.datasets.xor()
    with pytest.raises(FloatingPointError, match=r"epoch \d+.*smaller lr"):
        nn.fit(nn.MLP(2, [8, 1], seed=0), nn.mse, X, y, lr=1e6, epochs=50, quiet=True)


def test_nan_targets_are_not_a_learning_rate_problem() -> None:
    X, _ = nn.datasets.xor()
    with pytest.raises(ValueError, match=r"y\[2\] is nan") as caught:
        nn.fit(nn.MLP(2, [2, 1], seed=0), nn.mse, X, [0.0, 1.0, NAN, 0.0], lr=0.1, epochs=1, quiet=True)
    assert "lr" not in str(caught.value)
