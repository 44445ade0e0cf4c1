"""nn's findings of the bad-input probe, one test (or more) each, named after the finding."""

from __future__ import annotations

import copy
import json
import math
import os
import pickle
import time

import pytest

import nn
from autograd import Value

NAN = math.nan


def test_finding_01_nan_reaches_the_output_of_a_model_and_a_loss() -> None:
    assert math.isnan(nn.MLP(1, [1, 1], seed=0)([NAN]).data)
    assert math.isnan(nn.hinge([NAN], [1]).data)


@pytest.mark.parametrize("bad", [NAN, math.inf, -math.inf])
def test_finding_01_fit_refuses_non_finite_data_naming_row_and_column(bad) -> None:
    X = [[0.0, 1.0], [1.0, bad], [0.5, 0.5]]
    with pytest.raises(ValueError, match=r"X\[1\]\[1\]"):
        nn.fit(nn.MLP(2, [2, 1], seed=0), nn.mse, X, [0.0, 1.0, 0.5], lr=0.1, epochs=1, quiet=True)


def test_finding_05_bce_keeps_the_gradient_of_a_saturated_sigmoid() -> None:
    z = Value(-40.0)
    nn.binary_cross_entropy([z.sigmoid()], [1]).backward()
    assert z.grad == pytest.approx(-1.0, rel=1e-9)
    w = Value(-40.0)
    nn.binary_cross_entropy_with_logits([w], [1]).backward()
    assert z.grad == pytest.approx(w.grad, rel=1e-9)


def test_finding_07_save_refuses_a_diverged_model_and_keeps_the_old_file(tmp_path) -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    path = nn.save(model, tmp_path / "model.json")
    before = path.read_bytes()
    model.layers[1].neurons[0].w[2].data = NAN
    with pytest.raises(ValueError, match=r"parameter 11 \(layer2/neuron1/w3\) is nan"):
        nn.save(model, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]  # no temporary file left


def _document(model_config: dict, parameters: list) -> str:
    return json.dumps({"format": "chainrule.nn", "version": 1, "model": model_config, "parameters": parameters})


def test_finding_08_a_huge_declared_architecture_is_refused_before_anything_is_built(tmp_path) -> None:
    path = tmp_path / "huge.json"
    config = {"kind": "MLP", "nin": 2, "nouts": [100000, 100000], "activation": "relu",
              "output_activation": "linear", "bias": True}
    path.write_text(_document(config, [0.5] * 3))
    start = time.perf_counter()
    with pytest.raises(ValueError, match="limit"):
        nn.load(path)
    config["nouts"] = [1000, 1000]  # under the limit, but not what the file holds
    path.write_text(_document(config, [0.5] * 3))
    with pytest.raises(ValueError, match="has 3 parameters"):
        nn.load(path)
    assert time.perf_counter() - start < 0.5


