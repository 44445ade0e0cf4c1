"""viz.why exactly at its thresholds: a gradient equal to tiny·s or huge·s is "ok", one a hair
past is not; a σ whose slope equals ``saturated`` is not saturated; tiny must be below huge."""

from __future__ import annotations

import math

import pytest

import viz
from autograd import Value


def test_a_gradient_equal_to_tiny_times_s_is_ok_and_just_below_is_tiny() -> None:
    θ = Value(0.5, label="θ")
    J = θ * 0.25  # J = 0.125 and θ = 0.5, both within 1: s = 1, and ∂J/∂θ = 0.25 exactly
    assert viz.why(J, θ, tiny=0.25).verdict == "ok"
    assert viz.why(J, θ, tiny=math.nextafter(0.25, 1.0)).verdict == "tiny"


def test_a_gradient_equal_to_huge_times_s_is_ok_and_just_above_is_huge() -> None:
    θ = Value(0.25, label="θ")
    J = θ * 4.0  # J = 1 and θ = 0.25: s = 1, and ∂J/∂θ = 4 exactly
    assert viz.why(J, θ, tiny=1e-8, huge=4.0).verdict == "ok"
    assert viz.why(J, θ, tiny=1e-8, huge=math.nextafter(4.0, 0.0)).verdict == "huge"


def test_tiny_equal_to_huge_is_refused() -> None:
    θ = Value(0.25, label="θ")  # J = 0.5: s = 1, and ∂J/∂θ = 2
    with pytest.raises(ValueError, match="huge"):
        viz.why(θ * 2.0, θ, tiny=1.0, huge=1.0)
    assert viz.why(θ * 2.0, θ, tiny=1.0, huge=math.nextafter(1.0, 2.0)).verdict == "huge"


def test_a_sigmoid_whose_slope_equals_saturated_is_not_saturated() -> None:
    θ = Value(1.0, label="θ")
    J = (θ * 25.0).sigmoid()
    slope = J.local_grads[0]  # σ′(25), the only factor below 1 on the path
    assert 0.0 < slope < 1e-10
    assert [c.kind for c in viz.why(J, θ, saturated=slope).causes] == ["vanishing product"]
    just_above = math.nextafter(slope, 1.0)
    assert [c.kind for c in viz.why(J, θ, saturated=just_above).causes] == ["saturated", "vanishing product"]


def _cancelling(n: int) -> tuple[Value, Value]:
    """J = θ·1 + … + θ·1 (n − 1 times) + θ·(−(n − 1)): n paths whose products sum to 0 exactly."""
    θ = Value(0.5, label="θ")
    J = θ * 1.0
    for _ in range(n - 2):
        J = J + θ * 1.0
    J = J + θ * float(-(n - 1))
    J.label = "J"
    return J, θ


@pytest.mark.parametrize(("n", "dots"), [(8, False), (9, True)])
def test_the_latex_of_cancelling_paths_lists_eight_terms_then_dots(n: int, dots: bool) -> None:
    J, θ = _cancelling(n)
    r = viz.why(J, θ)
    assert r.verdict == "zero" and r.causes[0].kind == "paths cancel" and len(r.causes[0].terms) == n
    assert (r"\dots" in r.latex()) is dots
