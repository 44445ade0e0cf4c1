"""viz.exercise and viz.worksheet: questions on the teacher's own graph, the quiz's rule, answers
from the engine; the worksheet's PDF read back page by page, its HTML parsed."""

from __future__ import annotations

import fractions
import random
import re
import shutil
import subprocess

import pytest

import viz
from autograd import Value
from demos.chain_rule import network
from viz.exercise import grade, significant_figures

TRUTH = -0.6931781  # ∂J/∂a3 of the notes' network, to 7 figures


@pytest.mark.parametrize("answer, verdict", [
    ("-0.69", "right"), ("-0.693", "right"), ("-0.6932", "right"), (-0.69, "right"), ("−0.69", "right"),
    (" -0.69 ", "right"), ("-6.9e-1", "right"), ("-0.7", "too few figures"), (-0.7, "too few figures"),
    ("-0.70", "wrong"), ("-0.694", "wrong"), ("-0.6931", "wrong"), ("0.69", "wrong"),
    ("-9/13", "wrong"),  # −0.6923… to 3 figures is −0.692, not −0.693
    ("-52/75", "right"), ("-2/3", "wrong"), (fractions.Fraction(-52, 75), "right"),
    ("abc", "not a number"), ("", "not a number"), ("1/0", "not a number"), (None, "not a number"),
    (True, "not a number"), (float("nan"), "not a number"), ("0x10", "not a number"),
])
def test_the_quiz_rule(answer, verdict) -> None:
    assert grade(answer, TRUTH) == verdict


def test_rule_edges() -> None:
    assert grade(".5", 0.5) == grade("+0.5", 0.5) == grade("5e-1", 0.5) == "right"
    assert grade("-0", 0.0) == grade(0, 0.0) == grade("0.00", 0.0) == "right"
    assert grade("0", 1e-9) == "wrong" and grade("0.5", 0.0) == "wrong"
    assert grade("4", 4.0) == "right" and grade("4", 4.2) == "too few figures"
    assert grade("-0.1", -0.100129) == grade(-0.1, -0.100129) == "right"  # -0.1 is -0.10: two figures
    assert grade("-0.1", -0.1051) == "too few figures"  # it is -0.11 at two
    assert grade("-0.11", -0.1051) == "right" and grade("-0.10", -0.1051) == "wrong"
    assert [significant_figures(t) for t in ("0.0690", "-7", "1.20e3", ".5", "500", "0.00")] == [3, 1, 3, 1, 3, 0]


def notes(seed_t1: float = 0.5) -> dict[str, Value]:
    return network(1.5, 1.0, seed_t1, -1.2)


def test_exercise_answer_is_the_engines_and_grads_are_left_alone(capsys) -> None:
    v = notes()
    ex = viz.exercise(v["J"], v["θ1"])
    assert v["θ1"].grad == 0.0  # the learner's graph is not changed
    v["J"].backward()
    assert ex.answer(quiet=True) == v["θ1"].grad
    assert "∂J/∂θ1" in ex.question
    assert not ex.check(0.51)
    first = capsys.readouterr().out
    assert "not quite" in first and "∂J/∂a3 · ∂a3/∂z3" in first  # hint 1 names the factors
    assert not ex.check("0.51")
    second = capsys.readouterr().out
    assert "(−0.6932)(0.2127)" in second  # hint 2 gives their numbers
    assert ex.check(f"{v['θ1'].grad:.3g}")
    assert "right" in capsys.readouterr().out
    ex.answer()
    assert viz.fmt(v["θ1"].grad) in capsys.readouterr().out


def test_exercise_on_one_factor() -> None:
    v = notes()
    v["J"].backward()
    ex = viz.exercise(v["J"], v["θ1"], factor=1)
    assert ex.asks == "∂a3/∂z3"
    a3 = v["a3"].data
    assert ex.answer(quiet=True) == pytest.approx(a3 * (1 - a3), rel=1e-12)
    assert "σ(z3)·(1 − σ(z3))" in ex.hint()
    assert ex.check(f"{a3 * (1 - a3):.4f}", quiet=True) and not ex.check("0.3", quiet=True)
    with pytest.raises(IndexError, match="factors 0 … 4"):
        viz.exercise(v["J"], v["θ1"], factor=5)
    with pytest.raises(TypeError):
        viz.exercise(v["J"], v["θ1"], factor=1.0)
    with pytest.raises(ValueError, match="does not reach"):
        viz.exercise(v["J"], Value(1.0, label="b"))
    with pytest.raises(TypeError, match="two Values"):
        viz.exercise(v["J"], 1.0)


def make_notes(rng: random.Random) -> tuple[Value, list[Value]]:
    v = network(round(rng.uniform(0.5, 2.0), 1), 1.0, round(rng.uniform(-1, 1), 2), round(rng.uniform(-2, 2), 2))
    return v["J"], [v["θ1"], v["θ2"]]


def test_worksheet_pdf_variant_pages_then_the_key(tmp_path) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    pytest.importorskip("svg2pdf_py")
    path = viz.worksheet(make_notes, seeds=range(4), path=tmp_path / "sheet.pdf")
    doc = pdfium.PdfDocument(str(path))
    texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    assert len(doc) >= 5
    for k in range(4):
        assert f"variant {k + 1} (seed {k})" in texts[k]
        J, (t1, t2) = make_notes(random.Random(k))
        J.backward()
        page_numbers = re.findall(r"data (−?[\d.]+)", texts[k])
        assert viz.fmt(t1.data) in page_numbers  # the variant's own values are on its page
        assert viz.fmt(t1.grad) not in texts[k]  # and no answer
        key = "".join(texts[4:])
        assert f"∂J/∂θ1 = {viz.fmt(t1.grad)}" in key and f"∂J/∂θ2 = {viz.fmt(t2.grad)}" in key
    assert all("answer key" in t for t in texts[4:])
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-png", str(path), str(tmp_path / "p")],
                       check=True, timeout=60)
        assert len(list(tmp_path.glob("p*.png"))) == 1


def test_worksheet_html_and_bad_input(tmp_path) -> None:
    path = viz.worksheet(make_notes, seeds=[7, 8], path=tmp_path / "sheet.html")
    page = path.read_text()
    assert page.count('<section class="variant">') == 2 and page.count("<svg") == 2
    key = page[page.index('<section class="key">'):]
    for seed in (7, 8):
        J, (t1, _) = make_notes(random.Random(seed))
        J.backward()
        assert f"∂J/∂θ1 = {viz.fmt(t1.grad)}" in key
        assert f"∂J/∂θ1 = {viz.fmt(t1.grad)}" not in page[:page.index('<section class="key">')]
    with pytest.raises(ValueError, match="unknown suffix"):
        viz.worksheet(make_notes, seeds=[1], path=tmp_path / "sheet.docx")
    with pytest.raises(ValueError, match="no seed"):
        viz.worksheet(make_notes, seeds=[], path=tmp_path / "s.html")
    with pytest.raises(TypeError, match="must return J"):
        viz.worksheet(lambda rng: 3.0, seeds=[1], path=tmp_path / "s.html")
    with pytest.raises(TypeError, match="seeds are ints"):
        viz.worksheet(make_notes, seeds=["a"], path=tmp_path / "s.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.html"]
