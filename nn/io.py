"""Saving and loading models as JSON (never pickle: a model file cannot run code).

The file records the model's kind, its constructor arguments and every
parameter's value, in ``parameters()`` order.  ``load`` rebuilds the model, or
fills one you pass in after checking that it has the same architecture, and
changes nothing unless the whole file is valid.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from .module import MLP, Layer, Module, Neuron, Perceptron

FORMAT = "chainrule.nn"
VERSION = 1


def _config(model: Module) -> dict[str, Any]:
    if isinstance(model, Perceptron):
        return {"kind": "Perceptron", "nin": model.nin}
    if isinstance(model, Neuron):
        return {"kind": "Neuron", "nin": model.nin, "activation": model.activation, "bias": model.b is not None}
    if isinstance(model, Layer):
        n = model.neurons[0]
        return {"kind": "Layer", "nin": model.nin, "nout": model.nout, "activation": model.activation,
                "bias": n.b is not None}
    if isinstance(model, MLP):
        return {"kind": "MLP", "nin": model.nin, "nouts": model.sizes[1:], "activation": model.activation,
                "output_activation": model.output_activation, "bias": model.layers[0].neurons[0].b is not None}
    raise TypeError(f"save() knows Neuron, Layer, MLP and Perceptron, not {type(model).__name__}")


def _build(config: dict[str, Any]) -> Module:
    kind = config.get("kind")
    args = {k: v for k, v in config.items() if k != "kind"}
    makers = {"Perceptron": Perceptron, "Neuron": Neuron, "Layer": Layer, "MLP": MLP}
    if kind not in makers:
        raise ValueError(f"unknown model kind {kind!r} in the file")
    try:
        return makers[kind](**args, seed=0)
    except TypeError as error:
        raise ValueError(f"the file's {kind} arguments are not valid: {error}") from None


def save(model: Module, path: str | os.PathLike) -> Path:
    """Write ``model`` to ``path`` as JSON; the file is replaced whole or not at all."""
    config = _config(model)
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"save: {path} is a folder; give a file name such as model.json")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"save: folder {path.parent} does not exist")
    document = {
        "format": FORMAT,
        "version": VERSION,
        "model": config,
        "parameters": [p.data for p in model.parameters()],
    }
    text = json.dumps(document, indent=1)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path


def load(path: str | os.PathLike, into: Module | None = None) -> Module:
    """Read a model written by :func:`save`.

    With ``into``, the values go into that model, which must have the file's
    architecture; otherwise a new model is built.  A corrupt, foreign or
    mismatched file raises ValueError and leaves ``into`` untouched.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"load: {path} is not a text file") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"load: {path} is not valid JSON ({error})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"load: {path} is not a chainrule model file")
    if document.get("version") != VERSION:
        raise ValueError(f"load: {path} has version {document.get('version')!r}; this chainrule reads {VERSION}")
    config, values = document.get("model"), document.get("parameters")
    if not isinstance(config, dict) or not isinstance(values, list):
        raise ValueError(f"load: {path} lacks its model description or parameters")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in values):
        raise ValueError(f"load: {path} has a parameter that is not a finite number")
    if into is None:
        model = _build(config)
    else:
        if _config(into) != config:
            raise ValueError(
                f"load: {path} holds a {_describe(config)}, but the model given is a {_describe(_config(into))}"
            )
        model = into
    params = model.parameters()
    if len(params) != len(values):
        raise ValueError(f"load: {path} has {len(values)} parameters; its {config['kind']} needs {len(params)}")
    for p, v in zip(params, values):
        p.data = float(v)
    return model


def _describe(config: dict[str, Any]) -> str:
    return f"{config.get('kind')}({', '.join(f'{k}={v}' for k, v in config.items() if k != 'kind')})"
