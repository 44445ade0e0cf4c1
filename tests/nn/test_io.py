"""save/load: JSON round trips; corrupt, foreign or mismatched files are refused whole."""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path

import pytest

import nn

NAN = math.nan


@pytest.mark.parametrize("model", [
    nn.MLP(2, [5, 3, 1], activation="tanh", output_activation="sigmoid", seed=1),
    nn.MLP(3, [4, 2], activation="leaky_relu", seed=2, bias=False),
    nn.Layer(3, 2, activation="relu", seed=3),
    nn.Neuron(4, activation="sigmoid", seed=4),
    nn.Perceptron(2, seed=5),
], ids=["mlp", "mlp-nobias", "layer", "neuron", "perceptron"])
def test_round_trip_gives_identical_outputs(tmp_path, model) -> None:
    path = nn.save(model, tmp_path / "model.json")
    loaded = nn.load(path)
    assert type(loaded) is type(model) and repr(loaded) == repr(model)
    x = [0.3, -0.8, 1.5, 0.2][: model.nin]
    out, again = model(x), loaded(x)
    as_floats = (lambda o: [v.data for v in o]) if isinstance(out, list) else (lambda o: o.data)
    assert as_floats(out) == as_floats(again)
    assert [p.data for p in loaded.parameters()] == [p.data for p in model.parameters()]


def test_load_into_an_existing_model(tmp_path) -> None:
    source = nn.MLP(2, [3, 1], seed=1)
    target = nn.MLP(2, [3, 1], seed=2)
    nn.load(nn.save(source, tmp_path / "m.json"), into=target)
    assert [p.data for p in target.parameters()] == [p.data for p in source.parameters()]


def test_file_is_json_not_pickle(tmp_path) -> None:
    path = nn.save(nn.Neuron(2, seed=0), tmp_path / "n.json")
    document = json.loads(path.read_text())
    assert document["format"] == "chainrule.nn" and len(document["parameters"]) == 3


def test_different_architecture_refuses_and_changes_nothing(tmp_path) -> None:
    path = nn.save(nn.MLP(2, [4, 1], seed=1), tmp_path / "m.json")
    other = nn.MLP(2, [5, 1], seed=2)
    before = [p.data for p in other.parameters()]
    with pytest.raises(ValueError, match="MLP"):
        nn.load(path, into=other)
    assert [p.data for p in other.parameters()] == before


