"""The notebook's exercises: the engine checks the learner's numbers."""

from __future__ import annotations

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


@pytest.mark.parametrize("answer, words", [(None, "Put your value"), ("0.5", "not a number"),
                                           (float("nan"), "not a number"), (True, "not a number")])
def test_no_answer_or_not_a_number(answer, words, capsys) -> None:
    assert not exercises.check_theta2(answer)
    assert words in capsys.readouterr().out
