"""A matplotlib plot's caption read against the plot's artists (demos.plot_captions)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import demos  # noqa: E402
from demos import plot_captions as pc  # noqa: E402
from demos.common import ClaimFailed, Section  # noqa: E402


@pytest.fixture
def rates():
    """Four loss curves in one panel, and a second panel with a twin axis and a colour bar."""
    fig, (left, right) = plt.subplots(1, 2)
    for name, lr in (("very high", 20), ("high", 5), ("low", 0.003), ("good", 1)):
        left.plot(range(1, 11), np.linspace(1, 0.1, 10) * lr, label=f"{name} (lr {lr})")
    left.set(xlabel="epoch", ylabel="cross-entropy loss", yscale="log", title="loss against epoch")
    left.legend()
    right.plot(range(5), [4, 3, 2, 1, 0.5], label="loss")
    right.plot([2], [2], "o", label="a point")
    twin = right.twinx()
    twin.plot(range(5), [0.5, 0.6, 0.8, 0.9, 1.0], label="accuracy")
    twin.set(ylabel="accuracy")
    image = right.imshow(np.zeros((3, 4)), extent=(0, 4, 0, 1), aspect="auto")
    fig.colorbar(image, ax=right)
    yield fig
    plt.close(fig)


def test_the_artists_are_read_panel_by_panel(rates) -> None:
    left, right = pc.read(rates)  # the twin and the colour bar are not panels of their own
    assert [c.label for c in left.curves] == ["very high (lr 20)", "high (lr 5)", "low (lr 0.003)", "good (lr 1)"]
    assert left.legend == [c.label for c in left.curves] and left.log_y and left.xlabel == "epoch"
    assert [c.label for c in right.curves] == ["loss", "accuracy"] and [m.label for m in right.markers] == ["a point"]
    assert right.ylabel == " | accuracy" and right.images[0].shape == (3, 4)
    assert list(right.curves[1].y) == [0.5, 0.6, 0.8, 0.9, 1.0]


def test_counts_names_and_facts(rates) -> None:
    panels = pc.read(rates)
    caption = "the training loss at four learning rates: very high, high, low and good"
    says = [pc.count("four learning rates", pc.curves(0)),
            pc.each_named("very high, high, low and good", pc.legend(0)),
            pc.fact("the training loss", lambda p: "loss" in p[0].ylabel)]
    assert pc.check(caption, panels, says) == (["four learning rates", "very high, high, low and good",
                                                 "the training loss"], [])
    # the caption drifted from the plot: five rates said, four drawn; a name that is not in the legend
    assert pc.check("five learning rates", panels, [pc.count("five learning rates", pc.curves(0))])[1] == [
        "five learning rates"]
    assert pc.check("low and tiny", panels, [pc.each_named("low and tiny", pc.legend(0))])[1] == ["low and tiny"]
    # a phrase the caption no longer says is caught too, and so is a fact that reads what is not drawn
    assert pc.check("at 4 rates", panels, [pc.count("four learning rates", pc.curves(0))])[1] == [
        "four learning rates"]
    assert pc.check("x", panels, [pc.fact("x", lambda p: p[5].title == "")])[1] == ["x"]


def test_the_phrase_gives_its_own_count() -> None:
    assert pc.number("twelve steps") == 12 and pc.number("the 450 held-out digits") == 450
    assert pc.number("22,500 grid points") == 22500 and pc.names("step, sigmoid, tanh and ReLU") == [
        "step", "sigmoid", "tanh", "ReLU"]
    assert pc.numbers("new = 0.3001 − 0.1 · (−0.09856) = 0.3099") == [0.3001, 0.1, -0.09856, 0.3099]
    with pytest.raises(ValueError, match="no count"):
        pc.number("some steps")


def test_a_plot_must_say_what_its_caption_says(tmp_path, rates) -> None:
    s = Section("x", "x", tmp_path)
    with pytest.raises(ValueError, match="says="):
        s.plot(rates, "x.svg", "a caption", says=[])


def test_a_demo_whose_caption_drifted_fails_loudly(tmp_path, monkeypatch) -> None:
    """Picture 9's caption edited to say five learning rates: the demo's check finds its phrase gone."""
    plot = Section.plot

    def drifted(self, fig, filename, caption, says):
        return plot(self, fig, filename, caption.replace("four learning rates", "five learning rates"), says)

    monkeypatch.setattr(Section, "plot", drifted)
    with pytest.raises(ClaimFailed, match="not drawn or not in the caption: four learning rates"):
        demos.load("learning_rate").run(tmp_path, quick=True, seed=0)
