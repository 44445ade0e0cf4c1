"""What a mutant of the mutation run is (Mutant, m) and the test sets mutants name."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]
    group: str = "fresh"


AG = "tests/autograd/"
NN = "tests/nn/"
VZ = "tests/viz/"
# the fresh set runs each package's whole test folder, as make test would (less the tape's and the
# player's tests, which are being rewritten, and the notebook's, which start a kernel)
AGS = ("tests/autograd", "--ignore=tests/autograd/test_tape.py")
NNS = ("tests/nn",)
VZS = ("tests/viz", "--ignore=tests/viz/test_player.py", "--ignore=tests/viz/test_notebook.py")

WHY = (VZ + "test_why.py", VZ + "test_why_model.py", VZ + "test_why_bounds.py")
EXERCISE = (VZ + "test_exercise.py", VZ + "test_exercise_fallback.py")
# viz.collapse's tests, and draw's that collapse a graph by scope (test_draw.py's others render and measure)
TAPE = (AG + "test_tape.py", AG + "test_tape_vector.py")
COLLAPSE = (VZ + "test_collapse.py", VZ + "test_draw.py::test_sixty_thousand_nodes_draw_collapsed",
            VZ + "test_draw.py::test_a_batch_with_an_unscoped_loss_collapses_compactly")


def m(name: str, file: str, old: str, new: str, *tests: str, group: str = "fresh") -> Mutant:
    return Mutant(name, file, old, new, tests, group)
