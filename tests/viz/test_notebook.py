"""In a real Jupyter kernel: drawings, chain rules and players display themselves."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CELLS = [
    "import viz\nfrom autograd import Value\nx = Value(3.0, label='x')\nJ = x * x + x\nJ.label = 'J'\nJ.backward()",
    "viz.draw(J)",
    "viz.chain_rule(J, x)",
    "viz.step_through(J)",
]


def run_notebook(cells: list[str]) -> list:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT)}})
    try:
        client.execute()
    except (RuntimeError, OSError) as error:  # no kernel could be started here
        if "kernel" in str(error).lower() and "died" not in str(error).lower():
            pytest.skip(f"the Jupyter kernel cannot start: {error}")
        raise
    return [cell.outputs for cell in nb.cells]


def test_drawings_chain_rules_and_players_display_in_a_kernel() -> None:
    outputs = run_notebook(CELLS)
    (drawing,) = outputs[1]
    assert drawing["output_type"] == "execute_result"
    assert drawing["data"]["image/svg+xml"].lstrip().startswith(("<?xml", "<svg", "<!--"))
    (rule,) = outputs[2]
    assert "<svg" in rule["data"]["image/svg+xml"]
    markdown = rule["data"]["text/markdown"]
    assert "∂J/∂x" in markdown and r"\frac{\partial J}{\partial x}" in markdown
    (player,) = outputs[3]
    page = player["data"]["text/html"]
    for contract in ('class="chainrule-player"', 'data-frame="0"', "data-frames=", "data-node=", "data-value=",
                     "data-grad=", "data-leaf"):
        assert contract in page, contract
