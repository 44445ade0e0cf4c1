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


def _start_and_wait(out: Path, *extra: str) -> subprocess.Popen:
    """Start `python -m demos all --quick` into out and return once it has written some files
    into its work folder (the moment is counted in files, not timed)."""
    run = subprocess.Popen([sys.executable, "-m", "demos", "all", "--quick", *extra, "--out", str(out)],
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while run.poll() is None:
        news = [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.new-")]
        if news and len(list(news[0].iterdir())) >= 6:
            return run
        time.sleep(0.02)
    pytest.fail(f"the run ended before it got going: {run.communicate()}")


def test_a_first_run_interrupted_leaves_no_page(tmp_path) -> None:
    out = tmp_path / "fresh"
    run = _start_and_wait(out)
    run.send_signal(signal.SIGINT)
    run.communicate(timeout=60)
    assert not (out / "index.html").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_clean_up_like_ctrl_c(tmp_path, sig) -> None:
    out = tmp_path / "out"
    assert main(["chain_rule", "--quick", "--out", str(out)]) == 0
    before = snapshot(out)
    run = _start_and_wait(out, "--seed", "4")
    run.send_signal(sig)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 128 + sig, err
    assert "is as it was" in err
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_the_new_page_is_swapped_in_without_a_moment_when_out_is_missing(tmp_path, monkeypatch) -> None:
    import demos.__main__ as cli

    out = tmp_path / "out"
    assert main(["neuron", "--quick", "--out", str(out)]) == 0
    seen: list[bool] = []
    real_rename, real_replace = os.rename, os.replace

    def watch(rename):
        def call(a, b, *args, **kwargs):
            result = rename(a, b, *args, **kwargs)
            seen.append(out.is_dir() and (out / "neuron.json").exists() or (out / "index.html").exists())
            return result
        return call

    monkeypatch.setattr(cli.os, "rename", watch(real_rename))
    monkeypatch.setattr(cli.os, "replace", watch(real_replace))
    assert main(["all", "--quick", "--out", str(out)]) == 0
    assert all(seen)  # after every rename the folder was there, with a page's files in it
    assert (out / "index.html").exists() and (out / cli.MARKER).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_without_an_atomic_exchange_the_two_renames_hold_signals_back(tmp_path, monkeypatch) -> None:
    import demos.__main__ as cli

    out = tmp_path / "out"
    assert main(["neuron", "--quick", "--out", str(out)]) == 0
    monkeypatch.setattr(cli, "_exchange", lambda a, b: False)
    blocked: list[set] = []
    real_rename = os.rename

    def rename(a, b):
        blocked.append(signal.pthread_sigmask(signal.SIG_BLOCK, []))
        return real_rename(a, b)

    monkeypatch.setattr(cli.os, "rename", rename)
    assert main(["all", "--quick", "--out", str(out)]) == 0
    assert len(blocked) == 3 and all(signal.SIGINT in b and signal.SIGTERM in b for b in blocked)
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])  # unblocked after
    assert (out / "index.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


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
    assert "not a folder the demos made" in capsys.readouterr().err
    assert os.listdir(tmp_path) == ["notes.txt"]


@pytest.mark.parametrize("name", ["all", "neuron"])
def test_a_web_site_with_an_index_html_of_its_own_is_refused(tmp_path, capsys, name) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>my site</h1>")
    (site / "neuron.json").write_text("{}")
    (site / "photo.jpg").write_bytes(b"\xff\xd8")
    before = snapshot(site)
    assert main([name, "--quick", "--out", str(site)]) == 1
    assert ".chainrule-demos" in capsys.readouterr().err
    assert snapshot(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_folder_the_demos_made_is_marked_and_reused(tmp_path) -> None:
    from demos.common import MARKER

    out = tmp_path / "out"
    assert main(["neuron", "--quick", "--out", str(out)]) == 0
    assert (out / MARKER).is_file()
    assert main(["all", "--quick", "--out", str(out)]) == 0
    assert (out / MARKER).is_file()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["neuron", "--quick", "--out", str(empty)]) == 0
    assert (empty / MARKER).is_file()
