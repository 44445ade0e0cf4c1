"""The page is written whole or not at all, and a failed claim is shown on it rather than hidden."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from demos.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_failed_claim_is_shown_on_the_page_and_exits_1(tmp_path, monkeypatch, capsys) -> None:
    import demos.chain_rule as chain

    monkeypatch.setattr(chain, "numerical_grad", lambda f, xs: [0.0, 0.0])
    assert main(["all", "--quick", "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: chain_rule:") and "marked in red" in err[0]
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'class="failed-note"' in page and '<li class="fails">' in page and "finite difference" in page
    assert page.count('<li class="holds">') > 20  # the other claims are there, checked
    assert "moons" in page  # the demos after the failed one ran too


def test_an_interrupted_run_leaves_the_previous_page_byte_for_byte(tmp_path) -> None:
    out = tmp_path / "out"
    assert main(["all", "--quick", "--out", str(out), "--seed", "0"]) == 0
    before = snapshot(out)
    run = subprocess.Popen([sys.executable, "-m", "demos", "all", "--quick", "--seed", "7", "--out", str(out)],
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # wait until the run is well into the demos (some of its files written), then press Ctrl-C
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        news = [p for p in tmp_path.iterdir() if p.name.startswith(".out.new-")]
        if news and len(list(news[0].iterdir())) >= 8:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the run never got going")
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130, err
    assert "is as it was" in err
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no half-written folder left behind


def test_a_first_run_interrupted_leaves_no_page(tmp_path) -> None:
    out = tmp_path / "fresh"
    run = subprocess.Popen([sys.executable, "-m", "demos", "all", "--quick", "--out", str(out)],
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(4)
    run.send_signal(signal.SIGINT)
    run.communicate(timeout=60)
    assert not (out / "index.html").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_one_demo_replaces_its_files_and_the_page_follows(tmp_path) -> None:
    out = tmp_path / "out"
    assert main(["all", "--quick", "--out", str(out)]) == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    assert main(["chain_rule", "--out", str(out), "--seed", "3"]) == 0
    after = (out / "index.html").read_text(encoding="utf-8")
    assert after != page and "θ1 = 0.8" in after  # the page shows the new run's numbers


def test_a_folder_of_someone_elses_is_refused(tmp_path, capsys) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["all", "--quick", "--out", str(tmp_path)]) == 1
    assert "did not write" in capsys.readouterr().err
    assert os.listdir(tmp_path) == ["notes.txt"]
