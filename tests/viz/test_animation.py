"""player.save as GIF / WebP / APNG / PDF: every frame drawn from the page's own drawing, checked
against player.frames (the engine's steps), and the files read back frame by frame."""

from __future__ import annotations

import io
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

import viz
from autograd import topological
from tests.viz.test_chain import notes_network
from viz import animation, export

pytest.importorskip("resvg_py")
pytest.importorskip("svg2pdf_py")
pdfium = pytest.importorskip("pypdfium2")
Image = pytest.importorskip("PIL.Image")

NS = "{http://www.w3.org/2000/svg}"


def player() -> viz.Player:
    return viz.step_through(notes_network()["J"])


def highlighted(svg: str) -> dict[str, list[ET.Element]]:
    root = ET.fromstring(svg)
    out: dict[str, list[ET.Element]] = {"now": [], "gets": [], "reads": [], "edge": []}
    for g in root.iter(f"{NS}g"):
        if g.get("data-highlight"):
            out[g.get("data-highlight")].append(g)
    return out


def boxes(svg: str) -> dict[str, ET.Element]:
    return {g.get("data-node"): g for g in ET.fromstring(svg).iter(f"{NS}g") if g.get("data-node")}


def test_each_frame_shows_the_engines_step() -> None:
    p = player()
    order = topological(p.J)
    index = {n: i for i, n in enumerate(order)}
    nodes = p._data["nodes"]
    box_of = {n: nodes[index[n]]["box"] for n in order}
    grads: dict = {}
    for k, frame in enumerate(p.frames):
        svg = animation.frame_svg(p, k)
        marks, drawn = highlighted(svg), boxes(svg)
        assert [g.get("data-node") for g in marks["now"]] == [box_of[frame.node]], k
        text = "".join(ET.fromstring(svg).itertext())
        assert f"frame {k + 1} of {len(p.frames)}" in text
        if frame.kind == "forward":
            if nodes[index[frame.node]]["drawn"]:
                assert float(drawn[box_of[frame.node]].get("data-value")) == frame.value
            assert marks["gets"] == [] and marks["edge"] == []
        elif frame.kind == "seed":
            grads[frame.node] = 1.0
            assert drawn[box_of[frame.node]].get("data-grad") == repr(1.0)
        else:
            gets = set()
            for parent, local, upstream, after in frame.updates:
                assert upstream == grads[frame.node]
                grads[parent] = after
                if parent.is_constant:
                    continue
                assert viz.fmt(after) in text and viz.fmt(local) in text  # the update written underneath
                if nodes[index[parent]]["drawn"]:
                    assert float(drawn[box_of[parent]].get("data-grad")) == after
                if box_of[parent] not in (None, box_of[frame.node]):
                    gets.add(box_of[parent])
            assert {g.get("data-node") for g in marks["gets"]} == gets
            assert len(marks["edge"]) == sum(1 for u in frame.updates if box_of[u[0]] is not None)
        for n in order:  # every drawn box holds the gradient the engine has at this point, or "?"
            if nodes[index[n]]["drawn"]:
                shown = drawn[box_of[n]].get("data-grad")
                assert shown == ("" if n not in grads else repr(grads[n])), (k, n.label)


def test_forward_mode_frames_show_the_engines_tangents(tmp_path) -> None:
    v = notes_network()
    p = viz.step_through(v["J"], mode="forward", wrt=v["θ1"])
    order = topological(p.J)
    index = {n: i for i, n in enumerate(order)}
    nodes = p._data["nodes"]
    box_of = {n: nodes[index[n]]["box"] for n in order}
    for k, frame in enumerate(p.frames):
        svg = animation.frame_svg(p, k)
        marks, drawn = highlighted(svg), boxes(svg)
        assert [g.get("data-node") for g in marks["now"]] == [box_of[frame.node]], k
        text = "".join(ET.fromstring(svg).itertext())
        if frame.kind == "seed":
            assert drawn[box_of[frame.node]].get("data-tangent") == repr(1.0)
        elif frame.kind == "tangent":
            if nodes[index[frame.node]]["drawn"]:
                assert drawn[box_of[frame.node]].get("data-tangent") == repr(frame.value), k
            assert viz.fmt(frame.value) in text and "tangent: ∂" in text
            reads = {box_of[u[0]] for u in frame.updates} - {None, box_of[frame.node]}
            assert {g.get("data-node") for g in marks["reads"]} == reads and marks["gets"] == []
    assert p.frames[-1].node is p.J and p.frames[-1].value == pytest.approx(v["θ1"].grad, rel=1e-12)
    gif = Image.open(p.save(tmp_path / "forward.gif", frames="backward", duration=0.5))
    assert gif.n_frames == sum(1 for f in p.frames if f.kind != "forward")


