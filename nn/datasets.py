"""Small seeded toy datasets, as plain lists: X is a list of rows, y a list of targets.

Each function takes ``seed`` (an int, or None for fresh randomness) and returns ``(X, y)``.
"""

from __future__ import annotations

import numpy as np

from autograd import checks

from .module import _rng


def _noise(noise: float) -> float:
    return checks.number(noise, "noise", at_least=0.0)


def moons(n: int = 100, noise: float = 0.1, seed: int | None = 0) -> tuple[list, list]:
    """Two interleaving half circles; labels −1 and +1 (the upper moon is −1)."""
    n = checks.integer(n, "n", least=2)
    noise = _noise(noise)
    rng = _rng(seed)
    n_top = n // 2
    t_top = np.linspace(0.0, np.pi, n_top)
    t_bottom = np.linspace(0.0, np.pi, n - n_top)
    top = np.column_stack([np.cos(t_top), np.sin(t_top)])
    bottom = np.column_stack([1.0 - np.cos(t_bottom), 0.5 - np.sin(t_bottom)])
    X = np.vstack([top, bottom]) + rng.normal(scale=noise, size=(n, 2))
    y = np.concatenate([-np.ones(n_top), np.ones(n - n_top)])
    order = rng.permutation(n)
    return X[order].tolist(), y[order].tolist()


def blobs(
    n: int = 150, centers: int = 3, spread: float = 0.6, seed: int | None = 0
) -> tuple[list, list]:
    """Gaussian clusters around ``centers`` points on a circle of radius 3; labels 0..centers−1."""
    n = checks.integer(n, "n")
    k = checks.integer(centers, "centers")
    spread = _noise(spread)
    rng = _rng(seed)
    angles = 2.0 * np.pi * np.arange(k) / k
    middle = 3.0 * np.column_stack([np.cos(angles), np.sin(angles)])
    labels = np.arange(n) % k
    X = middle[labels] + rng.normal(scale=spread, size=(n, 2))
    order = rng.permutation(n)
    return X[order].tolist(), labels[order].astype(int).tolist()


def xor(n: int = 4, noise: float = 0.0, seed: int | None = 0) -> tuple[list, list]:
    """The XOR truth table (labels 0/1), repeated to ``n`` points with optional jitter."""
    n = checks.integer(n, "n")
    noise = _noise(noise)
    rng = _rng(seed)
    corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    idx = np.arange(n) % 4
    X = corners[idx] + (rng.normal(scale=noise, size=(n, 2)) if noise else 0.0)
    y = (corners[idx, 0] != corners[idx, 1]).astype(int)
    return X.tolist(), y.tolist()


def spirals(
    n: int = 200, classes: int = 2, noise: float = 0.2, seed: int | None = 0
) -> tuple[list, list]:
    """``classes`` interleaved spiral arms; labels 0..classes−1."""
    n = checks.integer(n, "n")
    k = checks.integer(classes, "classes", least=2)
    noise = _noise(noise)
    rng = _rng(seed)
    labels = np.arange(n) % k
    r = np.linspace(0.05, 1.0, n)
    theta = 4.0 * r + 2.0 * np.pi * labels / k + rng.normal(scale=noise, size=n)
    X = np.column_stack([r * np.sin(theta), r * np.cos(theta)])
    order = rng.permutation(n)
    return X[order].tolist(), labels[order].astype(int).tolist()