@pytest.mark.parametrize("content, words", [
    ("{not json", "not valid JSON"),
    ('{"format": "something-else"}', "not a chainrule model file"),
    ('[1, 2, 3]', "not a chainrule model file"),
    ('{"format": "chainrule.nn", "version": 99}', "version 99"),
    ('{"format": "chainrule.nn", "version": 1, "model": {"kind": "MLP", "nin": 2, "nouts": [1], "activation":'
     ' "relu", "output_activation": "linear", "bias": true}, "parameters": [1.0]}',
     "has 1 parameters; its MLP needs 3"),
    ('{"format": "chainrule.nn", "version": 1, "model": {"kind": "Robot"}, "parameters": []}', "unknown model kind"),
    ('{"format": "chainrule.nn", "version": 1, "model": {"kind": "Neuron", "nin": 1, "activation": "relu",'
     ' "bias": true}, "parameters": [1.0, "x"]}', "not a finite number"),
    ('{"format": "chainrule.nn", "version": 1, "model": {"kind": "Neuron", "nin": 1, "colour": "red"},'
     ' "parameters": [1.0, 2.0]}', "arguments are not valid"),
])
def test_corrupt_or_foreign_files(tmp_path, content: str, words: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(ValueError, match=words):
        nn.load(path)


def test_binary_file(tmp_path) -> None:
    path = tmp_path / "bad.bin"
    path.write_bytes(b"\x80\x81\xff")
    with pytest.raises(ValueError, match="not a text file"):
        nn.load(path)


def test_save_to_a_missing_folder_writes_nothing(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        nn.save(nn.Neuron(2, seed=0), tmp_path / "missing" / "m.json")
    with pytest.raises(IsADirectoryError):
        nn.save(nn.Neuron(2, seed=0), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_save_replaces_whole_files(tmp_path) -> None:
    path = tmp_path / "m.json"
    nn.save(nn.MLP(2, [3, 1], seed=1), path)
    nn.save(nn.Neuron(2, seed=0), path)
    assert isinstance(nn.load(path), nn.Neuron)
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


def test_save_refuses_what_it_cannot_describe(tmp_path) -> None:
    with pytest.raises(TypeError, match="save"):
        nn.save(nn.Module(), tmp_path / "m.json")


def _tampered(tmp_path, change) -> Path:
    import json
    import sys

    path = nn.save(nn.MLP(2, [3, 1], seed=0), tmp_path / "m.json")
    document = json.loads(path.read_text())
    change(document)
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)  # to write a 5,000-digit integer into the file
    try:
        path.write_text(json.dumps(document))
    finally:
        sys.set_int_max_str_digits(limit)
    return path


@pytest.mark.parametrize("change, words", [
    (lambda d: d.update(version=True), r"version True; this chainrule reads 1"),
    (lambda d: d.update(version=1.0), r"version 1\.0;"),
    (lambda d: d["model"].update(nouts=[[1]]), r"nouts\[0\] \(of nouts = \[\[1\]\]\) = \[1\]"),
    (lambda d: d["model"].update(nouts=[3, 0]), r"nouts\[1\] \(of nouts = \[3, 0\]\) = 0"),
    (lambda d: d["model"].update(nin=10**5000), r"m\.json.*too long to be read"),
    (lambda d: d["parameters"].__setitem__(0, 10**5000), r"m\.json.*too long to be read"),
])
def test_tampered_files_are_refused_with_the_path_and_what_is_wrong(tmp_path, change, words) -> None:
    path = _tampered(tmp_path, change)
    with pytest.raises(ValueError, match=words) as error:
        nn.load(path)
    assert str(path) in str(error.value)


def test_a_huge_declared_size_is_told_by_its_digits() -> None:
    from nn.io import _shown

    assert _shown(10**5000) == "an integer of about 5,001 digits"
    assert _shown(2**199) == repr(2**199)  # 60 digits: printed as it is
    assert _shown(2**200) == "an integer of about 61 digits"
    assert _shown(True) == "True"


def test_save_refuses_a_diverged_model_and_keeps_the_old_file(tmp_path) -> None:
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


def test_a_huge_declared_architecture_is_refused_before_anything_is_built(tmp_path) -> None:
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


def test_deeply_nested_json_is_a_value_error(tmp_path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"format": "chainrule.nn", "version": 1, "parameters": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(ValueError, match="nests"):
        nn.load(path)


def test_a_401_digit_parameter_is_a_value_error(tmp_path) -> None:
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
def test_malformed_architectures_are_value_errors(tmp_path, config) -> None:
    path = tmp_path / "bad.json"
    path.write_text(_document(config, [0.5]))
    with pytest.raises(ValueError):
        nn.load(path)


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_follows_the_umask(tmp_path, umask, mode) -> None:
    old = os.umask(umask)
    try:
        path = nn.save(nn.Neuron(2, seed=0), tmp_path / "n.json")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == mode


def test_an_existing_file_keeps_its_mode_and_a_read_only_one_is_refused(tmp_path) -> None:
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


def test_saving_to_a_symlink_writes_its_target(tmp_path) -> None:
    target = tmp_path / "real.json"
    nn.save(nn.Neuron(2, seed=0), target)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    model = nn.Neuron(2, seed=5)
    nn.save(model, link)
    assert link.is_symlink()
    assert [p.data for p in nn.load(target).parameters()] == [p.data for p in model.parameters()]


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


def test_save_is_atomic_under_sigkill(tmp_path) -> None:
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