def test_gif_frames_are_the_slides_in_order(tmp_path) -> None:
    p = player()
    durations = [0.5 + 0.1 * k for k in range(len(p.frames))]
    path = p.save(tmp_path / "backward.gif", duration=durations)
    gif = Image.open(path)
    assert gif.n_frames == len(p.frames) and gif.size == (1280, 720)
    previous = None
    for k in range(gif.n_frames):
        gif.seek(k)
        assert gif.info["duration"] == round(durations[k] * 1000)
        got = gif.convert("RGB")
        want = Image.open(io.BytesIO(export.to_png(animation.frame_svg(p, k), dpi=96))).convert("RGB")
        assert got.size == want.size
        assert _difference(got, want) < 2.0, k  # only the GIF palette's rounding
        if previous is not None:
            assert _difference(got, previous) > 0.05, k  # each frame shows something new
        previous = got
    orange = _count(gif, 0, animation.NOW)
    assert orange > 500  # the current node is outlined in the page's orange


def _difference(a, b) -> float:
    from PIL import ImageChops, ImageStat

    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def _count(image, k: int, colour: str) -> int:
    image.seek(k)
    rgb = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return sum(1 for px in image.convert("RGB").get_flattened_data()
               if all(abs(c - w) < 24 for c, w in zip(px, rgb)))


@pytest.mark.parametrize("suffix", [".webp", ".apng"])
def test_webp_and_apng(tmp_path, suffix) -> None:
    p = player()
    path = p.save(tmp_path / f"b{suffix}", frames=range(11, 14), duration=0.8)
    image = Image.open(path)
    assert image.n_frames == 3 and image.size == (1280, 720)


def test_pdf_one_16_9_page_a_backward_frame(tmp_path) -> None:
    p = player()
    path = p.save(tmp_path / "backward.pdf", frames="backward")
    backward = [k for k, f in enumerate(p.frames) if f.kind in ("seed", "backward")]
    doc = pdfium.PdfDocument(str(path))
    assert len(doc) == len(backward)
    for page, k in zip(doc, backward):
        assert page.get_size() == pytest.approx(animation.SLIDE)
        text = page.get_textpage().get_text_range()
        assert f"frame {k + 1} of {len(p.frames)}" in text
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "96", "-f", "2", "-l", "2", "-png", str(path), str(tmp_path / "slide")],
                       check=True, timeout=60)
        (png,) = tmp_path.glob("slide*.png")
        assert Image.open(png).size == (1280, 720)


def test_frames_and_durations_are_checked(tmp_path) -> None:
    p = player()
    n = len(p.frames)
    assert animation.pick(n, slice(-3, None)) == [n - 3, n - 2, n - 1]
    with pytest.raises(IndexError, match=f"frame {n} is out of range"):
        p.save(tmp_path / "b.gif", frames=range(n - 1, n + 1))
    with pytest.raises(ValueError, match="no frame"):
        p.save(tmp_path / "b.gif", frames=[])
    with pytest.raises(ValueError, match="'sideways' is not"):
        p.save(tmp_path / "b.gif", frames="sideways")
    with pytest.raises(ValueError, match="2 durations for 3 frames"):
        p.save(tmp_path / "b.gif", frames=range(3), duration=[1, 2])
    with pytest.raises(ValueError, match="seconds ≥ 0.02"):
        p.save(tmp_path / "b.gif", frames=range(3), duration=0.019)
    assert p.save(tmp_path / "ok.gif", frames=range(1), duration=0.02).exists()
    assert list(p for p in tmp_path.iterdir() if p.name != "ok.gif") == []
