"""In a real Jupyter kernel: drawings, chain rules and players display themselves."""

from __future__ import annotations

import atexit
import json
import sys
from pathlib import Path

import pytest

from tests.kernel import require_kernel

ROOT = Path(__file__).resolve().parents[2]

CELLS = [
    "import viz\nfrom autograd import Value\nx = Value(3.0, label='x')\nJ = x * x + x\nJ.label = 'J'\nJ.backward()",
    "viz.draw(J)",
    "viz.chain_rule(J, x)",
    "viz.step_through(J)",
]


def notebook_client(cells: list[str], kernel: str = "python3", startup_timeout: int = 60):
    require_kernel(kernel)
    import nbclient
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    return nbclient.NotebookClient(nb, timeout=120, kernel_name=kernel, startup_timeout=startup_timeout,
                                   resources={"metadata": {"path": str(ROOT)}})


def run_notebook(cells: list[str], kernel: str = "python3", startup_timeout: int = 60) -> list:
    client = notebook_client(cells, kernel, startup_timeout)
    try:
        client.execute()
    finally:
        atexit.unregister(client._cleanup_kernel)  # nbclient leaves it registered when the start fails
    return [cell.outputs for cell in client.nb.cells]


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


def test_a_kernel_that_is_installed_but_fails_is_a_failure_not_a_skip(tmp_path, monkeypatch) -> None:
    # an installed kernel that never answers ("Kernel didn't respond in 2 seconds") fails the test
    spec = tmp_path / "kernels" / "silent"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-c", "import time; time.sleep(60)", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "silent", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    try:
        with pytest.raises(RuntimeError, match="(?i)kernel"):
            run_notebook(["1 + 1"], kernel="silent", startup_timeout=2)
    except pytest.skip.Exception as skipped:
        pytest.fail(f"an installed kernel's failure was turned into a skip: {skipped}")
