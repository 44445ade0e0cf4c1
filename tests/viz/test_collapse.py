"""viz.collapse: the deepest cut by scope that fits, its boxes in reading order, its links counted."""

from __future__ import annotations

from collections import Counter

from autograd import Value, scope, topological
from viz.collapse import OUTSIDE, collapse, title


def two_layers() -> tuple[Value, dict[str, Value]]:
    """x (outside any scope) feeds neuron2 and neuron10 of layer1; layer2/sum adds them; J = c·c outside.

    At depth 2: five boxes (x's, neuron2, neuron10, layer2/sum, J's) and five links; at depth 1: four
    boxes (x's, layer1, layer2, J's) and three links, each of two edges.  J is fed by layer2 (the
    top-level scope) at every depth."""
    x = Value(1.0, label="x")
    with scope("layer1"):
        with scope("neuron2"):
            a = x * 2.0
        with scope("neuron10"):
            b = x * 3.0
    with scope("layer2"), scope("sum"):
        c = a + b
    J = c * c
    return J, {"x": x, "a": a, "b": b, "c": c, "J": J}


def test_the_deepest_cut_that_fits_is_taken_and_none_when_nothing_fits() -> None:
    J, v = two_layers()
    order = topological(J)
    deep = collapse(order, 5)  # five boxes and five links: just fits at depth 2
    assert deep is not None and deep.depth == 2
    assert list(deep.groups) == [OUTSIDE, OUTSIDE + "layer2", "layer1/neuron2", "layer1/neuron10", "layer2/sum"]
    assert [n.data for n in deep.groups["layer1/neuron2"]] == [2.0, 2.0]  # the constant 2 and a = x·2
    assert deep.groups[OUTSIDE] == [v["x"]] and deep.groups[OUTSIDE + "layer2"] == [J]
    # a link per pair of boxes, counted; an edge inside a box (2 → a) is none
    assert deep.links == Counter({
        (OUTSIDE, "layer1/neuron2"): 1, (OUTSIDE, "layer1/neuron10"): 1,
        ("layer1/neuron2", "layer2/sum"): 1, ("layer1/neuron10", "layer2/sum"): 1,
        ("layer2/sum", OUTSIDE + "layer2"): 2,
    })
    shallow = collapse(order, 4)  # one box too many at depth 2; depth 1 has four boxes
    assert shallow is not None and shallow.depth == 1
    assert list(shallow.groups) == [OUTSIDE, OUTSIDE + "layer2", "layer1", "layer2"]
    assert shallow.links == Counter({(OUTSIDE, "layer1"): 2, ("layer1", "layer2"): 2,
                                     ("layer2", OUTSIDE + "layer2"): 2})
    assert collapse(order, 3) is None


def test_a_cut_with_boxes_to_spare_but_one_link_too_many_is_not_taken() -> None:
    J, v = two_layers()
    with scope("layer2"), scope("sum"):
        c2 = v["c"] + v["x"]  # a sixth link at depth 2, x's box to layer2/sum; still five boxes
    K = c2 * c2
    order = topological(K)
    assert collapse(order, 5).depth == 1
    assert collapse(order, 6).depth == 2 and len(collapse(order, 6).links) == 6


def test_a_box_of_nodes_outside_any_scope_says_leaves_only_when_all_are() -> None:
    x = Value(1.0)
    y = x * 2.0
    assert title(OUTSIDE, [x]) == "outside any scope (leaves)"
    assert title(OUTSIDE, [x, y]) == "outside any scope"
    J, _ = two_layers()
    order = topological(J)
    for max_nodes in (4, 5):  # cut at depth 1, then 2: J is fed by layer2 (not layer2/sum) either way
        groups = collapse(order, max_nodes).groups
        assert title(OUTSIDE + "layer2", groups[OUTSIDE + "layer2"]) == "outside any scope, fed by layer2"
    assert title(OUTSIDE + "layer1,layer2", [y]) == "outside any scope, fed by layer1, layer2"
    assert title("layer1/neuron2", [x]) == "layer1/neuron2"
