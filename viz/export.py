"""SVG to PNG and PDF without a system Graphviz: resvg draws the pixels, svg2pdf writes vector PDF.

Graphviz writes ``font-family="Helvetica,sans-Serif"``.  Neither converter knows that name,
so every text is given two families: Liberation Sans, which has Helvetica's widths (the
widths Graphviz laid the boxes out with), when the system has it, then DejaVu Sans, which
has every glyph the project writes (θ, ∂, ✓, σ, ², −, ℓ, subscripts) and ships with
matplotlib.  Only those files are loaded, so a glyph one lacks is taken from the other,
never from some unrelated system font.

The converters are in the ``plot`` extra (``pip install 'chainrule[plot]'``).
"""

from __future__ import annotations

import functools
import glob
import os
import re
from typing import Any

from autograd import checks

from .rendering import RenderError

PLOT_HINT = "pip install 'chainrule[plot]'"
FAMILIES = "Liberation Sans, DejaVu Sans"
_SIZE = re.compile(r'<svg\b[^>]*?\swidth="([\d.]+)(pt|px)?"\s+height="([\d.]+)(pt|px)?"', re.S)


class ExportError(RenderError):
    """A converter this export needs is not installed; the message names the extra."""


def font_files() -> list[str]:
    """The font files the converters get: Liberation Sans (if the system has it) and DejaVu Sans."""
    return list(_font_files())


@functools.lru_cache(maxsize=1)
def _font_files() -> tuple[str, ...]:
    found: list[str] = []
    for root in ("/usr/share/fonts", "/usr/local/share/fonts", os.path.expanduser("~/.fonts"),
                 "/Library/Fonts", "/System/Library/Fonts"):
        found += sorted(glob.glob(os.path.join(root, "**", "LiberationSans-*.ttf"), recursive=True))
    dejavu = _dejavu_folder()
    if dejavu:
        found += [os.path.join(dejavu, f"DejaVuSans{style}.ttf") for style in ("", "-Bold", "-Oblique", "-BoldOblique")]
        found.append(os.path.join(dejavu, "DejaVuSansMono.ttf"))  # the player's equations
    else:
        found += sorted(glob.glob("/usr/share/fonts/**/DejaVuSans*.ttf", recursive=True))
    if not found:
        raise ExportError(f"no font with the project's glyphs found (DejaVu Sans comes with matplotlib: {PLOT_HINT})")
    return tuple(found)


def _dejavu_folder() -> str | None:
    try:
        import matplotlib
    except ImportError:
        return None
    folder = os.path.join(os.path.dirname(matplotlib.__file__), "mpl-data", "fonts", "ttf")
    return folder if os.path.exists(os.path.join(folder, "DejaVuSans.ttf")) else None


def svg_size(svg: str) -> tuple[float, float]:
    """The picture's width and height in points (1/72 inch), from the root element."""
    m = _SIZE.search(svg)
    if m is None:
        raise ValueError("the SVG has no width and height on its root element")
    unit = 1.0 if m.group(2) == "pt" else 0.75  # a CSS px (or a bare number) is 3/4 of a point
    return float(m.group(1)) * unit, float(m.group(3)) * unit


def have(fmt: str) -> bool:
    """Whether the converter for ``fmt`` ('png' or 'pdf') is installed."""
    import importlib.util

    return importlib.util.find_spec("resvg_py" if fmt == "png" else "svg2pdf_py") is not None


def scaled_svg(svg: str, scale: float) -> str:
    """``svg`` shown ``scale`` times its size (its fonts as they were)."""
    w, h = svg_size(svg)
    return sized(svg, w * scale, h * scale, "pt", fonts=False)


