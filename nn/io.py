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
from pathlib import Path
from typing import Any

from autograd.files import write_atomic

from .module import MLP, Layer, Module, Neuron, Perceptron

FORMAT = "chainrule.nn"
VERSION = 1
MAX_PARAMETERS = 10_000_000  # load refuses a file declaring more (a scalar engine could not train it anyway)


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
    """Write ``model`` to ``path`` as JSON; the file is replaced whole or not at all.

    A model with a NaN or infinite parameter is refused (a diverged model must not
    replace a good checkpoint).  A new file gets the permissions the umask gives;
    an existing one keeps its own, and a read-only one is refused.  A symlink is
    written through, to its target.
    """
    config = _config(model)
    values = [p.data for p in model.parameters()]
    for i, (p, v) in enumerate(zip(model.parameters(), values)):
        if not math.isfinite(v):
            where = f"{p.scope}/{p.label}" if p.scope else p.label
            raise ValueError(f"save: parameter {i} ({where}) is {v!r}; nothing was written")
    if os.path.isdir(path):
        raise IsADirectoryError(f"save: {path} is a folder; give a file name such as model.json")
    document = {"format": FORMAT, "version": VERSION, "model": config, "parameters": values}
    return write_atomic(path, json.dumps(document, indent=1, allow_nan=False), "save")


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
    except RecursionError:
        raise ValueError(f"load: {path} nests its JSON too deeply to be a model file") from None
    except ValueError as error:  # an integer of more digits than Python converts (4,300)
        raise ValueError(f"load: {path} holds a number too long to be read ({error})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"load: {path} is not a chainrule model file")
    version = document.get("version")
    if type(version) is not int or version != VERSION:  # true is no version number
        raise ValueError(f"load: {path} has version {_shown(version)}; this chainrule reads {VERSION}")
    config, values = document.get("model"), document.get("parameters")
    if not isinstance(config, dict) or not isinstance(values, list):
        raise ValueError(f"load: {path} lacks its model description or parameters")
    for i, v in enumerate(values):
        if not _finite_number(v):
            raise ValueError(f"load: {path} has parameter {i} that is not a finite number")
    expected = _count(config, path)  # checked before anything is built
    if expected != len(values):
        raise ValueError(f"load: {path} has {len(values)} parameters; its {config['kind']} needs {expected}")
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


def _finite_number(v: object) -> bool:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    try:
        return math.isfinite(float(v))
    except OverflowError:  # an int of hundreds of digits
        return False


def _size(config: dict[str, Any], key: str, path: Path, shown: str | None = None) -> int:
    n = config.get(key)
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_PARAMETERS:
        raise ValueError(f"load: {path} declares {shown or key} = {_shown(n)}; it must be a whole number "
                         f"from 1 to {MAX_PARAMETERS:,}")
    return n


def _shown(v: object) -> str:
    """repr(v), but an int too long to print in full (Python refuses past 4,300 digits) by its size."""
    if isinstance(v, int) and not isinstance(v, bool) and v.bit_length() > 200:
        return f"an integer of about {int(v.bit_length() * math.log10(2)) + 1:,} digits"
    text = repr(v)
    return text if len(text) <= 80 else text[:77] + "..."


def _count(config: dict[str, Any], path: Path) -> int:
    """How many parameters the declared architecture has, without building it."""
    kind = config.get("kind")
    if kind not in ("Perceptron", "Neuron", "Layer", "MLP"):
        raise ValueError(f"load: unknown model kind {_shown(kind)} in {path}")
    bias = config.get("bias", True)
    if not isinstance(bias, bool):
        raise ValueError(f"load: {path} declares bias = {_shown(bias)}; it must be true or false")
    nin = _size(config, "nin", path)
    if kind == "Perceptron":
        total = nin + 1
    elif kind == "Neuron":
        total = nin + bias
    elif kind == "Layer":
        total = _size(config, "nout", path) * (nin + bias)
    else:  # an MLP
        nouts = config.get("nouts")
        if not isinstance(nouts, list) or not nouts:
            raise ValueError(f"load: {path} declares nouts = {_shown(nouts)}; it must be a list of layer sizes")
        sizes = [nin] + [_size({"nouts": n}, "nouts", path, f"nouts[{i}] (of nouts = {_shown(nouts)})")
                         for i, n in enumerate(nouts)]
        total = sum(a * b + b * bias for a, b in zip(sizes, sizes[1:]))
    if total > MAX_PARAMETERS:
        raise ValueError(f"load: {path} declares {total:,} parameters, more than the limit of {MAX_PARAMETERS:,}")
    return total


def _describe(config: dict[str, Any]) -> str:
    return f"{config.get('kind')}({', '.join(f'{k}={v}' for k, v in config.items() if k != 'kind')})"
