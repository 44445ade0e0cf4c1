from __future__ import annotations

from autograd import Value, gradcheck, scope


def test_gradcheck_passes_and_prints_a_table() -> None:
    result = gradcheck(lambda x, y: (x * y).tanh() + y.exp(), [0.5, -1.0])
    assert result
    text = str(result)
    assert "ok" in text and "x0" in text and "x1" in text and "analytic" in text


def test_gradcheck_names_the_input_that_disagrees() -> None:
    # step's derivative is 0, but across its jump the difference quotient is huge
    result = gradcheck(lambda x, y: x.step() + y * y, [0.0, 3.0])
    assert not result
    assert result.failures == [0]
    text = str(result)
    assert "FAILED for inputs x0" in text
    assert "x0" in text.splitlines()[2] and "disagrees" in text.splitlines()[2]
    assert "disagrees" not in text.splitlines()[3]


def test_scope_tags_nodes_and_nests() -> None:
    x = Value(1.0)
    with scope("layer1"):
        with scope("neuron0") as name:
            y = x * 2.0
        z = y + 1.0
    w = z * z
    assert name == "layer1/neuron0"
    assert (x.scope, y.scope, z.scope, w.scope) == (None, "layer1/neuron0", "layer1", None)