def sized(svg: str, width: float, height: float, unit: str = "pt", fonts: bool = True) -> str:
    """``svg`` with its root width and height set (the viewBox kept: the picture is scaled), no
    XML prolog, and (``fonts``) every text in :data:`FAMILIES`."""
    if "<svg" not in svg:
        raise ValueError("not an SVG document")
    svg = svg[svg.index("<svg"):]
    m = _SIZE.search(svg)
    if m is None:
        raise ValueError("the SVG has no width and height on its root element")
    if "viewBox" not in svg[:m.end() + 200].split(">", 1)[0]:  # keep the drawing's own coordinates
        w0, h0 = m.group(1), m.group(3)
        svg = svg.replace("<svg", f'<svg viewBox="0 0 {w0} {h0}"', 1)
        m = _SIZE.search(svg)
    head = svg[m.start():m.end()]
    head = re.sub(r'\swidth="[^"]*"', f' width="{width:.6g}{unit}"', head, count=1)
    head = re.sub(r'\sheight="[^"]*"', f' height="{height:.6g}{unit}"', head, count=1)
    svg = svg[:m.start()] + head + svg[m.end():]
    if not fonts:
        return svg
    svg = re.sub(r'font-family="(?![^"]*Mono)[^"]*"', f'font-family="{FAMILIES}"', svg)
    return re.sub(r"font-family:[^;\"']*", f"font-family:{FAMILIES}", svg)


def check_scale(scale: Any, dpi: Any) -> tuple[float, float | None]:
    """``scale`` and ``dpi`` as numbers, or a ValueError/TypeError naming the bad one."""
    for name, value in (("scale", scale), ("dpi", dpi)):
        if value is None and name == "dpi":
            continue
        checks.number(value, name, above=0, finite=True)
    return float(scale), None if dpi is None else float(dpi)


def png_pixels(svg: str, scale: float = 1.0, dpi: float | None = None) -> tuple[int, int]:
    """The PNG size: the picture's points at ``dpi`` (96, Graphviz's own, when None), times ``scale``."""
    w, h = svg_size(svg)
    per_point = (96.0 if dpi is None else dpi) / 72.0 * scale
    return max(1, round(w * per_point)), max(1, round(h * per_point))


def to_png(svg: str, scale: float = 1.0, dpi: float | None = None, background: str = "white") -> bytes:
    """``svg`` drawn as PNG (see :func:`png_pixels` for its size), on ``background``."""
    try:
        import resvg_py
    except ImportError:
        raise ExportError(f"PNG at a size needs resvg: {PLOT_HINT}") from None
    width, height = png_pixels(svg, scale, dpi)
    ready = sized(svg, width, height, "")  # in pixels (the viewBox maps the drawing onto them)
    return bytes(resvg_py.svg_to_bytes(svg_string=ready, background=background, skip_system_fonts=True,
                                       font_files=font_files(), dpi=96.0))


def to_pdf(svg: str, scale: float = 1.0) -> bytes:
    """``svg`` as a one-page vector PDF, the page the picture's size times ``scale``, fonts embedded."""
    return pdf_pages([svg], scale)


def pdf_pages(svgs: list[str], scale: float = 1.0) -> bytes:
    """Several SVGs as the pages of one PDF, each page its picture's size times ``scale``."""
    try:
        import svg2pdf_py
    except ImportError:
        raise ExportError(f"PDF without a system Graphviz needs svg2pdf: {PLOT_HINT}") from None
    if not svgs:
        raise ValueError("a PDF needs at least one page")
    db = svg2pdf_py.FontDatabase()
    for path in font_files():
        db.load_font_file(path)
    pages = []
    for svg in svgs:
        w, h = svg_size(svg)
        # svg2pdf writes one PDF point per user unit of the width and height
        pages.append(svg2pdf_py.svg_to_pdf(sized(svg, w * scale, h * scale, ""), db))
    return pages[0] if len(pages) == 1 else _join(pages)


def _join(pdfs: list[bytes]) -> bytes:
    try:
        import pypdfium2
    except ImportError:
        raise ExportError(f"a PDF of several pages needs pypdfium2: {PLOT_HINT}") from None
    import io

    out = pypdfium2.PdfDocument.new()
    for data in pdfs:
        out.import_pages(pypdfium2.PdfDocument(data))
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()
