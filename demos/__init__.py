"""The session-1 notes re-made live: one demo per section, each computed by the engine.

``python -m demos`` lists them; ``python -m demos all --out DIR`` runs them all
and writes DIR/index.html.
"""

from __future__ import annotations

import importlib
from types import ModuleType

NAMES = ("neuron", "learning_rate", "weight_init", "gradients", "losses", "chain_rule", "moons", "spirals", "digits",
         "broken")


def load(name: str) -> ModuleType:
    """The demo module called ``name``; ValueError for an unknown one."""
    if name not in NAMES:
        raise ValueError(f"unknown demo {name!r}; the demos are: {', '.join(NAMES)}")
    return importlib.import_module(f"demos.{name}")


__all__ = ["NAMES", "load"]
