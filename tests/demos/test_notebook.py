"""demos/notes.ipynb: generated from the demos, and run top to bottom in a real Jupyter kernel."""

from __future__ import annotations

import json

from demos import notebook
from tests.kernel import require_kernel


def test_the_notebook_is_what_the_generator_writes() -> None:
    assert notebook.PATH.read_text(encoding="utf-8") == notebook.text(), (
        "demos/notes.ipynb is out of date: run python -m demos.notebook")


def test_the_notebook_runs_in_a_kernel_and_shows_figures_and_a_player(tmp_path) -> None:
    require_kernel()
    import nbclient
    import nbformat

    nb = nbformat.reads(notebook.PATH.read_text(encoding="utf-8"), as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]
    assert not [out for out in outputs if out.output_type == "error"]
    kinds = [key for out in outputs for key in out.get("data", {})]
    assert kinds.count("image/svg+xml") >= 10  # the demos' figures and graphs, inline
    pages = [out["data"]["text/html"] for out in outputs if "text/html" in out.get("data", {})]
    assert any('class="chainrule-player"' in page for page in pages)
    text = "".join(out.get("text", "") for out in outputs if out.output_type == "stream")
    assert "Put your value of ∂J/∂θ2 in `answer`" in text  # the exercises wait for an answer
    assert "✓" in text and "lr 0.4" in text
    assert (tmp_path / "notes_out" / "chain_rule_theta1.svg").is_file()
    json.dumps(nb)  # the executed notebook is still a plain document
