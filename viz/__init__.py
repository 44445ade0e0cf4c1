"""Drawing the chain rule: graphs of Values, and ∂J/∂θ as a sum over paths.

>>> from autograd import Value
>>> import viz
>>> x = Value(3.0, label="x")
>>> J = x * x + x
>>> J.backward()
>>> rule = viz.chain_rule(J, x)
>>> rule.count, rule.total
(3, 7.0)
"""

from .chain import MAX_PATHS, ChainRule, Factor, chain_rule
from .draw import MAX_NODES, GraphTooLarge, draw, draw_chain_rule
from .exercise import Exercise, exercise
from .network import draw_network
from .player import Frame, Player, step_through
from .rendering import Drawing, RenderError, find_renderer, render, save
from .text import fmt
from .why import Why, why
from .worksheet import worksheet

__all__ = [
    "MAX_NODES",
    "MAX_PATHS",
    "ChainRule",
    "Drawing",
    "Exercise",
    "Factor",
    "Frame",
    "GraphTooLarge",
    "Player",
    "Why",
    "RenderError",
    "chain_rule",
    "draw",
    "draw_chain_rule",
    "draw_network",
    "exercise",
    "find_renderer",
    "fmt",
    "render",
    "save",
    "step_through",
    "why",
    "worksheet",
]
