"""Every python example in the README runs as written, in order."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_has_examples() -> None:
    assert len(BLOCKS) >= 5


def test_readme_examples_run(capsys) -> None:
    namespace: dict = {}
    for i, block in enumerate(BLOCKS):
        exec(compile(block, f"README.md block {i}", "exec"), namespace)
    out = capsys.readouterr().out
    assert "gradcheck ok" in out
    assert "TypeError" in out and "ValueError" in out


def test_every_example_pastes_into_a_repl() -> None:
    """Each block, line by line into an interactive interpreter (as pasted into python3), raises nothing:
    a loop followed by more code needs the blank line the REPL wants."""
    import code

    console = code.InteractiveConsole()
    errors: list[str] = []
    console.showsyntaxerror = lambda *a, **k: errors.append("SyntaxError")
    console.showtraceback = lambda *a, **k: errors.append("traceback")
    for i, block in enumerate(BLOCKS):
        for line in block.splitlines():
            console.push(line)
            assert not errors, f"README.md block {i}, at: {line!r}"
        console.push("")
