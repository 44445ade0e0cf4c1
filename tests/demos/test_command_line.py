"""The demos' command line: a bad renderer or output folder is refused before any work, in one line, exit 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _demos(*args: str, env: dict | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "demos", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=120)


def _one_line_error(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, done.stderr
    return errors[0]


def test_no_renderer_is_one_line_before_any_work(tmp_path) -> None:
    # ask for the system dot on a PATH that has none
    env = dict(os.environ, CHAINRULE_RENDERER="dot", PATH=str(tmp_path))
    done = _demos("all", "--quick", "--out", str(tmp_path / "out"), env=env)
    assert "renderer" in _one_line_error(done)
    assert "===" not in done.stdout  # no demo started
    assert not any((tmp_path / "out").iterdir())


def test_index_html_that_is_a_folder_is_refused_before_any_work(tmp_path) -> None:
    (tmp_path / "index.html").mkdir()
    (tmp_path / ".chainrule-demos").write_text("")  # a folder the demos made, so only index.html is wrong
    done = _demos("all", "--quick", "--out", str(tmp_path))
    assert "index.html is a folder" in _one_line_error(done)
    assert "===" not in done.stdout


def test_an_empty_out_is_refused(tmp_path) -> None:
    done = _demos("chain_rule", "--out", "", cwd=ROOT)
    assert done.returncode == 2 and "--out needs a folder name" in done.stderr
