"""python -m demos: the listing, its errors, and the page it builds."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import demos
from demos.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("page")
    assert main(["all", "--quick", "--out", str(out)]) == 0
    return out / "index.html"


def test_page_links_only_files_that_exist(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    sources = re.findall(r'<img src="([^"]+)"', text)
    assert len(sources) >= 12
    for src in sources:
        assert "/" not in src and (page.parent / src).is_file(), src
    for anchor in re.findall(r'<a href="#([^"]+)"', text):
        assert f'id="{anchor}"' in text
    for name in demos.NAMES:
        assert f'<section id="{name}">' in text
    assert text.count("✓") >= 15


def test_listing(capsys) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("  ")]
    assert [line.split()[0] for line in lines] == list(demos.NAMES)


def test_unknown_demo_exits_2_with_a_message() -> None:
    done = subprocess.run([sys.executable, "-m", "demos", "nope"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2
    assert "unknown demo 'nope'" in done.stderr and "chain_rule" in done.stderr


def test_unwritable_out_is_a_clear_error(tmp_path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["chain_rule", "--out", str(blocker)]) == 1
    assert "is a file, not a folder" in capsys.readouterr().err
    assert main(["chain_rule", "--out", str(blocker / "sub")]) == 1
    assert "cannot create the output folder" in capsys.readouterr().err


def test_one_demo_from_the_command_line(tmp_path) -> None:
    done = subprocess.run([sys.executable, "-m", "demos", "chain_rule", "--out", str(tmp_path), "--seed", "2"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "chain_rule_theta1.svg").is_file() and not (tmp_path / "index.html").exists()


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_page_in_a_real_browser(page: Path, tmp_path) -> None:
    """Headless Chromium loads the page and every image on it."""
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=10000", "--dump-dom",
         page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    match = re.search(r'<body[^>]*data-images="([^"]*)"', done.stdout)
    assert match, "the page's image check did not run"
    images = len(re.findall(r"<img ", page.read_text(encoding="utf-8")))
    assert match.group(1) == f"ok {images}"


def test_negative_seed_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["chain_rule", "--seed", "-1"])
    assert stop.value.code == 2 and "--seed must be >= 0" in capsys.readouterr().err
