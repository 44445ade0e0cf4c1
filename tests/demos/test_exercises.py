"""The notebook's exercises: the engine checks the learner's numbers, by the quiz's rule."""

from __future__ import annotations

from fractions import Fraction

import pytest

from demos import exercises


def test_the_checks_use_the_engines_numbers(capsys) -> None:
    v = exercises.notes_network()
    assert exercises.check_theta2(v["θ2"].grad)
    assert exercises.check_theta2(round(v["θ2"].grad, 4))  # four digits are enough
    assert not exercises.check_theta2(v["θ2"].grad * 1.01)
    assert exercises.check_theta1(v["θ1"].grad)
    assert exercises.check_update(0.8 + 0.25, w=0.8, grad=-2.5, lr=0.1)
    out = capsys.readouterr().out
    assert out.count("✓ right") == 4 and "✗ not quite" in out


def test_figures_as_typed(capsys) -> None:
    # ∂J/∂θ2 = −0.100129...: −0.1 is −0.10 at two figures, right; −0.11 and −0.101 are not
    assert exercises.notes_network()["θ2"].grad == pytest.approx(-0.100129, abs=1e-6)
    assert exercises.check_theta2(-0.1) and exercises.check_theta2(-0.10) and exercises.check_theta2("−0.1001")
    assert not exercises.check_theta2(-0.11) and not exercises.check_theta2(-0.101)
    assert exercises.check_update(Fraction(21, 20), w=0.8, grad=-2.5, lr=0.1)  # 1.05 as a fraction
    assert not exercises.check_update(Fraction(21, 19), w=0.8, grad=-2.5, lr=0.1)
    assert exercises.check_update(1, w=0.8, grad=-2.0, lr=0.1)  # 1.0 exactly, typed as an int
    assert not exercises.check_update(1, w=0.8, grad=-2.5, lr=0.1)  # 1.05 is not 1 at two figures
    assert "one significant figure" in capsys.readouterr().out


def test_each_hint_fits_its_exercise(capsys) -> None:
    assert not exercises.check_update(0.55, w=0.8, grad=-2.5, lr=0.1)
    out = capsys.readouterr().out
    assert "added, not subtracted" in out and "learning rate × gradient" in out
    assert "path" not in out and "Multiply" not in out and "local derivative" not in out
    assert not exercises.check_update(-0.25, w=0.8, grad=-2.5, lr=0.1)
    assert "the step alone" in capsys.readouterr().out
    assert not exercises.check_update(0.8, w=0.8, grad=-2.5, lr=0.1)
    assert "left out" in capsys.readouterr().out
    assert not exercises.check_update(3.3, w=0.8, grad=-2.5, lr=0.1)
    assert "not scaled" in capsys.readouterr().out
    assert not exercises.check_update(1.5, w=0.8, grad=-2.5, lr=0.1)  # no slip gives 1.5
    out = capsys.readouterr().out
    assert "looks like" not in out and "against the gradient" in out

    v = exercises.notes_network()
    assert not exercises.check_theta2(-v["θ2"].grad)
    assert "sign is flipped" in capsys.readouterr().out
    assert not exercises.check_theta2(round(v["a3"].grad, 3))
    out = capsys.readouterr().out
    assert "stopped at ∂J/∂a3" in out and "∂J/∂a3 · ∂a3/∂z3 · ∂z3/∂θ2" in out
    assert not exercises.check_theta1(round(v["z2"].grad, 3))
    out = capsys.readouterr().out
    assert "stopped at ∂J/∂z2" in out and "five local derivatives" in out


@pytest.mark.parametrize("answer, words", [(None, "Put your value"), ("abc", "not a number"), ("", "not a number"),
                                           (float("nan"), "not a number"), (float("inf"), "not a number"),
                                           (True, "not a number"), ([0.5], "not a number")])
def test_no_answer_or_not_a_number(answer, words, capsys) -> None:
    assert not exercises.check_theta2(answer)
    assert words in capsys.readouterr().out


def test_close_is_the_quiz_rule() -> None:
    assert exercises.close(-0.69, -0.6931770202613652) and not exercises.close(-0.7, -0.6931770202613652)
    assert not exercises.close(True, 1.0) and not exercises.close("x", 1.0)
