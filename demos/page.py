"""index.html: one page with a section per demo, built from the sections the demos wrote."""

from __future__ import annotations

import html
import json
from pathlib import Path

from autograd.files import write_atomic
from viz.notation import html_powers

INTRO = (
    "These are the notes of session 1 (the neuron, the learning rate, weight initialisation, the loss and "
    "the chain rule), with every figure computed by chainrule, a scalar autograd engine: each number and "
    "each picture below came out of its Values, their local derivatives and backward. Every claim made in "
    "the text was checked by the demo that made the figure, which stops when one does not hold."
)

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222;
       line-height: 1.5; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 2em; }
nav a { margin-right: 1em; }
figure { margin: 1.2em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.92em; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.9em; }
.numbers { margin: 0.6em 0 0.8em 1em; border-left: 3px solid #e0e0e0; padding-left: 0.8em; }
.numbers p { margin: 0.15em 0; font-family: "STIX Two Math", "Cambria Math", "Latin Modern Math", Georgia, serif;
  font-size: 1.02em; white-space: pre-wrap; }
ul.claims { list-style: none; padding-left: 0.2em; margin: 0.6em 0; font-size: 0.95em; }
ul.claims li.holds::before { content: "✓ "; color: #2e7d32; font-weight: bold; }
ul.claims li.fails { color: #c62828; font-weight: 600; }
ul.claims li.fails::before { content: "✗ FAILED: "; }
.side-by-side { display: flex; gap: 1em; align-items: flex-start; }
.side-by-side figure { flex: 1 1 0; min-width: 0; margin: 1.2em 0; }
table.counts { border-collapse: collapse; margin: 1em 0; font-size: 0.92em; }
table.counts caption { caption-side: bottom; text-align: left; color: #555; padding-top: 0.4em; }
table.counts th, table.counts td { border-bottom: 1px solid #e0e0e0; padding: 0.25em 0.6em; text-align: right; }
table.counts th:first-child, table.counts td:first-child { text-align: left; }
.failed-note { border: 2px solid #c62828; color: #c62828; padding: 0.6em; }
"""

# sets data-images on <body>: "ok" when every image loaded, else the broken ones, and data-shown-width on
# every image (read by the tests)
CHECK_IMAGES = """
window.addEventListener("load", function () {
  var broken = Array.from(document.images).filter(function (i) { return !i.complete || i.naturalWidth === 0; });
  document.body.dataset.images = broken.length ? "broken: " + broken.map(function (i) {
    return i.getAttribute("src"); }).join(" ") : "ok " + document.images.length;
  // each figure's displayed width in CSS px, for the legibility test
  Array.from(document.images).forEach(function (i) {
    i.dataset.shownWidth = i.getBoundingClientRect().width.toFixed(1); });
});
"""


def build(out: Path, names: list[str]) -> Path:
    """Write out/index.html from out/<name>.json for each demo name, in order."""
    sections = []
    for name in names:
        source = out / f"{name}.json"
        sections.append(json.loads(source.read_text(encoding="utf-8")))
    nav = " ".join(f'<a href="#{s["name"]}">{html.escape(s["title"])}</a>' for s in sections)
    body = [f"<h1>Session 1, live</h1><p>{html.escape(INTRO)}</p><nav>{nav}</nav>"]
    failed = [(s["title"], what) for s in sections for what in s.get("failed", [])]
    if failed:
        items = "".join(f"<li>{html.escape(t)}: {html.escape(w)}</li>" for t, w in failed)
        body.append(f'<div class="failed-note">Some claims did not hold on this run; they are marked in red '
                    f"below.<ul>{items}</ul></div>")
    for s in sections:
        body.append(f'<section id="{s["name"]}"><h2>{html.escape(s["title"])}</h2>')
        for block in s["blocks"]:
            body.append(_block(out, s["name"], block))
        body.append("</section>")
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>Session 1, live — chainrule</title><style>{STYLE}</style>"
        f"<script>{CHECK_IMAGES}</script></head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n"
    )
    return write_atomic(out / "index.html", page, "the page")  # replaced whole, never half written


def _block(out: Path, name: str, block: dict) -> str:
    kind = block["kind"]
    if kind == "text":  # a power written x^k shows raised, as in the drawings and LaTeX
        return f"<p>{html_powers(block['text'])}</p>"
    if kind == "numbers":  # the numbers a demo computed: equations, set as text rather than as a log
        lines = "".join(f"<p>{html_powers(line)}</p>" for line in "\n".join(block["lines"]).split("\n"))
        return f'<div class="numbers">{lines}</div>'
    if kind == "claims":  # the checks the demo made, as a checklist
        items = "".join(f'<li class="{"holds" if item["holds"] else "fails"}">{html_powers(item["text"])}</li>'
                        for item in block["items"])
        return f'<ul class="claims">{items}</ul>'
    if kind == "figure":
        if not (out / block["file"]).is_file():
            raise FileNotFoundError(f"{name}: figure {block['file']} is missing from {out}")
        caption = html.escape(block["caption"])
        return (f'<figure><img src="{html.escape(block["file"])}" alt="{caption}">'
                f"<figcaption>{caption}</figcaption></figure>")
    if kind == "figures":  # side by side, each with its caption
        for item in block["items"]:
            if not (out / item["file"]).is_file():
                raise FileNotFoundError(f"{name}: figure {item['file']} is missing from {out}")
        cells = "".join(f'<figure><img src="{html.escape(i["file"])}" alt="{html.escape(i["caption"])}">'
                        f'<figcaption>{html.escape(i["caption"])}</figcaption></figure>' for i in block["items"])
        return f'<div class="side-by-side">{cells}</div>'
    if kind == "table":
        head = "".join(f"<th>{html.escape(c)}</th>" for c in block["header"])
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in block["rows"])
        return (f'<table class="counts"><caption>{html.escape(block["caption"])}</caption><thead><tr>{head}</tr>'
                f"</thead><tbody>{body}</tbody></table>")
    if kind == "download":  # a file the demo wrote, linked
        if not (out / block["file"]).is_file():
            raise FileNotFoundError(f"{name}: {block['file']} is missing from {out}")
        return (f'<p class="download"><a href="{html.escape(block["file"])}">{html.escape(block["file"])}</a>: '
                f"{html.escape(block['text'])}</p>")
    if kind == "player":  # made by viz.step_through: escaped there, and self-contained
        caption = html.escape(block["caption"])
        return f'<figure class="player">{block["html"]}<figcaption>{caption}</figcaption></figure>'
    raise ValueError(f"{name}: unknown block kind {kind!r}")
