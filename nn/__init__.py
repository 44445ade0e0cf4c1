"""Neural networks on top of the autograd engine: the notes' sections 1.2–1.5 as a library.

>>> import nn
>>> model = nn.MLP(2, [4, 1], seed=0)
>>> out = model([0.5, -1.0])
>>> out.backward()
"""

from . import datasets, export, init
from .export import to_torch
from .io import load, save
from .losses import (
    LOG_FLOOR,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge,
    huber,
    mse,
    softmax,
)
from .module import ACTIVATIONS, MLP, Layer, Module, Neuron, Perceptron
from .optim import SGD
from .train import History, collector_paused, fit, predict

__all__ = [
    "ACTIVATIONS",
    "LOG_FLOOR",
    "MLP",
    "SGD",
    "History",
    "Layer",
    "Module",
    "Neuron",
    "Perceptron",
    "binary_cross_entropy",
    "collector_paused",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "datasets",
    "export",
    "fit",
    "hinge",
    "huber",
    "init",
    "load",
    "mse",
    "predict",
    "save",
    "softmax",
    "to_torch",
]
