"""viz.worksheet's variants: a factor question is added exactly when the first θ's path has two
factors or more."""

from __future__ import annotations

import random

from autograd import Value
from viz.worksheet import variants


def one_factor(rng: random.Random) -> tuple[Value, list[Value]]:
    θ = Value(rng.choice([0.5, 1.5]), label="θ")
    J = θ * 3.0
    J.label = "J"
    return J, [θ]


def two_factors(rng: random.Random) -> tuple[Value, list[Value]]:
    θ = Value(rng.choice([0.5, 1.5]), label="θ")
    z = θ * 3.0
    z.label = "z"
    J = z.tanh()
    J.label = "J"
    return J, [θ]


def test_one_factor_gets_no_factor_question() -> None:
    (v,) = variants(one_factor, [0])
    assert len(v.questions[0].rule.factors(0)) == 1
    assert [q.factor for q in v.questions] == [None]


def test_two_factors_get_a_question_on_the_second() -> None:
    (v,) = variants(two_factors, [0])
    assert len(v.questions[0].rule.factors(0)) == 2
    assert len(v.questions) == 2 and v.questions[0].factor is None
    second = v.questions[1].factor  # ∂z/∂θ = 3, the second of ∂J/∂z · ∂z/∂θ
    assert second == v.questions[0].rule.factors(0)[1] and second.value == 3.0 and second.lower.label == "θ"
