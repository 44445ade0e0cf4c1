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


def test_constants_are_marked_and_scoped() -> None:
    x = Value(1.0)
    with scope("outer"):
        y = x * 2.0
    c = y.parents[1]
    assert c.is_constant and c.is_leaf and c.scope == "outer" and c.label == ""
    assert not x.is_constant and not y.is_constant
    c.label = "two"
    assert c.is_constant and c.label == "two" and c.scope == "outer"


def test_labels_are_checked_and_independent() -> None:
    a, b = Value(1.0), Value(2.0)
    a.label = "a"
    assert (a.label, b.label) == ("a", "")
    for bad in (None, 0, 3):
        try:
            Value(1.0, label=bad)
        except TypeError as error:
            assert "label" in str(error)
        else:
            raise AssertionError(f"label={bad!r} was accepted")


def test_gradcheck_says_where_the_gradient_stopped_being_finite() -> None:
    result = gradcheck(lambda x: x.log() * 0.0, [1e-320], eps=1e-321)
    assert not result
    assert "log" in result.nonfinite and "not finite" in str(result)
