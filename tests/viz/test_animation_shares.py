"""The animation's words for a frame whose node uses one parent twice (J = x · x): the second
share adds to the first, and the line says the sum."""

from __future__ import annotations

import viz
from autograd import Value
from viz.animation import Replay


def test_a_parent_used_twice_gets_both_shares_in_the_frames_text() -> None:
    x = Value(3.0, label="x")
    J = x * x
    J.label = "J"
    p = viz.step_through(J)
    replay = Replay(p._data)
    k = next(i for i, f in enumerate(p.frames) if f.kind == "backward" and f.node is J)
    lines = replay.describe(k)
    assert len(lines) == 2
    assert lines[0].endswith("→ x.grad = 3")  # 3 × 1
    assert lines[1].endswith("→ x.grad = 3 + 3 = 6")  # the second share added to the first