def test_finding_09_deeply_nested_json_is_a_value_error(tmp_path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"format": "chainrule.nn", "version": 1, "parameters": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(ValueError, match="nests"):
        nn.load(path)


def test_finding_09_a_401_digit_parameter_is_a_value_error(tmp_path) -> None:
    path = tmp_path / "big.json"
    config = {"kind": "Neuron", "nin": 1, "activation": "relu", "bias": True}
    path.write_text(_document(config, [0.5, 1]).replace("1]", "1" * 401 + "]"))
    with pytest.raises(ValueError, match="parameter 1 that is not a finite number"):
        nn.load(path)


@pytest.mark.parametrize("config", [
    {"kind": "MLP", "nin": "2", "nouts": [1]},
    {"kind": "MLP", "nin": 2, "nouts": 3},
    {"kind": "MLP", "nin": 2, "nouts": [True]},
    {"kind": "Layer", "nin": 2, "nout": -1},
    {"kind": "Neuron", "nin": 2, "bias": "yes"},
])
def test_finding_09_malformed_architectures_are_value_errors(tmp_path, config) -> None:
    path = tmp_path / "bad.json"
    path.write_text(_document(config, [0.5]))
    with pytest.raises(ValueError):
        nn.load(path)


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_finding_10_a_new_file_follows_the_umask(tmp_path, umask, mode) -> None:
    old = os.umask(umask)
    try:
        path = nn.save(nn.Neuron(2, seed=0), tmp_path / "n.json")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == mode


def test_finding_10_an_existing_file_keeps_its_mode_and_a_read_only_one_is_refused(tmp_path) -> None:
    path = tmp_path / "n.json"
    nn.save(nn.Neuron(2, seed=0), path)
    path.chmod(0o640)
    nn.save(nn.Neuron(2, seed=1), path)
    assert path.stat().st_mode & 0o777 == 0o640
    path.chmod(0o444)
    before = path.read_bytes()
    with pytest.raises(PermissionError, match="read-only"):
        nn.save(nn.Neuron(2, seed=2), path)
    assert path.read_bytes() == before


def test_finding_10_saving_to_a_symlink_writes_its_target(tmp_path) -> None:
    target = tmp_path / "real.json"
    nn.save(nn.Neuron(2, seed=0), target)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    model = nn.Neuron(2, seed=5)
    nn.save(model, link)
    assert link.is_symlink()
    assert [p.data for p in nn.load(target).parameters()] == [p.data for p in model.parameters()]


def test_finding_11_divergence_is_one_error_naming_the_epoch() -> None:
    X, y = nn.datasets.xor()
    with pytest.raises(FloatingPointError, match=r"epoch \d+.*smaller lr"):
        nn.fit(nn.MLP(2, [8, 1], seed=0), nn.mse, X, y, lr=1e6, epochs=50, quiet=True)


def test_finding_11_nan_targets_are_not_a_learning_rate_problem() -> None:
    X, _ = nn.datasets.xor()
    with pytest.raises(ValueError, match=r"y\[2\] is nan") as caught:
        nn.fit(nn.MLP(2, [2, 1], seed=0), nn.mse, X, [0.0, 1.0, NAN, 0.0], lr=0.1, epochs=1, quiet=True)
    assert "lr" not in str(caught.value)


@pytest.mark.parametrize("inputs", [{0: 1.0, 1: 2.0, 2: 3.0}, {1.0, 2.0, 3.0}, frozenset({1.0, 2.0, 3.0})])
def test_finding_13_unordered_and_mapping_inputs_are_refused(inputs) -> None:
    with pytest.raises(TypeError, match="ordered sequence"):
        nn.MLP(3, [2, 1], seed=0)(inputs)


@pytest.mark.parametrize("make", [
    lambda: nn.MLP(2, [4, 3, 1], activation="tanh", seed=0),
    lambda: nn.MLP(2, [3, 2], activation="leaky_relu", output_activation="linear", seed=1),
    lambda: nn.Layer(3, 2, activation="sigmoid", seed=0),
    lambda: nn.Perceptron(2, seed=0),
])
@pytest.mark.parametrize("clone", [lambda m: pickle.loads(pickle.dumps(m)), copy.deepcopy])
def test_finding_14_models_pickle_and_deep_copy(make, clone) -> None:
    model = make()
    twin = clone(model)
    x = [0.3, -0.7, 0.2][: model.nin]
    out, twin_out = model(x), twin(x)
    outs = out if isinstance(out, list) else [out]
    twin_outs = twin_out if isinstance(twin_out, list) else [twin_out]
    assert [v.data for v in twin_outs] == [v.data for v in outs]
    assert all(a is not b for a, b in zip(model.parameters(), twin.parameters()))


# What held in the probe, and must keep holding -----------------------------------------------------

def test_held_cross_entropy_is_finite_at_logits_of_ten_thousand() -> None:
    for logits in ([1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]):
        xs = [Value(v) for v in logits]
        loss = nn.cross_entropy(xs, 0)
        loss.backward()
        assert math.isfinite(loss.data) and all(math.isfinite(x.grad) for x in xs)


def test_held_no_pickle_or_eval_in_the_library() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for package in ("autograd", "nn", "viz", "demos"):
        for source in (root / package).glob("*.py"):
            text = source.read_text(encoding="utf-8")
            for word in ("import pickle", "pickle.load", "eval(", "exec("):
                if word == "exec(" and source.name == "__main__.py" and package == "autograd":
                    continue  # the tour runs its own constant lines, never anything read from outside
                assert word not in text, f"{source.name} uses {word}"


SAVER = """
import sys
import nn
model = nn.MLP(4, [64, 64, 1], seed=0)
print("ready", flush=True)
while True:
    for p in model.parameters():
        p.data += 1.0
    nn.save(model, sys.argv[1])
"""


def test_held_save_is_atomic_under_sigkill(tmp_path) -> None:
    import signal
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    path = tmp_path / "model.json"
    for delay in (0.3, 0.45, 0.6):
        proc = subprocess.Popen([sys.executable, "-c", SAVER, str(path)], cwd=root, stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        model = nn.load(path)  # whole: the old file or the new one, never half of one
        values = {p.data - q.data for p, q in zip(model.parameters(), nn.MLP(4, [64, 64, 1], seed=0).parameters())}
        assert len({round(v, 6) for v in values}) == 1
