"""Every loss against its closed form, and its gradient against finite differences."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd import Value, gradcheck, hessian
from tests.strategies import reals

small = reals(-4.0, 4.0)


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


@given(p=st.lists(small, min_size=1, max_size=5), data=st.data())
def test_mse(p: list[float], data) -> None:
    t = data.draw(st.lists(small, min_size=len(p), max_size=len(p)))
    assert nn.mse([Value(v) for v in p], t).data == pytest.approx(sum((a - b) ** 2 for a, b in zip(p, t)) / len(p))
    result = gradcheck(lambda *xs: nn.mse(list(xs), t), p)
    assert result, str(result)


@given(p=st.lists(reals(0.01, 0.99), min_size=1, max_size=5), data=st.data())
def test_binary_cross_entropy(p: list[float], data) -> None:
    t = data.draw(st.lists(st.sampled_from([0.0, 1.0, 0.3]), min_size=len(p), max_size=len(p)))
    closed = -sum(b * math.log(a) + (1 - b) * math.log(1 - a) for a, b in zip(p, t)) / len(p)
    assert nn.binary_cross_entropy([Value(v) for v in p], t).data == pytest.approx(closed)
    assert gradcheck(lambda *xs: nn.binary_cross_entropy(list(xs), t), p)


@given(x=st.lists(reals(-30.0, 30.0), min_size=1, max_size=5), data=st.data())
def test_bce_with_logits_equals_bce_of_sigmoid(x: list[float], data) -> None:
    t = data.draw(st.lists(st.sampled_from([0, 1]), min_size=len(x), max_size=len(x)))
    closed = sum(math.log1p(math.exp(-abs(v))) + max(v, 0) - v * b for v, b in zip(x, t)) / len(x)
    assert nn.binary_cross_entropy_with_logits([Value(v) for v in x], t).data == pytest.approx(closed, abs=1e-12)
    result = gradcheck(lambda *xs: nn.binary_cross_entropy_with_logits(list(xs), t), x)
    assert result, str(result)
    # its gradient is σ(x) − t per example, over n
    xs = [Value(v) for v in x]
    nn.binary_cross_entropy_with_logits(xs, t).backward()
    assert [v.grad for v in xs] == pytest.approx([(sigmoid(v) - b) / len(x) for v, b in zip(x, t)], abs=1e-12)


@given(x=st.lists(small, min_size=1, max_size=6))
def test_softmax(x: list[float]) -> None:
    probs = nn.softmax([Value(v) for v in x])
    z = sum(math.exp(v) for v in x)
    assert [p.data for p in probs] == pytest.approx([math.exp(v) / z for v in x])
    assert sum(p.data for p in probs) == pytest.approx(1.0)
    for k in range(len(x)):
        assert gradcheck(lambda *xs, k=k: nn.softmax(list(xs))[k], x)


@given(x=st.lists(small, min_size=2, max_size=6), data=st.data())
def test_cross_entropy(x: list[float], data) -> None:
    k = data.draw(st.integers(0, len(x) - 1))
    closed = math.log(sum(math.exp(v) for v in x)) - x[k]
    assert nn.cross_entropy([Value(v) for v in x], k).data == pytest.approx(closed)
    result = gradcheck(lambda *xs: nn.cross_entropy(list(xs), k), x)
    assert result, str(result)


def test_cross_entropy_batch_is_the_mean() -> None:
    rows, targets = [[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]], [0, 2]
    each = [nn.cross_entropy(r, t).data for r, t in zip(rows, targets)]
    assert nn.cross_entropy(rows, targets).data == pytest.approx(sum(each) / 2)


@given(s=st.lists(small, min_size=1, max_size=5), data=st.data())
def test_hinge(s: list[float], data) -> None:
    t = data.draw(st.lists(st.sampled_from([-1, 1]), min_size=len(s), max_size=len(s)))
    closed = sum(max(0.0, 1 - b * a) for a, b in zip(s, t)) / len(s)
    assert nn.hinge([Value(v) for v in s], t).data == pytest.approx(closed)
    if all(abs(1 - b * a) > 1e-3 for a, b in zip(s, t)):  # away from the kink
        assert gradcheck(lambda *xs: nn.hinge(list(xs), t), s)


def huber_by_hand(d: float, delta: float) -> float:
    return d * d / 2 if abs(d) < delta else delta * abs(d) - delta * delta / 2


@given(p=st.lists(small, min_size=1, max_size=5), data=st.data())
def test_huber(p: list[float], data) -> None:
    t = data.draw(st.lists(small, min_size=len(p), max_size=len(p)))
    delta = data.draw(st.sampled_from([0.25, 1.0, 3.0]))
    closed = sum(huber_by_hand(a - b, delta) for a, b in zip(p, t)) / len(p)
    assert nn.huber([Value(v) for v in p], t, delta=delta).data == pytest.approx(closed, rel=1e-12, abs=1e-15)
    result = gradcheck(lambda *xs: nn.huber(list(xs), t, delta=delta), p)
    assert result, str(result)


just_below_one, just_below_two = math.nextafter(1.0, 0.0), math.nextafter(2.0, 0.0)


@pytest.mark.parametrize("d, delta, value, slope, curvature", [
    (0.5, 1.0, 0.125, 0.5, 1.0),
    (just_below_one, 1.0, just_below_one**2 / 2, just_below_one, 1.0),  # just inside: the square
    (1.0, 1.0, 0.5, 1.0, 0.0),                                          # at delta: the line, as torch
    (math.nextafter(1.0, 2.0), 1.0, math.nextafter(1.0, 2.0) - 0.5, 1.0, 0.0),
    (-just_below_two, 2.0, just_below_two**2 / 2, -just_below_two, 1.0),
    (-3.0, 2.0, 4.0, -2.0, 0.0),                                        # 2·(3 − 1), slope −delta
    (0.0, 1.0, 0.0, 0.0, 1.0),
])
def test_huber_on_each_side_of_delta(d: float, delta: float, value: float, slope: float, curvature: float) -> None:
    x = Value(d)
    loss = nn.huber(x, 0.0, delta=delta)
    loss.backward()
    assert loss.data == pytest.approx(value, rel=1e-15, abs=1e-300)
    assert x.grad == slope
    assert hessian(lambda v: nn.huber(v, 0.0, delta=delta), [d]) == [[curvature]]


def test_huber_matches_torch_and_smooth_l1_to_second_order() -> None:
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    preds = [0.3, -2.5, 1.0, math.nextafter(1.0, 0.0), 4.0, -0.5, 2.5]  # at, inside and past delta = 1, 2.5
    targets = [0.0, 0.0, 0.0, 0.0, 1.5, 0.5, 0.0]
    for delta in (0.5, 1.0, 2.5):
        xs = [Value(v) for v in preds]
        ours = nn.huber(xs, targets, delta=delta)
        ours.backward()
        p = torch.tensor(preds, dtype=torch.float64, requires_grad=True)
        t = torch.tensor(targets, dtype=torch.float64)
        theirs = F.huber_loss(p, t, delta=delta)
        (g,) = torch.autograd.grad(theirs, p, create_graph=True)
        second = [torch.autograd.grad(g[i], p, retain_graph=True)[0][i].item() for i in range(len(preds))]
        assert ours.data == pytest.approx(theirs.item(), rel=1e-14)
        assert F.smooth_l1_loss(p, t, beta=delta).item() == pytest.approx(ours.data / delta, rel=1e-14)
        assert [x.grad for x in xs] == pytest.approx(g.tolist(), rel=1e-14, abs=1e-300)
        ours_second = hessian(lambda *v, delta=delta: nn.huber(list(v), targets, delta=delta), preds)
        assert [ours_second[i][i] for i in range(len(preds))] == pytest.approx(second, rel=1e-14, abs=1e-300)


def test_stable_for_huge_logits() -> None:
    for loss, expected in (
        (nn.cross_entropy([Value(1000.0), Value(-1000.0)], 1), 2000.0),
        (nn.cross_entropy([Value(-1000.0), Value(1000.0), Value(0.0)], 0), 2000.0),
        (nn.binary_cross_entropy_with_logits([Value(1000.0), Value(-1000.0)], [0, 1]), 1000.0),
    ):
        loss.backward()
        assert loss.data == pytest.approx(expected, rel=1e-12)
    xs = [Value(1000.0), Value(-1000.0)]
    probs = nn.softmax(xs)
    assert [p.data for p in probs] == [1.0, 0.0]
    nn.cross_entropy(xs, 1).backward()
    assert [v.grad for v in xs] == [1.0, -1.0]


def test_bce_clamps_the_log_at_probabilities_of_exactly_zero_and_one() -> None:
    p = [Value(0.0), Value(1.0)]
    loss = nn.binary_cross_entropy(p, [1, 0])
    loss.backward()
    assert loss.data == -nn.LOG_FLOOR
    assert all(math.isfinite(v.grad) for v in p)
    saturated = Value(-800.0).sigmoid()
    assert math.isfinite(nn.binary_cross_entropy(saturated, 1).data)


@pytest.mark.parametrize("call, error, words", [
    (lambda: nn.mse([1.0, 2.0], [1.0]), ValueError, "2 predictions but 1 targets"),
    (lambda: nn.mse([], []), ValueError, "no predictions"),
    (lambda: nn.mse(["a"], [1.0]), TypeError, "preds"),
    (lambda: nn.cross_entropy([1.0, 2.0], 5), ValueError, "target index 5 is out of range for 2 logits"),
    (lambda: nn.cross_entropy([1.0, 2.0], 1.0), TypeError, "target"),
    (lambda: nn.cross_entropy([[1.0, 2.0]], [0, 1]), ValueError, "1 logit rows but 2 targets"),
    (lambda: nn.binary_cross_entropy([1.5], [1]), ValueError, "probs"),
    (lambda: nn.binary_cross_entropy([0.5], [2]), ValueError, "targets"),
    (lambda: nn.hinge([0.5], [0]), ValueError, "-1 or +1"),
    (lambda: nn.softmax([]), ValueError, "no logits"),
    (lambda: nn.huber([1.0, 2.0], [1.0]), ValueError, "huber: 2 predictions but 1 targets"),
    (lambda: nn.huber([1.0], [1.0], delta=0.0), ValueError, "delta must be a finite number > 0, got 0.0"),
    (lambda: nn.huber([1.0], [1.0], delta=-1.0), ValueError, "delta"),
    (lambda: nn.huber([1.0], [1.0], delta=math.nan), ValueError, "delta"),
    (lambda: nn.huber([1.0], [1.0], delta=math.inf), ValueError, "delta"),
    (lambda: nn.huber([1.0], [1.0], delta="1"), TypeError, "delta"),
])
def test_bad_input(call, error, words: str) -> None:
    with pytest.raises(error, match=words.replace("+", r"\+")):
        call()


def test_bce_keeps_the_gradient_of_a_saturated_sigmoid() -> None:
    z = Value(-40.0)
    nn.binary_cross_entropy([z.sigmoid()], [1]).backward()
    assert z.grad == pytest.approx(-1.0, rel=1e-9)
    w = Value(-40.0)
    nn.binary_cross_entropy_with_logits([w], [1]).backward()
    assert z.grad == pytest.approx(w.grad, rel=1e-9)


def test_cross_entropy_is_finite_at_logits_of_ten_thousand() -> None:
    for logits in ([1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]):
        xs = [Value(v) for v in logits]
        loss = nn.cross_entropy(xs, 0)
        loss.backward()
        assert math.isfinite(loss.data) and all(math.isfinite(x.grad) for x in xs)
